"""`cedar serve`'s JSON API on a real loopback server, over two releases built in the test from the
bundled seed: the second updates an event with hostile text, deletes one with a reason and adds one.
The browser tests (test_explorer_browser.py) drive the page over the same releases."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from release_support import cedar_ok, ingest_store

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, seed_path

V1, V2 = "2026.11.1", "2026.11.2"
HOSTILE = ('<script>window.__cedar_pwned = 1</script><img src=x onerror="window.__cedar_pwned = 2"> '
           'javascript:alert(1)')


def build_releases(root: Path) -> Path:
    """A release store with V1 (the seed's six events) and V2: CDR-AZE-4 updated with a hostile note,
    CDR-AZE-5 deleted with a reason, CDR-AZE-7 added."""
    from cedar.releases.build import build_release

    db = ingest_store(root / "cedar.duckdb")
    store = root / "releases"
    assert build_release(V1, db, store).passed
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / SEED_DOCUMENT)
    events = json.loads(seed_path().read_text(encoding="utf-8"))
    update = dict(events[3], event_id="CDR-AZE-4", notes=HOSTILE, verification_note=HOSTILE)
    added = dict(events[0], ref="karabakh-7", event_date="2023-09-20")
    (root / "changes.json").write_text(json.dumps([update, added], ensure_ascii=False), encoding="utf-8")
    cedar_ok("ingest", "--db", str(db), str(root / "changes.json"))
    (root / "gone.csv").write_text("event_id,reason\nCDR-AZE-5,<b>duplicate</b> of CDR-AZE-6\n", encoding="utf-8")
    cedar_ok("ingest", "--db", str(db), "--deletions", str(root / "gone.csv"))
    result = build_release(V2, db, store)
    assert result.passed, result.gate.report.to_dict()["problems"]
    return store


_BUILT: dict[str, Path] = {}


def shared_releases(tmp_path_factory) -> Path:  # noqa: ANN001
    """The releases of build_releases, built once per test run (the browser tests read them too; nothing
    changes them)."""
    if "store" not in _BUILT:
        _BUILT["store"] = build_releases(tmp_path_factory.mktemp("explorer"))
    return _BUILT["store"]


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    return shared_releases(tmp_path_factory)


@pytest.fixture(scope="module")
def base(releases) -> Iterator[str]:
    from cedar.explore import server
    from cedar.explore.app import make_app
    from cedar.explore.catalog import open_catalog
    from cedar.explore.reader import Limits

    app = make_app(open_catalog(releases), Limits(timeout=2.0, max_rows=100))
    with server.background(app) as url:
        yield url


def get(base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, Any, dict]:
    req = urllib.request.Request(base + path, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            body, status, head = r.read(), r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        body, status, head = e.read(), e.code, dict(e.headers)
    ctype = head.get("content-type", "")
    return status, json.loads(body) if ctype.startswith("application/json") and body else body, head


def q(**params: Any) -> str:
    return urllib.parse.urlencode(params, doseq=True)


def test_facets_count_the_filtered_events(base):
    status, data, _ = get(base, "/api/facets")
    assert status == 200 and data["total"]["events"] == 6  # V2: six of seven, CDR-AZE-5 deleted
    status, data, _ = get(base, "/api/facets?" + q(verification_status="unverified"))
    assert data["total"]["events"] == 2
    types = {v["value"]: v["count"] for v in data["facets"]["event_type"]["values"]}
    assert sum(types.values()) == 2
    assert "verification_status IN ('unverified')" in data["sql"]
    status, data, _ = get(base, "/api/facets?" + q(actor="Ruben Vardanyan"))
    assert data["total"]["events"] == 0  # a claimant is not an actor
    # an alias of the actor registry finds its actor
    status, data, _ = get(base, "/api/facets?" + q(actor="azerbaijani  army"))
    name = "Military Forces of Azerbaijan (2003-)"
    _, counted, _ = get(base, "/api/sql?" + q(sql=f"SELECT count(*) FROM events WHERE '{name}' IN (actor1, actor2)"))
    assert data["total"]["events"] == counted["rows"][0][0] > 0 and f"'{name}'" in data["sql"]
    status, data, _ = get(base, "/api/facets?" + q(actor="Civilians (Azerbaijan)", since="2023-09-19"))
    assert data["total"]["events"] == 1
    # fatalities not reported are counted apart, never summed as 0
    assert data["total"]["fatalities"] is None and data["total"]["unreported"] == 1


def test_a_bad_filter_is_a_clear_message(base):
    status, data, _ = get(base, "/api/facets?" + q(since="yesterday"))
    assert status == 400 and "YYYY-MM-DD" in data["error"] and "Traceback" not in json.dumps(data)


def test_the_event_page_holds_claims_sources_and_the_evidence_marked_in_its_document(base):
    status, data, _ = get(base, "/api/event/CDR-AZE-2")
    assert status == 200
    ev = data["event"]
    assert ev["claimed_by"] == ["Ruben Vardanyan"] and ev["verification_status"] == "unverified"
    assert ev["fatalities"] is None
    assert {c["claimant"] for c in data["claims"]} >= {"Ruben Vardanyan"}
    pieces = data["sources"][0]["document_text"]
    marked = "".join(p["text"] for p in pieces if p["mark"])
    assert marked and " ".join(marked.split()) in " ".join(ev["evidence"].split())
    assert "".join(p["text"] for p in pieces) == (SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8")


def test_a_deleted_event_shows_its_deletion_and_reason(base):
    status, data, _ = get(base, "/api/event/CDR-AZE-5")
    assert status == 200 and data["event"] is None
    assert data["deletion"]["reason"] == "<b>duplicate</b> of CDR-AZE-6" and data["deletion"]["deleted_in"] == V2
    status, data, _ = get(base, "/api/event/CDR-AZE-5?" + q(version=V1))
    assert data["event"]["event_id"] == "CDR-AZE-5" and data["deletion"] is None
    status, data, _ = get(base, "/api/history/CDR-AZE-5")
    assert [(r["release"], r["deleted"], r.get("event_version")) for r in data] == [(V2, True, None), (V1, False, 1)]
    assert data[0]["reason"] == "<b>duplicate</b> of CDR-AZE-6"
    status, data, _ = get(base, "/api/history/CDR-AZE-4")
    assert [(r["release"], r["event_version"]) for r in data] == [(V2, 2), (V1, 1)]
    status, data, _ = get(base, "/api/event/CDR-AZE-99")
    assert status == 400 and "no event CDR-AZE-99" in data["error"]


def test_both_versions_are_offered_and_an_unknown_one_is_refused(base):
    status, data, _ = get(base, "/api/meta")
    assert data["versions"] == [V2, V1] and data["version"] == V2 and data["events"] == 6
    assert "fatalities" in data["columns"]["events"] and data["examples"]
    status, data, _ = get(base, "/api/meta?" + q(version="2030.01.1"))
    assert status == 400 and "not among the releases" in data["error"]


def test_the_release_page_holds_manifest_changes_and_gate_report(base):
    status, data, _ = get(base, "/api/release")
    assert data["manifest"]["version"] == V2 and data["manifest"]["previous_version"] == V1
    assert data["change_counts"] == {"added": 1, "deleted": 1, "updated": 1}
    assert data["gate"] is not None and data["deletions"][0]["event_id"] == "CDR-AZE-5"


def test_time_series_by_month_and_by_week_from_saturday(base):
    status, data, _ = get(base, "/api/timeseries?" + q(unit="week"))
    periods = {r[0]: r[1] for r in data["rows"]}
    # 2023-09-19 is a Tuesday: its week starts on Saturday 2023-09-16; 2023-09-12 (Tuesday) on 09-09
    assert periods["2023-09-16"] == 5 and periods["2023-09-09"] == 1
    status, data, _ = get(base, "/api/timeseries?" + q(unit="month"))
    assert data["rows"][0][:2] == ["2023-09-01", 6]
    status, data, _ = get(base, "/api/timeseries?" + q(unit="year"))
    assert status == 400


def test_the_map_clusters_points_and_keeps_imprecise_places_apart(base):
    status, data, _ = get(base, "/api/map")
    assert sum(r[0] for r in data["rows"]) == 6
    assert {r[4] for r in data["rows"]} == {True}  # the seed codes every place as near a place or a region
    status, data, _ = get(base, "/api/map?" + q(west=0, south=0, east=10, north=10))
    assert data["rows"] == []
    status, data, _ = get(base, "/api/map?" + q(west="nan", south=0, east=10, north=10))
    assert status == 400


@pytest.mark.parametrize("sql, words", [
    ("DROP VIEW events", "refused"),
    ("COPY (SELECT 1) TO '/tmp/cedar-explorer-x.csv'", "refused"),
    ("SELECT * FROM read_csv('/etc/passwd')", "outside the release"),
    ("SELECT 1; SELECT 2", "one SQL statement"),
    ("SELECT count(*) FROM range(100000000000) a", "stopped after 2 s"),
])
def test_a_refused_or_timed_out_query_is_a_message(base, sql, words):
    status, data, _ = get(base, "/api/sql?" + q(sql=sql))
    assert status == 400 and words in data["error"], data
    assert not Path("/tmp/cedar-explorer-x.csv").exists()


def test_the_sql_box_caps_its_rows(base):
    status, data, _ = get(base, "/api/sql?" + q(sql="SELECT * FROM range(1000)"))
    assert status == 200 and len(data["rows"]) == 100 and data["cut"] is True


def test_downloads_carry_the_version_and_the_query(base):
    import pyarrow.parquet as pq

    status, body, head = get(base, "/api/download?" + q(format="csv", country="Azerbaijan"))
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == f"# release: {V2}" and lines[1].startswith("# query: SELECT * FROM events WHERE country IN")
    assert len(lines) == 2 + 1 + 6 and head["content-disposition"] == f'attachment; filename="cedar-{V2}.csv"'
    status, data, _ = get(base, "/api/download?" + q(format="json", sql="SELECT event_id FROM events ORDER BY 1"))
    assert data["release"] == V2 and data["query"] == "SELECT event_id FROM events ORDER BY 1"
    assert len(data["rows"]) == 6
    status, body, _ = get(base, "/api/download?" + q(format="parquet", view="claims", version=V1))
    table = pq.read_table(io.BytesIO(body))
    assert table.schema.metadata[b"cedar.release"] == V1.encode() and table.num_rows == 13
    assert table.schema.metadata[b"cedar.query"] == b"SELECT * FROM claims"
    status, data, _ = get(base, "/api/download?" + q(format="csv", sql="DELETE FROM events"))
    assert status == 400 and "refused" in data["error"]


def test_a_spreadsheet_formula_in_a_download_is_neutralised(base):
    status, body, _ = get(base, "/api/download?" + q(format="csv", sql="SELECT '=1+1' AS x, 3 AS n"))
    assert body.decode("utf-8").splitlines()[-1] == "'=1+1,3"


def test_nothing_writes_and_only_loopback_names_are_answered(base, releases):
    before = {p: p.stat().st_mtime_ns for p in releases.rglob("*") if p.is_file()}
    for path in ("/api/sql", "/api/download", "/api/meta"):
        status, _, _ = get(base, path, method="POST")
        assert status == 405
    status, _, _ = get(base, "/api/meta", headers={"Host": "attacker.example"})
    assert status == 400  # a page of another site reaching the server through its own name (DNS rebinding)
    status, _, head = get(base, "/")
    assert "default-src 'self'" in head["content-security-policy"]
    assert before == {p: p.stat().st_mtime_ns for p in releases.rglob("*") if p.is_file()}


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cedar", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_cedar_serve_prints_the_address_answers_and_stops_on_ctrl_c(releases):
    proc = _serve(str(releases), "--port", "0", "--version", V1)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving release {V1} of ") and "http://127.0.0.1:" in line, proc.stderr.read()
        url = line.split(" at ")[1].strip()
        status, data, _ = get(url.rstrip("/"), "/api/meta")
        assert data["version"] == V1
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "Stopped." in proc.stderr.read()
    finally:
        proc.kill()


def test_another_host_is_served_with_a_warning(releases):
    proc = _serve(str(releases), "--port", "0", "--host", "0.0.0.0")
    try:
        line = proc.stdout.readline()
        assert "http://0.0.0.0:" in line
        port = line.rsplit(":", 1)[1].strip().rstrip("/")
        status, data, _ = get(f"http://127.0.0.1:{port}", "/api/meta")  # answered: any Host name is
        assert status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "Warning: listening on 0.0.0.0" in proc.stderr.read()
    finally:
        proc.kill()


@pytest.mark.parametrize("args, words", [
    (["--version", "2030.01.1"], "not among the releases"),
    (["--version", "v1"], "not a release version"),
    (["--releases", "https://example.org/releases"], "not at a URL"),
])
def test_a_wrong_call_is_refused_before_serving(releases, args, words):
    extra = [] if "--releases" in args else [str(releases)]
    proc = subprocess.run([sys.executable, "-m", "cedar", "serve", *extra, *args], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_a_port_in_use_is_refused(releases):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "cedar", "serve", str(releases), "--port", str(port)],
                              capture_output=True, text=True, timeout=60, env={**os.environ})
    assert proc.returncode == 2 and "is in use" in proc.stderr, proc.stderr


def test_a_folder_without_a_release_is_refused(tmp_path):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "cedar", "serve", str(tmp_path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("Error: ") and time.monotonic() - start < 60


def test_the_answers_kept_stay_within_their_bytes():
    from cedar.explore.app import Answers

    kept = Answers(most_bytes=100)
    for i in range(10):
        kept.put(("/api/facets", "v", (("q", str(i)),)), b"x" * 30)
    assert kept.get(("/api/facets", "v", (("q", "9"),))) == b"x" * 30
    assert kept.get(("/api/facets", "v", (("q", "0"),))) is None  # the oldest went first
    assert sum(kept.get(("/api/facets", "v", (("q", str(i)),))) is not None for i in range(10)) == 3
