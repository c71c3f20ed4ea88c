"""The rules of the event's sources and evidence (documents that exist and match their hashes, quoted
evidence found in them) and of its verification (the basis of verified, both sides of a dispute)."""

from __future__ import annotations

import unicodedata
from typing import Any, Iterator

from . import vocab
from .rules_base import Context, Finding, rule


@rule("missing-source",
      "The event has no source: give at least one source (name, and where you can url, date and scale).",
      "At least one source.",
      columns=("sources",))
def _has_source(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.sources:
        yield Finding("sources", None)


@rule("document-not-found",
      "The source document '{value}' cannot be read: put the file beside the submission, or correct the path.",
      "A source document named by a source exists.",
      columns=("sources.document",))
def _document_exists(e: Any, ctx: Context) -> Iterator[Finding]:
    for i, s in enumerate(e.sources or ()):
        if s.document and ctx.documents.get(s.document) is None:
            yield Finding(f"sources[{i}].document", s.document)


@rule("document-hash-mismatch",
      "The document '{value}' has sha256 {actual}, not {expected}: the text changed since it was coded; "
      "correct document_sha256 or restore the text.",
      "A document's sha256, where given, matches its text.",
      columns=("sources.document", "sources.document_sha256"))
def _document_hash(e: Any, ctx: Context) -> Iterator[Finding]:
    for i, s in enumerate(e.sources or ()):
        text = ctx.documents.get(s.document) if s.document else None
        if text is not None and s.document_sha256:
            actual = ctx.sha256(s.document, text)
            if actual != s.document_sha256:
                yield Finding(f"sources[{i}].document_sha256", s.document,
                              {"actual": actual, "expected": s.document_sha256})


EVIDENCE_GAP = " [...] "
# A passage shorter than this cannot be located in a document: a letter or a word is found anywhere.
EVIDENCE_MIN_WORDS, EVIDENCE_MIN_CHARS = 3, 15


def fold_text(text: str) -> str:
    """Text as quotes are compared: Unicode NFC (a composed and a decomposed "é" are one letter) and
    every run of whitespace, line breaks included, as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _passages(evidence: str) -> list[str]:
    return [fold_text(p) for p in fold_text(evidence).split(EVIDENCE_GAP.strip()) if p.strip()]


def _quoted_texts(e: Any, ctx: Context) -> list[str]:
    return [fold_text(t) for t in (ctx.documents.get(s.document) for s in (e.sources or ()) if s.document)
            if t is not None]


@rule("evidence-too-short",
      "The evidence passage '{value}' is too short to locate in the source document: quote at least "
      f"{EVIDENCE_MIN_WORDS} words and {EVIDENCE_MIN_CHARS} characters of it, word for word.",
      f"Each quoted evidence passage has at least {EVIDENCE_MIN_WORDS} words and {EVIDENCE_MIN_CHARS} characters.",
      columns=("evidence", "sources.document"))
def _evidence_long_enough(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.evidence or not _quoted_texts(e, ctx):
        return  # without a document there is nothing to locate it in
    for passage in _passages(e.evidence):
        if len(passage.split()) < EVIDENCE_MIN_WORDS or len(passage) < EVIDENCE_MIN_CHARS:
            yield Finding("evidence", passage)


@rule("evidence-not-in-document",
      "The evidence '{value}' does not appear word for word in the source document ({detail}): quote the "
      "document exactly, or separate passages with ' [...] '.",
      "Quoted evidence appears word for word in a source document of the event (compared as Unicode NFC, "
      "whitespace folded).",
      columns=("evidence", "sources.document"))
def _evidence_quoted(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.evidence:
        return
    texts = _quoted_texts(e, ctx)
    if not texts:
        return  # nothing to compare with; an unreadable document is its own error
    for passage in _passages(e.evidence):
        if len(passage.split()) < EVIDENCE_MIN_WORDS or len(passage) < EVIDENCE_MIN_CHARS:
            continue  # evidence-too-short says so
        if not any(passage in t for t in texts):
            yield Finding("evidence", passage, {"detail": _difference(passage, texts)})


def _difference(passage: str, texts: list[str]) -> str:
    """Where the quote first departs from the document, with the characters' code points: two texts
    that look alike (straight and curly quotes, a no-break space) are told apart."""
    best, text = -1, texts[0]
    for t in texts:
        lo, hi = 0, len(passage)  # the longest prefix of the passage found in t (prefixes of a found one are found)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if passage[:mid] in t:
                lo = mid
            else:
                hi = mid - 1
        if lo > best:
            best, text = lo, t
    if best < 5:  # a letter or two is found anywhere: no place to point at
        return "no part of its beginning is in the document"
    at = text.find(passage[:best]) + best
    found = f"{text[at]!r} ({_code(text[at])})" if at < len(text) else "the end of the document"
    return (f"it matches up to '{passage[max(0, best - 20):best]}', where the quote has {passage[best]!r} "
            f"({_code(passage[best])}) and the document {found}")


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


@rule("verified-without-basis",
      "The event is verified but {problem}: {fix}.",
      "verified states its basis: two independent sources, an acknowledgement on record, the outlet's own voice, "
      "or eyewitnesses.",
      columns=("verification_status", "verification_basis", "sources", "claimed_by"))
def _verified_basis(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.verification_status != "verified":
        return
    basis = e.verification_basis
    if basis is None:
        yield Finding("verification_basis", None, {
            "problem": "verification_basis is empty",
            "fix": "set it to one of " + ", ".join(vocab.VERIFICATION_BASES) + ", or code the event as unverified"})
    elif basis == "independent-sources" and len({s.name for s in e.sources or ()}) < 2:
        yield Finding("verification_basis", basis, {
            "problem": "it rests on independent sources and fewer than two are listed",
            "fix": "list both sources, or code the event as unverified"})
    elif basis == "actor-acknowledgement" and not e.claimed_by:
        yield Finding("verification_basis", basis, {
            "problem": "it rests on the actor's acknowledgement and claimed_by is empty",
            "fix": "name who acknowledged it in claimed_by"})
    elif basis == "actor-acknowledgement" and e.sources and all(
            s.name.casefold() in {c.casefold() for c in e.claimed_by} for s in e.sources):
        # the acknowledgement counts when an independent source reports it, not the actor's own channel alone
        yield Finding("verification_basis", basis, {
            "problem": "the only source of the actor's acknowledgement is the actor itself",
            "fix": "add an independent source that reports the acknowledgement, or code the event as unverified"})


@rule("disputed-needs-both-sides",
      "{what} is disputed but {missing}: a dispute needs a claimant on each side; name both, or code it as "
      "unverified.",
      "disputed needs a claimant on each side (claimed_by and denied_by; for a claim, an asserting and a "
      "denying claim on the same aspect).",
      columns=("verification_status", "claimed_by", "denied_by", "claims.status", "claims.stance"))
def _disputed(e: Any, ctx: Context) -> Iterator[Finding]:
    if e.verification_status == "disputed":
        missing = [n for n in ("claimed_by", "denied_by") if not getattr(e, n)]
        if missing:
            verb = " are" if len(missing) > 1 else " is"
            yield Finding(missing[0], None, {"what": "The event", "missing": " and ".join(missing) + verb + " empty"})
    if not any(c.status == "disputed" for c in e.claims or ()):
        return
    # the stances of each aspect gathered once: asked per disputed claim, the scan was quadratic in the claims
    stances_of: dict[str, set[str]] = {}
    for c in e.claims:
        stances_of.setdefault(c.aspect, set()).add(c.stance)
    for i, c in enumerate(e.claims):
        if c.status != "disputed":
            continue
        stances = stances_of[c.aspect]
        if stances != {"asserts", "denies"}:
            yield Finding(f"claims[{i}].status", c.status, {
                "what": f"The claim on {c.aspect}",
                "missing": "no claim " + ("denies" if "denies" not in stances else "asserts") + " it"})
