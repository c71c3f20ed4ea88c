"""The nested form and the flat form (row, source rows, claim rows) convert into each other
without loss, also through CSV text and through the real reader: a hypothesis property.

Empty CSV text means "not given", so optional text is generated as None or as text that is not
blank; list items are generated as they read back from CSV: without ';' and without surrounding
whitespace (the rule separator-in-list-item keeps submitted lists so).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cedar.schema import flat, licences, vocab
from cedar.schema.model import INTERACTION_RANGE, Claim, Event, Source
from cedar.validate.readers import Record, read

# Letters a coder of this region writes, the characters CSV must quote, and emoji; plus any
# printable character hypothesis likes.
SPECIAL = "ԱաՍտեփանակերտՀայաստանəğıİşçöüƏĞÖŞÇÜ😀🇦🇿🕊️\"',;\n\r\t |[]{}=+-@"
CHARS = st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), st.sampled_from(SPECIAL))
TEXT = st.text(CHARS, min_size=1, max_size=30).filter(lambda s: not s.isspace())
OPT_TEXT = st.none() | TEXT
ITEM = st.text(CHARS, min_size=1, max_size=20).map(str.strip).filter(lambda s: s and ";" not in s)
ITEMS = st.lists(ITEM, max_size=3)
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
UTC_TIMES = st.datetimes(timezones=st.just(dt.timezone.utc)) | st.datetimes()


def opt(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


SOURCES = st.builds(
    Source, name=TEXT, url=OPT_TEXT, published=opt(DATES), scale=opt(st.sampled_from(list(vocab.SOURCE_SCALES))),
    kind=opt(st.sampled_from(list(vocab.SOURCE_KINDS))), document=OPT_TEXT,
    document_sha256=opt(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)))
CLAIMS = st.builds(
    Claim, aspect=st.sampled_from(list(vocab.CLAIM_ASPECTS)), claimant=TEXT,
    stance=st.sampled_from(list(vocab.CLAIM_STANCES)), status=st.sampled_from(list(vocab.VERIFICATION_STATUSES)),
    statement=OPT_TEXT, note=OPT_TEXT)


@st.composite
def events(draw: st.DrawFn) -> Event:
    sub_event_type = draw(st.sampled_from(vocab.ALL_SUB_EVENT_TYPES))
    count = st.integers(0, 10**6)
    data: dict[str, Any] = {
        "event_id": draw(opt(st.from_regex(r"CDR-[A-Z]{3}-[0-9]{1,7}", fullmatch=True))),
        "version": draw(opt(st.integers(1, 10**6))),
        "timestamp": draw(opt(UTC_TIMES)),
        "event_date": draw(DATES),
        "event_date_end": draw(opt(DATES)),
        "date_precision": draw(st.sampled_from(list(vocab.DATE_PRECISIONS))),
        "disorder_type": draw(opt(st.sampled_from(vocab.DISORDER_LABELS))),
        "event_type": vocab.EVENT_TYPE_OF[sub_event_type],
        "sub_event_type": sub_event_type,
        "interaction": draw(opt(st.integers(*INTERACTION_RANGE))),
        "actor1": draw(TEXT),
        "assoc_actor_1": draw(ITEMS),
        "inter1": draw(st.sampled_from(list(vocab.ACTOR_TYPES))),
        "actor2": draw(OPT_TEXT),
        "assoc_actor_2": draw(ITEMS),
        "inter2": draw(opt(st.sampled_from([0, *vocab.ACTOR_TYPES]))),
        "target_kind": draw(st.sampled_from(list(vocab.TARGET_KINDS))),
        "civilian_targeting": draw(opt(st.booleans())),
        "country": draw(TEXT),
        "iso3": draw(st.from_regex(r"[A-Z]{3}", fullmatch=True)),
        "region": draw(opt(st.sampled_from(vocab.REGIONS))),
        "admin1": draw(OPT_TEXT),
        "admin2": draw(OPT_TEXT),
        "admin3": draw(OPT_TEXT),
        "location": draw(TEXT),
        "latitude": draw(st.floats(-90, 90)),
        "longitude": draw(st.floats(-180, 180)),
        "geo_precision": draw(st.sampled_from(list(vocab.GEO_PRECISIONS))),
        "fatalities": draw(opt(count)),
        "fatalities_low": draw(opt(count)),
        "fatalities_high": draw(opt(count)),
        "verification_status": draw(st.sampled_from(list(vocab.VERIFICATION_STATUSES))),
        "verification_basis": draw(opt(st.sampled_from(list(vocab.VERIFICATION_BASES)))),
        "claimed_by": draw(ITEMS),
        "denied_by": draw(ITEMS),
        "verification_note": draw(OPT_TEXT),
        "claims": draw(st.lists(CLAIMS, max_size=3)),
        "sources": draw(st.lists(SOURCES, max_size=3)),
        "source_scale": draw(OPT_TEXT),
        "evidence": draw(OPT_TEXT),
        "notes": draw(OPT_TEXT),
        "tags": draw(ITEMS),
        "ref": draw(OPT_TEXT),
        "submission_id": draw(OPT_TEXT),
        "coder": draw(OPT_TEXT),
        "external_ids": draw(ITEMS),
        "licensor": draw(opt(st.sampled_from(licences.LICENSORS))),
        "licence": draw(opt(st.sampled_from(licences.LICENCE_IDS))),
        "schema_version": draw(OPT_TEXT),
    }
    return Event.model_validate(data)


@settings(max_examples=5)
@given(events())
def test_the_strategy_covers_every_field(event):
    # a field added to the model must be added to the strategy, or the property says nothing about it
    assert event.model_fields_set == set(Event.model_fields)


@given(events())
def test_nested_to_flat_and_back(event):
    row, sources, claims = flat.to_flat(event, "k")
    assert Event.model_validate(flat.from_flat(row, sources, claims)) == event


def _csv(columns: tuple[str, ...], kinds: dict[str, str], rows: list[dict]) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(columns)
    for r in rows:
        w.writerow([flat.format_cell(kinds[c], r[c]) for c in columns])
    return out.getvalue()


def _parse(text: str, kinds: dict[str, str]) -> list[dict]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return [{c: flat.parse_cell(kinds[c], cell) for c, cell in zip(header, cells)} for cells in reader]


@given(events())
def test_nested_to_csv_text_and_back(event):
    row, sources, claims = flat.to_flat(event, "k")
    kinds = flat.column_kinds()
    source_kinds = {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Source)}
    claim_kinds = {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Claim)}
    [row_back] = _parse(_csv(flat.event_columns(), kinds, [row]), kinds)
    sources_back = _parse(_csv(flat.SOURCE_COLUMNS, source_kinds, sources), source_kinds)
    claims_back = _parse(_csv(flat.CLAIM_COLUMNS, claim_kinds, claims), claim_kinds)
    assert Event.model_validate(flat.from_flat(row_back, sources_back, claims_back)) == event


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=4))
def test_nested_through_csv_files_and_the_reader(batch):
    # refs key the companion rows to their events, so each event gets its own
    batch = [e.model_copy(update={"ref": f"{e.ref or ''}#{i}"}) for i, e in enumerate(batch)]
    rows, sources, claims = [], [], []
    for e in batch:
        r, s, c = flat.to_flat(e, e.ref)
        rows.append(r)
        sources += s
        claims += c
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_text(_csv(flat.event_columns(), flat.column_kinds(), rows), encoding="utf-8", newline="")
        path.with_name("events.sources.csv").write_text(
            _csv(flat.SOURCE_COLUMNS, {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Source)}, sources),
            encoding="utf-8", newline="")
        path.with_name("events.claims.csv").write_text(
            _csv(flat.CLAIM_COLUMNS, {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Claim)}, claims),
            encoding="utf-8", newline="")
        records = list(read(path))
    assert all(isinstance(r, Record) for r in records), [r for r in records if not isinstance(r, Record)]
    assert [r.cell_problems for r in records] == [[] for _ in batch]
    assert [Event.model_validate(r.data) for r in records] == batch


AWARE_TIMES = st.datetimes(min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31),
                           timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=4)),
                                                      dt.timezone(dt.timedelta(hours=-5, minutes=-30))]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=4), st.lists(opt(AWARE_TIMES), min_size=4, max_size=4))
def test_nested_through_parquet_and_the_reader(batch, times):
    """Parquet keeps timestamps as UTC instants, so the events carry time zones here (a time without
    one is read as UTC, which is what the model's timestamp means)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    batch = [e.model_copy(update={"ref": f"{e.ref or ''}#{i}", "timestamp": times[i]}) for i, e in enumerate(batch)]
    rows, sources, claims = [], [], []
    for e in batch:
        r, s, c = flat.to_flat(e, e.ref)
        rows.append(r)
        sources += s
        claims += c
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=flat.arrow_schema()), path)
        path.with_name("events.sources.csv").write_text(
            _csv(flat.SOURCE_COLUMNS, {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Source)}, sources),
            encoding="utf-8", newline="")
        path.with_name("events.claims.csv").write_text(
            _csv(flat.CLAIM_COLUMNS, {flat.EVENT_KEY: flat.TEXT, **flat.kinds_of(Claim)}, claims),
            encoding="utf-8", newline="")
        records = list(read(path))
    assert all(isinstance(r, Record) for r in records), [r for r in records if not isinstance(r, Record)]
    assert [r.cell_problems for r in records] == [[] for _ in batch]
    assert [Event.model_validate(r.data) for r in records] == batch


@settings(max_examples=40, deadline=None)
@given(events())
def test_nested_json_with_blank_source_and_claim_text_reads_as_not_given(event):
    """In JSON as in a companion table, "" in a source or claim means not given."""
    import json

    data = json.loads(event.model_dump_json())
    for item in data["sources"] + data["claims"]:
        for key, value in item.items():
            if value is None:
                item[key] = ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.jsonl"
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        [record] = list(read(path))
    assert Event.model_validate(record.data) == event
