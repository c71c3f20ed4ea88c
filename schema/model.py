"""The event model: the single source of truth for every derived form.

The codebook, the JSON Schema, the flat column order, the DuckDB and Arrow types and the
expectation suite are all generated from the classes below. Field metadata (`concept`,
`given_by`, `acled`) says which group a column belongs to, who supplies it (the contributor,
the store, or a derivation), and ACLED's name for it where one exists.

Cross-field rules are not here but in `rules.py` and the topic modules it imports, declared once
with their codes and messages; this module holds types, vocabularies and ranges only.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from . import event_ids, licences, vocab

SCHEMA_VERSION = "1.0.0"

# The vocabularies are tuples read at run time: Pydantic checks each field against its Literal, and a
# static type checker, which cannot evaluate them, sees the plain type of their values.
if TYPE_CHECKING:
    EventType = str
    SubEventType = str
    DisorderType = str
    ActorType = int
    SecondActorType = int
    TargetKind = str
    DatePrecision = str
    GeoPrecision = str
    VerificationStatus = str
    VerificationBasis = str
    ClaimAspect = str
    ClaimStance = str
    SourceScale = str
    SourceKind = str
    Region = str
    Licensor = str
    LicenceId = str
else:
    EventType = Literal[vocab.EVENT_TYPES]
    SubEventType = Literal[vocab.ALL_SUB_EVENT_TYPES]
    DisorderType = Literal[vocab.DISORDER_LABELS]
    ActorType = Literal[tuple(vocab.ACTOR_TYPES)]
    SecondActorType = Literal[(0, *vocab.ACTOR_TYPES)]
    TargetKind = Literal[tuple(vocab.TARGET_KINDS)]
    DatePrecision = Literal[tuple(vocab.DATE_PRECISIONS)]
    GeoPrecision = Literal[tuple(vocab.GEO_PRECISIONS)]
    VerificationStatus = Literal[tuple(vocab.VERIFICATION_STATUSES)]
    VerificationBasis = Literal[tuple(vocab.VERIFICATION_BASES)]
    ClaimAspect = Literal[tuple(vocab.CLAIM_ASPECTS)]
    ClaimStance = Literal[tuple(vocab.CLAIM_STANCES)]
    SourceScale = Literal[tuple(vocab.SOURCE_SCALES)]
    SourceKind = Literal[tuple(vocab.SOURCE_KINDS)]
    Region = Literal[vocab.REGIONS]
    Licensor = Literal[licences.LICENSORS]
    LicenceId = Literal[licences.LICENCE_IDS]

CONTRIBUTOR, STORE, DERIVED = "contributor", "store", "derived"

# Every whole number has bounds that no real event reaches and that fit the store's 32-bit INTEGER
# columns (flat.DUCKDB_TYPES): a value that passes the check can always be staged and stored.
MAX_FATALITIES = 10_000_000  # more than any single event on record
MAX_VERSION = 1_000_000  # changes of one event
INTERACTION_RANGE = (10, 88)  # 10 x inter1 alone (10-80), else 10 x min + max of the inter codes (11-88)


def col(description: str, concept: str, given_by: str = CONTRIBUTOR, acled: str | None = None, **kw: Any) -> Any:
    """A field with the metadata the codebook and the derived schemas read."""
    extra: dict[str, Any] = {"concept": concept, "given_by": given_by}
    if acled:
        extra["acled"] = acled
    return Field(description=description, json_schema_extra=extra, **kw)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


class Source(_Strict):
    """One source that reports the event."""

    name: str = Field(min_length=1, description="The outlet, organisation or person, as it names itself")
    url: Optional[str] = Field(None, description="Where the report can be read")
    published: Optional[dt.date] = Field(None, description="Publication date of the report")
    scale: Optional[SourceScale] = Field(None, description="Reach of the source")
    kind: Optional[SourceKind] = Field(None, description="What sort of source it is")
    document: Optional[str] = Field(
        None, description="Path of the source document's text, relative to the submission file"
    )
    document_sha256: Optional[str] = Field(
        None, pattern=r"^[0-9a-f]{64}$", description="sha256 of the document's text (UTF-8 bytes)"
    )


class Claim(_Strict):
    """What one claimant says about one aspect of the event, and how far it is verified."""

    aspect: ClaimAspect = Field(description="Which aspect of the event the claim is about")
    claimant: str = Field(min_length=1, description="Who makes the claim (on the record, or 'anonymous ...')")
    stance: ClaimStance = Field(description="Whether the claimant asserts or denies the aspect")
    status: VerificationStatus = Field(description="How far this claim is verified")
    statement: Optional[str] = Field(None, description="The claim as the source reports it, quoted")
    note: Optional[str] = Field(None, description="Why the claim has this status")


class Event(_Strict):
    """One coded event: who did what to whom, where, when, how many died, and who says so."""

    # identity
    event_id: Optional[str] = col(
        "Stable id given by the store: CDR, the ISO 3166-1 alpha-3 code and a number, e.g. CDR-AZE-12. Never "
        "reused. Ids of the earlier form (AZE12) are kept in the store's event_id_aliases.",
        "identity", STORE, "event_id_cnty", pattern=event_ids.PATTERN, default=None)
    version: Optional[int] = col("1 for a new event, raised by one at every change", "identity", STORE, default=None,
                                 ge=1,
                                  le=MAX_VERSION)
    timestamp: Optional[dt.datetime] = col("Time of the last change (UTC)", "identity", STORE, "timestamp",
                                           default=None)
    # time
    event_date: dt.date = col("Day the event took place, or the first day of its span (a weekday in a report is "
                              "the last such day on or before its publication)", "time", acled="event_date")
    event_date_end: Optional[dt.date] = col(
        "Last day of a span; empty for a single day", "time", default=None)
    date_precision: DatePrecision = col("How precisely the date is known", "time", acled="time_precision")
    # action
    disorder_type: Optional[DisorderType] = col(
        "ACLED's disorder type, derived from the sub-event type", "action", DERIVED, "disorder_type", default=None)
    event_type: EventType = col("ACLED event type", "action", acled="event_type")
    sub_event_type: SubEventType = col("ACLED sub-event type; must belong to event_type", "action",
                                       acled="sub_event_type")
    interaction: Optional[int] = col(
        "ACLED interaction code, derived: 10*inter1 alone, else 10*min(inter1,inter2)+max(inter1,inter2)",
        "action", DERIVED, "interaction", default=None, ge=INTERACTION_RANGE[0], le=INTERACTION_RANGE[1])
    # actor
    actor1: str = col("The event's first actor as ACLED assigns it by event type: the protesters in Protests, the "
                      "rioters in Riots, the perpetrator in Violence against civilians, the actor who strikes or "
                      "acts otherwise; ACLED's naming, with a state's period: 'Police Forces of Kenya (2022-)' "
                      "(see Coding conventions)", "actor", acled="actor1", min_length=1)
    assoc_actor_1: list[str] = col("Actors associated with actor1", "actor", acled="assoc_actor_1",
                                   default_factory=list)
    inter1: ActorType = col("Actor type of actor1 (ACLED inter code 1-8; a state's forces are 1 at home, 8 abroad)",
                            "actor", acled="inter1")
    # target
    actor2: Optional[str] = col("The second actor, if any: the force that intervenes in a protest, the civilians "
                                "of Violence against civilians, the other side of a battle, the one struck",
                                "target", acled="actor2", default=None)
    assoc_actor_2: list[str] = col("Actors associated with actor2", "target", acled="assoc_actor_2",
                                   default_factory=list)
    inter2: Optional[SecondActorType] = col(
        "Actor type of actor2 (ACLED inter code 1-8; 0 or empty when there is no actor2)", "target",
        acled="inter2", default=None)
    target_kind: TargetKind = col("What the event was aimed at, whether or not it is an actor; empty (or a file "
                                  "without the column) means unknown", "target", default="unknown")
    civilian_targeting: Optional[bool] = col(
        "True when civilians were the target of political violence (derived from event type and target kind)",
        "target", DERIVED, "civilian_targeting", default=None)
    # location
    country: str = col("Country name (ISO 3166-1 short name or a common name)", "location", acled="country",
                       min_length=1)
    iso3: str = col("ISO 3166-1 alpha-3 code of the country", "location", acled="iso", pattern=r"^[A-Z]{3}$")
    region: Optional[Region] = col("ACLED region", "location", acled="region", default=None)
    admin1: Optional[str] = col("First-level administrative unit", "location", acled="admin1", default=None)
    admin2: Optional[str] = col("Second-level administrative unit", "location", acled="admin2", default=None)
    admin3: Optional[str] = col("Third-level administrative unit", "location", acled="admin3", default=None)
    location: str = col("The named place the coordinates stand for", "location", acled="location", min_length=1)
    latitude: float = col("WGS84 latitude, decimal degrees. A submission may leave it empty when `location` names a "
                          "place the gazetteer knows: the check fills it (and longitude, admin1, admin2, "
                          "geo_precision)", "location", acled="latitude", ge=-90, le=90)
    longitude: float = col("WGS84 longitude, decimal degrees (filled with latitude when left empty)", "location",
                           acled="longitude", ge=-180, le=180)
    geo_precision: GeoPrecision = col("How precisely the place is known (filled with the coordinates: exact for a "
                                      "town, region for an admin1)", "location", acled="geo_precision")
    # magnitude
    fatalities: Optional[int] = col(
        "Best estimate of deaths ('at least N' is N; a range's lower figure; the injured never count); empty "
        "means not stated (also for vague words such as 'dozens'), which is not 0", "magnitude", acled="fatalities",
        default=None, ge=0, le=MAX_FATALITIES)
    fatalities_low: Optional[int] = col("Lowest credible figure", "magnitude", default=None, ge=0,
                                        le=MAX_FATALITIES)
    fatalities_high: Optional[int] = col("Highest credible figure", "magnitude", default=None, ge=0,
                                         le=MAX_FATALITIES)
    # verification
    verification_status: VerificationStatus = col("How far the event as a whole is verified", "verification")
    verification_basis: Optional[VerificationBasis] = col(
        "What a 'verified' status rests on; required when verified", "verification", default=None)
    claimed_by: list[str] = col("Who claims the event (or responsibility for it)", "verification", default_factory=list)
    denied_by: list[str] = col("Who denies it", "verification", default_factory=list)
    verification_note: Optional[str] = col("Why the event has this status", "verification", default=None)
    claims: list[Claim] = col(
        "Per-aspect claims (occurrence, perpetrator, target, fatalities, civilian targeting); "
        "a long table in flat form", "verification", default_factory=list)
    # sources
    sources: list[Source] = col("The sources that report the event; in flat form their names", "sources",
                                acled="source", default_factory=list)
    source_scale: Optional[str] = col(
        "The scales of the sources, derived: distinct scales in codebook order joined with '-'", "sources",
        DERIVED, "source_scale", default=None)
    evidence: Optional[str] = col(
        "The sentence(s) of the source document the coding rests on, quoted word for word; "
        "separate passages that are not contiguous with ' [...] '", "sources", default=None)
    # notes
    notes: Optional[str] = col("What happened, in a sentence or two", "notes", acled="notes", default=None)
    tags: list[str] = col("Free tags", "notes", acled="tags", default_factory=list)
    # provenance
    ref: Optional[str] = col("The submitter's own reference for the row; the ingest report maps it to event_id",
                             "provenance", default=None)
    submission_id: Optional[str] = col("The submission the current version came from", "provenance", STORE,
                                       default=None)
    coder: Optional[str] = col("Who coded the event", "provenance", default=None)
    external_ids: list[str] = col(
        "The event's ids in peer datasets, as 'dataset:id' (acled:ARG10607, ucdp-ged:244657, gdelt:676461023)",
        "provenance", default_factory=list)
    licensor: Optional[Licensor] = col(
        "Whose terms the event is under, derived from external_ids: the first of acled, gdelt, ucdp-ged that it "
        "names, else cedar (coded for Cedar). See Licences and citation in docs/releases.md", "provenance", DERIVED,
        default=None)
    licence: Optional[LicenceId] = col(
        "The licence of those terms, derived from licensor: CC-BY-4.0 (cedar, ucdp-ged), LicenseRef-GDELT-Terms, "
        "LicenseRef-ACLED-Terms (not redistributable: such events go only into private releases)", "provenance",
        DERIVED, default=None)
    schema_version: Optional[str] = col("Version of this schema the event was coded against", "provenance",
                                        default=None)


# Columns that hold lists: joined with LIST_SEPARATOR in CSV, lists in Parquet and JSON.
LIST_SEPARATOR = "; "
NESTED_ONLY = ("claims",)  # fields that travel in companion tables in flat form


def field_meta(name: str) -> dict[str, Any]:
    extra = Event.model_fields[name].json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


@lru_cache(maxsize=None)  # asked for every row checked; the model does not change while running
def required_fields() -> tuple[str, ...]:
    """Fields a contributor must supply."""
    return tuple(n for n, f in Event.model_fields.items() if f.is_required())


# Required in the store and in releases, but a submission may leave them empty: the check fills them
# from the gazetteer when `location` names a known place (see cedar.schema.gazetteer).
FILLED_AT_CHECK = ("latitude", "longitude", "geo_precision")


@lru_cache(maxsize=None)
def submission_required_fields() -> tuple[str, ...]:
    """Fields a submission must carry before anything is filled in (a header may lack the filled ones)."""
    return tuple(n for n in required_fields() if n not in FILLED_AT_CHECK)


def contributor_fields() -> tuple[str, ...]:
    return tuple(n for n in Event.model_fields if field_meta(n).get("given_by") == CONTRIBUTOR)


def _draft_model() -> type[BaseModel]:
    """The event model with every field optional: a row with a bad cell still parses its other
    cells, so every rule can run and every problem is reported at once."""
    fields: dict[str, Any] = {}
    for name, f in Event.model_fields.items():
        if f.is_required():
            fields[name] = (Optional[f.annotation], Field(None, **_constraints(f)))
        else:
            fields[name] = (f.annotation, f)
    return create_model("EventDraft", __base__=_Strict, **fields)


def _constraints(f: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in f.metadata:
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length", "pattern"):
            if getattr(m, key, None) is not None:
                out[key] = getattr(m, key)
    return out


EventDraft = _draft_model()
