"""Regenerates src/test/resources/clip-tokenizer/hard-cases.json (format ldm-clip-tokenizer-cases/1).

Ids come from the original CLIP tokenizer algorithm (openai/CLIP simple_tokenizer.py: ftfy.fix_text,
html.unescape twice, whitespace_clean, lower, regex split, byte-level BPE with '</w>'), run on
vocab.json + merges.txt of src/test/resources/clip-tokenizer. Needs: pip install ftfy regex.
Run from text-encoder/: python3 tools/gen_hard_cases.py
"""
import html, json
import ftfy, regex as re

RES = "src/test/resources/clip-tokenizer/"
vocab = json.load(open(RES + "vocab.json", encoding="utf-8"))
merges = open(RES + "merges.txt", encoding="utf-8").read().split("\n")[1:]
ranks = {tuple(m.split()): i for i, m in enumerate(m for m in merges if m)}

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))

BYTE = bytes_to_unicode()
PAT = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", re.IGNORECASE)
SPECIAL = {"<|startoftext|>", "<|endoftext|>"}

def bpe(token):
    if token in SPECIAL:
        return [token]
    word = tuple(token[:-1]) + (token[-1] + "</w>",)
    while len(word) > 1:
        pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        out, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and word[i] == best[0] and word[i + 1] == best[1]:
                out.append(best[0] + best[1]); i += 2
            else:
                out.append(word[i]); i += 1
        word = tuple(out)
    return list(word)

def encode(text):
    text = html.unescape(html.unescape(ftfy.fix_text(text))).strip()
    text = re.sub(r"\s+", " ", text).strip().lower()
    ids = []
    for tok in re.findall(PAT, text):
        tok = "".join(BYTE[b] for b in tok.encode("utf-8"))
        ids.extend(vocab[t] for t in bpe(tok))
    return [49406] + ids + [49407]

def pad(ids, pad_id):
    ids = ids[:77]
    if len(ids) == 77:
        ids[-1] = 49407
    return ids + [pad_id] * (77 - len(ids))

PROMPTS = [
    "a (red:1.2) apple, [blurry], {masterpiece}",
    "((best quality)), (ultra detailed:1.4), <lora:style:0.8>",
    "I'm sure you'll love it, they've said we'd go",
    "IT'S THE DOG'S BALL, WE'RE HERE",
    "rock 'n' roll \"quoted\" text",
    "a photo of a 🐱 with 🔥 and 👩‍👩‍👧 family, flag 🇯🇵",
    "café crème brûlée naïve façade",
    "cafe\u0301 decomposed accents",
    "東京の夜景、ネオン",
    "한국어 텍스트 and Ελληνικά ΣΟΦΙΑΣ",
    "Привет, мир! Москва",
    "हिन्दी में लिखा",
    "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
    "tab\tseparated\nnew line\r\nwindows  and\u00a0nbsp\u3000ideographic",
    "“curly quotes” and ‘single’ ones",
    "ﬁne ﬂower ligatures",
    "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ １２３",
    "cafÃ© mojibake and donâ€™t",
    "fish &amp; chips &lt;3 &quot;quoted&quot; &#39;apos&#39; &#x1F600; &eacute;",
    "double &amp;amp; escaped and &AMP; caps",
    "<b>bold</b> &amp; tags",
    "text with <|endoftext|> inside and <|startoftext|>",
    "\x1b[31mred terminal\x1b[0m text",
    "control\x00chars\x07here\u200bzero\ufeffwidth",
    "İstanbul and ΌΣΟΣ final sigma",
    "1234567890 3.14159 $100 50% 1/2",
    "a---b...c!!!d???e",
    "email@example.com https://example.com/path?q=1",
    "x" * 300,
    " ".join(["photo"] * 40) + " end",
    "   ",
    "¡hola! ¿qué tal?",
    "price: 5€, 3£, ¥100",
    "math ∑∫√∞ ≠ ≤ ≥",
    "emoji💯in😀words",
    "’tis the season, ma’am",
    "'s 't 're start contractions",
    "THE END.",
    "РїСЂРёРІРµС‚ cp1251 mojibake",
    "Â£5 and Ã¼ber, NÃO SÃO PAULO",
    "\x80\x93 c1 controls \x9c",
    "ﬁ\u0301 &nbsp x &copy 2020 AT&T",
    "✓ check ★ star ♥ heart",
    "fÃ cil Ã\xa0 la carte",
    "first &amp; line\n<b>second</b> &EACUTE;\nthird &AMP;",
    "ΣΑΣ\u0345 a\u0345b .\u0345.",
    "the 'ſ long s and &#99999999999; &notit; &ampx",
    "\u180e mongolian \u200b zero \u2007 figure \u000b vt \u001c fs",
]

cases = []
for p in PROMPTS:
    ids = encode(p)
    cases.append({"text": p, "ids": ids, "input_ids_77_pad_eot": pad(list(ids), 49407),
                  "input_ids_77_pad_zero": pad(list(ids), 0)})
json.dump({"format": "ldm-clip-tokenizer-cases/1",
           "source": "tools/gen_hard_cases.py (CLIP simple_tokenizer algorithm, ftfy %s)" % ftfy.__version__,
           "cases": cases}, open(RES + "hard-cases.json", "w", encoding="utf-8"), ensure_ascii=False, indent=None)
print(len(cases), "cases")
