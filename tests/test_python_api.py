"""The Python API (cedar.api): open_release on a release built by the real build and gate (the seed's six
events), its metadata, `sql` on the guarded read-only connection, `events` and its filters, and the
examples of docs/python.md run as a user's notebook would run them."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from download_support import V1, pristine_store

import cedar
from cedar.errors import CedarError, InputError, UsageError

REPO = Path(__file__).resolve().parents[1]
EVENT_IDS = [f"CDR-AZE-{n}" for n in range(1, 7)]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A release store (index.json and one version folder)."""
    return pristine_store(tmp_path_factory)


@pytest.fixture(scope="module")
def release(store):
    with cedar.open_release(store) as opened:
        yield opened


def ids(rel) -> list[str]:  # noqa: ANN001
    return sorted(rel.to_arrow_table().column("event_id").to_pylist())


def test_open_a_release_store_a_release_folder_and_a_download_folder(store, tmp_path):
    shutil.copytree(store / V1, tmp_path / "downloaded" / V1)
    for path in (store, store / V1, tmp_path / "downloaded", str(tmp_path / "downloaded")):
        with cedar.open_release(path) as release:
            assert release.version == V1
            assert release.path == (Path(path) / V1 if Path(path).name != V1 else Path(path)).resolve()
    with cedar.open_release(store, version=V1) as release:
        assert release.version == V1


def test_the_index_says_which_release_is_the_latest(store, tmp_path):
    """A version folder the index does not list (an unfinished copy) is not the store's latest."""
    copy = tmp_path / "store"
    shutil.copytree(store, copy, ignore=shutil.ignore_patterns(".lock"))
    shutil.copytree(copy / V1, copy / "2026.12.1")
    assert cedar.open_release(copy).version == V1
    with pytest.raises(UsageError, match="not published") as info:
        cedar.open_release(copy, version="2026.12.1")
    assert "cedar release list" in info.value.hint


def test_version_manifest_codebook_and_fields(release, store):
    manifest = json.loads((store / V1 / "manifest.json").read_text(encoding="utf-8"))
    assert release.manifest == manifest and release.manifest["version"] == V1
    assert release.codebook.startswith("# Cedar codebook")
    assert release.fields["event_date"]["type"] == "date"
    assert "ISO 3166-1 alpha-3" in release.fields["iso3"]["description"]


@pytest.mark.parametrize("path, version, error, words", [
    ("missing", None, UsageError, "There is no release"),
    ("empty", None, UsageError, "not a downloaded release"),
    ("store", "2027.01.1", UsageError, "not published"),
    ("store", "latest", UsageError, "not a release version"),
    ("release", "2026.11.2", UsageError, "holds release 2026.11.1"),
    ("", None, UsageError, "must be a folder"),
])
def test_a_wrong_place_or_version_is_a_usage_error_with_a_hint(store, tmp_path, path, version, error, words):
    (tmp_path / "empty").mkdir()
    where = {"store": store, "release": store / V1, "": ""}.get(path, tmp_path / path)
    with pytest.raises(error, match=re.escape(words)) as info:
        cedar.open_release(where, version=version)
    assert info.value.hint


def test_hostile_paths_are_typed_errors(store, tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "array").mkdir()
    (tmp_path / "array" / "manifest.json").write_text("[1]", encoding="utf-8")
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for path in ("fifo", "loop", "a-file", "x" * 5000, "a\x00b", "array", "deep", "/"):
        with pytest.raises(CedarError) as info:
            cedar.open_release(tmp_path / path if path != "/" else path)
        assert info.value.hint, path


def test_a_release_without_its_parquet_files_says_which_to_download(store, tmp_path):
    shutil.copytree(store / V1, tmp_path / V1)
    (tmp_path / V1 / "events.parquet").unlink()
    with pytest.raises(InputError, match="events.parquet") as info:
        cedar.open_release(tmp_path / V1)
    assert "--files parquet" in info.value.hint


def test_sql_reads_the_views(release):
    rows = release.sql("SELECT event_type, count(*) AS n FROM events GROUP BY ALL ORDER BY event_type")
    assert rows.columns == ["event_type", "n"]
    assert rows.records() == [{"event_type": "Battles", "n": 1}, {"event_type": "Explosions/Remote violence", "n": 2},
                              {"event_type": "Strategic developments", "n": 3}]
    assert not rows.truncated
    assert rows.arrow().column("n").to_pylist() == [1, 2, 3]
    assert list(rows.df()["n"]) == [1, 2, 3]
    assert release.sql("SELECT count(*) FROM event_actors WHERE role = 'actor2'").rows == [(4,)]


def test_sql_stops_at_max_rows_and_says_so(release):
    rows = release.sql("SELECT * FROM range(1000)", max_rows=10)
    assert len(rows) == 10 and rows.truncated
    assert len(release.sql("SELECT * FROM range(1000)", max_rows=None)) == 1000
    assert not release.sql("SELECT * FROM range(10)", max_rows=10).truncated


def test_sql_is_interrupted_after_its_timeout(release):
    start = time.perf_counter()
    with pytest.raises(UsageError, match=re.escape("stopped after 0.3 s (timeout=)")) as info:
        release.sql("SELECT count(*) FROM range(100000000000) a", timeout=0.3)
    assert "allow more time with timeout=" in info.value.hint
    assert time.perf_counter() - start < 10
    assert release.sql("SELECT count(*) FROM events").rows == [(6,)]  # the connection is still usable


@pytest.mark.parametrize("query, words", [
    ("DROP VIEW events", "DROP statements are refused"),
    ("CREATE TABLE t AS SELECT 1", "CREATE statements are refused"),
    ("COPY events TO 'out.csv'", "COPY statements are refused"),
    ("SET enable_external_access = true", "SET statements are refused"),
    ("SELECT 1; SELECT 2", "Give one SQL statement"),
    ("SELECT * FROM read_csv('/etc/passwd')", "outside the release"),
    ("SELECT * FROM nowhere", "The query failed"),
])
def test_sql_refuses_what_cedar_query_refuses(release, query, words):
    with pytest.raises(UsageError, match=re.escape(words)) as info:
        release.sql(query)
    assert info.value.hint
    assert release.sql("SELECT count(*) FROM events").rows == [(6,)]


def test_events_without_filters_is_every_event(release):
    assert ids(release.events()) == EVENT_IDS
    assert release.events().df().shape[0] == 6
    assert release.events().arrow().read_all().num_rows == 6  # DuckDB's .arrow() is a batch reader


def test_country_by_name_or_code(release):
    for country in ("Azerbaijan", "azerbaijan", "AZE", "aze", ["Armenia", "Azerbaijan"]):
        assert ids(release.events(country=country)) == EVENT_IDS, country
    assert ids(release.events(country="Armenia")) == []
    assert ids(release.events(country="Czech Republic")) == []  # a common name ISO spells otherwise


def test_dates_are_inclusive(release):
    assert ids(release.events(since="2023-09-18")) == ["CDR-AZE-1", "CDR-AZE-2", "CDR-AZE-4", "CDR-AZE-6"]
    assert ids(release.events(until=dt.date(2023, 9, 12))) == ["CDR-AZE-3", "CDR-AZE-5"]
    assert ids(release.events(since=dt.datetime(2023, 9, 12, 23), until="2023-09-12")) == ["CDR-AZE-3"]


def test_event_type_and_actor(release):
    assert ids(release.events(event_type="strategic developments")) == ["CDR-AZE-4", "CDR-AZE-5", "CDR-AZE-6"]
    assert ids(release.events(event_type=["Battles", "Riots"])) == ["CDR-AZE-1"]
    assert ids(release.events(actor="civilians (azerbaijan)")) == ["CDR-AZE-2", "CDR-AZE-3"]  # actor2
    assert ids(release.events(actor="Government of Azerbaijan (2003-)")) == ["CDR-AZE-5"]  # actor1
    both = release.events(actor="Military Forces of Azerbaijan (2003-)", event_type="Battles", since="2023-09-19",
                          country="AZE")
    assert ids(both) == ["CDR-AZE-1"]


def test_a_filter_value_is_never_sql(release):
    assert ids(release.events(actor="x' OR 1=1 --")) == []
    assert ids(release.events(actor="') OR true OR lower('")) == []


@pytest.mark.parametrize("filters, words", [
    ({"country": "Atlantis"}, "neither a country's name nor its ISO 3166-1 alpha-3 code"),
    ({"country": "AZE' OR 1=1 --"}, "neither a country's name"),
    ({"country": []}, "must be a non-empty string"),
    ({"country": 4}, "must be a non-empty string"),
    ({"since": "last week"}, "is not a date"),
    ({"until": 20230101}, "is not a date"),
    ({"since": "2024-01-01", "until": "2023-01-01"}, "is after"),
    ({"event_type": "War"}, "not one of ACLED's event types"),
    ({"actor": ""}, "must be a non-empty string"),
    ({"actor": ["A", None]}, "must be a non-empty string"),
])
def test_a_bad_filter_is_a_usage_error_with_a_hint(release, filters, words):
    with pytest.raises(UsageError, match=re.escape(words)) as info:
        release.events(**filters)
    assert info.value.hint


@pytest.mark.parametrize("options, words", [
    ({"max_rows": -1}, "not a number of rows"),
    ({"max_rows": "10"}, "not a number of rows"),
    ({"timeout": float("nan")}, "not a number of seconds"),
    ({"timeout": "1"}, "not a number of seconds"),
    ({"timeout": float("inf")}, "too long"),
])
def test_bad_limits_are_usage_errors(release, options, words):
    with pytest.raises(UsageError, match=re.escape(words)):
        release.sql("SELECT 1", **options)


@pytest.mark.parametrize("memory_limit, words", [(5, "is not a size"), ("", "is not a size"),
                                                 ("lots", "cannot be used")])
def test_a_bad_memory_limit_is_a_usage_error(store, memory_limit, words):
    with pytest.raises(UsageError, match=words):
        cedar.open_release(store, memory_limit=memory_limit)


def test_the_memory_limit_is_set(store):
    with cedar.open_release(store, memory_limit="100MB") as release:
        assert release.sql("SELECT current_setting('memory_limit')").rows == [("95.3 MiB",)]


def test_a_closed_release_says_so(store):
    release = cedar.open_release(store)
    release.close()
    release.close()  # twice is fine
    with pytest.raises(UsageError, match="is closed"):
        release.events()


def test_polars_where_installed(release):
    pytest.importorskip("polars")
    assert release.events(country="AZE").pl().height == 6
    assert release.sql("SELECT 1 AS one").pl()["one"].to_list() == [1]


def test_every_error_of_the_api_is_typed(release):
    """Whatever a caller passes, the API answers with cedar's errors, never a bare exception."""
    for call in (lambda: release.events(since=object()), lambda: release.sql(None),  # type: ignore[arg-type]
                 lambda: cedar.open_release(None), lambda: release.events(country=b"AZE")):  # type: ignore[arg-type]
        with pytest.raises(CedarError):
            call()


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_the_guide_examples_run(store, tmp_path, monkeypatch):
    """docs/python.md's ```python blocks, run in order in one namespace, in a folder where the release
    was downloaded to cedar-data/ (the guide's own layout)."""
    shutil.copytree(store / V1, tmp_path / "cedar-data" / V1)
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks((REPO / "docs" / "python.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    namespace: dict = {}
    for n, block in enumerate(blocks, start=1):
        if "import polars" in block and not _has("polars"):
            continue
        exec(compile(block, f"docs/python.md block {n}", "exec"), namespace)  # noqa: S102


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_the_csv_tables_have_the_types_the_build_writes(release):
    """changes, deletions and events_acled are read with their known types, not sniffed from a sample
    (the seed's first release has no previous versions: a sniffer took the empty column for text)."""
    types = {table: dict((r[0], r[1]) for r in release.sql(f"DESCRIBE {table}").rows)
             for table in ("changes", "deletions", "events_acled")}
    assert types["changes"] == {"event_id": "VARCHAR", "change": "VARCHAR", "version": "BIGINT",
                                "previous_version": "BIGINT"}
    assert types["deletions"]["last_version"] == "BIGINT"
    acled = types["events_acled"]
    assert [acled[c] for c in ("event_date", "fatalities", "latitude", "notes")] == ["DATE", "BIGINT", "DOUBLE",
                                                                                     "VARCHAR"]
    assert release.sql("SELECT count(*) FROM changes WHERE change = 'added'").rows == [(6,)]
    assert release.sql("SELECT sum(fatalities) FROM events_acled").rows == [(6,)]


def test_close_removes_the_private_temporary_folder(store):
    release = cedar.open_release(store)
    spill = Path(release.sql("SELECT current_setting('temp_directory')").rows[0][0])
    assert spill.is_dir() and spill.name.startswith("cedar-query-")
    release.close()
    assert not spill.exists()
