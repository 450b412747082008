"""Regenerates src/test/resources/closed-vocab/ (vocab.json, merges.txt): a tiny closed CLIP-style
vocabulary of whole words, like the project's bundled model uses. Every word becomes exactly one
token 'word</w>': merges are added left to right, each at the lowest priority, so a new merge never
changes how an earlier word is merged. Run from text-encoder/: python3 tools/gen_closed_vocab.py
"""
import json, os, string

WORDS = ["a", "red", "green", "blue", "yellow", "white", "black", "circle", "square", "triangle",
         "on", "of", "the", "and", "background", "photo", "cat", "dog", "big", "small"]

def bpe(word, ranks):
    syms = list(word[:-1]) + [word[-1] + "</w>"]
    while len(syms) > 1:
        pairs = [(ranks.get((syms[i], syms[i + 1]), 1e9), i) for i in range(len(syms) - 1)]
        rank, i = min(pairs)
        if rank == 1e9:
            break
        syms = syms[:i] + [syms[i] + syms[i + 1]] + syms[i + 2:]
    return syms

merges, ranks = [], {}
for w in WORDS:
    while True:
        syms = bpe(w, ranks)
        if len(syms) == 1:
            break
        pair = (syms[0], syms[1])
        ranks[pair] = len(merges)
        merges.append(pair)

vocab = {}
for c in string.ascii_lowercase:
    vocab[c] = len(vocab)
for c in string.ascii_lowercase:
    vocab[c + "</w>"] = len(vocab)
for a, b in merges:
    vocab.setdefault(a + b, len(vocab))
vocab["<|startoftext|>"] = len(vocab)
vocab["<|endoftext|>"] = len(vocab)
assert all(bpe(w, ranks) == [w + "</w>"] for w in WORDS)

out = "src/test/resources/closed-vocab/"
os.makedirs(out, exist_ok=True)
json.dump(vocab, open(out + "vocab.json", "w"), ensure_ascii=False)
with open(out + "merges.txt", "w") as f:
    f.write("#version: 0.2\n")
    for a, b in merges:
        f.write(a + " " + b + "\n")
print(len(vocab), "tokens,", len(merges), "merges")
