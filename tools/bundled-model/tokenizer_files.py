"""Writes a CLIP-style tokenizer for the bundled model's closed vocabulary, in the files real
Stable Diffusion exports ship: vocab.json + merges.txt (byte-level BPE, '</w>' end-of-word suffix,
whole words as single tokens), tokenizer_config.json, special_tokens_map.json, and the
tokenizer.json that Hugging Face's fast tokenizer (and DJL) loads."""
import json
import os

from world import WORDS

SOT, EOT = "<|startoftext|>", "<|endoftext|>"


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + \
        list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def bpe(word, ranks):
    syms = list(word[:-1]) + [word[-1] + "</w>"]
    while len(syms) > 1:
        best = None
        for i in range(len(syms) - 1):
            r = ranks.get((syms[i], syms[i + 1]))
            if r is not None and (best is None or r < best[0]):
                best = (r, syms[i], syms[i + 1])
        if best is None:
            break
        _, a, b = best
        out, i = [], 0
        while i < len(syms):
            if i < len(syms) - 1 and syms[i] == a and syms[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(syms[i])
                i += 1
        syms = out
    return syms


def build():
    base = bytes_to_unicode()
    vocab = base + [c + "</w>" for c in base]
    merges = []
    ranks = {}
    for w in sorted(set(WORDS)):
        while True:
            syms = bpe(w, ranks)
            if len(syms) == 1:
                break
            pair = (syms[0], syms[1])
            ranks[pair] = len(merges)
            merges.append(pair)
            if pair[0] + pair[1] not in vocab:
                vocab.append(pair[0] + pair[1])
    for w in WORDS:
        assert bpe(w, ranks) == [w + "</w>"], w
    vocab += [SOT, EOT]
    return {t: i for i, t in enumerate(vocab)}, merges


def write(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    vocab, merges = build()
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    special = {"content": None, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True}
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w") as f:
        json.dump({k: dict(special, content=v) for k, v in
                   [("bos_token", SOT), ("eos_token", EOT), ("unk_token", EOT), ("pad_token", EOT)]}, f, indent=2)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({"add_prefix_space": False, "bos_token": SOT, "eos_token": EOT, "unk_token": EOT,
                   "pad_token": EOT, "model_max_length": 77, "do_lower_case": True, "errors": "replace",
                   "tokenizer_class": "CLIPTokenizer", "report_unknown_words": True}, f, indent=2)
    added = [dict(id=vocab[t], content=t, single_word=False, lstrip=False, rstrip=False, normalized=True,
                  special=True) for t in (SOT, EOT)]
    tj = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex":
                "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOT, vocab[EOT]], "cls": [SOT, vocab[SOT]],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": EOT, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False, indent=1)
    return vocab


class Tokenizer:
    """The same tokenization in Python (for training): whole words -> ids, length 77, EOT padding."""

    def __init__(self):
        self.vocab, merges = build()
        self.ranks = {p: i for i, p in enumerate(merges)}

    def encode(self, text, length=77):
        ids = [self.vocab[SOT]]
        for w in text.lower().split():
            ids += [self.vocab[t] for t in bpe(w, self.ranks)]
        ids = ids[:length - 1] + [self.vocab[EOT]]
        return ids + [self.vocab[EOT]] * (length - len(ids))


if __name__ == "__main__":
    import sys
    v = write(sys.argv[1] if len(sys.argv) > 1 else "tok-out")
    print(len(v), "tokens")
