"""The terms each event is under, declared once: Cedar's own coding and every peer dataset Cedar
imports, with its licence (an SPDX id, or a LicenseRef- of the dataset's own terms), the licence's
URL, the dataset's citation, and whether its rows may be published.

An event's terms follow from where it comes from: the dataset prefixes of its `external_ids`
(`acled:ARG10607` is ACLED's) name the datasets it was taken from; an event with none was coded
for Cedar. When an event names several datasets, the most restrictive terms apply (ACLED's before
GDELT's before UCDP's before Cedar's), so an event that names an ACLED id is never published as
open data. The model's `licence` and `licensor` columns are derived here (cedar.schema.derive),
the release gate and `cedar release build` read the `redistributable` flag, and datapackage.json
and CITATION.cff take the names, URLs and citations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str  # SPDX id, or LicenseRef-... for terms SPDX does not list
    title: str
    url: str


@dataclass(frozen=True)
class Terms:
    licensor: str  # the dataset's prefix in external_ids; "cedar" for events coded for Cedar
    dataset: str  # the dataset's name
    homepage: str  # empty for Cedar: a release is cited by its own CITATION.cff
    licence: Licence
    citation: str  # how the dataset asks to be cited
    redistributable: bool  # whether its rows may be published in an open release
    note: str  # what the terms ask of a user, in a sentence


CC_BY_4 = Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/")
GDELT_TERMS = Licence("LicenseRef-GDELT-Terms", "The GDELT Project's terms of use",
                      "https://www.gdeltproject.org/about.html#termsofuse")
ACLED_TERMS = Licence("LicenseRef-ACLED-Terms", "ACLED's terms of use", "https://acleddata.com/terms-of-use/")

CEDAR = "cedar"

# In order of precedence: the first whose prefix an event names gives its terms.
TERMS: tuple[Terms, ...] = (
    Terms("acled", "Armed Conflict Location & Event Data (ACLED)", "https://acleddata.com/", ACLED_TERMS,
          "Raleigh, Clionadh, Andrew Linke, Havard Hegre and Joakim Karlsen. 2010. \"Introducing ACLED: An Armed "
          "Conflict Location and Event Dataset.\" Journal of Peace Research 47(5): 651-660. "
          "https://doi.org/10.1177/0022343310378914",
          False, "ACLED's terms forbid redistributing its data and building a substitute for it: rows taken from "
                 "ACLED stay in private releases for those who hold ACLED's permission."),
    Terms("gdelt", "The GDELT Project: Global Database of Events, Language and Tone", "https://www.gdeltproject.org/",
          GDELT_TERMS,
          "Leetaru, Kalev and Philip A. Schrodt. 2013. \"GDELT: Global Data on Events, Location and Tone, "
          "1979-2012.\" International Studies Association Annual Convention. https://www.gdeltproject.org/",
          True, "GDELT's data may be used and redistributed without fee, citing the GDELT Project and linking to "
                "https://www.gdeltproject.org/."),
    Terms("ucdp-ged", "UCDP Georeferenced Event Dataset (GED)", "https://ucdp.uu.se/downloads/", CC_BY_4,
          "Sundberg, Ralph and Erik Melander. 2013. \"Introducing the UCDP Georeferenced Event Dataset.\" "
          "Journal of Peace Research 50(4): 523-532. https://doi.org/10.1177/0022343313484347",
          True, "UCDP publishes GED under CC BY 4.0: cite UCDP GED when you use its rows."),
    Terms(CEDAR, "Cedar: political violence and protest events", "", CC_BY_4,
          "Cedar contributors. Cedar: political violence and protest events (see CITATION.cff of the release "
          "used for its version, date and manifest hash).",
          True, "Events coded for Cedar are under CC BY 4.0: cite the Cedar release you use."),
)

BY_LICENSOR: dict[str, Terms] = {t.licensor: t for t in TERMS}
LICENSORS: tuple[str, ...] = tuple(t.licensor for t in TERMS)
LICENCE_IDS: tuple[str, ...] = tuple(dict.fromkeys(t.licence.id for t in TERMS))
LICENCES: dict[str, Licence] = {t.licence.id: t.licence for t in TERMS}
REDISTRIBUTABLE: tuple[str, ...] = tuple(t.licensor for t in TERMS if t.redistributable)


def dataset_of(external_id: str) -> str:
    """The dataset prefix of one external id ('acled:ARG10607' -> 'acled')."""
    return external_id.split(":", 1)[0].strip().lower()


def licensor_of(external_ids: list[str] | None) -> str:
    """Whose terms an event with these external ids is under: the first dataset of TERMS it names,
    else Cedar (an id of a dataset not declared here is a cross-reference, not a source of terms)."""
    named = {dataset_of(x) for x in external_ids or ()}
    return next((t.licensor for t in TERMS if t.licensor in named), CEDAR)


def licence_of(licensor: str) -> str:
    return BY_LICENSOR[licensor].licence.id


def licensor_sql(column: str) -> str:
    """licensor_of in DuckDB SQL, over a VARCHAR[] column of external ids."""
    prefixes = f"list_transform(coalesce({column}, []::VARCHAR[]), lambda x: lower(trim(split_part(x, ':', 1))))"
    cases = " ".join(f"WHEN list_contains({prefixes}, '{t.licensor}') THEN '{t.licensor}'"
                     for t in TERMS if t.licensor != CEDAR)
    return f"CASE {cases} ELSE '{CEDAR}' END"


def licence_sql(licensor: str) -> str:
    """licence_of in DuckDB SQL, over a licensor expression."""
    cases = " ".join(f"WHEN '{t.licensor}' THEN '{t.licence.id}'" for t in TERMS)
    return f"CASE {licensor} {cases} END"
