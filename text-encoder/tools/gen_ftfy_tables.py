"""Regenerates src/main/resources/io/diffuse4j/textencoder/tokenizer/ftfy-tables.json: the tables
ftfy (the version installed, 6.3.x) uses to detect and undo mojibake, for ClipTextCleaner.

- badness: ftfy.badness.BADNESS_RE, utf8_detector: ftfy.chardata.UTF8_DETECTOR_RE, both turned from
  Python verbose syntax into plain Java-compatible patterns (whitespace and comments outside
  character classes dropped; '[' and '&' inside classes escaped).
- altered_utf8 / lossy_utf8 / a_grave_word: the bytes patterns ALTERED_UTF8_RE / LOSSY_UTF8_RE /
  fixes.A_GRAVE_WORD_RE, as patterns over
  bytes read as ISO-8859-1 characters.
- encodings: for each of ftfy's CHARMAP_ENCODINGS (in order), the 256 characters bytes 0..255
  decode to (byte 0x1A as ftfy's regex sees it).
Run from text-encoder/ with ftfy installed: python3 tools/gen_ftfy_tables.py
"""
import json
from ftfy import badness, chardata, fixes
import ftfy.bad_codecs  # registers sloppy-* and utf-8-variants

def compact(pattern):
    out, i, in_class, n = [], 0, False, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2]); i += 2; continue
        if in_class:
            if c == "]" and not class_start:
                in_class = False; out.append(c)
            elif c in "[&":
                out.append("\\" + c)
            else:
                out.append(c)
            class_start = class_start and c == "^"
            i += 1; continue
        if c == "[":
            in_class, class_start = True, True
            out.append(c)
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^"); i += 1
            i += 1; continue
        if c == "#":
            while i < n and pattern[i] != "\n":
                i += 1
            continue
        if c.isspace():
            i += 1; continue
        out.append(c); i += 1
    return "".join(out)

def bytes_pattern(p):
    return p.pattern.decode("latin-1")

encodings = {}
for enc in chardata.CHARMAP_ENCODINGS:
    chars = []
    for b in range(256):
        try:
            chars.append(bytes([b]).decode(enc))
        except UnicodeDecodeError:
            chars.append("")
    encodings[enc] = chars

import ftfy
tables = {
    "_source": "ftfy %s (https://github.com/rspeer/python-ftfy), Apache License 2.0, Copyright Robyn Speer; exported by text-encoder/tools/gen_ftfy_tables.py" % ftfy.__version__,
    "badness": compact(badness.BADNESS_RE.pattern),
    "utf8_detector": compact(chardata.UTF8_DETECTOR_RE.pattern),
    "altered_utf8": bytes_pattern(chardata.ALTERED_UTF8_RE),
    "lossy_utf8": bytes_pattern(chardata.LOSSY_UTF8_RE),
    "a_grave_word": bytes_pattern(fixes.A_GRAVE_WORD_RE),
    "encoding_order": list(chardata.CHARMAP_ENCODINGS),
    "encodings": encodings,
}
json.dump(tables, open("src/main/resources/io/diffuse4j/textencoder/tokenizer/ftfy-tables.json", "w"), ensure_ascii=True, indent=1)
