"""The coding conventions: how a report becomes events, as ACLED codes them. Declared here as data, apart
from the codebook that renders them (cedar.schema.codebook) and from the rules that check the conventions a
check can see (cedar.schema.rules_conventions, named beside each convention as `code`).

Each topic is a title, a sentence that frames it, and its conventions; a convention is its text and the
codes of the rules that check it (empty: a coder's judgement that no rule can see in one row)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Convention:
    text: str
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    title: str
    intro: str
    conventions: tuple[Convention, ...]


C = Convention

TOPICS: tuple[Topic, ...] = (
    Topic("Actors", "Who is actor1 and who is actor2 follows the event type, not who moved first.", (
        C("Protests: actor1 is always the protesters (`Protesters (COUNTRY)`, inter1 6). A force that "
          "intervenes (police breaking up the march) is actor2, never actor1.", ("protest-actor1-not-protesters",)),
        C("*Protest with intervention* and *Excessive force against protesters* name the intervening force as "
          "actor2; a *Peaceful protest* has no actor2.", ("protest-intervention-needs-force",)),
        C("Riots: actor1 is the rioters or the mob (`Rioters (COUNTRY)`, inter1 5): demonstrators who turn to "
          "violence or destruction are rioters, and a party's label (\"rioting\") does not make a riot.",
          ("riot-actor1-not-rioters",)),
        C("Battles: armed, organised actors on both sides (inter codes 1, 2, 3, 4 or 8). An armed attack on "
          "soldiers or police is a battle (*Armed clash*) even when only one side fires.",
          ("battle-needs-two-armed-actors",)),
        C("Violence against civilians: actor1 is the perpetrator, actor2 the civilians (`Civilians (COUNTRY)`, "
          "inter2 7, target_kind `civilians`).", ("violence-against-civilians-needs-civilian-target",)),
        C("Explosions/Remote violence and Strategic developments: actor1 is the actor who strikes or acts, actor2 "
          "the one it is aimed at, if any."),
        C("A state's forces are type 1 in their own country and type 8 (external) when they act in another. A "
          "cross-border air or drone strike is coded in the country it hits.", ("state-forces-type-by-country",)),
        C("A former state force at open war with the army is a rebel group (2) from the start of that war; hired "
          "thugs are a political militia (3); armed village volunteers of one community an identity militia (4)."),
    )),
    Topic("Actor names", "Names follow ACLED's style, so that one actor has one name in every event.", (
        C("State forces and governments carry the period of the government they serve: `Military Forces of "
          "Kenya (2022-)`, `Police Forces of Kenya (2022-)`, `Government of Kenya (2022-)`.",
          ("state-actor-without-period",)),
        C("Groups: `Protesters (Kenya)`, `Rioters (Kenya)`, `Civilians (Kenya)`, `Unidentified Armed Group "
          "(Kenya)`. Named groups: `Al Shabaab`, `JNIM: Group for Support of Islam and Muslims`."),
        C("Use a name the registry already holds (`cedar actors search`): a check with a store warns on an "
          "unknown name and offers the closest names of the event's country and international actors.",
          ("unknown-actor",)),
    )),
    Topic("What one event is", "An event is one action at one place on one day.", (
        C("One event per place, day, actor pair and sub-event type. Two rows of one submission that share all "
          "four are one event coded twice.", ("possible-double-coding",)),
        C("Several places in one report are one event each. Fighting over two days is two events."),
        C("A general line (\"protests spread to several cities\") adds no event beyond the places it describes."),
        C("What belongs to an event is not coded apart: houses burned in an attack, looting by the attackers, "
          "arrests at a protest (the protest event covers them; *Arrests* is for arrests away from a protest)."),
        C("A march that turned violent is one *Riots / Violent demonstration*; do not add a peaceful protest "
          "beside it. A mob attacking people outside a demonstration is *Riots / Mob violence*."),
        C("Tear gas, pepper spray, removal or detentions without serious injury make a *Protest with "
          "intervention*; lethal force, or force that seriously injures peaceful protesters, makes *Excessive "
          "force against protesters*."),
    )),
    Topic("What is not an event", "Code what the report brings as news, and only that.", (
        C("Background: earlier events the report recalls as context (an attack last month, fighting since "
          "2019). They are coded from the reports that broke them. An event brought as news, with its own date "
          "and details, is coded even when it is days old."),
        C("Aggregate statistics (monthly homicides, displacement totals), announcements and plans (a march next "
          "Sunday, reinforcements due), court hearings, troop deployments, internet shutdowns, rhetoric, pledges "
          "to retaliate and ongoing conditions."),
    )),
    Topic("Fatalities", "A number only when the text gives one; empty is *not stated*, which is not 0.", (
        C("\"At least N\" is N, with `fatalities_low` N. For a range (\"between 10 and 15\") the lower figure is "
          "`fatalities`, and `fatalities_low` and `fatalities_high` hold the range.", ("fatalities-out-of-order",)),
        C("Vague words (\"dozens\", \"several\", \"an unspecified number\") mean not stated: leave it empty."),
        C("Code 0 when the text says nobody died, when it reports only injuries, and for detentions, abductions, "
          "arrests and protests where no death is reported.", ("protest-with-fatalities",)),
        C("The wounded, the injured and the evacuated are never fatalities, nor are \"casualties\" that turn out "
          "to be injuries. A party's claim about its enemy's dead is a claim (in `claims`), not the toll."),
    )),
    Topic("Dates", "Every relative date is anchored to the report's publication date.", (
        C("A weekday is the most recent such day on or before the publication date; \"yesterday\" is the day "
          "before it. \"Saturday night\" and \"overnight on Monday\" are that day; \"hours later\" is the same "
          "day as the event it follows."),
        C("\"Last week\" is Monday to Sunday of the previous week, coded as a span (`date_precision` `span`, "
          "with `event_date_end`). When the text gives no day, code a short span rather than a guessed day.",
          ("span-needs-end", "end-before-start")),
    )),
    Topic("Places", "Code the place the text names; never invent a town.", (
        C("The named place is `exact`. \"Near X\", \"outside X\", \"20 km north of X\" and \"rural areas of X\" "
          "are `near`, coded to X."),
        C("When only the region is known, code `region`, at the region's capital or centroid."),
        C("Coordinates and admin1 follow the gazetteer where it knows the place: leave them empty and the check "
          "fills them from `location`.", ("place-filled", "admin1-mismatch")),
    )),
    Topic("Sources and verification", "The verification rules of thumb below settle the open cases the same "
          "way everywhere.", (
        C("A fact the outlet presupposes in its own voice (\"Tuesday's protests in X and Y\") counts as its own "
          "reporting, as a fact it states does: verified, basis `outlet-own-reporting`, for each place it names.",
          ("verified-without-basis",)),
        C("Gold is per document: nothing comes from other reports or background knowledge, except the "
          "calendar."),
    )),
)
