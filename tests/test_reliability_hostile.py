"""Hostile release stores, beyond tests/test_download.py's cases: generated file
names a manifest might carry (every accepted one stays inside the release folder), and over a
real loopback server: a manifest naming a path outside, a file larger than the manifest says, a
hash mismatch, an index pointing at a missing version, redirects to other hosts (another loopback
address, a file:// URL), and a server that sends its index for ever. Each is refused with an
`Error:` message and leaves no file behind."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path, PurePosixPath

import pytest
from conftest import run_cedar
from download_support import V1, copy_store, rewrite_manifest
from hypothesis import given, settings
from hypothesis import strategies as st
from release_server import Faults, serving
from reliability.scale import FULL, record, size

from cedar.releases.download import safe_relpath

QUICK = ("--timeout", "3", "--tries", "2")
PIECES = ["..", ".", "", "a", "b.csv", "%2e%2e", "\\", "C:", "\x00", "\n", "\u2024\u2024", "..\u2215x", "~", "/", "//",
          "\u202e", "x" * 300, ".part", ".cedar-x", " ", "..."]


def test_every_name_a_manifest_may_give_stays_inside_the_release():
    seen = {"names": 0, "accepted": 0}

    @settings(max_examples=size(300, 20000), deadline=None, derandomize=not FULL, database=None)
    @given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6), st.sampled_from(["/", "\\", ""]))
    def case(parts, sep):
        name = sep.join(parts)
        seen["names"] += 1
        try:
            ok = safe_relpath(name)
        except ValueError:
            return
        seen["accepted"] += 1
        base = Path("/srv/release")
        resolved = os.path.normpath(base / ok)
        assert resolved.startswith(str(base) + "/"), name
        assert ".." not in PurePosixPath(ok).parts and "\x00" not in ok

    t0 = time.monotonic()
    case()
    record("hostile-manifest-names", names=seen["names"], accepted=seen["accepted"],
           seconds=round(time.monotonic() - t0, 1))


def _refused(proc, to: Path, *words: str) -> None:  # noqa: ANN001
    assert proc.returncode in (1, 2), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Error: " in proc.stderr, proc.stderr
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)
    left = [p for p in to.rglob("*")] if to.exists() else []
    assert left == [], left


def test_hostile_stores_over_http(tmp_path_factory, tmp_path):
    src = copy_store(tmp_path_factory, tmp_path / "store")
    t0, n = time.monotonic(), 0
    man = json.loads((src / V1 / "manifest.json").read_text())
    cases = []

    def case(label, change_store, faults, *words):  # noqa: ANN001
        cases.append((label, change_store, faults, words))

    case("path-outside", lambda s: rewrite_manifest(s, V1, lambda m: m["files"].__setitem__(
        "validation/../../../../x.txt", {"bytes": 1, "sha256": "0" * 64})), None, "steps outside")
    case("absolute", lambda s: rewrite_manifest(s, V1, lambda m: m["files"].__setitem__(
        "/etc/cron.d/x", {"bytes": 1, "sha256": "0" * 64})), None, "an absolute path")
    case("larger", None, Faults(extra={f"{V1}/changes.csv": b"y" * 10}), "changes.csv")
    case("hash", lambda s: (s / V1 / "deletions.csv").write_bytes(
        (s / V1 / "deletions.csv").read_bytes()[:-1] + b"!"), None, "does not match")
    case("missing-version", lambda s: (s / "index.json").write_text(json.dumps({"format": "cedar-release-index/1",
         "releases": [{"version": "2026.12.9", "manifest_sha256": "a" * 64}]})), None, "is missing")
    case("endless-index", None, Faults(endless={"index.json"}), "index")
    case("endless-file", None, Faults(endless={f"{V1}/codebook.md"}), "larger than the manifest says")
    for label, change, faults, words in cases:
        store = copy_store(tmp_path_factory, tmp_path / f"s-{label}")  # a fresh copy for every case
        if change:
            change(store)
        to = tmp_path / f"to-{label}"
        with serving(store, faults) as server:
            proc = run_cedar("download", "--releases", server.url, "--to", str(to), *QUICK)
        _refused(proc, to, *words)
        n += 1
    # redirects away from the store's host
    for label, target in (("other-loopback", "http://127.0.0.2:{port}/releases/" + V1 + "/events.parquet"),
                          ("localhost", "http://localhost:{port}/releases/" + V1 + "/events.parquet"),
                          ("file", "file:///etc/passwd"), ("other-port", "http://127.0.0.1:1/x")):
        to = tmp_path / f"to-{label}"
        with serving(src) as server:
            server.faults.redirects[f"{V1}/events.parquet"] = target.format(port=server.port)
            proc = run_cedar("download", "--releases", server.url, "--to", str(to), *QUICK)
        _refused(proc, to, "refused")
        n += 1
    assert man["version"] == V1
    record("hostile-stores", cases=n, seconds=round(time.monotonic() - t0, 1))


class _Drip:
    """A loopback server that answers at once, without a Content-Length, and then sends its body a
    byte every 0.1 s (so no single read times out): index.json, or one file of a
    real store (the others served whole). Bounded: 600 bytes a connection at most."""

    def __init__(self, store: Path | None, drip: str):
        import socket
        import threading

        self.store, self.drip = store, drip
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        import threading

        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn) -> None:  # noqa: ANN001
        try:
            conn.settimeout(5)
            head = conn.recv(65536).decode("latin-1")
            path = head.split(" ", 2)[1].split("/releases/", 1)[-1]
            if path != self.drip and self.store is not None and (self.store / path).is_file():
                body = (self.store / path).read_bytes()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
                             + body)
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            for _ in range(600):
                if self.stop:
                    break
                conn.sendall(b"x")
                time.sleep(0.1)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.mark.parametrize("what", ["index.json", f"{V1}/events.parquet"])
def test_a_server_that_trickles_bytes_for_ever_is_cut_off(tmp_path_factory, tmp_path, what):
    """Each read gets a byte before --timeout, so only a pace check ends the transfer."""
    store = copy_store(tmp_path_factory, tmp_path / "store")
    server = _Drip(store, what)
    to = tmp_path / "to"
    t0 = time.monotonic()
    try:
        proc = run_cedar("download", "--releases", f"http://127.0.0.1:{server.port}/releases/", "--to", str(to),
                         "--timeout", "1", "--tries", "1")
    finally:
        server.close()
    took = time.monotonic() - t0
    _refused(proc, to, "sends too slowly")
    assert took < 40, took
