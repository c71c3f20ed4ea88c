"""The codebook and the JSON Schema in docs/ are what the model generates now, and the codebook
names every column, every event and sub-event type and every rule code."""

from __future__ import annotations

import ast
import json
import re

import pytest
from conftest import REPO

from cedar.schema import vocab
from cedar.schema.codebook import codebook_markdown, json_schema_text
from cedar.schema.model import Claim, Event, Source
from cedar.schema.rules import RULES

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


PACKAGE = ("cedar", "schema", "ingest", "validate", "releases")


def _calls():
    """(where, call) for every call in the package's code."""
    for folder in PACKAGE:
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    yield f"{path.relative_to(REPO)}:{node.lineno}", node


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _arg(call: ast.Call, position: int, name: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _writes_text(node: ast.expr) -> bool:
    """Whether an expression is text written out: a string literal, an f-string, one of them joined to
    something or formatted ("..." + x, "...".format(x)), or either of them (`a or "..."`); a string passed
    to a call (a code to a renderer) is not."""
    if isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.BinOp):
        return _writes_text(node.left) or _writes_text(node.right)
    if isinstance(node, ast.BoolOp):
        return any(_writes_text(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _writes_text(node.body) or _writes_text(node.orelse)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _writes_text(node.func.value)


def _codes(node: ast.expr | None) -> list[str]:
    """The codes an argument names: a string, or either string of `"a" if ... else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    return []


def test_no_problem_is_made_with_a_message_written_in_the_code():
    # Problem(code, message, ...) and dataclasses.replace(problem, message=...) take a message rendered
    # from a declared template (cedar.validate.report.problem), never text written where the problem is made
    written = []
    for where, call in _calls():
        name = _called(call)
        message = _arg(call, 1, "message") if name == "Problem" else _arg(call, 99, "message") \
            if name == "replace" else None
        if message is not None and _writes_text(message):
            written.append(where)
    assert written == []


def test_every_code_a_report_can_carry_is_declared_so_the_codebook_lists_it():
    # codes written out where a problem, an importer's refusal or note is made, or that word a problem
    made: dict[str, str] = {}
    for where, call in _calls():
        name = _called(call)
        codes = _codes(_arg(call, 0, "code")) if name in ("problem", "Problem", "Refuse", "Note") else []
        codes += _codes(_arg(call, 1, "worded_as")) if name == "reworded" else []
        codes += _codes(next((k.value for k in call.keywords if k.arg == "worded_as"), None))
        for code in codes:
            made.setdefault(code, where)
    assert len(made) > 60 and {"missing-peer-id", "row-refused", "expectation-failed", "derived-differs"} <= set(made)
    assert {code: where for code, where in made.items() if code not in RULES} == {}
    text = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert [c for c in made if f"| `{c}` |" not in text] == []
