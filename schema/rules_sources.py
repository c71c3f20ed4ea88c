"""The rules of the event's sources and evidence (documents that exist and match their hashes, quoted
evidence found in them) and of its verification (the basis of verified, both sides of a dispute)."""

from __future__ import annotations

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
    for s in e.sources or ():
        if s.document and ctx.documents.get(s.document) is None:
            yield Finding("sources", s.document)


@rule("document-hash-mismatch",
      "The document '{value}' has sha256 {actual}, not {expected}: the text changed since it was coded; "
      "correct document_sha256 or restore the text.",
      "A document's sha256, where given, matches its text.",
      columns=("sources.document", "sources.document_sha256"))
def _document_hash(e: Any, ctx: Context) -> Iterator[Finding]:
    for s in e.sources or ():
        text = ctx.documents.get(s.document) if s.document else None
        if text is not None and s.document_sha256:
            actual = ctx.sha256(s.document, text)
            if actual != s.document_sha256:
                yield Finding("sources", s.document, {"actual": actual, "expected": s.document_sha256})


EVIDENCE_GAP = " [...] "


@rule("evidence-not-in-document",
      "The evidence '{value}' does not appear word for word in the source document: quote the document "
      "exactly (same quotation marks and apostrophes), or separate passages with ' [...] '.",
      "Quoted evidence appears word for word in a source document of the event.",
      columns=("evidence", "sources.document"))
def _evidence_quoted(e: Any, ctx: Context) -> Iterator[Finding]:
    if not e.evidence:
        return
    texts = [t for t in (ctx.documents.get(s.document) for s in (e.sources or ()) if s.document) if t is not None]
    if not texts:
        return  # nothing to compare with; an unreadable document is its own error
    for passage in e.evidence.split(EVIDENCE_GAP):
        if not any(passage.strip() in t for t in texts):
            yield Finding("evidence", passage.strip())


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
