"""`cedar serve`: a local, offline explorer of a release, served from the package itself.

The server (Starlette under uvicorn, imported only when `cedar serve` runs) answers a JSON API over
the release's views, one hardened read-only connection per request (cedar.releases.localrelease);
the page and everything it draws (script, styles, the world's outlines) are files of this package.
"""
