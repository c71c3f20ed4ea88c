"""The codebook (Markdown) and the JSON Schema, generated from the event model, its vocabularies
and its rules. Copies live in docs/; a test fails when they drift from the model."""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel

from . import conventions, flat, vocab
from .model import LIST_SEPARATOR, SCHEMA_VERSION, Claim, Event, Source, field_meta
from .rules import RULES, Rule

CONCEPTS = ("identity", "time", "action", "actor", "target", "location", "magnitude", "verification", "sources",
            "notes", "provenance")

CODING_RULES = (
    "The reporting outlet's own voice (a fact stated, not attributed) counts as its own authority.",
    "A hedge (\"reportedly\", \"allegedly\", \"could not independently verify\") makes the fact unverified unless a "
    "second, independent source in the same material confirms it.",
    "An actor's acknowledgement counts only on the record (a named spokesperson, a ministry, an official "
    "statement); an anonymous source of the actor is a single partisan claim.",
    "Several eyewitnesses who are not parties, reported without a hedge and contradicted by no one, count as "
    "independent sources agreeing.",
    "A single outside source (a rights commission, a monitor) that the outlet attributes but does not adopt is one "
    "source: unverified until another confirms it.",
    "Silence or \"no comment\" is not a denial: disputed needs contradicting accounts.",
    "Verification can differ by aspect: whether it happened, who did it, whom it hit, the toll. Code each aspect "
    "that differs as its own claim.",
    "A retraction by the outlet or a proven fabrication makes the event retracted; it stays in the history and "
    "leaves the releases through a deletion with that reason.",
)


def _vocabulary(annotation: Any) -> str:
    """The permitted values of a Literal (inside Optional or list), for the codebook table."""
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            values = typing.get_args(arg)
            if len(values) > 12:
                return f"{len(values)} values, see below"
            return ", ".join(f"`{v}`" for v in values)
    return ""


def _range(f: Any) -> str:
    parts = []
    for m in f.metadata:
        for key, sign in (("ge", ">="), ("le", "<="), ("pattern", "matches")):
            if getattr(m, key, None) is not None:
                parts.append(f"{sign} `{getattr(m, key)}`")
    return " ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# The rule a cell of each kind breaks when its text cannot be read as that kind.
_KIND_RULES = {flat.FLOAT: "not-a-number", flat.INT: "not-an-integer", flat.DATE: "not-a-date",
               flat.TIMESTAMP: "not-a-timestamp", flat.BOOL: "not-a-boolean"}
_PREFIX: dict[type[BaseModel], str] = {Source: "sources.", Claim: "claims."}


def column_rules(model: type[BaseModel], name: str) -> list[str]:
    """The codes of the rules a column is checked by: those its type implies, then the
    cross-field rules that name it."""
    f = model.model_fields[name]
    codes = ["missing-value"] if f.is_required() else []
    if _vocabulary(f.annotation):
        codes.append("not-in-vocabulary")
    if flat.kinds_of(model)[name] in _KIND_RULES:
        codes.append(_KIND_RULES[flat.kinds_of(model)[name]])
    for m in f.metadata:
        if getattr(m, "ge", None) is not None or getattr(m, "le", None) is not None:
            codes.append("out-of-range")
        if getattr(m, "pattern", None) is not None:
            codes.append("bad-format")
    qualified = _PREFIX.get(model, "") + name
    codes += [r.code for r in RULES.values() if qualified in r.columns]
    return list(dict.fromkeys(codes))


def _column_table(model: type[BaseModel], names: tuple[str, ...]) -> list[str]:
    kinds = flat.kinds_of(model)
    rows = ["| column | type | required | given by | ACLED | meaning | values | rules |",
            "|---|---|---|---|---|---|---|---|"]
    for name in names:
        f = model.model_fields[name]
        meta = field_meta(name) if model is Event else {}
        values = " ".join(v for v in (_vocabulary(f.annotation), _range(f)) if v)
        kind = kinds[name] if name != "sources" else "list (names; details in the sources table)"
        rules = ", ".join(f"`{code}`" for code in column_rules(model, name))
        rows.append(f"| `{name}` | {kind} | {'yes' if f.is_required() else ''} | {meta.get('given_by', 'contributor')} "
                    f"| {meta.get('acled', '')} | {_cell(f.description or '')} | {_cell(values)} | {rules} |")
    return rows


def _dict_table(title: str, values: dict[Any, str]) -> list[str]:
    return [f"| {title} | meaning |", "|---|---|", *(f"| `{k}` | {_cell(v)} |" for k, v in values.items())]


def codebook_markdown() -> str:
    out = [
        "# Cedar codebook",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from the event model by `cedar codebook`: do not edit by hand.",
        "",
        "## Conventions",
        "",
        f"- One row per event, in the column order below. In CSV, list cells are joined with `{LIST_SEPARATOR}`;"
        " in Parquet and JSON they are lists. CSV is UTF-8 without a byte-order mark.",
        "- An empty cell means *not reported*. For `fatalities` this is not the same as 0.",
        "- Columns *given by* the store are filled in at ingest; *derived* columns are computed from others. A"
        " contributor may leave both empty; a value given must agree.",
        "- Nested submissions (JSON, JSON Lines) carry `sources` and `claims` as lists of objects. Flat submissions"
        " (CSV, Parquet) may carry them in companion tables `NAME.sources.csv` and `NAME.claims.csv` beside"
        f" `NAME.csv`, each row keyed by `{flat.EVENT_KEY}` (the event's `ref` or `event_id`).",
        "- Quoted `evidence` must appear word for word in a source document of the event; passages that are not"
        " contiguous are separated by ` [...] `.",
        "- Every CSV Cedar writes neutralises free text that a spreadsheet would run as a formula: a text cell that"
        " starts with a tab or a carriage return, or whose first character after spaces, no-break spaces and"
        " zero-width characters is `=`, `+`, `-` or `@` in any form (full-width `＝` too: compared after NFKC"
        " normalisation), gets a leading apostrophe (OWASP's CSV injection guidance). Numbers, dates and"
        " coordinates are never changed, and Parquet and JSON keep every value exactly.",
        "",
    ]
    out += _conventions_section()
    for concept in CONCEPTS:
        names = tuple(n for n in Event.model_fields if field_meta(n).get("concept") == concept)
        out += [f"## {concept.capitalize()}", "", *_column_table(Event, names), ""]
    out += ["## Sources table", "", "One row per source of an event.", "",
            *_column_table(Source, tuple(Source.model_fields)), "",
            "## Claims table", "", "One row per claim: what one claimant says about one aspect of the event.", "",
            *_column_table(Claim, tuple(Claim.model_fields)), ""]

    out += ["## Event types and sub-event types", "",
            "| disorder type | event type | sub-event type |", "|---|---|---|"]
    for sub in vocab.ALL_SUB_EVENT_TYPES:
        out.append(f"| {vocab.disorder_type_of(sub)} | {vocab.EVENT_TYPE_OF[sub]} | {sub} |")
    out += ["", "## Actor types (inter1, inter2)", "", *_dict_table("code", vocab.ACTOR_TYPES),
            "", "`inter2` is 0 (or empty) when there is no second actor. `interaction` = 10 × inter1 when there is no"
            " second actor, else 10 × the smaller code + the larger.", "",
            "## Target kinds", "", *_dict_table("target_kind", vocab.TARGET_KINDS), "",
            "`civilian_targeting` is true when the event type is political violence (battles, explosions/remote"
            " violence, violence against civilians) and `target_kind` is `civilians`.", "",
            "## Date precision", "", *_dict_table("date_precision", vocab.DATE_PRECISIONS), "",
            "## Geographic precision", "", *_dict_table("geo_precision", vocab.GEO_PRECISIONS), "",
            "## Verification", "", *_dict_table("verification_status", vocab.VERIFICATION_STATUSES), "",
            *_dict_table("verification_basis", vocab.VERIFICATION_BASES), "",
            *_dict_table("claim aspect", vocab.CLAIM_ASPECTS), "",
            *_dict_table("claim stance", vocab.CLAIM_STANCES), "",
            "### How a coder decides", "",
            *(f"{i}. {text}" for i, text in enumerate(CODING_RULES, start=1)), "",
            "## Sources", "", *_dict_table("scale", vocab.SOURCE_SCALES), "",
            *_dict_table("kind", vocab.SOURCE_KINDS), "",
            "## Regions", "", ", ".join(vocab.REGIONS), "",
            *_rules_section()]
    return "\n".join(out)


def _conventions_section() -> list[str]:
    """How a report becomes events (cedar.schema.conventions), each convention with the codes that check it."""
    out = ["## Coding conventions", "",
           "How a news report becomes events, as ACLED codes them. A convention a check can see names the rule "
           "that checks it; the others are the coder's judgement, and a check that passes does not prove them.", ""]
    for topic in conventions.TOPICS:
        out += [f"### {topic.title}", "", topic.intro, ""]
        for c in topic.conventions:
            checked = f" (checked: {', '.join(f'`{code}`' for code in c.codes)})" if c.codes else ""
            out.append(f"- {c.text}{checked}")
        out.append("")
    return out


def _rules_section() -> list[str]:
    """Every code a report can carry, with its message template ({names} are filled from the finding), and
    the wordings that quote another code's message."""
    codes = [r for r in RULES.values() if not r.wording]
    wordings = [r for r in RULES.values() if r.wording]
    return ["## Rules", "",
            "Every problem that `cedar check`, `cedar ingest`, `cedar import` or the release gate reports carries one "
            "of these codes, and its message is the code's template with the names in braces filled in. The tables "
            "of columns above name the rules each column is checked by.", "",
            "| code | severity | rule | message |", "|---|---|---|---|",
            *(f"| `{r.code}` | {r.severity} | {_cell(r.doc)} | {_template(r)} |" for r in codes), "",
            "### Wordings", "",
            "A refused row, a warning repeated on many rows and a failed expectation are worded alike whatever their "
            "code: the message is one of these templates, quoting the problem's own message as `{reason}`.", "",
            "| wording | used for | message |", "|---|---|---|",
            *(f"| `{r.code}` | {_cell(r.doc)} | {_template(r)} |" for r in wordings), ""]


def _template(rule: Rule) -> str:
    return _cell(rule.template.replace("{{", "{").replace("}}", "}"))  # as printed: format's escapes undone


def json_schema() -> dict[str, Any]:
    schema = Event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://cedar-events.org/schema/{SCHEMA_VERSION}/event.schema.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
