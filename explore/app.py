"""The explorer's web application: the page, its static files and a JSON API, all read-only (GET
only). Starlette is imported here, and this module only when `cedar serve` runs."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cedar.errors import CedarError, UsageError

from . import documents, downloads, filters, info, queries
from .catalog import Catalog
from .reader import Limits, Reader

STATIC = Path(__file__).parent / "static"
LOOPBACK = ["127.0.0.1", "localhost", "[::1]", "::1"]
# The page may load nothing but its own files, and talk to nothing but its own server.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
log = logging.getLogger("cedar.explore")


def reply(data: Any, status: int = 200) -> Response:
    body = json.dumps(queries.jsonable(data), ensure_ascii=False, allow_nan=False)
    return Response(body, status_code=status, media_type="application/json")


def _int(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    try:
        return int(text) if text not in (None, "") else default
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {text!r}.", "Reload the page.") from None


def _float(request: Request, name: str, default: float) -> float:
    text = request.query_params.get(name)
    try:
        value = float(text) if text not in (None, "") else default
    except ValueError:
        raise UsageError(f"{name} must be a number, not {text!r}.", "Reload the page.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(f"{name} must be a finite number.", "Reload the page.")
    return value


class Answers:
    """The last answers of the page's questions, by version and query: a release never changes, so a
    view seen before (the back button, a filter set again) is answered without a query."""

    def __init__(self, most_bytes: int = 64 << 20):
        self.most_bytes = most_bytes  # the server's memory stays bounded however many views are seen
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._kept.get(key)
            if body is not None:
                self._kept.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        with self._lock:
            old = self._kept.pop(key, None)
            self._bytes += len(body) - (len(old) if old is not None else 0)
            self._kept[key] = body
            while self._bytes > self.most_bytes and self._kept:
                self._bytes -= len(self._kept.popitem(last=False)[1])


class Explorer:
    def __init__(self, catalog: Catalog, limits: Limits | None = None, documents_folders: list[Path] | None = None):
        self.reader = Reader(catalog, limits)
        self.documents = list(documents_folders or [])
        self.answers = Answers()

    def kept(self, request: Request, answer: Callable[[], Any]) -> Response:
        """The answer to a request of the page, from the answers kept or made now."""
        version = self.version(request) or self.reader.catalog.default
        key = (request.url.path, version, tuple(sorted(request.query_params.multi_items())))
        body = self.answers.get(key)
        if body is None:
            body = json.dumps(queries.jsonable(answer()), ensure_ascii=False, allow_nan=False).encode("utf-8")
            self.answers.put(key, body)
        return Response(body, media_type="application/json")

    def version(self, request: Request) -> str | None:
        return request.query_params.get("version") or None

    def page(self, request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    def warm(self) -> None:
        """Answer the first view of the default version now (the page's own requests, keys included),
        so that the first visitor's page is drawn without waiting for the queries over every event."""
        version = self.reader.catalog.default
        with self.reader.session(version) as s:
            for path, query, answer in (
                    ("/api/meta", (), lambda: info.meta(s, self.reader.catalog)),
                    ("/api/facets", (), lambda: queries.facets(s, {})),
                    ("/api/events", (("page", "0"),), lambda: queries.events(s, {}, 0)),
                    ("/api/timeseries", (("unit", "month"),), lambda: queries.timeseries(s, {}, "month")),
                    ("/api/map", (), lambda: queries.clusters(s, {}))):
                body = json.dumps(queries.jsonable(answer()), ensure_ascii=False, allow_nan=False).encode("utf-8")
                self.answers.put((path, version, query), body)

    def session_of(self, request: Request) -> Any:
        return self.reader.session(self.version(request))

    def meta(self, request: Request) -> Response:
        def answer() -> Any:
            with self.session_of(request) as s:
                return info.meta(s, self.reader.catalog)
        return self.kept(request, answer)

    def facets(self, request: Request) -> Response:
        def answer() -> Any:
            with self.session_of(request) as s:
                return queries.facets(s, filters.read(request.query_params))
        return self.kept(request, answer)

    def events(self, request: Request) -> Response:
        def answer() -> Any:
            with self.session_of(request) as s:
                return queries.events(s, filters.read(request.query_params), _int(request, "page", 0))
        return self.kept(request, answer)

    def timeseries(self, request: Request) -> Response:
        def answer() -> Any:
            with self.session_of(request) as s:
                return queries.timeseries(s, filters.read(request.query_params),
                                          request.query_params.get("unit") or "month")
        return self.kept(request, answer)

    def clusters(self, request: Request) -> Response:
        box = None
        if request.query_params.get("west") not in (None, ""):  # the map's view, else the events' extent
            box = tuple(_float(request, n, 0.0) for n in ("west", "south", "east", "north"))

        def answer() -> Any:
            with self.session_of(request) as s:
                return queries.clusters(s, filters.read(request.query_params), box)  # type: ignore[arg-type]
        return self.kept(request, answer)

    def event(self, request: Request) -> Response:
        with self.reader.session(self.version(request)) as s:
            found = queries.event(s, request.path_params["event_id"])
            folders = [*self.documents, s.folder / "documents", *info.bundled_documents()]
        ev = found.get("event") or {}
        for source in found["sources"]:
            text = documents.find(folders, source.get("document"), source.get("document_sha256"))
            source["document_text"] = documents.marked(text, ev.get("evidence")) if text is not None else None
        return reply(found)

    def history(self, request: Request) -> Response:
        return self.kept(request, lambda: queries.history(self.reader, request.path_params["event_id"]))

    def sql(self, request: Request) -> Response:
        text = request.query_params.get("sql") or ""
        if not text.strip():
            raise UsageError("Write a query in the SQL box.", "For example: SELECT count(*) FROM events")
        with self.reader.session(self.version(request)) as s:
            with s.stream(text, self.reader.limits.max_rows) as result:
                rows = [list(r) for r in result.rows]
            return reply({"columns": result.names, "rows": rows, "cut": result.cut, "max_rows": result.max_rows,
                          "sql": text, "version": s.version})

    def download(self, request: Request) -> Response:
        text = request.query_params.get("sql")
        if not text:
            view = request.query_params.get("view") or "events"
            if view not in info.VIEWS:
                raise UsageError(f"There is no view {view!r} to download.", f"Choose one of {', '.join(info.VIEWS)}.")
            w = filters.where(filters.read(request.query_params)) if view == "events" else filters.Where()
            text = w.shown(f"SELECT * FROM {view} {w.sql()}" if view == "events" else f"SELECT * FROM {view}")
        body, media, name = downloads.open_download(self.reader, self.version(request), text,
                                                    request.query_params.get("format") or "csv")
        return StreamingResponse(body, media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def release(self, request: Request) -> Response:
        with self.reader.session(self.version(request)) as s:
            return reply(info.release(s))


async def _errors(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CedarError):
        return reply({"error": exc.message, "hint": exc.hint}, 400)
    log.error("explorer: %s: %s", type(exc).__name__, exc)
    return reply({"error": "The server could not answer this request.", "hint": "See the server's output."}, 500)


class SecurityHeaders:
    """Adds HEADERS to every response (a plain ASGI middleware: it does not buffer streamed bodies)."""

    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(k.lower().encode(), v.encode())
                                                                 for k, v in HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers)


def make_app(catalog: Catalog, limits: Limits | None = None, documents_folders: list[Path] | None = None,
             hosts: list[str] | None = None, warm: bool = False) -> Starlette:
    """The application over `catalog`; `hosts` are the Host names it answers (loopback names by
    default, which also keeps a page of another site from reaching it by DNS rebinding)."""
    ex = Explorer(catalog, limits, documents_folders)
    ex.reader.open()  # the default version's database, before the first page asks
    if warm:
        ex.warm()
    routes = [
        Route("/", ex.page), Route("/event/{event_id}", ex.page), Route("/sql", ex.page), Route("/release", ex.page),
        Route("/api/meta", ex.meta), Route("/api/facets", ex.facets), Route("/api/events", ex.events),
        Route("/api/timeseries", ex.timeseries), Route("/api/map", ex.clusters),
        Route("/api/event/{event_id}", ex.event), Route("/api/history/{event_id}", ex.history),
        Route("/api/sql", ex.sql), Route("/api/download", ex.download),
        Route("/api/release", ex.release),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=hosts or LOOPBACK)]
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={CedarError: _errors, Exception: _errors})
