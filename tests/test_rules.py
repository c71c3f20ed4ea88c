"""Every rule in cedar.schema.rules.RULES with one passing and one failing case.

The events are the seed's first event (a verified battle with its source document) with one
change each. A rule declared without a case here fails `test_every_rule_has_a_case`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from test_readers import COLUMNS, flat_seed, write_seed_csv

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION
from cedar.schema import flat
from cedar.schema.rules import RULES, Context
from cedar.validate.check import check_files
from cedar.validate.rows import validate_record

SEED = json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))
DOCUMENT = (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")
TODAY = dt.date(2024, 1, 1)
BASE = SEED[0]  # Battles / Armed clash, verified by the actor's acknowledgement, one source with its document


def _problems(event: dict[str, Any]) -> list:
    ctx = Context(today=TODAY, documents={SEED_DOCUMENT: DOCUMENT})
    _, problems = validate_record(event, ctx, {"file": "test.json", "row": 1, "line": 1})
    return problems


def put(**changes: Any) -> Callable[[dict], None]:
    return lambda e: e.update(changes)


def source(**changes: Any) -> Callable[[dict], None]:
    return lambda e: e["sources"][0].update(changes)


def both(*edits: Callable[[dict], None]) -> Callable[[dict], None]:
    def run(e: dict) -> None:
        for edit in edits:
            edit(e)
    return run


PROTEST = put(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Azerbaijan)", inter1=6,
              actor2=None, inter2=0, target_kind="none", claims=[])
HEADQUARTERS = put(event_type="Strategic developments", sub_event_type="Headquarters or base established",
                   actor2=None, target_kind="none", claims=[])
RIOT = put(event_type="Riots", sub_event_type="Violent demonstration", actor1="Rioters (Azerbaijan)", inter1=5,
           actor2=None, inter2=0, target_kind="property", claims=[])
INTERVENTION = both(PROTEST, put(sub_event_type="Protest with intervention", fatalities=0, target_kind="protesters"))
VAC = put(event_type="Violence against civilians", sub_event_type="Attack", actor2="Civilians (Azerbaijan)",
          inter2=7, claims=[])
def _lacks_denial(e):
    e.update(claims=[c for c in e["claims"] if c["stance"] != "denies" or c["aspect"] != "target"])

# code -> (edit giving a valid event that exercises the rule, edit that breaks it, field reported)
CASES: dict[str, tuple[Callable, Callable, str]] = {
    "missing-value": (put(actor1="Armed Forces of Azerbaijan"), put(actor1=None), "actor1"),
    "not-in-vocabulary": (put(verification_status="unverified"), put(verification_status="confirmed"),
                          "verification_status"),
    "not-a-number": (put(latitude="39.9"), put(latitude="north"), "latitude"),
    "not-an-integer": (put(fatalities=3), put(fatalities="six"), "fatalities"),
    "not-a-date": (put(event_date="2023-09-18"), put(event_date="19/09/2023"), "event_date"),
    "not-a-timestamp": (put(timestamp="2023-09-20T10:00:00Z"), put(timestamp="yesterday"), "timestamp"),
    "not-a-boolean": (put(civilian_targeting=False), put(civilian_targeting="maybe"), "civilian_targeting"),
    "out-of-range": (put(latitude=40.0), put(latitude=123), "latitude"),
    "bad-format": (put(event_id="CDR-AZE-12"), put(event_id="AZE12"), "event_id"),
    "unexpected-field": (source(kind="newspaper"), source(author="Reuters staff"), "sources.0.author"),
    "invalid-value": (put(claims=[]), put(claims="none"), "claims"),
    "sub-event-not-in-type": (put(sub_event_type="Government regains territory"),
                              put(sub_event_type="Peaceful protest"), "sub_event_type"),
    "disorder-type-mismatch": (put(disorder_type="Political violence"), put(disorder_type="Demonstrations"),
                               "disorder_type"),
    "interaction-mismatch": (put(interaction=12), put(interaction=11), "interaction"),
    "civilian-targeting-mismatch": (put(civilian_targeting=False), put(civilian_targeting=True),
                                    "civilian_targeting"),
    "source-scale-mismatch": (put(source_scale="international"), put(source_scale="national"), "source_scale"),
    "licence-mismatch": (put(external_ids=["ucdp-ged:1"], licensor="ucdp-ged", licence="CC-BY-4.0"),
                         put(external_ids=["acled:ARG1"], licensor="cedar"), "licensor"),
    "end-before-start": (put(date_precision="span", event_date_end="2023-09-20"),
                         put(date_precision="span", event_date_end="2023-09-18"), "event_date_end"),
    "span-needs-end": (put(date_precision="span", event_date_end="2023-09-19"), put(date_precision="span"),
                       "event_date_end"),
    "date-in-future": (put(event_date=TODAY.isoformat()), put(event_date="2099-01-01"), "event_date"),
    "fatalities-out-of-order": (put(fatalities_low=2, fatalities=3, fatalities_high=10),
                                put(fatalities_low=5, fatalities=3, fatalities_high=10), "fatalities_low"),
    "protest-with-fatalities": (both(PROTEST, put(fatalities=0)), both(PROTEST, put(fatalities=2)), "fatalities"),
    "battle-needs-two-armed-actors": (put(inter2=8), put(actor2="Civilians (Azerbaijan)", inter2=7), "inter2"),
    "violence-against-civilians-needs-civilian-target": (both(VAC, put(target_kind="civilians")),
                                                         both(VAC, put(target_kind="armed_group")), "target_kind"),
    "protest-actor1-not-protesters": (both(PROTEST, put(fatalities=0)),
                                      both(PROTEST, put(fatalities=0, actor1="Police Forces of Azerbaijan (2003-)",
                                                        inter1=1)), "inter1"),
    "riot-actor1-not-rioters": (RIOT, both(RIOT, put(actor1="Protesters (Azerbaijan)", inter1=6)), "inter1"),
    "protest-intervention-needs-force": (
        both(INTERVENTION, put(actor2="Police Forces of Azerbaijan (2003-)", inter2=1)), INTERVENTION, "actor2"),
    "state-actor-without-period": (put(actor2="Government of Armenia (2018-)", inter2=1),
                                   put(actor1="Military Forces of Azerbaijan"), "actor1"),
    "state-forces-type-by-country": (put(actor2="Military Forces of Armenia (2018-)", inter2=8), put(inter1=8),
                                     "inter1"),
    "second-actor-type-without-actor": (both(HEADQUARTERS, put(inter2=0)), both(HEADQUARTERS, put(inter2=2)),
                                        "inter2"),
    "unknown-country": (put(iso3="AZE"), put(iso3="ZZZ"), "iso3"),
    "iso3-country-mismatch": (put(country="azerbaijan"), put(country="Armenia"), "country"),
    "point-outside-country": (put(latitude=39.82, longitude=46.76), put(latitude=-39.8153), "latitude"),
    "point-maybe-outside-country": (put(latitude=39.82, longitude=46.76), put(latitude=40.8, longitude=45.2),
                                    "latitude"),
    "point-far-from-places": (put(latitude=39.82, longitude=46.76), put(latitude=39.3, longitude=51.0), "latitude"),
    "admin1-mismatch": (put(admin1="Xankəndi"), put(admin1="Baki"), "admin1"),
    "region-mismatch": (put(region=None), put(region="Europe"), "region"),
    "place-not-found": (put(admin1="Khankendi"), put(latitude=None, longitude=None, location="Nowhere at all",
                                                      admin1=None), "latitude"),
    "missing-source": (lambda e: e["sources"].append({"name": "AFP"}), put(sources=[]), "sources"),
    "document-not-found": (source(document=SEED_DOCUMENT), source(document="missing.txt"), "sources.0.document"),
    "document-hash-mismatch": (source(document_sha256=None), source(document_sha256="0" * 64),
                               "sources.0.document_sha256"),
    "evidence-too-short": (put(evidence="Azerbaijan’s armed forces"), put(evidence="a"), "evidence"),
    "evidence-not-in-document": (
        put(evidence="On Tuesday, Azerbaijan’s armed forces initiated [...] primarily inhabited by ethnic Armenians."),
        put(evidence="Azerbaijan's armed forces initiated"),  # straight apostrophe: the document has a curly one
        "evidence"),
    "verified-without-basis": (put(verification_basis="outlet-own-reporting"), put(verification_basis=None),
                               "verification_basis"),
    "disputed-needs-both-sides": (put(verification_status="disputed", denied_by=["Government of Armenia"]),
                                  put(verification_status="disputed"), "denied_by"),
    "separator-in-list-item": (put(tags=["operation launch", "Karabakh"]), put(tags=["operation launch; Karabakh"]),
                               "tags"),
}


def _edited(edit: Callable[[dict], None]) -> dict:
    event = copy.deepcopy(BASE)
    edit(event)
    return event


def test_the_base_event_is_valid():
    assert _problems(copy.deepcopy(BASE)) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_a_valid_event(code):
    passing, _, _ = CASES[code]
    problems = _problems(_edited(passing))
    assert problems == [], [p.message for p in problems]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_reports_a_broken_event(code):
    _, failing, field = CASES[code]
    problems = _problems(_edited(failing))
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not reported; got {[(p.code, p.field) for p in problems]}"
    p = found[0]
    assert p.field.replace("[", ".").replace("]", "") == field
    assert p.row == 1 and p.file == "test.json"
    assert p.message and "{" not in p.message, p.message  # rendered from its template, every slot filled


# More failing cases where one rule has several ways to break.
@pytest.mark.parametrize("code, edit, field", [
    ("missing-value", put(actor1=""), "actor1"),
    ("not-an-integer", put(fatalities=2.5), "fatalities"),
    ("out-of-range", put(fatalities=-3), "fatalities"),
    ("unexpected-field", put(colour="red"), "colour"),
    ("invalid-value", put(admin1=["Khankendi"]), "admin1"),
    ("invalid-value", put(sources=[["Reuters"]]), "sources.0"),
    ("fatalities-out-of-order", put(fatalities_low=5, fatalities_high=4), "fatalities_low"),
    ("fatalities-out-of-order", put(fatalities=12, fatalities_high=10), "fatalities_high"),
    ("battle-needs-two-armed-actors", put(actor2=None, inter2=0), "actor2"),
    ("battle-needs-two-armed-actors", put(actor1="Protesters (Azerbaijan)", inter1=6), "inter1"),
    ("violence-against-civilians-needs-civilian-target", both(VAC, put(target_kind="civilians", inter2=2)), "inter2"),
    ("second-actor-type-without-actor", put(inter2=None), "inter2"),
    ("verified-without-basis", put(verification_basis="independent-sources"), "verification_basis"),
    ("verified-without-basis", put(claimed_by=[]), "verification_basis"),
    ("verified-without-basis", source(name="Ministry of Defence of Azerbaijan"), "verification_basis"),
    ("date-in-future", source(published="2099-01-02"), "sources.0.published"),
    ("disputed-needs-both-sides", _lacks_denial, "claims.1.status"),
    ("separator-in-list-item", put(claimed_by=[" "]), "claimed_by"),
    ("separator-in-list-item", source(name="Reuters; AFP"), "sources"),
    ("separator-in-list-item", put(external_ids=["acled:AZE1; ucdp-ged:2"]), "external_ids"),
])
def test_rule_reports_other_breaks(code, edit, field):
    problems = _problems(_edited(edit))
    assert any(p.code == code and p.field.replace("[", ".").replace("]", "") == field for p in problems), \
        [(p.code, p.field, p.message) for p in problems]


@pytest.mark.parametrize("document", ["nul\x00byte.txt", "x" * 5000 + ".txt", "../karabakh-2023-09-19.txt",
                                      "/etc/hostname"])
def test_document_paths_that_cannot_be_read_are_reported_not_raised(tmp_path, document):
    # through check_files, whose document reader resolves paths against the submission's folder
    (tmp_path / SEED_DOCUMENT).write_text(DOCUMENT, encoding="utf-8")
    event = _edited(source(document=document))
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event]), encoding="utf-8")
    result = check_files([path])
    assert "document-not-found" in {p.code for p in result.report.problems}
    assert not result.report.valid and not result.unreadable


@pytest.mark.parametrize("edit, says", [
    (put(admin1=["Khankendi"]), "write text here"),
    (put(claims="none"), "write a list here"),
    (put(sources=["Reuters"]), "write an object with named fields here"),
])
def test_invalid_value_says_what_to_write(edit, says):
    [p] = [p for p in _problems(_edited(edit)) if p.code == "invalid-value"]
    assert says in p.message, p.message


@pytest.mark.parametrize("edit, code, field", [
    (put(inter1=10 ** 30), "not-in-vocabulary", "inter1"),  # pydantic's int_parsing_size, for a Literal
    (put(fatalities=float("inf")), "not-an-integer", "fatalities"),  # JSON's 1e999, or a number too long
    (put(fatalities=2 ** 63), "out-of-range", "fatalities"),
])
def test_numbers_beyond_any_bound(edit, code, field):
    problems = _problems(_edited(edit))
    assert [(p.code, p.field) for p in problems] == [(code, field)], [p.message for p in problems]


def test_an_empty_target_kind_is_unknown_as_an_absent_one():
    """An empty cell (None) is "not given" and takes the default 'unknown', as an absent column or key
    does, instead of "'None' is not a permitted target_kind"."""
    absent = _edited(lambda e: e.pop("target_kind", None))
    assert _problems(_edited(put(target_kind=None))) == _problems(absent) == []
    [p] = _problems(_edited(both(VAC, put(target_kind=None))))
    assert p.code == "violence-against-civilians-needs-civilian-target" and "None" not in p.message, p.message


def test_second_actor_type_message_fits_the_case():
    # actor2 named, inter2 empty: the message must not claim actor2 is empty
    [p] = [p for p in _problems(_edited(put(inter2=None))) if p.code == "second-actor-type-without-actor"]
    assert "actor2 is empty" not in p.message
    [p] = [p for p in _problems(_edited(both(HEADQUARTERS, put(inter2=2))))
           if p.code == "second-actor-type-without-actor"]
    assert "actor2 is empty" in p.message


def test_every_problem_of_a_row_is_reported_at_once():
    problems = _problems(_edited(put(latitude=123, event_date="2099-01-01", iso3="ZZZ",
                                     sub_event_type="Peaceful protest")))
    assert {"out-of-range", "date-in-future", "unknown-country", "sub-event-not-in-type"} <= {p.code for p in problems}


# Rules that only warn (the passing case has no problem at all, the failing one the warning), and the
# actor rules, which need the actor registry (here the bundled seed's).
WARN_CASES: dict[str, tuple[Callable, Callable, str]] = {
    "place-filled": (put(admin1="Khankendi"), put(latitude=None, longitude=None), "latitude"),
    "actor-alias-replaced": (put(actor1="Military Forces of Azerbaijan (2003-)"), put(actor1="Azerbaijani army"),
                             "actor1"),
    "unknown-actor": (put(actor2="Russian Peacekeeping Force", inter2=8),
                      put(actor2="Armenian armed groupz", inter2=2), "actor2"),
    "actor-type-contradicts-registry": (put(inter1=1), put(inter1=3), "inter1"),
}


def _registry_problems(event: dict[str, Any]) -> list:
    from cedar.ingest.actors import Registry, seed_actors

    ctx = Context(today=TODAY, documents={SEED_DOCUMENT: DOCUMENT}, actors=Registry(seed_actors()))
    _, problems = validate_record(event, ctx, {"file": "test.json", "row": 1, "line": 1})
    return problems


@pytest.mark.parametrize("code", sorted(WARN_CASES))
def test_registry_and_warning_rules(code):
    passing, failing, field = WARN_CASES[code]
    problems = _registry_problems(_edited(passing))
    assert problems == [], [p.message for p in problems]
    found = [p for p in _registry_problems(_edited(failing)) if p.code == code]
    assert found and found[0].field == field and "{" not in found[0].message
    assert found[0].severity == RULES[code].severity


# Codes only a store (or an import into one) can find: each is asserted by the tests named here.
STORE_CASES = {
    "already-ingested": "test_ingest_fast_differential.py", "unknown-event-id": "test_store_ingest.py",
    "event-deleted": "test_store_ingest.py", "stale-version": "test_store_ingest.py",
    "possible-duplicate": "test_store_ingest.py", "possible-duplicates-not-listed": "test_store_ingest.py",
    "missing-reason": "test_store_ingest.py", "already-deleted": "test_store_ingest.py",
    "not-held": "test_import_store.py", "deleted-in-store": "test_import_store.py",
    "likely-match": "test_import_store.py", "no-final-line-break": "test_import_store.py",
    "unknown-layout": "test_import_store.py",
    "region-differs": "test_import_acled_regions.py", "cut-off-last-row": "test_import_samples.py",
}


# Codes of the importers, of deletion lists and of the release gate, and the wordings of refused rows and
# failed expectations: each is met in a file made for it in the test named here.
REPORT_CASES = dict.fromkeys((
    "cut-off-row", "too-few-cells", "too-many-cells", "unknown-peer-column", "duplicate-external-id", "missing-peer-id",
    "unknown-date-form", "no-iso-country", "no-location", "not-a-cameo-code", "not-an-event-cedar-codes",
    "actor-missing", "incompatible-actors", "misspelled-label", "unknown-label", "derived-differs", "year-mismatch",
    "fatalities-range-repaired", "row-refused", "row-refused-by-check", "row-refused-by-store", "warning-repeated",
    "unknown-deletion-format", "missing-deletion-columns", "not-a-deletion-list", "deletion-not-an-object",
    "no-deletions", "expectation-failed", "duplicate-row", "unknown-event", "deleted-id-present", "deleted-id-reused",
    "row-count-change", "previous-event-missing", "fatalities-changed-without-version", "changed-without-version",
    "fatality-total-jump"),
    "test_report_codes.py")
REPORT_CASES["possible-double-coding"] = "test_conventions.py"  # found across rows, in files made there
REPORT_CASES["actor-type-differs-in-file"] = "test_import_actor_types.py"  # an actor typed two ways in one file
REPORT_CASES["not-redistributable"] = "test_licences_release.py"  # a public release of ACLED's rows
REPORT_CASES["expectation-failed-in-partitions"] = "test_partitions.py"  # a gate fault in two partitions


def test_every_rule_has_a_case():
    covered = set(CASES) | set(FILE_CASES) | set(WARN_CASES) | set(STORE_CASES) | set(REPORT_CASES)
    assert set(RULES) - covered == set(), "add a passing and a failing case for these rules"
    assert covered - set(RULES) == set(), "these cases test codes that are not declared"
    for code, module in {**STORE_CASES, **REPORT_CASES}.items():
        assert f'"{code}"' in (Path(__file__).parent / module).read_text(encoding="utf-8"), (code, module)


# --- rules on whole files, run through check_files ------------------------------------------------

def _seed_csv(tmp: Path, **kw: Any) -> tuple[Path, dict]:
    return write_seed_csv(tmp, **kw), {}


def _file(name: str, content: bytes, **kw: Any) -> Callable[[Path], tuple[Path, dict]]:
    def make(tmp: Path) -> tuple[Path, dict]:
        (tmp / name).write_bytes(content)
        return tmp / name, kw
    return make


def _lines(edit: Callable[[list[str]], list[str]], **kw: Any) -> Callable[[Path], tuple[Path, dict]]:
    return lambda tmp: _seed_csv(tmp, lines=edit, **kw)


def _cp1252(encoding: str) -> Callable[[Path], tuple[Path, dict]]:
    return lambda tmp: (write_seed_csv(tmp, encoding="cp1252", companions=False), {"encoding": encoding})


def _append_column(name: str) -> Callable[[list[str]], list[str]]:
    return lambda ls: [ls[0].rstrip("\n") + f",{name}\n"] + [line.rstrip("\n") + ",x\n" for line in ls[1:]]


def _as_txt(tmp: Path) -> tuple[Path, dict]:
    path = write_seed_csv(tmp)
    return path.rename(tmp / "events.txt"), {"input_format": "csv"}


def _jsonl(tmp: Path) -> tuple[Path, dict]:
    (tmp / SEED_DOCUMENT).write_text(DOCUMENT, encoding="utf-8")
    (tmp / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in SEED), encoding="utf-8")
    return tmp / "events.jsonl", {}


def _parquet(tmp: Path) -> tuple[Path, dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = write_seed_csv(tmp)
    pq.write_table(pa.Table.from_pylist(flat_seed()[0], schema=flat.arrow_schema()), tmp / "events.parquet")
    csv_path.unlink()
    return tmp / "events.parquet", {}


def _json_events(*edits: Callable[[list[dict]], None]) -> Callable[[Path], tuple[Path, dict]]:
    def make(tmp: Path) -> tuple[Path, dict]:
        (tmp / SEED_DOCUMENT).write_text(DOCUMENT, encoding="utf-8")
        events = copy.deepcopy(SEED)
        for edit in edits:
            edit(events)
        (tmp / "events.json").write_text(json.dumps(events), encoding="utf-8")
        return tmp / "events.json", {}
    return make


def _ids(*ids: str | None) -> Callable[[list[dict]], None]:
    return lambda events: [e.update(event_id=i) for e, i in zip(events, ids)]


def _misnamed(tmp: Path) -> tuple[Path, dict]:
    path = write_seed_csv(tmp)
    (tmp / "events.sources.csv").rename(tmp / "events-sources.csv")
    return path, {}


def _orphan_claim(tmp: Path) -> tuple[Path, dict]:
    path = write_seed_csv(tmp)
    claims = tmp / "events.claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join(lines + ["nobody" + lines[1][lines[1].index(","):]]), encoding="utf-8")
    return path, {}


def _other_source_name(rows: list[dict]) -> None:
    rows[0]["sources"] = ["Someone Else"]


# code -> (valid file, file that breaks the rule); each gives the path and check_files' options
FILE_CASES: dict[str, tuple[Callable[[Path], tuple[Path, dict]], Callable[[Path], tuple[Path, dict]]]] = {
    "file-not-found": (_seed_csv, lambda tmp: (tmp / "nope.csv", {})),
    "unreadable-file": (_seed_csv, lambda tmp: (tmp, {})),
    "unknown-format": (_as_txt, _file("events.xlsx", b"PK\x03\x04")),
    "empty-file": (_seed_csv, _file("events.csv", b"")),
    "no-rows": (_seed_csv, _lines(lambda ls: ls[:1])),
    "not-utf8": (_cp1252("cp1252"), _cp1252("utf-8")),
    "bad-encoding": (_cp1252("cp1252"), _cp1252("ascii")),
    "bad-csv": (_seed_csv, _lines(lambda ls: ls[:2] + ['"AZE1"x,' + ls[2]] + ls[3:])),
    "wrong-separator": (_seed_csv, lambda tmp: _seed_csv(tmp, lines=lambda ls: [line.replace(",",
                                                                                             ";") for line in ls])),
    "missing-columns": (_seed_csv, lambda tmp: _seed_csv(tmp, columns=[c for c in COLUMNS if c != "iso3"])),
    "unknown-column": (_seed_csv, _lines(_append_column("notez"))),
    "duplicate-column": (_seed_csv, _lines(_append_column("notes"))),
    "wrong-cell-count": (_seed_csv, _lines(lambda ls: ls[:2] + [ls[2].rstrip("\n") + ",x\n"] + ls[3:])),
    "invalid-json": (_jsonl, _file("events.jsonl", b'{"ref": "a",}\n')),
    "not-an-object": (_jsonl, _file("events.json", b"[1]")),
    "bad-parquet": (_parquet, _file("events.parquet", b"PAR1 this is not parquet")),
    "duplicate-ref": (_jsonl, _json_events(lambda events: events[2].update(ref=events[0]["ref"]))),
    "duplicate-event-id": (_json_events(_ids("CDR-AZE-1", "CDR-AZE-2")),
                           _json_events(_ids("CDR-AZE-1", None, "CDR-AZE-1"))),
    "misnamed-companion": (_seed_csv, _misnamed),
    "companion-row-without-event": (_seed_csv, _orphan_claim),
    "sources-contradict-companion": (_seed_csv, lambda tmp: _seed_csv(tmp, edit=_other_source_name)),
}


@pytest.mark.parametrize("code", sorted(FILE_CASES))
def test_file_rule_passes_a_valid_file(code, tmp_path):
    path, options = FILE_CASES[code][0](tmp_path)
    result = check_files([path], **options)
    assert result.report.valid and not result.unreadable, [p.to_dict() for p in result.report.problems]
    assert result.report.rows_checked == len(SEED)


@pytest.mark.parametrize("code", sorted(FILE_CASES))
def test_file_rule_reports_a_broken_file(code, tmp_path):
    path, options = FILE_CASES[code][1](tmp_path)
    result = check_files([path], **options)
    problems = [p for p in result.report.problems if p.code == code]
    assert problems, [p.to_dict() for p in result.report.problems]
    assert result.unreadable or not result.report.valid
    assert problems[0].message == problems[0].message.strip() and "{" not in problems[0].message


def test_every_message_comes_from_its_rules_template():
    # A code used in a report without a declaration would raise KeyError in `problem`; this
    # checks the other way: no reader writes a message by hand.
    import inspect

    from cedar.validate import check, read_flat, read_json, readers, records, text

    for module in (readers, read_flat, read_json, records, text, check):
        assert "Problem(" not in inspect.getsource(module).replace("-> Problem(", ""), module.__name__


def test_every_whole_number_is_bounded_within_the_store_columns():
    """A count beyond 64 bits once passed the check and crashed staging. Every whole number of the
    model is bounded (or a Literal of codes) within the store's 32-bit INTEGER columns."""
    import typing

    from cedar.schema.model import Claim, Event, Source

    for model in (Event, Source, Claim):
        for name, kind in flat.kinds_of(model).items():
            if kind != flat.INT:
                continue
            f = model.model_fields[name]
            literal = [a for a in (f.annotation,
                                   *typing.get_args(f.annotation)) if typing.get_origin(a) is typing.Literal]
            bounds = {k: getattr(m, k) for m in f.metadata for k in ("ge", "le") if getattr(m, k, None) is not None}
            if literal:
                values = typing.get_args(literal[0])
                assert -2 ** 31 <= min(values) and max(values) < 2 ** 31, name
                continue
            assert set(bounds) == {"ge", "le"}, f"{model.__name__}.{name} needs ge and le"
            assert -2 ** 31 <= bounds["ge"] and bounds["le"] < 2 ** 31, name
