"""The explorer's source documents: found by name only when their SHA-256 matches, and the evidence
marked inside them however its white space differs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cedar.explore import documents


def test_a_document_is_used_only_when_its_hash_matches(tmp_path: Path):
    (tmp_path / "a.txt").write_text("The text.\n", encoding="utf-8")
    good = hashlib.sha256(b"The text.\n").hexdigest()
    assert documents.find([tmp_path], "a.txt", good) == "The text.\n"
    assert documents.find([tmp_path], "a.txt", "0" * 64) is None
    assert documents.find([tmp_path], "../a.txt", good) is None  # a name is a file name, never a path
    assert documents.find([tmp_path / "none", tmp_path], "a.txt", good.upper()) == "The text.\n"


def test_each_passage_of_the_evidence_is_marked_across_line_breaks():
    text = "First line.\nThe army shelled\n  the town at dawn. Then quiet.\nLater, a second passage here."
    pieces = documents.marked(text, "The army shelled the town at dawn. [...] a second passage")
    assert [p["text"] for p in pieces if p["mark"]] == ["The army shelled\n  the town at dawn.", "a second passage"]
    assert "".join(p["text"] for p in pieces) == text


def test_evidence_not_in_the_document_marks_nothing():
    assert documents.marked("Some text.", "Other words") == [{"text": "Some text.", "mark": False}]
    assert documents.marked("Some text.", None) == [{"text": "Some text.", "mark": False}]

