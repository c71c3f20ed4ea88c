"""The explorer in a real browser: Debian's Chromium, headless, driven by playwright, over the releases
of test_explorer_api.py. The browser records every request the page makes, and a test fails on any
that is not to the local server (such requests are also refused, so none leaves the machine).
Screenshots of the main views are written to build/explorer/ (docs/explorer.md shows copies of them).

Without Chromium the tests skip and say how to install it; CI sets CEDAR_REQUIRE_BROWSER=1, and then a
missing browser fails them instead."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from conftest import REPO
from test_explorer_api import HOSTILE, V1, V2, shared_releases

CHROMIUM = os.environ.get("CEDAR_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("CEDAR_REQUIRE_BROWSER") == "1"
SHOTS = REPO / "build" / "explorer"
# Without these, Chromium reaches for Google's hosts on its own (updates, sync, field trials).
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-domain-reliability", "--no-pings"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (make .venv/.installed installs it)"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return (f"Chromium is not installed at {CHROMIUM}: install it with `apt-get install chromium` "
                "(or set CEDAR_CHROMIUM to its path)")
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = _missing()
    if why:
        if REQUIRED:
            pytest.fail(f"CEDAR_REQUIRE_BROWSER=1 but {why}.")
        pytest.skip(f"The explorer's browser tests need a browser: {why}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[str]:
    from cedar.explore import server
    from cedar.explore.app import make_app
    from cedar.explore.catalog import open_catalog
    from cedar.explore.reader import Limits

    releases = shared_releases(tmp_path_factory)
    with server.background(make_app(open_catalog(releases), Limits(timeout=2.0))) as url:
        yield url


class Recorder:
    """Every request the page makes; those not to the local server are refused and kept in `foreign`."""

    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/"
        self.all: list[str] = []
        self.foreign: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        self.all.append(url)
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture
def page(browser, base, tmp_path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                  service_workers="block")
    rec = Recorder(base)
    context.route("**/*", rec.route)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.recorder = rec
    yield pg
    context.close()
    assert rec.all, "the page made no request at all"
    assert not rec.foreign, f"the page asked other hosts: {rec.foreign}"
    assert not errors, f"errors in the page: {errors}"


def ready(pg: Any) -> None:
    pg.wait_for_selector("body[data-state=ready]")


def open_page(pg: Any, base: str, path: str) -> None:
    pg.goto(base + path)
    ready(pg)


def shot(pg: Any, name: str, selector: str | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if selector:
        pg.locator(selector).screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_filtering_changes_the_counts_and_the_url(page, base):
    open_page(page, base, "/")
    assert page.text_content("#total-events") == "6"
    shot(page, "events")
    page.click("#facet-verification_status label:has-text('unverified') input")
    page.wait_for_url("**verification_status=unverified**")
    ready(page)
    assert page.text_content("#total-events") == "2"
    assert page.locator("#events tbody tr").count() == 2
    page.click("#facets-sql summary")
    assert "verification_status IN ('unverified')" in page.text_content("#facets-sql pre")
    # the state is in the URL: the same view opens from it
    url = page.url
    open_page(page, "", url)
    assert page.text_content("#total-events") == "2"
    page.go_back()
    ready(page)


def test_the_map_draws_outlines_and_clusters_offline(page, base):
    open_page(page, base, "/")
    page.wait_for_selector("#map-svg circle")
    assert page.locator("#map-svg path.land").count() > 100  # the world's countries, from the package
    assert page.locator("#map-svg circle.imprecise").count() >= 1
    assert any(u.endswith("/static/vendor/world-atlas/countries-110m.json") for u in page.recorder.all)
    shot(page, "map", "#map")
    page.locator("#map-svg circle").first.dispatch_event("click")
    ready(page)
    assert "bbox=" in page.url or "/event/" in page.url


def test_the_event_page_shows_the_claim_and_the_evidence_marked_in_the_article(page, base):
    open_page(page, base, "/")
    page.fill("#filter-q", "Vardanyan")
    page.press("#filter-q", "Enter")
    page.wait_for_url("**q=Vardanyan**")
    ready(page)
    page.click("#events tbody tr >> nth=0 >> a")
    page.wait_for_url("**/event/CDR-AZE-2**")
    ready(page)
    assert page.text_content("#verification-status") == "unverified"
    assert page.text_content("#field-claimed_by") == "Ruben Vardanyan"
    assert page.text_content("#field-fatalities") == "not reported"
    assert "Ruben Vardanyan" in page.text_content("#claims")
    mark = page.locator(".document mark").first
    assert "artillery" in mark.text_content() or "Vardanyan" in mark.text_content()
    mark.scroll_into_view_if_needed()
    shot(page, "event")


def test_a_hostile_note_shows_as_text(page, base):
    open_page(page, base, "/event/CDR-AZE-4")
    assert page.text_content("#field-notes") == HOSTILE
    assert page.evaluate("window.__cedar_pwned") is None
    assert page.locator("#view script, #view img").count() == 0
    open_page(page, base, "/release")
    assert "<b>duplicate</b> of CDR-AZE-6" in page.text_content("#deletions")
    assert page.locator("#deletions b").count() == 0


def test_a_deleted_event_shows_its_reason_and_the_version_picker_goes_back(page, base):
    open_page(page, base, "/event/CDR-AZE-5")
    assert page.text_content("#deletion-reason") == "<b>duplicate</b> of CDR-AZE-6"
    page.wait_for_selector("#history table")
    assert page.locator("#history tbody tr").count() == 2 and "deleted" in page.text_content("#history")
    page.select_option("#version", V1)
    page.wait_for_url(f"**version={V1}**")
    ready(page)
    assert page.locator("#deletion").count() == 0 and page.text_content("#field-event_id") == "CDR-AZE-5"


def test_the_sql_box_runs_examples_and_downloads_the_result(page, base):
    open_page(page, base, "/sql")
    page.fill("#sql", "SELECT event_id, verification_status FROM events ORDER BY event_id")
    page.click("#run-sql")
    page.wait_for_selector("#sql-table")
    ready(page)
    assert page.locator("#sql-table tbody tr").count() == 6
    shot(page, "sql")
    with page.expect_download() as got:
        page.click("#sql-result .download-csv")
    text = Path(got.value.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# release: {V2}\n# query: SELECT event_id, verification_status FROM events")
    page.click(".examples a >> nth=0")
    page.wait_for_selector("#sql-table")


def test_a_refused_query_is_a_message_not_a_trace(page, base):
    open_page(page, base, "/sql?sql=DROP%20VIEW%20events")
    message = page.text_content("#message")
    assert "DROP statements are refused" in message and "Traceback" not in message
    open_page(page, base, "/sql?sql=SELECT%20count(*)%20FROM%20range(100000000000)")
    assert "stopped after 2 s" in page.text_content("#message")


def test_the_release_page_and_the_time_series(page, base):
    open_page(page, base, "/release")
    assert f"Release {V2}" in page.text_content("h1")
    assert "added" in page.text_content("#changes") and page.text_content("#gate-verdict").startswith("Passed")
    assert "object HTMLElement" not in page.text_content("#view")
    assert page.text_content("#manifest dd >> nth=0") == V2
    shot(page, "release")
    open_page(page, base, "/?unit=week")
    assert "by week" in page.text_content("#series") and page.locator("#series-svg rect").count() >= 2
