"""The declaration of rules: a stable code, the column it is reported on, a message template that
says how to fix the value, and the check itself. `declare` and `@rule` register a rule in RULES, in the
order they run and the codebook lists them; the topic modules declare them (`cedar.schema.rules`
imports them all, in order)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator


@dataclass(frozen=True)
class Rule:
    code: str
    template: str  # rendered with the finding's params plus {field} and {value}
    doc: str  # one line for the codebook
    check: Callable[[Any, "Context"], Iterator["Finding"]] | None = None  # None: enforced by the model's types
    columns: tuple[str, ...] = ()  # the columns it is about, for the codebook ("sources.x": the sources table's)
    severity: str = "error"  # "warning": reported, and the row still passes
    fills: bool = False  # runs before the others and may fill or replace values of the row (places, actors)
    wording: bool = False  # not a code of its own: how a problem of another code is worded (it quotes its reason)

    def render(self, **params: Any) -> str:
        return self.template.format(**params)


@dataclass(frozen=True)
class Finding:
    field: str
    value: Any
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # `field` is the attribute above


@dataclass
class Context:
    """What rules may need beyond the row: today's date and the source documents' texts."""

    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    documents: dict[str, str | None] = field(default_factory=dict)  # path as written -> text (None: unreadable)
    actors: Any = None  # the store's actor registry (cedar.ingest.actors.Registry), None without a store
    row_failed: set[str] = field(default_factory=set)  # fields of the current row already found faulty
    row_key: str | None = None  # the current row's place, day, actor pair and sub-event type, once checked
    _hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def sha256(self, name: str, text: str) -> str:
        """The sha256 of a document's text, worked out once however many events cite it."""
        if name not in self._hashes:
            self._hashes[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._hashes[name]


RULES: dict[str, Rule] = {}


def declare(code: str, template: str, doc: str, check: Callable | None = None, columns: tuple[str, ...] = (),
            severity: str = "error", fills: bool = False, wording: bool = False) -> Rule:
    rule = Rule(code, template, doc, check, columns, severity, fills, wording)
    RULES[code] = rule
    return rule


def rule(code: str, template: str, doc: str, columns: tuple[str, ...] = (), severity: str = "error",
         fills: bool = False) -> Callable:
    def register(fn: Callable) -> Callable:
        declare(code, template, doc, fn, columns, severity, fills)
        return fn

    return register


_cross_field: tuple[int, list[Rule], list[Rule]] = (-1, [], [])


def _split() -> tuple[int, list[Rule], list[Rule]]:
    global _cross_field
    if _cross_field[0] != len(RULES):
        _cross_field = (len(RULES), [r for r in RULES.values() if r.check is not None and not r.fills],
                        [r for r in RULES.values() if r.check is not None and r.fills])
    return _cross_field


def cross_field_rules() -> list[Rule]:
    """The rules with a check, in declaration order, apart from the filling ones; asked for every
    row, so kept until a rule is declared."""
    return _split()[1]


def filling_rules() -> list[Rule]:
    """The rules that fill or replace values (places, actor aliases): run first, on the draft row."""
    return _split()[2]

