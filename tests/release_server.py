"""A real HTTP server on 127.0.0.1 that serves a release store folder, honours Range requests,
and misbehaves on demand, for the download tests.

Used in a thread of the test process (`serving(root)`), or as its own process
(`python tests/release_server.py ROOT PORT [--throttle S] [--log FILE]`) when a test kills it
with SIGKILL in the middle of a transfer. Every loop in it is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

PREFIX = "/releases/"  # the store is served below a path, as on a real web site
ENDLESS_LIMIT = 64 << 20  # a server "sending bytes forever" stops here at the latest
STALL_LIMIT = 10.0  # seconds a stalling answer waits at most


@dataclass
class Faults:
    ranges: bool = True  # honour Range: bytes=N-
    not_found: set[str] = field(default_factory=set)  # paths (below PREFIX) answered 404
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location
    drop_once: dict[str, int] = field(default_factory=dict)  # path -> bytes sent before the connection is cut, once
    extra: dict[str, bytes] = field(default_factory=dict)  # path -> bytes appended (Content-Length counts them)
    endless: set[str] = field(default_factory=set)  # paths sent without Content-Length, followed by junk forever
    stall: set[str] = field(default_factory=set)  # paths whose body never comes
    throttle: float = 0.0  # seconds to sleep after every 1 KiB sent


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, port: int = 0, faults: Faults | None = None, log: Path | None = None,
                 tls: tuple[Path, Path] | None = None):
        super().__init__(("127.0.0.1", port), Handler)
        self.scheme = "http"
        if tls:  # (certificate, key): serve https
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.socket = ctx.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.root = root
        self.faults = faults or Faults()
        self.requests: list[dict] = []
        self.log_file = log
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{PREFIX}"

    def record(self, entry: dict) -> None:
        with self.lock:
            self.requests.append(entry)
            if self.log_file:
                with self.log_file.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802
        f = self.server.faults
        raw_path, query = urlsplit(self.path).path, urlsplit(self.path).query
        rng = self.headers.get("Range")
        entry = {"path": raw_path, "range": rng}
        if not raw_path.startswith(PREFIX):
            entry["status"] = 404
            self.server.record(entry)
            return self._send(404, b"not found")
        rel = unquote(raw_path[len(PREFIX):])
        if rel in f.redirects and not query:  # a redirect's target may be the same path with a query
            entry["status"] = 302
            self.server.record(entry)
            return self._send(302, b"", {"Location": f.redirects[rel]})
        path = (self.server.root / rel).resolve()
        if rel in f.not_found or not path.is_file() or not path.is_relative_to(self.server.root.resolve()):
            entry["status"] = 404
            self.server.record(entry)
            return self._send(404, b"not found")
        data = path.read_bytes() + f.extra.get(rel, b"")
        if rel in f.endless:
            entry["status"] = 200
            self.server.record(entry)
            return self._endless(data)
        if rel in f.stall:
            entry["status"] = 200
            self.server.record(entry)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            time.sleep(STALL_LIMIT)
            self.close_connection = True
            return
        start = 0
        if rng and f.ranges and rng.startswith("bytes=") and rng.endswith("-") and rng[6:-1].isdigit():
            start = int(rng[6:-1])
            if start >= len(data):
                entry["status"] = 416
                self.server.record(entry)
                return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
        status = 206 if start else 200
        entry["status"] = status
        self.server.record(entry)
        self.send_response(status)
        self.send_header("Content-Length", str(len(data) - start))
        if f.ranges:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Connection", "close")
        self.end_headers()
        cut = None
        with self.server.lock:
            if rel in f.drop_once:
                cut = f.drop_once.pop(rel)
        body = data[start:]
        if cut is not None:
            self._write(body[:cut])
            self._hang_up()
            return
        self._write(body)
        self.close_connection = True

    def _write(self, body: bytes) -> None:
        step = 1024 if self.server.faults.throttle else 1 << 16
        try:
            for i in range(0, len(body), step):
                self.wfile.write(body[i:i + step])
                if self.server.faults.throttle:
                    self.wfile.flush()
                    time.sleep(self.server.faults.throttle)
            self.wfile.flush()
        except OSError:  # the client went away (it refused what it got)
            self.close_connection = True

    def _hang_up(self) -> None:
        """End the connection in the middle of the body. (A TCP reset would make the client's
        kernel drop bytes it has received but not yet read, so a test could not know how many
        arrived; a killed server process is tested separately.)"""
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def _endless(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        sent = 0
        junk = b"x" * (1 << 16)
        deadline = time.monotonic() + 30
        try:
            self.wfile.write(data)
            while sent < ENDLESS_LIMIT and time.monotonic() < deadline:
                self.wfile.write(junk)
                sent += len(junk)
        except OSError:
            pass
        self.close_connection = True


@contextmanager
def serving(root: Path, faults: Faults | None = None, port: int = 0,
            tls: tuple[Path, Path] | None = None) -> Iterator[Server]:
    server = Server(root, port, faults, tls=tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A loopback port nobody listens on (for "the server is down")."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("port", type=int)
    ap.add_argument("--throttle", type=float, default=0.0)
    ap.add_argument("--log", type=Path)
    args = ap.parse_args()
    srv = Server(args.root, args.port, Faults(throttle=args.throttle), args.log)
    print(srv.port, flush=True)
    srv.serve_forever(poll_interval=0.05)
