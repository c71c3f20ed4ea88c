"""The long forms of a release (releases/long_forms.py): actors_long, one row per (event, actor,
role) with the inter code of the actor's side as a number and a label, and sources_long, one row per
(event, source), both views of `cedar query --releases`."""

from __future__ import annotations

import json

import duckdb
import pytest
from export_support import ASSOC, VERSION, export_releases
from typer.testing import CliRunner

from cedar.cli import app
from cedar.releases import localrelease, long_forms
from cedar.schema import vocab


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    con = localrelease.connect(export_releases(tmp_path_factory) / VERSION)
    yield con
    con.close()


def test_one_actor_row_per_event_actor_and_role(release):
    wide = release.execute("SELECT event_id, actor1, assoc_actor_1, actor2, assoc_actor_2 FROM events").fetchall()
    expected = set()
    for event_id, a1, assoc1, a2, assoc2 in wide:
        expected.add((event_id, "actor1", 1, a1))
        expected.update((event_id, "assoc_actor_1", i, a) for i, a in enumerate(assoc1 or [], start=1))
        if a2:
            expected.add((event_id, "actor2", 1, a2))
        expected.update((event_id, "assoc_actor_2", i, a) for i, a in enumerate(assoc2 or [], start=1))
    rows = release.execute("SELECT event_id, role, position, actor FROM actors_long").fetchall()
    assert len(rows) == len(expected) and set(rows) == expected


def test_associated_actors_carry_their_sides_inter_code_and_label(release):
    rows = release.execute("SELECT role, side, position, actor, inter, inter_label FROM actors_long "
                           "WHERE event_id = 'CDR-AZE-1' ORDER BY side, role, position").fetchall()
    assert rows == [("actor1", 1, 1, "Military Forces of Azerbaijan (2003-)", 1, "State forces"),
                    ("assoc_actor_1", 1, 1, ASSOC[0], 1, "State forces"),
                    ("assoc_actor_1", 1, 2, ASSOC[1], 1, "State forces"),
                    ("actor2", 2, 1, "Armenian armed groups in Nagorno-Karabakh", 2, "Rebel groups")]


def test_actor_rows_repeat_the_events_key_columns(release):
    rows = release.execute("SELECT a.event_id FROM actors_long a JOIN events e USING (event_id) "
                           "WHERE a.event_date IS DISTINCT FROM e.event_date OR a.country <> e.country "
                           "OR a.event_type <> e.event_type OR a.fatalities IS DISTINCT FROM e.fatalities "
                           "OR a.year <> year(e.event_date)").fetchall()
    assert rows == []
    assert release.execute("SELECT count(*) FROM actors_long").fetchone()[0] > 6


def test_one_source_row_per_event_and_source(release):
    n_sources = release.execute("SELECT count(*) FROM sources").fetchone()[0]
    rows = release.execute("SELECT event_id, source_no, name, event_type, country FROM sources_long").fetchall()
    assert len(rows) == n_sources and len({(r[0], r[1]) for r in rows}) == n_sources
    assert all(r[2] and r[3] and r[4] == "Azerbaijan" for r in rows)


def test_labels_are_the_codebooks():
    con = duckdb.connect()
    codes = list(vocab.ACTOR_TYPES)
    got = dict(con.execute(f"SELECT c, {long_forms.inter_label_sql('c')} FROM unnest({codes}) t(c)").fetchall())
    assert got == vocab.ACTOR_TYPES
    assert con.execute(f"SELECT {long_forms.inter_label_sql('0')}").fetchone()[0] is None
    pairs = con.execute(f"SELECT {long_forms.interaction_label_sql('a', 'b')} FROM (VALUES (7, 1), (6, 0), "
                        "(6, NULL), (2, 2)) t(a, b)").fetchall()
    assert [p[0] for p in pairs] == ["State forces-Civilians", "Protesters only", "Protesters only",
                                     "Rebel groups-Rebel groups"]


def test_long_forms_are_views_of_cedar_query_releases(tmp_path_factory):
    releases = export_releases(tmp_path_factory)
    result = CliRunner().invoke(app, ["query", "--releases", str(releases), "--format", "json",
                                      "SELECT role, count(*) AS n FROM actors_long GROUP BY role ORDER BY role"])
    assert result.exit_code == 0, result.output
    counts = {r["role"]: r["n"] for r in json.loads(result.stdout)}
    assert counts["assoc_actor_1"] == 3 and counts["actor1"] == 6
    result = CliRunner().invoke(app, ["query", "--releases", str(releases), "--format", "json",
                                      "SELECT count(*) AS n FROM sources_long"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["n"] >= 6, result.output
