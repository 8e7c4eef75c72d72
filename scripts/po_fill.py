"""Fill empty msgstr entries of a .po file from a JSON dictionary (Danish source -> target).

Usage: python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/translations.json
Entries the dictionary lacks stay empty (Django then shows the Danish source text) and are
listed, so a translator sees what is missing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: Path, dictionary: dict[str, str]) -> list[str]:
    lines = po_path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    missing: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgid "):
            chunk = [line[6:]]
            i += 1
            while i < len(lines) and lines[i].startswith('"'):
                chunk.append(lines[i])
                i += 1
            msgid = _unquote(chunk)
            out.append("msgid " + chunk[0])
            out.extend(chunk[1:])
            if i < len(lines) and lines[i].startswith("msgstr "):
                str_chunk = [lines[i][7:]]
                i += 1
                while i < len(lines) and lines[i].startswith('"'):
                    str_chunk.append(lines[i])
                    i += 1
                current = _unquote(str_chunk)
                if msgid and not current:
                    if msgid in dictionary:
                        out.append("msgstr " + _quote(dictionary[msgid]))
                        continue
                    missing.append(msgid)
                out.append("msgstr " + str_chunk[0])
                out.extend(str_chunk[1:])
            continue
        out.append(re.sub(r"^#, fuzzy$", "", line) if line == "#, fuzzy" and i < 20 else line)
        i += 1
    po_path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    po, table = Path(sys.argv[1]), Path(sys.argv[2])
    left = fill(po, json.loads(table.read_text(encoding="utf-8")))
    for msgid in left:
        print(f"mangler oversættelse: {msgid!r}")
