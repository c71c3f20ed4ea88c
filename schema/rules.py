"""The rules an event must keep, declared once: a stable code, the column it is reported on,
a message template that says how to fix the value, and the check itself.

The declarations are apart from the engine that runs them (`cedar.validate.rows`), so that the
codebook lists them and other engines can run the same rules. Callers import this module: it
imports the topic modules below, so that every code is registered, in the order the rules run
and the codebook lists them (a topic module imported first on its own would change that order):

- rules_base: Rule, Finding, Context, RULES and the `declare` and `@rule` that fill it;
- rules_input: codes of the model's types, of the readers (files, headers, rows) and of values a
  submission may use once;
- rules_store: codes only the store finds (ingest, deletion lists);
- rules_import: codes of the importers of peer datasets (layouts, refused rows, warnings);
- rules_fill: rules that fill or replace values before the others (places, actor aliases);
- rules_event: the event's cross-field rules (actors, taxonomy, derived fields, dates, fatalities);
- rules_conventions: the coding conventions a row shows (actor1 of protests and riots, names);
- rules_places: country, point, admin1 and region;
- rules_sources: sources, documents, evidence and verification;
- rules_lists: the items of list columns;
- rules_gate: codes only the release gate finds, and the wording of its problems.
"""

from __future__ import annotations

# isort: off
# The order of these imports is the order the rules run and the codebook lists them: keep it.
from . import rules_input, rules_store, rules_import, rules_fill, rules_event, rules_conventions  # noqa: F401
from . import rules_places, rules_sources, rules_lists, rules_gate  # noqa: F401
# isort: on
from .rules_base import RULES, Context, Finding, Rule, cross_field_rules, declare, filling_rules, rule
from .rules_places import POINT_RULES, point_rules_quiet
from .rules_sources import EVIDENCE_GAP

__all__ = ["EVIDENCE_GAP", "POINT_RULES", "RULES", "Context", "Finding", "Rule", "cross_field_rules", "declare",
           "filling_rules", "point_rules_quiet", "rule"]
