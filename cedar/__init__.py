"""Cedar: an open, versioned dataset of political violence and protest events.

`cedar.open_release(path)` opens a downloaded release (docs/python.md). It is looked up on first use
(PEP 562), so that `import cedar` loads neither DuckDB nor the event model: the command line imports
this package before every command, and `cedar --help` must start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors only, never run: the names resolve through __getattr__
    from cedar.api import Release, Rows, open_release

__version__ = "0.1.0"
__all__ = ["Release", "Rows", "__version__", "open_release"]

# The Python API's names, found in cedar.api (an application, layer 3, above this package): the one
# upward import tests/test_layers.py allows, because it only happens when a user asks for the name.
_API = ("open_release", "Release", "Rows")


def __getattr__(name: str) -> Any:
    if name in _API:
        from cedar import api

        return getattr(api, name)
    raise AttributeError(f"module 'cedar' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
