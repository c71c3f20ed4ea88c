"""The source documents behind an event's evidence, and the evidence marked inside them.

A release holds no documents; the explorer looks for a source's `document` by name in the folders
it is given (`cedar serve --documents`, the release's own `documents/`, the bundled sample's), and
shows it only if its SHA-256 is the one the source records, so a document is never taken for another.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

MAX_BYTES = 5 * 2**20  # a document larger than this is not shown
SEPARATOR = " [...] "  # between passages of evidence that are not contiguous


def find(folders: list[Path], name: str | None, sha256: str | None) -> str | None:
    """The text of the document called `name` whose SHA-256 is `sha256`, from the first folder holding it."""
    if not name or not sha256 or "/" in name or "\\" in name or name in (".", ".."):
        return None
    for folder in folders:
        path = folder / name
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == sha256.lower():
            return data.decode("utf-8", "replace")
    return None


def _squeeze(text: str) -> tuple[str, list[int]]:
    """`text` with every run of white space made one space, and where each of its characters came from."""
    out, where, space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                out.append(" ")
                where.append(i)
            space = True
        else:
            out.append(ch)
            where.append(i)
            space = False
    return "".join(out), where


def marked(text: str, evidence: str | None) -> list[dict[str, Any]]:
    """The document as pieces [{"text", "mark"}], each passage of the evidence found in it marked
    (white space may differ between the quote and the document)."""
    spans: list[tuple[int, int]] = []
    flat, where = _squeeze(text)
    for passage in (evidence or "").split(SEPARATOR.strip()):
        p = " ".join(passage.split())
        if not p:
            continue
        at = flat.find(p)
        if at < 0:
            continue
        spans.append((where[at], where[at + len(p) - 1] + 1))
    pieces, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        if start > pos:
            pieces.append({"text": text[pos:start], "mark": False})
        pieces.append({"text": text[start:end], "mark": True})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:], "mark": False})
    return pieces
