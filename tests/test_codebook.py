"""The codebook and the JSON Schema in docs/ are what the model generates now, and the codebook
names every column, every event and sub-event type and every rule code."""

from __future__ import annotations

import json
import re

import pytest

from cedar.schema import vocab
from cedar.schema.codebook import codebook_markdown, json_schema_text
from cedar.schema.model import Claim, Event, Source
from cedar.schema.rules import RULES
from conftest import REPO

DOCS = REPO / "docs"
STALE = "{} is out of date with the event model: run `make codebook` (cedar codebook --out docs) and commit it."


@pytest.mark.parametrize("name, generate", [("codebook.md", codebook_markdown),
                                            ("event.schema.json", json_schema_text)])
def test_docs_copy_equals_what_the_model_generates(name, generate):
    assert (DOCS / name).read_text(encoding="utf-8") == generate(), STALE.format(f"docs/{name}")


def test_json_schema_is_valid_json_with_every_field():
    schema = json.loads(json_schema_text())
    assert set(schema["properties"]) == set(Event.model_fields)
    assert schema["$schema"].startswith("https://json-schema.org/")


def _table_rows(markdown: str, section: str) -> dict[str, str]:
    """`name` -> the table row, for the tables of one section (up to the next '## ')."""
    body = markdown.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): line for line in body.splitlines() if (m := re.match(r"\| `([^`]+)` \|", line))}


def test_codebook_describes_every_column_with_type_and_meaning():
    md = codebook_markdown()
    columns: dict[str, str] = {}
    for section in ("Identity", "Time", "Action", "Actor", "Target", "Location", "Magnitude", "Verification",
                    "Sources", "Notes", "Provenance"):
        columns.update(_table_rows(md, section))
    assert set(Event.model_fields) <= set(columns)
    for name, f in Event.model_fields.items():
        cells = [c.strip() for c in columns[name].split(" | ")]
        assert cells[1], f"{name} has no type"
        assert f.description and f.description.replace("|", "\\|") in columns[name], f"{name} lacks its meaning"
    assert set(Source.model_fields) <= set(_table_rows(md, "Sources table"))
    assert set(Claim.model_fields) <= set(_table_rows(md, "Claims table"))


def test_codebook_lists_every_event_type_and_sub_event_type():
    md = codebook_markdown()
    table = md.split("## Event types and sub-event types\n", 1)[1].split("\n## ", 1)[0]
    for sub, event_type in vocab.EVENT_TYPE_OF.items():
        assert f"| {vocab.disorder_type_of(sub)} | {event_type} | {sub} |" in table


def test_codebook_lists_every_rule_code():
    assert set(RULES) <= set(_table_rows(codebook_markdown(), "Rules"))


def test_codebook_lists_every_vocabulary_value():
    md = codebook_markdown()
    for values in (vocab.ACTOR_TYPES, vocab.TARGET_KINDS, vocab.DATE_PRECISIONS, vocab.GEO_PRECISIONS,
                   vocab.VERIFICATION_STATUSES, vocab.VERIFICATION_BASES, vocab.CLAIM_ASPECTS, vocab.CLAIM_STANCES,
                   vocab.SOURCE_SCALES, vocab.SOURCE_KINDS):
        for value in values:
            assert f"| `{value}` |" in md, value
    for region in vocab.REGIONS:
        assert region in md


def test_every_cross_field_rule_names_real_columns_and_the_codebook_shows_it_there():
    md = codebook_markdown()
    tables = {"": {}, "sources.": _table_rows(md, "Sources table"), "claims.": _table_rows(md, "Claims table")}
    for section in ("Identity", "Time", "Action", "Actor", "Target", "Location", "Magnitude", "Verification",
                    "Sources", "Notes", "Provenance"):
        tables[""].update(_table_rows(md, section))
    models = {"": Event, "sources.": Source, "claims.": Claim}
    for rule in RULES.values():
        if rule.check is None:
            continue
        assert rule.columns, f"{rule.code} names no columns"
        for column in rule.columns:
            prefix, _, name = column.rpartition(".")
            prefix = prefix + "." if prefix else ""
            assert name in models[prefix].model_fields, f"{rule.code}: no column {column}"
            assert f"`{rule.code}`" in tables[prefix][name].rsplit(" | ", 1)[1], (rule.code, column)


def test_every_code_a_report_can_carry_is_declared_so_the_codebook_lists_it():
    # codes written out where a problem is made, in the package's code (importers' refusal codes are
    # made from variables and listed in docs/importers.md)
    made = {}
    for folder in ("cedar", "schema", "ingest", "validate", "releases"):
        for path in (REPO / folder).rglob("*.py"):
            for code in re.findall(r'\b[Pp]roblem\(\s*"([a-z0-9-]+)"', path.read_text(encoding="utf-8")):
                made.setdefault(code, str(path.relative_to(REPO)))
    assert len(made) > 30
    assert {code: where for code, where in made.items() if code not in RULES} == {}
    text = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in text for code in made), [c for c in made if f"`{c}`" not in text]
