"""Evidence quotes are compared with their source document as Unicode NFC text with whitespace
folded, must be long enough to locate, and a mismatch says which characters differ."""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path

import pytest

from cedar.sample_data import SAMPLE_DIR, SEED_SUBMISSION
from cedar.validate.check import check_files

SEED = json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))
DOCUMENT = ("Selon l’agence, les forces de sécurité ont tiré sur la foule à Stepanakert,\n"
            "faisant   plusieurs blessés parmi les manifestants.")


def _check(tmp: Path, evidence: str, document: str = DOCUMENT) -> list:
    """The evidence problems of the seed's second event quoting `evidence` from `document`."""
    (tmp / "report.txt").write_text(document, encoding="utf-8")
    event = copy.deepcopy(SEED[1])
    event["sources"] = [{"name": "Reuters", "scale": "international", "document": "report.txt"}]
    event["evidence"] = evidence
    (tmp / "events.json").write_text(json.dumps([event], ensure_ascii=False), encoding="utf-8")
    report = check_files([tmp / "events.json"]).report
    return [p for p in report.problems if p.code.startswith("evidence")]


def test_a_quote_in_nfd_matches_a_document_in_nfc(tmp_path):
    quote = unicodedata.normalize("NFD", "les forces de sécurité ont tiré sur la foule")
    assert quote not in DOCUMENT  # the two forms differ code point by code point
    assert _check(tmp_path, quote) == []


def test_a_document_in_nfd_matches_a_quote_in_nfc(tmp_path):
    assert _check(tmp_path, "les forces de sécurité ont tiré", unicodedata.normalize("NFD", DOCUMENT)) == []


def test_line_breaks_and_runs_of_spaces_are_folded(tmp_path):
    quote = "la foule à Stepanakert, faisant plusieurs blessés [...] Selon l’agence, les forces"
    assert _check(tmp_path, quote) == []


@pytest.mark.parametrize("quote", ["a", "foule", "la foule", "à Stepanakert"])
def test_a_quote_too_short_to_locate_is_refused(tmp_path, quote):
    [p] = _check(tmp_path, quote)
    assert (p.code, p.field, p.value) == ("evidence-too-short", "evidence", quote)
    assert "3 words" in p.message


def test_a_short_passage_among_long_ones_is_refused(tmp_path):
    [p] = _check(tmp_path, "les forces de sécurité ont tiré [...] foule")
    assert (p.code, p.value) == ("evidence-too-short", "foule")


def test_a_mismatch_names_the_characters_that_differ(tmp_path):
    [p] = _check(tmp_path, "Selon l'agence, les forces de sécurité")  # a straight apostrophe, the document's is curly
    assert p.code == "evidence-not-in-document"
    assert "U+0027" in p.message and "U+2019" in p.message, p.message
    assert "'Selon l'" in p.message  # where the quote departs from the document


def test_a_quote_of_nothing_in_the_document_says_so(tmp_path):
    [p] = _check(tmp_path, "something else entirely happened there")
    assert p.code == "evidence-not-in-document" and "no part of its beginning" in p.message
