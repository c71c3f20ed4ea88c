"""Reading a release store: a folder, or an HTTP(S) URL to one, with the standard library only.

DuckDB's own HTTP reader (httpfs) is an extension that it downloads at run time, so Cedar fetches
release files itself and queries them locally. The HTTP client here is small on purpose and
distrusts the server:

- every socket has a timeout (`timeout` seconds for connecting and for each read);
- redirects are followed only on the same host (and port), at most MAX_REDIRECTS times, never
  from https down to http; a redirect back to a URL already seen is a loop;
- a file is never read past the bytes its manifest gives (one byte more is read to tell that the
  server sends too much), and small files (index.json, manifest.json, SHA256SUMS) past a limit;
- a server that keeps a transfer alive by sending a few bytes at a time (so that no single read
  times out) is cut off: over every window of PACE_WINDOW x `timeout` seconds a transfer must
  bring MIN_RATE bytes a second on average, or it is refused;
- a connection that breaks, times out or is refused is retried with exponential backoff, a
  bounded number of times; a file broken off in the middle is resumed with an HTTP Range request
  (`Range: bytes=N-`) when the server answers 206 with the matching Content-Range, and started
  again from its first byte when it answers 200.

Errors are TransferErrors (UsageErrors for a wrong address) that name the URL or path and say what to do.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Protocol
from urllib.parse import quote, urljoin, urlsplit

from cedar import numbers
from cedar.errors import TransferError, UsageError

DEFAULT_TIMEOUT = 30.0  # seconds, for connecting and for every read
DEFAULT_TRIES = 4  # attempts per request, the first one included
BACKOFF = 0.5  # seconds before the second attempt; doubled for every further one
MAX_REDIRECTS = 5
SMALL_LIMIT = 16 << 20  # index.json, manifest.json, SHA256SUMS: 16 MiB at most
CHUNK = 1 << 16
USER_AGENT = "cedar-download/1"
MIN_RATE = 1024  # bytes a second a transfer must average over each pace window
PACE_WINDOW = 5  # the window, in multiples of `timeout`

Progress = Callable[[int], None]  # called with the bytes of the file held so far


class NotFound(TransferError):
    """The store has no such file (HTTP 404 or 410, or no file in the folder)."""


class _Pace:
    """Refuses a transfer that trickles: fewer than MIN_RATE bytes a second over a whole window."""

    def __init__(self, url: str, timeout: float):
        self.url = url
        self.window = PACE_WINDOW * timeout
        self.mark = time.monotonic()
        self.at_mark = 0

    def check(self, have: int) -> None:
        now = time.monotonic()
        if now - self.mark < self.window:
            return
        got = have - self.at_mark
        if got < MIN_RATE * self.window:
            raise TransferError(f"{self.url} sends too slowly: {got} bytes in the last {now - self.mark:.0f} s "
                                f"(at least {MIN_RATE} bytes a second are needed). Refused, nothing kept.",
                                "The server or the line is overloaded, or the server is hostile; try again later, or "
                                "allow a slower transfer with a longer --timeout.")
        self.mark, self.at_mark = now, have


class _Transient(Exception):
    """A failure worth another try: the connection broke, timed out, was refused, or a 5xx."""


@dataclass
class Stats:
    """What the transfers took, for the summary: retries, Range resumes, restarts from byte 0."""

    retries: int = 0
    resumed: int = 0
    restarted: int = 0


@dataclass
class _Got:
    """What a download holds so far: its bytes and their running sha256, kept across retries."""

    have: int = 0
    hash: Any = field(default_factory=hashlib.sha256)


class Source(Protocol):
    stats: Stats

    def describe(self, rel: str = "") -> str: ...

    def read_small(self, rel: str, limit: int = SMALL_LIMIT) -> bytes: ...

    def fetch(self, rel: str, out: BinaryIO, size: int, progress: Progress | None = None) -> str: ...


def open_source(text: str, *, timeout: float = DEFAULT_TIMEOUT, tries: int = DEFAULT_TRIES,
                backoff: float = BACKOFF) -> Source:
    """A release store named by a folder path, a file:// URL or an http(s):// URL."""
    numbers.seconds(timeout, "--timeout")
    text = text.strip()
    scheme = urlsplit(text).scheme.lower() if "://" in text else ""
    if scheme in ("http", "https"):
        return HttpSource(text, timeout=timeout, tries=tries, backoff=backoff)
    if scheme == "file":
        return FolderSource(Path(urlsplit(text).path))
    if scheme:
        raise UsageError(f"'{text}' is not a release store Cedar can read ({scheme}:// is not supported).",
                         "Give a folder, or an http:// or https:// URL of a release store.")
    path = Path(text)
    if not path.is_dir():
        raise UsageError(f"There is no release store folder at {text}.",
                         "Give the folder that holds index.json, or an http(s):// URL to one.")
    return FolderSource(path)


def _too_large(where: str, limit: int) -> TransferError:
    return TransferError(f"{where} is larger than the manifest says ({limit} bytes): refused, nothing kept.",
                         "The release store was changed after the release was published, or is not to be trusted; "
                         "tell its maintainers.")


# --- a folder --------------------------------------------------------------------------------

class FolderSource:
    def __init__(self, root: Path):
        self.root = root
        self.stats = Stats()

    def describe(self, rel: str = "") -> str:
        return str(self.root / rel) if rel else str(self.root)

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        if not path.is_file():
            raise NotFound(f"{path} does not exist.")
        return path

    def read_small(self, rel: str, limit: int = SMALL_LIMIT) -> bytes:
        with self._path(rel).open("rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise TransferError(f"{self.describe(rel)} is larger than {limit} bytes: refused.",
                                "This is not a Cedar release store, or it has been tampered with.")
        return data

    def fetch(self, rel: str, out: BinaryIO, size: int, progress: Progress | None = None) -> str:
        h = hashlib.sha256()
        have = 0
        with self._path(rel).open("rb") as fh:
            while True:
                chunk = fh.read(min(CHUNK, size + 1 - have))
                if not chunk:
                    break
                have += len(chunk)
                if have > size:
                    raise _too_large(self.describe(rel), size)
                out.write(chunk)
                h.update(chunk)
                if progress:
                    progress(have)
        if have < size:
            raise TransferError(f"{self.describe(rel)} has {have} bytes, the manifest says {size}: refused.",
                                "The release folder was changed after it was published; get it again from its source.")
        return h.hexdigest()


# --- HTTP(S) ---------------------------------------------------------------------------------

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


def _port(parts) -> int:  # noqa: ANN001
    return parts.port or (443 if parts.scheme == "https" else 80)


class HttpSource:
    def __init__(self, base: str, *, timeout: float = DEFAULT_TIMEOUT, tries: int = DEFAULT_TRIES,
                 backoff: float = BACKOFF):
        parts = urlsplit(base)
        if not parts.hostname:
            raise UsageError(f"'{base}' has no host name.", "Give a URL such as https://example.org/cedar/releases/")
        if parts.query or parts.fragment:
            raise UsageError(f"'{base}' has a query or fragment; a release store URL is a plain folder URL.")
        self.base = base if base.endswith("/") else base + "/"
        self.parts = urlsplit(self.base)
        self.timeout = timeout
        self.tries = max(1, tries)
        self.backoff = backoff
        self.stats = Stats()
        self._ssl = ssl.create_default_context() if self.parts.scheme == "https" else None

    def describe(self, rel: str = "") -> str:
        return self.url(rel) if rel else self.base

    def url(self, rel: str) -> str:
        return self.base + quote(rel)

    # one request, following same-host redirects
    def _open(self, url: str, headers: dict[str, str]) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse,
                                                                 str]:
        seen = [url]
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            conn: http.client.HTTPConnection
            if parts.scheme == "https":
                conn = http.client.HTTPSConnection(parts.hostname or "", _port(parts), timeout=self.timeout,
                                                   context=self._ssl or ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(parts.hostname or "", _port(parts), timeout=self.timeout)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            try:
                conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                                     **headers})
                resp = conn.getresponse()
            except BaseException:
                conn.close()
                raise
            if resp.status not in (301, 302, 303, 307, 308):
                return conn, resp, url
            location = resp.getheader("Location")
            resp.close()
            conn.close()
            if not location:
                raise TransferError(f"{url} answered HTTP {resp.status} (a redirect) without saying where to.",
                                    "The server is misconfigured; tell the release store's maintainers.")
            new = urljoin(url, location)
            self._check_redirect(url, new)
            if new in seen:
                raise TransferError(f"Redirect loop: {url} sends Cedar back to {new}, where it has been already.",
                                    "The server is misconfigured; tell the release store's maintainers.")
            seen.append(new)
            url = new
        raise TransferError(f"Too many redirects (more than {MAX_REDIRECTS}) starting from {seen[0]}: "
                            + " -> ".join(seen[:MAX_REDIRECTS + 1]) + ".",
                            "The server is misconfigured (probably a redirect loop); tell the release store's "
                            "maintainers.")

    def _check_redirect(self, old: str, new: str) -> None:
        a, b = urlsplit(old), urlsplit(new)
        if b.scheme not in ("http", "https"):
            raise TransferError(f"{old} redirects to {new}: refused (only http and https are followed).")
        if (b.hostname or "").lower() != (a.hostname or "").lower() or _port(b) != _port(a) and not (
                a.scheme == "http" and b.scheme == "https" and _port(b) == 443 and _port(a) == 80):
            raise TransferError(f"{old} redirects to another host, {b.hostname}:{_port(b)}: refused.",
                                "Cedar follows redirects only on the release store's own host. If the store has moved, "
                                "use its new address with --releases.")
        if a.scheme == "https" and b.scheme == "http":
            raise TransferError(f"{old} redirects from https down to plain http ({new}): refused.")

    def _status_error(self, url: str, resp: http.client.HTTPResponse) -> Exception:
        if resp.status in (404, 410):
            return NotFound(f"{url} was not found (HTTP {resp.status}).")
        if resp.status >= 500 or resp.status == 429:
            return _Transient(f"HTTP {resp.status} {resp.reason}")
        return TransferError(f"{url} answered HTTP {resp.status} {resp.reason}.",
                             "Check the URL given with --releases; it should be the folder that holds index.json.")

    def _retrying(self, url: str, attempt: Callable[[], bytes | str]) -> bytes | str:
        last: BaseException | None = None
        for n in range(self.tries):
            if n:
                self.stats.retries += 1
                time.sleep(self.backoff * 2 ** (n - 1))
            try:
                return attempt()
            except _Transient as exc:
                last = exc
            except ssl.SSLCertVerificationError as exc:  # another try will not change the certificate
                raise TransferError(f"Cannot get {url}: the server's TLS certificate is not trusted "
                                    f"({exc.verify_message or exc.reason}).",
                                    "Check the address. Cedar checks certificates against the system's trusted "
                                    "authorities (set SSL_CERT_FILE to use another bundle).") from None
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, cut off
                last = exc
        raise TransferError(f"Cannot get {url}: {_describe(last, self.timeout)} (tried {self.tries} time"
                            f"{'s' * (self.tries != 1)}).",
                            "Check that the address is right and the server is up, then run the command again "
                            "(on a slow or unreliable line, a longer --timeout or more --tries may help).")

    def read_small(self, rel: str, limit: int = SMALL_LIMIT) -> bytes:
        url = self.url(rel)

        def attempt() -> bytes:
            conn, resp, final = self._open(url, {})
            try:
                if resp.status != 200:
                    raise self._status_error(final, resp)
                length = resp.getheader("Content-Length")
                if length and length.isdigit() and int(length) > limit:
                    raise TransferError(f"{final} is {length} bytes, more than the {limit} a release store's "
                                        f"{rel.rsplit('/', 1)[-1]} may have: refused.",
                                        "This is not a Cedar release store, or it has been tampered with.")
                pace, parts, have = _Pace(final, self.timeout), [], 0
                while have <= limit:
                    chunk = resp.read1(min(CHUNK, limit + 1 - have))
                    if not chunk:
                        break
                    parts.append(chunk)
                    have += len(chunk)
                    pace.check(have)
                data = b"".join(parts)
                if len(data) > limit:
                    raise TransferError(f"{final} sends more than {limit} bytes: refused.",
                                        "This is not a Cedar release store, or it has been tampered with.")
                return data
            finally:
                resp.close()
                conn.close()

        return self._retrying(url, attempt)  # type: ignore[return-value]

    def fetch(self, rel: str, out: BinaryIO, size: int, progress: Progress | None = None) -> str:
        """Write the file's bytes to `out` (an empty file opened for writing) and return their
        sha256. Never reads more than `size` + 1 bytes from the server."""
        url = self.url(rel)
        state = _Got()

        def restart() -> None:
            out.seek(0)
            out.truncate()
            state.have, state.hash = 0, hashlib.sha256()
            self.stats.restarted += 1
            if progress:
                progress(0)

        def attempt() -> str:
            have = state.have
            headers = {"Range": f"bytes={have}-"} if have else {}
            conn, resp, final = self._open(url, headers)
            try:
                if have and resp.status == 206:
                    m = _CONTENT_RANGE.match(resp.getheader("Content-Range") or "")
                    if not m or int(m.group(1)) != have:
                        resp.close()
                        restart()
                        raise _Transient(f"the server resumed at the wrong place ({resp.getheader('Content-Range')})")
                    self.stats.resumed += 1
                elif resp.status == 200:
                    if have:
                        restart()  # the server ignores Range: start again from the first byte
                elif resp.status == 416:
                    restart()
                    raise _Transient("the server refused the range request")
                else:
                    raise self._status_error(final, resp)
                have = state.have
                length = resp.getheader("Content-Length")
                if length and length.isdigit() and have + int(length) > size:
                    raise TransferError(f"{final} is {have + int(length)} bytes by the server's word, but the manifest "
                                        f"says {size}: refused, nothing kept.",
                                        "The release store was changed after the release was published, or is not to "
                                        "be trusted; tell its maintainers.")
                h = state.hash
                pace = _Pace(final, self.timeout)
                pace.at_mark = have
                try:
                    while have < size:
                        pace.check(have)
                        chunk = resp.read1(min(CHUNK, size - have))
                        if not chunk:
                            break
                        out.write(chunk)
                        h.update(chunk)
                        have += len(chunk)
                        state.have = have
                        if progress:
                            progress(have)
                except http.client.IncompleteRead as exc:
                    if exc.partial:
                        out.write(exc.partial)
                        h.update(exc.partial)
                        have += len(exc.partial)
                        state.have = have
                    raise _Transient(f"the connection broke after {have} of {size} bytes") from None
                if have < size:
                    raise _Transient(f"the connection ended after {have} of {size} bytes")
                if resp.read(1):
                    raise _too_large(final, size)
                return h.hexdigest()
            finally:
                resp.close()
                conn.close()

        return self._retrying(url, attempt)  # type: ignore[return-value]


def _describe(exc: BaseException | None, timeout: float) -> str:
    if exc is None:
        return "unknown failure"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the server down?)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"the host name cannot be resolved ({exc.strerror or exc})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return "the connection was reset"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, _Transient):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
