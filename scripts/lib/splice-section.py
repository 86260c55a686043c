"""Replaces one benchmark's section of BENCHMARKS.md, between `<!-- NAME:begin -->`
and `<!-- NAME:end -->`, with the Markdown file given; appends it the first time.
The rest of BENCHMARKS.md is left alone.

Usage: python3 scripts/lib/splice-section.py BENCHMARKS.md NAME SECTION.md
"""
import sys

path, name, section_path = sys.argv[1], sys.argv[2], sys.argv[3]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = "# Benchmarks\n"
section = open(section_path, encoding="utf-8").read().strip()
block = f"{begin}\n{section}\n{end}"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    text = head + block + tail
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
