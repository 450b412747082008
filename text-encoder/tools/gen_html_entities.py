"""Regenerates src/main/resources/io/diffuse4j/textencoder/tokenizer/html-entities.tsv.

Run with a Python 3 that has ftfy installed (the tables are what Python's html.unescape and
ftfy.fix_text use): python3 tools/gen_html_entities.py > .../html-entities.tsv
Rows: kind TAB key TAB hex code points (space separated, empty for "remove").
  html5    name as in html.entities.html5 (with or without ';')
  ftfy     '&NAME;' entities ftfy.fixes.unescape_html decodes (semicolon and upper-case forms)
  badref   numeric reference html.unescape replaces (_invalid_charrefs)
  dropref  numeric reference html.unescape drops (_invalid_codepoints)
"""
import html, html.entities, sys
from ftfy.chardata import HTML_ENTITIES

def hexes(s):
    return " ".join("%X" % ord(c) for c in s)

out = sys.stdout
out.write("# HTML5 named character references as Python %s html.entities.html5 lists them (data: WHATWG HTML\n" % sys.version.split()[0])
out.write("# standard), the entity handling of ftfy (Apache License 2.0) and html.unescape; made by text-encoder/tools/gen_html_entities.py\n")
for name, value in sorted(html.entities.html5.items()):
    out.write("html5\t%s\t%s\n" % (name, hexes(value)))
for name, value in sorted(HTML_ENTITIES.items()):
    out.write("ftfy\t%s\t%s\n" % (name, hexes(value)))
for num, value in sorted(html._invalid_charrefs.items()):
    out.write("badref\t%d\t%s\n" % (num, hexes(value)))
for num in sorted(html._invalid_codepoints):
    out.write("dropref\t%d\t\n" % num)
