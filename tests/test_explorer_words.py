"""The explorer's words filter: the server reads a lowered copy of the notes and the place's name
(explore/facts.py) and shows the plain ILIKE over `events`; both must give the same events, for
words in any case, with accents, with wildcard characters, across the two columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from release_support import cedar_ok, ingest_store

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, seed_path

# Invented notes and places: case, accents, letters whose lower case is longer, wildcards, a backslash.
TEXTS = [
    ("Shelling near the MARKET in Khōst.", "Khōst"),
    ("Straße blocked by protesters.", "Berlin"),
    ("ÉCOLE attaquée au petit matin.", "Lyon"),
    ("Rally; 50% of the shops closed.", "İSTANBUL"),
    ("An under_score and a back\\slash.", "Town_1"),
    ("Quiet day", "Marketville"),
    ("ΣΊΣΥΦΟΣ pushed the stone.", "Κόρινθος"),
]
WORDS = ["market", "MARKET", "khōst", "KHŌST", "khost", "straße", "STRASSE", "école", "École", "istanbul",
         "İstanbul", "i̇stanbul", "50%", "%", "_", "under_score", "under score", "back\\slash", "\\", "day marketville",
         "day", "σίσυφος", "ΣΊΣΥΦΟΣ", "κόρινθος", "'; DROP TABLE x; --", "a\x1fb"]


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("words")
    db = ingest_store(root / "cedar.duckdb")
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / SEED_DOCUMENT)  # the document its sources quote
    first = json.loads(seed_path().read_text(encoding="utf-8"))[0]
    added = [dict(first, ref=f"words-{i}", notes=notes, location=place) for i, (notes, place) in enumerate(TEXTS)]
    (root / "words.json").write_text(json.dumps(added, ensure_ascii=False), encoding="utf-8")
    cedar_ok("ingest", "--db", str(db), str(root / "words.json"))
    assert build_release("2026.11.1", db, root / "releases").passed
    return root / "releases" / "2026.11.1"


@pytest.fixture(scope="module")
def session(release) -> Iterator[Any]:
    from cedar.explore.catalog import open_catalog
    from cedar.explore.reader import Reader

    reader = Reader(open_catalog(release))
    with reader.session() as s:
        yield s
    reader.close()


def _ids(s: Any, sql: str, params: list[Any]) -> list[str]:
    return sorted(r[0] for r in s.rows(sql, params)[1])


@pytest.mark.parametrize("words", [[w] for w in WORDS] + [["market", "khōst"], ["ÉCOLE", "day"]])
def test_the_words_copy_finds_what_ilike_finds(session, words):
    from cedar.explore import facts

    filters = {"q": words}
    w, source = facts.where(session, filters)
    fast = _ids(session, f"SELECT event_id FROM {source} {w.sql()}", w.params)
    plain = w.plain or w
    assert fast == _ids(session, f"SELECT event_id FROM events {plain.sql()}", plain.params)
    # and what the page shows, run as it is shown
    shown = w.shown(f"SELECT event_id FROM events {w.sql()} ORDER BY event_id")
    assert [r[0] for r in session.rows(shown)[1]] == fast


def test_words_read_the_copy_and_show_ilike_over_events(session):
    from cedar.explore import facts, queries

    assert _ids(session, "SELECT event_id FROM events WHERE notes ILIKE '%khōst%'", [])  # the fixture holds it
    filters = {"q": ["KHŌST"], "country": ["Azerbaijan"]}
    w, source = facts.where(session, filters)
    assert session.words and source == facts.TABLE and facts.WORDS in w.clause
    for answer in (queries.facets(session, filters), queries.events(session, filters),
                   queries.timeseries(session, filters), queries.clusters(session, filters)):
        assert "words" not in answer["sql"] and facts.TABLE not in answer["sql"]
        assert "(notes ILIKE '%KHŌST%' ESCAPE '\\' OR location ILIKE '%KHŌST%' ESCAPE '\\')" in answer["sql"]
    assert [r[0] for r in queries.events(session, filters)["rows"]] == \
        [r[0] for r in session.rows(queries.events(session, filters)["sql"])[1]]


def test_words_holding_the_separator_read_the_events_they_match(session):
    from cedar.explore import facts

    w, source = facts.where(session, {"q": ["a\x1fb"]})
    assert source == facts.TABLE and facts.WORDS not in w.clause and "explorer.matches_" in w.clause


def test_the_shown_query_runs_in_cedar_query(session, release):
    from cedar.explore import queries

    answer = queries.events(session, {"q": ["İstanbul"], "since": ["2000-01-01"]})
    out = json.loads(cedar_ok("query", "--releases", str(release), "--format", "json", answer["sql"]))
    rows = out["rows"] if isinstance(out, dict) else out
    assert len(rows) == len(answer["rows"]) == 1


def test_texts_over_the_budget_are_not_kept_and_the_events_words_match_are(release, session, monkeypatch):
    from cedar.explore import facts, queries
    from cedar.explore.catalog import open_catalog
    from cedar.explore.reader import Reader

    monkeypatch.setattr(facts, "WORDS_BUDGET", 100)  # bytes: less than the fixture's texts
    reader = Reader(open_catalog(release))
    try:
        with reader.session() as plain:
            kept = "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'explorer' AND table_name = 'words'"
            assert not plain.words and plain.rows(kept)[1] == [(0,)] and session.rows(kept)[1] == [(1,)]
            for words in (["market"], ["KHŌST"], ["İstanbul", "rally"]):
                assert queries.events(plain, {"q": words})["rows"] == queries.events(session, {"q": words})["rows"]
                assert queries.facets(plain, {"q": words})["total"] == queries.facets(session, {"q": words})["total"]
            first, _ = facts.where(plain, {"q": ["market"], "country": ["Azerbaijan"]})
            again, _ = facts.where(plain, {"q": ["market"]})  # the same words: their events are kept
            assert "explorer.matches_" in first.clause and first.clause.split(" AND ")[-1] == again.clause
            for n in range(facts.MATCHES_KEPT + 1):
                facts.where(plain, {"q": [f"word {n}"]})
            tables = "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'matches_%'"
            assert plain.rows(tables)[1] == [(facts.MATCHES_KEPT,)]
    finally:
        reader.close()
