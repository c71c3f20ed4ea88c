"""`cedar download` against a real HTTP server on 127.0.0.1 (tests/release_server.py, started by
the test) and against folders: a release store built by the real build, real files on disk, the
real command line in a child process. Each fault must give a clear message, exit 1, no
traceback, and no partial file under a final name."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cedar
from download_support import V1, copy_store, pristine_store, rewrite_manifest, sha
from release_server import Faults, free_port, serving

TESTS = Path(__file__).resolve().parent
QUICK = ("--timeout", "5", "--tries", "3")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return pristine_store(tmp_path_factory)


def download(source: str, to: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cedar("download", *args, "--from", source, "--to", str(to), *QUICK)


def files_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha(p) for p in folder.rglob("*") if p.is_file()}


def assert_complete(store: Path, to: Path, version: str = V1) -> None:
    got = files_of(to / version)
    want = files_of(store / version)
    assert got == want
    proc = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=to / version, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_no_leftovers(to)


def assert_no_leftovers(to: Path) -> None:
    if not to.exists():
        return
    leftovers = [p for p in to.rglob("*") if p.name.startswith(".cedar-") or p.name.endswith(".part")]
    assert leftovers == []


def assert_refused(proc: subprocess.CompletedProcess, *words: str, code: int = 1) -> None:
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: ") or "\nError: " in proc.stderr, proc.stderr
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)


def assert_nothing_published(to: Path, version: str = V1) -> None:
    assert not (to / version).exists()
    assert_no_leftovers(to)


# --- clean downloads -------------------------------------------------------------------------

def test_clean_download_over_http(store, tmp_path):
    with serving(store) as server:
        proc = download(server.url, tmp_path / "data", "latest")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_complete(store, tmp_path / "data")
    assert f"Downloaded release {V1}" in proc.stdout and "sha256sum -c SHA256SUMS" in proc.stdout
    # index, manifest, SHA256SUMS, then every file once, each with a plain GET
    paths = [r["path"] for r in server.requests]
    assert paths[0] == "/releases/index.json"
    assert all(r["range"] is None and r["status"] == 200 for r in server.requests)
    assert len(paths) == len(set(paths))


def test_download_from_a_folder_with_a_version(store, tmp_path):
    proc = download(str(store), tmp_path / "data", V1)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert_complete(store, tmp_path / "data")


def test_format_parquet_then_all_fetches_only_what_is_missing(store, tmp_path):
    to = tmp_path / "data"
    with serving(store) as server:
        proc = run_cedar("download", "--from", server.url, "--to", str(to), "--format", "parquet", "--json")
        assert proc.returncode == 0, proc.stderr
        got = {f["name"] for f in json.loads(proc.stdout)["files"]}
        assert {"events.parquet", "claims.parquet", "sources.parquet", "actors.parquet", "changes.csv",
                "deletions.csv", "codebook.md", "datapackage.json", "validation/report.html"} <= got
        assert not {"events.csv", "claims.csv", "sources.csv", "actors.csv"} & got
        check = subprocess.run(["sha256sum", "-c", "--ignore-missing", "SHA256SUMS"], cwd=to / V1,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        server.requests.clear()
        proc = run_cedar("download", "--from", server.url, "--to", str(to), "--format", "all", "--json")
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
    fetched = {f["name"] for f in result["files"] if f["status"] == "downloaded"}
    assert fetched == {"events.csv", "claims.csv", "sources.csv", "actors.csv"}
    assert {r["path"].rsplit("/", 1)[-1] for r in server.requests} == fetched | {"index.json", "manifest.json",
                                                                                  "SHA256SUMS"}
    assert_complete(store, to)


def test_format_csv_leaves_out_the_parquet_tables(store, tmp_path):
    proc = run_cedar("download", "--from", str(store), "--to", str(tmp_path), "--format", "csv", "--json")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (tmp_path / V1).iterdir()}
    assert "events.csv" in names and "events.parquet" not in names and "manifest.json" in names


def test_same_host_redirect_is_followed(store, tmp_path):
    faults = Faults(redirects={f"{V1}/codebook.md": f"/releases/{V1}/codebook.md?mirror=1"})
    with serving(store, faults) as server:
        proc = download(server.url, tmp_path, V1)
    assert proc.returncode == 0, proc.stderr
    assert_complete(store, tmp_path)
    assert [r["status"] for r in server.requests if "codebook" in r["path"]] == [302, 200]


# --- tampered releases -----------------------------------------------------------------------

def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["http", "folder"])
def test_a_file_changed_after_the_release_was_built_is_refused_and_removed(tmp_path_factory, tmp_path, kind):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    _flip_a_byte(src / V1 / "events.csv")  # same size, other bytes
    to = tmp_path / "data"
    if kind == "http":
        with serving(src) as server:
            proc = download(server.url, to, "latest")
    else:
        proc = download(str(src), to, "latest")
    assert_refused(proc, "events.csv does not match its manifest", "refused and removed")
    assert_nothing_published(to)


def test_a_file_grown_after_the_release_was_built_is_refused(tmp_path_factory, tmp_path):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    with (src / V1 / "events.parquet").open("ab") as fh:
        fh.write(b"appended later")
    with serving(src) as server:
        proc = download(server.url, tmp_path / "data")
    assert_refused(proc, "events.parquet", "the manifest says")
    assert_nothing_published(tmp_path / "data")


def test_a_changed_manifest_is_refused_before_any_file(tmp_path_factory, tmp_path):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    man = src / V1 / "manifest.json"
    man.write_text(man.read_text().replace('"previous_version": null', '"previous_version": "2026.10.1"'))
    with serving(src) as server:
        proc = download(server.url, tmp_path / "data")
    assert_refused(proc, "does not match the release index")
    assert_nothing_published(tmp_path / "data")
    assert not [r for r in server.requests if r["path"].endswith(".csv")]


def test_a_changed_sha256sums_is_refused(tmp_path_factory, tmp_path):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    sums = src / V1 / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("  events.csv", "  events.parquet", 1))
    proc = download(str(src), tmp_path / "data")
    assert_refused(proc, "SHA256SUMS does not agree with the manifest")
    assert_nothing_published(tmp_path / "data")


# --- broken connections: retry, resume, restart ----------------------------------------------

def test_connection_cut_mid_file_is_resumed_with_a_range_request(store, tmp_path):
    name = f"{V1}/events.parquet"
    faults = Faults(drop_once={name: 5000})
    with serving(store, faults) as server:
        proc = run_cedar("download", "--from", server.url, "--to", str(tmp_path), "--json", *QUICK)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["resumed"] == 1 and result["restarted"] == 0 and result["retries"] == 1
    tries = [r for r in server.requests if r["path"].endswith("/events.parquet")]
    assert [(r["range"], r["status"]) for r in tries] == [(None, 200), ("bytes=5000-", 206)]
    assert_complete(store, tmp_path)


def test_server_without_range_support_restarts_the_file(store, tmp_path):
    name = f"{V1}/events.parquet"
    faults = Faults(ranges=False, drop_once={name: 5000})
    with serving(store, faults) as server:
        proc = run_cedar("download", "--from", server.url, "--to", str(tmp_path), "--json", *QUICK)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["resumed"] == 0 and result["restarted"] == 1
    tries = [r for r in server.requests if r["path"].endswith("/events.parquet")]
    assert [(r["range"], r["status"]) for r in tries] == [(None, 200), ("bytes=5000-", 200)]
    assert_complete(store, tmp_path)


def _start_server(root: Path, port: int, log: Path, throttle: float = 0.0) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(TESTS / "release_server.py"), str(root), str(port), "--log", str(log),
                             "--throttle", str(throttle)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == str(port)  # listening
    return proc


def _log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_server_killed_mid_transfer_and_restarted_download_resumes(store, tmp_path):
    """The server process is killed with SIGKILL while it sends codebook.md slowly, then started
    again on the same port; the download retries with backoff and resumes with a Range request."""
    port = free_port()
    log = tmp_path / "requests.jsonl"
    server = _start_server(store, port, log, throttle=0.02)  # about 50 KiB/s
    client = subprocess.Popen([sys.executable, "-m", "cedar", "download", "--from",
                               f"http://127.0.0.1:{port}/releases/", "--to", str(tmp_path / "data"), "--json",
                               "--timeout", "5", "--tries", "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    restarted = None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(r["path"].endswith("/codebook.md") for r in _log(log)):
            time.sleep(0.02)
        time.sleep(0.15)  # a few KiB of the 22 KB sent
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        killed_at = len(_log(log))
        restarted = _start_server(store, port, log)
        out, err = client.communicate(timeout=60)
    finally:
        for p in (client, server, restarted):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=10)
    assert client.returncode == 0, err
    assert "Traceback" not in err
    result = json.loads(out)
    assert result["retries"] >= 1 and result["resumed"] == 1
    after = [r for r in _log(log)[killed_at:] if r["path"].endswith("/codebook.md")]
    assert after and after[0]["status"] == 206 and after[0]["range"].startswith("bytes=")
    assert int(after[0]["range"][6:-1]) > 0
    assert_complete(store, tmp_path / "data")


# --- a server that fails or misbehaves -------------------------------------------------------

def test_a_404_on_a_file_names_it_and_leaves_nothing(store, tmp_path):
    with serving(store, Faults(not_found={f"{V1}/claims.csv"})) as server:
        proc = download(server.url, tmp_path, "latest")
    assert_refused(proc, f"{V1}/claims.csv was not found (HTTP 404)")
    assert_nothing_published(tmp_path)


def test_a_url_that_is_not_a_release_store(store, tmp_path):
    with serving(store) as server:
        proc = download(server.url + "nothing-here/", tmp_path)
    assert_refused(proc, "is not a Cedar release store", "index.json")


def test_a_server_that_is_down(tmp_path):
    t = time.monotonic()
    proc = run_cedar("download", "--from", f"http://127.0.0.1:{free_port()}/releases/", "--to", str(tmp_path),
                     "--tries", "2")
    assert_refused(proc, "connection was refused", "server down", "tried 2 times")
    assert time.monotonic() - t < 20
    assert_no_leftovers(tmp_path)


def test_a_redirect_loop(store, tmp_path):
    faults = Faults(redirects={"index.json": "/releases/index2.json", "index2.json": "/releases/index.json"})
    with serving(store, faults) as server:
        proc = download(server.url, tmp_path)
    assert_refused(proc, "Redirect loop")
    assert len(server.requests) == 2


def test_a_redirect_to_another_host_is_refused(store, tmp_path):
    with serving(store) as server:
        server.faults.redirects[f"{V1}/events.parquet"] = f"http://localhost:{server.port}/releases/{V1}/events.parquet"
        proc = download(server.url, tmp_path)
    assert_refused(proc, "redirects to another host, localhost")
    assert_nothing_published(tmp_path)
    assert not [r for r in server.requests if r["path"].endswith("events.parquet") and r["status"] == 200]


def test_a_server_that_says_a_file_is_larger_than_its_manifest(store, tmp_path):
    size = json.loads((store / V1 / "manifest.json").read_text())["files"]["events.csv"]["bytes"]
    with serving(store, Faults(extra={f"{V1}/events.csv": b"x" * 100_000})) as server:
        proc = download(server.url, tmp_path)
    assert_refused(proc, f"events.csv is {size + 100_000} bytes by the server's word, but the manifest says {size}")
    assert_nothing_published(tmp_path)


def test_a_server_sending_bytes_for_ever_is_cut_at_the_manifest_size(store, tmp_path):
    t = time.monotonic()
    with serving(store, Faults(endless={f"{V1}/events.csv"})) as server:
        proc = download(server.url, tmp_path)
    assert_refused(proc, "events.csv is larger than the manifest says")
    assert time.monotonic() - t < 20
    assert_nothing_published(tmp_path)


def test_a_server_that_stops_answering_times_out(store, tmp_path):
    t = time.monotonic()
    with serving(store, Faults(stall={f"{V1}/events.csv"})) as server:
        proc = run_cedar("download", "--from", server.url, "--to", str(tmp_path), "--timeout", "0.5", "--tries", "2")
    assert_refused(proc, "no answer within 0.5 s", "tried 2 times")
    assert time.monotonic() - t < 20
    assert_nothing_published(tmp_path)


# --- versions and hostile release stores -----------------------------------------------------

def test_an_unknown_version_lists_the_published_ones(store, tmp_path):
    proc = download(str(store), tmp_path, "2026.12.7")
    assert_refused(proc, "Version 2026.12.7 is not published", V1, code=2)
    proc = download(str(store), tmp_path, "v1")
    assert_refused(proc, "YYYY.MM.N", code=2)


def test_an_index_pointing_at_a_missing_version(tmp_path_factory, tmp_path):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    index = json.loads((src / "index.json").read_text())
    index["releases"].insert(0, dict(index["releases"][0], version="2026.11.2", previous_version=V1))
    (src / "index.json").write_text(json.dumps(index))
    with serving(src) as server:
        proc = download(server.url, tmp_path / "data", "latest")
    assert_refused(proc, "lists version 2026.11.2, but its manifest", "is missing")
    assert_nothing_published(tmp_path / "data", "2026.11.2")


@pytest.mark.parametrize("evil", ["../escaped.txt", "/tmp/cedar-escaped.txt", "validation\\..\\..\\escaped.txt",
                                  "C:/escaped.txt", "a/../../escaped.txt", "./codebook.md", "x//y"])
def test_a_manifest_naming_a_path_outside_the_release_is_refused(tmp_path_factory, tmp_path, evil):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    (src / "escaped.txt").write_text("outside")
    rewrite_manifest(src, V1, lambda m: m["files"].__setitem__(evil, {"bytes": 7, "sha256": sha(src / "escaped.txt")}))
    to = tmp_path / "deep" / "data"
    with serving(src) as server:
        proc = download(server.url, to)
    assert_refused(proc, "Refused: nothing was downloaded", repr(evil))
    assert_nothing_published(to)
    assert not (tmp_path / "deep" / "escaped.txt").exists() and not Path("/tmp/cedar-escaped.txt").exists()
    assert not [r for r in server.requests if r["path"].endswith(".csv")]


@pytest.mark.parametrize("version", ["../../escaped", "2026.11.1/..", "/etc"])
def test_an_index_naming_a_version_that_is_not_a_folder_name_is_refused(tmp_path_factory, tmp_path, version):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    index = json.loads((src / "index.json").read_text())
    index["releases"][0]["version"] = version
    (src / "index.json").write_text(json.dumps(index))
    proc = download(str(src), tmp_path / "data")
    assert_refused(proc, "that is not YYYY.MM.N")
    assert not (tmp_path / "data").exists() or list((tmp_path / "data").iterdir()) == []


def test_an_oversized_index_is_refused(tmp_path):
    (tmp_path / "store").mkdir()
    with (tmp_path / "store" / "index.json").open("wb") as fh:
        fh.truncate(17 << 20)
    with serving(tmp_path / "store") as server:
        proc = download(server.url, tmp_path / "data")
    assert_refused(proc, "index.json is 17825792 bytes")


def test_safe_relpath_accepts_release_names_only():
    from cedar.releases.download import safe_relpath

    for good in ("events.parquet", "validation/report.html", "a b/c-d_e.1.json"):
        assert safe_relpath(good) == good
    for bad in ("", "../x", "/x", "a\\b", "C:x", "a/./b", "a//b", "a/..", "x\x00y", "x\ny", "x.part", 5, None,
                "a" * 300):
        with pytest.raises(ValueError):
            safe_relpath(bad)


# --- cedar release list --from ---------------------------------------------------------------

def test_release_list_from_a_url_and_a_folder(store):
    with serving(store) as server:
        proc = run_cedar("release", "list", "--from", server.url)
        as_json = run_cedar("release", "list", "--from", server.url, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith(V1) and " 6 " in proc.stdout.splitlines()[1]
    data = json.loads(as_json.stdout)
    assert data["store"] == server.url and [r["version"] for r in data["releases"]] == [V1]
    folder = run_cedar("release", "list", "--from", str(store), "--format", "json")
    assert json.loads(folder.stdout)["releases"] == data["releases"]


def test_release_list_from_a_store_that_is_down_or_not_a_store(tmp_path):
    proc = run_cedar("release", "list", "--from", f"http://127.0.0.1:{free_port()}/releases/")
    assert_refused(proc, "connection was refused")
    proc = run_cedar("release", "list", "--from", str(tmp_path))
    assert_refused(proc, "is not a Cedar release store")
    proc = run_cedar("release", "list", "--from", "ftp://127.0.0.1/x")
    assert_refused(proc, "ftp:// is not supported", code=2)


def test_a_release_folder_given_instead_of_the_store_gets_a_hint(store, tmp_path):
    with serving(store) as server:
        proc = download(server.url + f"{V1}/", tmp_path)
    assert_refused(proc, "is not a Cedar release store", "give the folder above it")


def test_a_killed_downloads_staging_folder_is_removed_by_the_next(store, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".cedar-{V1}.download-{dead.stdout.strip()}"
    (stale / "validation").mkdir(parents=True)
    (stale / "events.csv.part").write_bytes(b"half")
    proc = download(str(store), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists()
    assert_complete(store, tmp_path)


# --- https -----------------------------------------------------------------------------------

@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    proc = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                           str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return cert, key


def test_https_with_a_trusted_certificate_and_an_untrusted_one(store, tmp_path, certificate):
    with serving(store, tls=certificate) as server:
        assert server.url.startswith("https://127.0.0.1:")
        untrusted = download(server.url, tmp_path / "a")
        trusted = subprocess.run([sys.executable, "-m", "cedar", "download", "--from", server.url, "--to",
                                  str(tmp_path / "b"), *QUICK], capture_output=True, text=True, timeout=120,
                                 env={**os.environ, "SSL_CERT_FILE": str(certificate[0])})
    assert_refused(untrusted, "TLS certificate is not trusted")
    assert "tried" not in untrusted.stderr  # not retried: another try would not change the certificate
    assert_nothing_published(tmp_path / "a")
    assert trusted.returncode == 0, trusted.stderr
    assert_complete(store, tmp_path / "b")


def test_ctrl_c_in_the_middle_leaves_nothing(store, tmp_path):
    with serving(store, Faults(stall={f"{V1}/events.csv"})) as server:
        client = subprocess.Popen([sys.executable, "-m", "cedar", "download", "--from", server.url, "--to",
                                   str(tmp_path), "--timeout", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(r["path"].endswith("/events.csv") for r in server.requests):
                time.sleep(0.02)
            time.sleep(0.2)
            client.send_signal(signal.SIGINT)
            _out, err = client.communicate(timeout=30)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait(timeout=10)
    assert client.returncode == 130 and "Interrupted" in err and "Traceback" not in err
    assert err.count("Error: Interrupted") == 1, err
    assert list(tmp_path.iterdir()) == []


# --- as a new user would try it: the standard library's own web server -----------------------

def test_with_python_http_server_clean_then_tampered(tmp_path_factory, tmp_path):
    """`python -m http.server` (no Range support) serving a copy of the store: a clean download,
    then the same after a file in the store was changed."""
    src = copy_store(tmp_path_factory, tmp_path / "store")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(src),
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 20
        while True:  # until it listens
            listed = run_cedar("release", "list", "--from", url, "--format", "json")
            if listed.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert [r["version"] for r in json.loads(listed.stdout)["releases"]] == [V1]
        clean = download(url, tmp_path / "clean")
        assert clean.returncode == 0, clean.stderr
        assert_complete(src, tmp_path / "clean")
        _flip_a_byte(src / V1 / "claims.parquet")
        tampered = download(url, tmp_path / "tampered")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert_refused(tampered, "claims.parquet does not match its manifest")
    assert_nothing_published(tmp_path / "tampered")
