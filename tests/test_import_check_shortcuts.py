"""What an import's check leaves out must be what would have found nothing: the registry's rules in a check
without a registry, and the search for "no deaths" in ACLED notes that hold none of its words."""

from __future__ import annotations

from pathlib import Path

from conftest import ACLED, DATA
from pydantic import ValidationError

from cedar.ingest.importers import acled
from cedar.schema.model import EventDraft
from cedar.schema.rules import RULES, Context
from cedar.validate.rows import REGISTRY_RULES, Shared, validate_record


def drafts_of(*paths: Path) -> list[EventDraft]:
    out = []
    for path in paths:
        for m in acled.read(path):
            try:
                out.append(EventDraft.model_validate(m.data))
            except ValidationError:  # a refused row (the quirks file has some): no draft
                continue
    return out


def test_registry_rules_find_nothing_without_a_registry():
    drafts = drafts_of(ACLED, DATA / "acled" / "acled-quirks.csv")
    assert len(drafts) > 100
    for code in REGISTRY_RULES:
        check = RULES[code].check
        assert check is not None
        assert all(list(check(d, Context())) == [] for d in drafts), code


def test_an_import_check_finds_what_the_full_check_finds():
    """The same problems, row by row, with the shared answers and the registry's rules left out as without."""
    shared = Shared()
    for m in acled.read(DATA / "acled" / "acled-quirks.csv"):
        if m.data is None:
            continue
        where = {"file": "f", "row": m.line, "line": m.line}
        _, full = validate_record(m.data, Context(), where, build=False)
        _, fast = validate_record(m.data, Context(), where, build=False, shared=shared)
        assert [p.to_dict() for p in fast] == [p.to_dict() for p in full]


PHRASES = ["No fatalities were reported.", "NOBODY was hurt", "without any casualties", "Fatalities: 0",
           "fatalities=0 in all", "no one died", "No injuries or deaths.", "Notes: nothing known", "none",
           "Two people died.", "NO REPORTED DEATHS", "no casualties reported", "withoUt fatalities",
           "Nobody WAS killed", "unknown number of fatalities", "Déjà vu: no fatalities", "ſo no one was hurt",
           "no\tfatalities", "no  fatalities", "Knowing no deaths", "fatalities 0", ""]


def test_says_no_deaths_as_the_pattern_does():
    for text in PHRASES:
        assert acled.says_no_deaths(text) == bool(acled.NO_DEATHS.search(text)), text


def test_zero_fatalities_kept_only_when_the_notes_say_so(tmp_path: Path):
    assert acled.fatalities_of("0", "Police dispersed the crowd; no fatalities reported.") == 0
    assert acled.fatalities_of("0", "Police dispersed the crowd.") is None
    assert acled.fatalities_of("3", "Police dispersed the crowd.") == 3
