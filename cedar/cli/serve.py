"""`cedar serve`: the explorer of a release on a local web server (cedar.explore; Starlette and
uvicorn imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar import numbers
from cedar.cli.common import ReleasesOption, out, releases_folder
from cedar.errors import UsageError

LOOPBACK_HOST = "127.0.0.1"


def serve(
    release: Annotated[Optional[Path], typer.Argument(
        help="A release's folder, a folder `cedar download` filled, or a release store (before --releases).",
        show_default=False)] = None,
    releases: ReleasesOption = None,
    version: Annotated[Optional[str], typer.Option(
        "--version", help="The version shown first (default: the newest); the page offers the others.",
        show_default=False)] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port (0: any free one).")] = 8765,
    host: Annotated[str, typer.Option(
        "--host", help="The address to listen on. Anything but the loopback address lets other machines "
        "read the release: the command warns.")] = LOOPBACK_HOST,
    documents: Annotated[Optional[Path], typer.Option(
        "--documents", help="A folder of source documents: an event's page shows its evidence inside the "
        "document a source names, when the file's SHA-256 is the one the source records.", show_default=False)]
    = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0, help="Stop a query of the page after this many seconds.")] = 10.0,
) -> None:
    """Explore a release in a web browser: filters with counts, a map, a time series, the events and
    each event's claims, sources and evidence, a read-only SQL box and downloads. Nothing is fetched
    from the network: the page and its map are files of Cedar.

    Listens on 127.0.0.1 (this machine only) unless --host says otherwise, prints the address to
    open, and stops on Ctrl-C (exit status 0). Every request reads the release through its own
    read-only connection, with a time limit (--timeout), a memory limit and a row cap.

    Example: cedar serve data/demo-releases
    """
    from cedar import paths
    from cedar.explore.catalog import open_catalog
    from cedar.releases import localrelease

    # the argument wins over --releases, which CEDAR_RELEASES may set for every command
    if release is None and releases is not None and releases.startswith(("http://", "https://")):
        raise UsageError("cedar serve reads a release on this machine, not at a URL.",
                         f"Download it first: cedar download latest --releases {releases} --to cedar-data, "
                         "then cedar serve cedar-data")
    numbers.seconds(timeout, "--timeout", zero_means_none=True)
    location = release if release is not None else releases_folder(releases)
    catalog = open_catalog(location, version)
    localrelease.connect(catalog.folder(None)).close()  # a damaged release is said now, not in the page
    folders = [paths.folder(documents, "documents folder")] if documents is not None else []
    sock = _bind(host, port)  # a port in use is said before the release is prepared
    out(f"Preparing release {catalog.default} ...", err=True)
    try:
        app = _app(catalog, folders, host, timeout)
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    out(f"Serving release {catalog.default} of {location} at http://{shown}:{sock.getsockname()[1]}/")
    out("Press Ctrl-C to stop.", err=True)
    from cedar.explore import server

    server.run(app, sock)
    out("Stopped.", err=True)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _app(catalog: Any, folders: list[Path], host: str, timeout: float) -> Any:
    try:
        from cedar.explore.app import make_app
        from cedar.explore.reader import Limits
    except ImportError as exc:
        raise UsageError(f"cedar serve needs the web server's packages ({exc.name} is missing).",
                         "Install them with: pip install 'cedar-events[serve]'") from None
    hosts = None
    if not _loopback(host):
        out(f"Warning: listening on {host}: other machines that reach this address can read the release.", err=True)
        hosts = ["*"]
    return make_app(catalog, Limits(timeout=timeout or 600.0), folders, hosts, warm=True)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, made here so that a port in use or an unknown host is a clear error."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"--host {host!r} is not an address of this machine ({exc}).",
                         f"Leave it out to listen on {LOOPBACK_HOST}.") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise UsageError(f"Port {port} on {host} {why}.", "Choose another with --port (0: any free one).") from None
    sock.listen(128)
    return sock
