"""Fatalities and verification from the words of an event's sentences.

Fatalities: "at least N" is N (low N); "between N and M" is N (low N, high M); vague words ("dozens",
"several") are not a number (null); "no casualties", "killing no one", injuries alone are 0.
Verification (the conventions of DESIGN.md): the outlet's own voice is verified (outlet-own-reporting); a
hedge ("reportedly", "could not be independently verified") makes it unverified; the actor's own statement
on the record is an acknowledgement; several eyewitnesses who are not parties are eyewitnesses; a single
outside source, an anonymous one or the side that was hit leaves it unverified; a denial of what the coding
asserts makes it disputed, a denial of involvement only puts the perpetrator in doubt."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import classify

_NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100}
_N = r"((?!(?:19|20)\d\d\b)\d[\d,]*|" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")"
_VICTIMS = r"(?:[\w-]+\s+){0,3}?(?:people|persons|civilians|soldiers|policemen|police officers|officers|troops|" \
           r"militants|fighters|passengers|men|women|children|members|villagers|residents|protesters|workers|" \
           r"traders|rebels|insurgents|personnel|guards|students|of (?:its|their|the) \w+|others|dead)"
_KILLED = r"(?:killed|dead|died|shot dead|lost their lives|were killed|was killed|have been killed|had been killed|" \
          r"(?:beaten|stoned|hacked|stabbed|burned|burnt|lynched) to death)"

_RANGE = re.compile(rf"\bbetween\s+{_N}\s+and\s+{_N}\s+{_VICTIMS}?", re.I)
_AT_LEAST = re.compile(rf"\b(?:at least|no fewer than|a minimum of)\s+{_N}\b", re.I)
_KILLING = re.compile(rf"\b(?:kill(?:ing|ed)|shot dead|shooting dead)\s+(?:the\s+)?(?:at least\s+|about\s+|around\s+|"
                      rf"some\s+|nearly\s+|approximately\s+|a total of\s+)?{_N}\b\s*"
                      rf"{_VICTIMS}?", re.I)
_N_KILLED = re.compile(rf"(?<![\w-])(?<!no ){_N}\s+{_VICTIMS}?\s*(?:[\w,\"“”]+\s+){{0,6}}?{_KILLED}\b", re.I)
_ZERO = re.compile(r"\bno (?:casualties|deaths|fatalities) (?:were |was |had been )?(?:reported|recorded)|"
                   r"\bkilling no one\b|\bno one (?:was |has been |had been )?(?:killed|died|has died|hurt)|"
                   r"\bwithout casualties\b|\bno one has died\b|\bnobody was (?:killed|hurt)\b|\bno deaths\b|"
                   r"\bthere (?:were|was) no (?:casualties|deaths|fatalities|victims)\b|\bcaused no casualties\b|"
                   r"\bno (?:immediate )?reports? of (?:any )?(?:casualties|deaths|fatalities)\b",
                   re.I)
_INJURED = re.compile(r"\b(?:wound\w*|injur\w*|hurt|hospitali[sz]ed|broken (?:arm|leg|ribs?|jaw|nose|hand|skull)|"
                     r"fractur\w+|bruis\w+|beaten|(?:treated|admitted) (?:in|at|for)\b)", re.I)
_VAGUE = re.compile(r"\b(?:dozens|scores|several|many|hundreds|an unspecified number|a number)\b", re.I)
ZERO_BY_DEFAULT = {"Peaceful protest", "Protest with intervention", "Arrests", "Abduction/forced disappearance",
                   "Agreement", "Non-violent transfer of territory", "Disrupted weapons use", "Violent demonstration",
                   "Change to group/activity", "Headquarters or base established", "Other",
                   "Looting/property destruction"}


def _num(word: str) -> int | None:
    w = word.lower().replace(",", "")
    return int(w) if w.isdigit() else _NUM_WORDS.get(w)


@dataclass
class Toll:
    best: int | None
    low: int | None = None
    high: int | None = None
    sentence: int | None = None  # which sentence of the event gave it


_ONE_AND_N = re.compile(rf"\b(?:killed|killing|shot dead|shooting dead)\s+(?:a|an|one)\s+[\w\s-]{{1,40}}?\s+and\s+"
                        rf"{_N}\s+"
                        rf"(?:of\s+(?:his|her|their|its)\s+)?\w+", re.I)
_TOLL_ROSE = re.compile(rf"\btoll\s+(?:\w+\s+){{0,2}}(?:rose|climbed|increased|reached|stood at|stands at|"
                        rf"(?:has|had) risen)\s+"
                        rf"(?:to\s+)?(?:at least\s+)?{_N}\b|"
                        # "later able to establish, through the hospital, that two passengers had been killed"
                        rf"\blater\b[^.;]{{0,30}}\b(?:established|establish|confirmed|found)\b[^.;]{{0,60}}\bthat\s+"
                        rf"(?:only\s+)?{_N}\s+(?:[\w-]+\s+){{0,2}}(?:had been|were|have been)\s+killed\b", re.I)


# "killing a vendor and a tricycle driver", "killing a woman, her son and two neighbours": the people listed
_KILLING_LIST = re.compile(r"\b(?:killing|killed|shot dead|shooting dead)\s+((?:(?:a|an|one|his|her|their|its|"
                           r"[\w-]+)\s+)[^.;:]{1,120}?)(?=,?\s+and\s+(?:wound|injur|leav|abduct|kidnap|burn|set|loot|"
                           r"took|stole|drove|seiz)\w*|[.;:]|,\s+(?:the|a|an|"
                           r"according|police|officials?|witnesses|residents)\b|"
                           # "a tapper and his son-in-law as they rode home": the list ends at the clause
                           r",?\s+(?:as|when|while|after|before|who|whom|near|outside)\s|$)", re.I)
# "the mayor" is one; "the two men", "the villagers", "the men" are not counted from the article
_NUMBER = _N.replace("(", "(?:", 1)
_ITEM = re.compile(r"^(?:(a|an|one|his|her|their|its|the(?!\s+" + _NUMBER + r"\b)(?!\s+(?:\w+\s+)?(?:\w+s|men|women|"
                   r"children|people|police)\b))|" + _N + r")\s+\S", re.I)


def _listed(s: str) -> int | None:
    """The number of people a list after "killing" names, when each item is "a ...", "his ..." or a number."""
    m = _KILLING_LIST.search(s)
    if not m:
        return None
    items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)) if i.strip()]
    items = [i for i in items if not re.fullmatch(r"(?:[A-Z][\w.'’-]*\s*){1,4}", i)]  # a name in apposition
    if not items or re.match(r"(?:a|an)\s+(?:number|total|further|few|dozen|handful|score|lot)\b", items[0], re.I):
        return None
    total = 0
    for item in items:
        im = _ITEM.match(item)
        if not im:
            return None
        own = re.match(rf"(?:his|her|their|its)\s+{_N}\s", item, re.I)  # "his two sons" are two
        n = _num(own.group(1)) if own else 1 if im.group(1) else _num(im.group(2))
        if n is None or _INJURED.search(item):
            return None
        total += n
    return total


# "youths burned cars on Saturday, a day after a teenager died in a crash": the death belongs to another story
_OTHER_DAY = re.compile(r",\s+(?:a|one|two|three|four|five|six|\d|several) days? (?:after|before)\b.*$", re.I)

# "marched on Thursday to reject violence after a bomb attack ... killed two officers last week": an earlier story
_EARLIER = re.compile(r"\s(?:after|following|since)\s+[^.;]*?\b(?:last (?:week|month|year)|"
                      r"earlier this (?:week|month|year)|(?:days|weeks|months) ago|in (?:19|20)\d\d)\b.*$", re.I)


# "two suspected militants and a soldier were killed": both counts
_N_AND_N = re.compile(rf"(?<![\w-]){_N}\s+(?:[\w-]+\s+){{0,2}}?\w+\s+and\s+(a|an|one|{_N[1:-1]})\s+"
                      rf"(?:[\w-]+\s+){{0,2}}?\w+\s+(?:were|had been|have been|was)\s+killed\b", re.I)


def _sentence_toll(s: str) -> Toll | None:
    other = _OTHER_DAY.search(s)
    if other and classify.trigger(s[:other.start()]) is not None:  # the act is told before the other story
        s = s[:other.start()]
    earlier = _EARLIER.search(s)
    if earlier and earlier.start() > 0:  # "after separatists killed a soldier there last week": another story
        s = s[:earlier.start()]
    m = _ONE_AND_N.search(s)
    if m and _num(m.group(1)) is not None:
        return Toll(1 + (_num(m.group(1)) or 0))
    m = _N_AND_N.search(s)
    if m and _num(m.group(1)) is not None and not _injury_near(s, m.start(), m.end()):
        second = 1 if m.group(2).lower() in ("a", "an", "one") else _num(m.group(2))
        return Toll((_num(m.group(1)) or 0) + (second or 0))
    listed = _listed(s)
    if listed is not None:
        return Toll(listed)
    m = re.search(rf"\b(?:bodies|remains|corpses) of\s+(?:at least\s+)?{_N}\b", s, re.I)
    if m and _num(m.group(1)) is not None:
        return Toll(_num(m.group(1)))
    m = _RANGE.search(s)
    if m and re.search(r"\b(?:kill|dead|died)", s, re.I) and not _injury_near(s, m.end()):
        a, b = _num(m.group(1)), _num(m.group(2))
        if a is not None and b is not None:
            return Toll(a, a, b)
    for pattern in (_KILLING, _N_KILLED):
        for m in pattern.finditer(s):
            hurt = pattern is _N_KILLED and _INJURED.search(m.group(0)) and "to death" not in m.group(0)
            if hurt or re.search(r"(?:more than|no)\s*$", s[:m.start()]):
                continue
            n = _num(m.group(1))
            if n is None:
                continue
            low = n if _AT_LEAST.search(s[max(0, m.start() - 12):m.end()]) else None
            return Toll(n, low)
    m = re.search(r"\b(?:one|a|an)\s+(?:[\w-]+\s+){0,2}?(?:man|woman|child|person|member|soldier|officer|civilian|"
                  r"boy|girl|youth|student|vendor|driver|farmer|teacher|trader|worker|policeman|journalist|activist|"
                  r"resident|villager|herder|pupil|\d+-year-old|of (?:the|its|their) \w+)\b[^.]{0,100}?"
                  r"\b(?:was killed|died|was shot dead|killed)", s, re.I)
    if m:
        return Toll(1)
    if _ZERO.search(s):
        return Toll(0)
    return None


def _injury_near(s: str, start: int, end: int | None = None) -> bool:
    """"Killing no one but wounding 3", "13 wounded": a number that counts the injured is not a toll."""
    span = s[start:(end or start) + 12]
    return bool(_INJURED.search(span)) and not re.search(_KILLED, span, re.I)


# a party's claim about its enemy's dead is a claim, not the toll
_PARTY_CLAIM = re.compile(r"\bclaim(?:ed|s)?\b[^.;]{0,60}\bkill|"
                          r"\b(?:army|military|troops|police|ministry|spokes\w+)\s+(?:said|says|claimed)\b[^.;]{0,40}"
                          r"\b(?:militants|terrorists|insurgents|rebels|jihadists|assailants|attackers|fighters|enemy)\b"
                          r"[^.;]{0,30}\b(?:killed|neutrali[sz]ed|dead)|"
                          # a group's count of soldiers killed; the army's count of its own dead is the toll
                          r"\b(?:group|rebels|militants|insurgents|jihadists)\s+(?:said|says|claimed)\b[^.;]{0,40}"
                          r"\b(?:soldiers|troops|policemen|enemy)\b[^.;]{0,30}\b(?:killed|dead)|"
                          r"\b(?:neutrali[sz]ed|neutrali[sz]ing)\b|"
                          # "the group said it had killed 20 soldiers": a party's count of its enemy's dead
                          r"\b(?:said|says|claimed|boasted)\s+(?:[^.;]{0,60}?\bthat\s+)?(?:it|its (?:fighters|forces|"
                          r"men|troops|units)|they|their (?:fighters|forces|men))\s+(?:had\s+)?kill(?:ed)?\b|"
                          # "the army said, adding that three dissidents were killed": a force's count of its enemy
                          r"\b(?:army|military|police|ministry|spokes\w+)\s+said,?\s+adding\s+that\s+[^.;]{0,30}?"
                          r"\b(?:militants|terrorists|insurgents|rebels|jihadists|dissidents|guerrillas|gunmen|bandits|"
                          r"fighters)\b[^.;]{0,20}\b(?:killed|dead)|"
                          r"\bkill(?:ed|ing)\s+(?:\w+\s+){0,3}(?:suspected\s+)?(?:[\w']+\s+){0,3}(?:militants|terrorists|"
                          r"insurgents|rebels|jihadists|fighters|attackers|assailants|gunmen|bandits|gang members|"
                          r"dissidents|guerrillas|separatists)\b[^.]*,\s+(?:the|a|an)\s+(?:\w+\s+)?(?:army|military|"
                          r"police|ministry|spokes\w+)[^.,]{0,30}\s+said|"
                          # "struck suspected jihadists, killing about 20 of them, a security source said"
                          r"\b(?:militants|terrorists|insurgents|rebels|jihadists|fighters)\b[^.]{0,60}\bkill(?:ing|ed)\b"
                          r"[^.]*,\s+(?:the|a|an)\s+(?:\w+\s+)?(?:army|military|police|security|ministry|spokes\w+)"
                          r"[^.,]{0,30}\s+said", re.I)


def fatalities(sentences: list[str], sub_event_type: str) -> Toll:
    """The toll from the first sentence that gives one; else 0 for a type that kills no one by itself or
    when only injuries are reported, and not stated (null) otherwise. A peaceful protest kills no one (the
    convention `cedar check` holds it to): a toll told beside it is another event's or background."""
    if sub_event_type == "Peaceful protest":
        return Toll(0)
    for i, s in reversed(list(enumerate(sentences))):
        m = _TOLL_ROSE.search(s)  # "the death toll rose to six": the latest figure
        figure = next((g for g in m.groups() if g), None) if m else None
        if figure is not None and _num(figure) is not None:
            return Toll(_num(figure), sentence=i)
    for i, s in enumerate(sentences):
        if _PARTY_CLAIM.search(s):
            continue
        t = _sentence_toll(s)
        if t is not None:
            t.sentence = i
            return t
    text = " ".join(sentences)
    if sub_event_type in ZERO_BY_DEFAULT:
        return Toll(0)
    if _INJURED.search(text) and not re.search(r"\b(?:kill\w*|dead|died|death toll|casualties|to death)\b", text,
                                               re.I):
        return Toll(0)
    return Toll(None)


# --- attribution -----------------------------------------------------------------------------------------

HEDGE = re.compile(r"\b(?:reportedly|allegedly|purportedly|reported to have|said to have|could not be "
                   r"(?:independently )?(?:verified|confirmed)|has yet to be (?:independently )?(?:verified|"
                   r"confirmed)|have yet to be|unconfirmed|could not (?:reach|independently)|it was not clear whether|"
                   r"not be independently verified|(?:was|were|is|are) unable to (?:independently )?(?:verify|confirm)|"
                   r"could not (?:independently )?(?:verify|confirm)|did not independently (?:verify|confirm)|"
                   r"no independent confirmation|not (?:been )?independently (?:verified|confirmed))\b", re.I)
# a hedge on the toll only ("could not confirm the number of gang members killed"): not on the event
TOLL_HEDGE = re.compile(HEDGE.pattern + r"[^.;]{0,30}\b(?:number|toll|figure|count|casualt\w+|dead|death\w*|killed)\b|"
                        # "The toll could not be independently verified"
                        r"\b(?:toll|figures?|number of (?:dead|deaths|casualties)|casualty count)\b[^.;]{0,20}?"
                        + HEDGE.pattern + "|"
                        # "police were unable to confirm which clan had lost the most men": on a side, not the event
                        + HEDGE.pattern + r"\s+(?:which|who)\b", re.I)
SILENCE = re.compile(r"\b(?:declined to comment|did not comment|has not commented|have not commented|"
                     r"no comment|did not respond|gave no details|could not be reached|(?:made|gave) no mention of|"
                     r"did not mention|said nothing about)\b", re.I)
# contradicting accounts told as such, without a denial verb
DISPUTE = re.compile(r"\baccounts? (?:differ\w*|conflict\w*|var(?:y|ied))|\bconflicting (?:accounts|versions)|"
                     r"\bcontradict(?:ed|s|ing)\b|\bgave a (?:different|conflicting) account|"
                     r"\bdisputed (?:this|that|the|these) (?:account|version|claim)s?\b", re.I)
DENIAL = re.compile(r"\b(?:denied|denies|deny|rejected (?:the|this|that) (?:claim|account|report)s?|dismissed "
                    r"(?:the|this) (?:claim|report)s?)\b", re.I)
# a denial of the toll only ("denied that any of its fighters had been killed", "denied suffering losses")
TOLL_DENIAL = (r"(?:denied|denies|deny)\s+(?:that\s+)?[^.,;]{0,50}?(?:(?:had been|were|was|been) killed|"
               r"(?:suffering|any|suffered) (?:casualties|losses)|the (?:death )?toll)")
# a denial of having done it: of involvement, or with a counter-accusation ("denied that its forces had fired on X
# and accused government troops of shelling it")
DENIAL_OF_ROLE = re.compile(r"\b(?:involvement|any role|responsibility|taken part|took part|any part|behind|"
                            r"carried out|its members|their members|(?:were|was|been) involved|"
                            r"(?:were|was) responsible|accus(?:ed|es|ing)\b[^.;]{2,60}\bof|"
                            # "denied that its forces had used mortars": the side denies having done it
                            r"(?:its|their|his) (?:own )?(?:forces|troops|soldiers|fighters|men|members|units) "
                            r"(?:had|have)|"
                            r"blam(?:ed|ing)\b[^.;]{2,60}\bfor)\b", re.I)
# a denial of one aspect only (who did it, whom it targeted): the event keeps the status of its occurrence
DENIAL_OF_ASPECT = re.compile(DENIAL_OF_ROLE.pattern[:-3] + r"|(?:target|attack|strik|hit|kill|shell|bomb)\w* "
                              r"(?:any )?civilians|" + TOLL_DENIAL + r")\b", re.I)
_SAY = r"(?:said|says|told|reported|claimed|stated|confirmed|added|saw|estimated|announced|described|recounted|" \
       r"gave (?:\w+ ){0,2}accounts?)"
_SRC_AFTER = re.compile(rf"[,;]\s*((?:the|a|an|two|three|four|several|some|other|local|its|their)?\s*"
                        rf"[^,;.\"“”]{{2,90}}?)"
                        rf"\s+{_SAY}\b[^,.;]*[.,;]?\s*$", re.I)
_SRC_BEFORE = re.compile(rf"^(?:[^,]{{0,80}},\s+)?((?:the|a|an|two|three)?\s*[^,;.\"“”]{{2,90}}?)\s+{_SAY}\b", re.I)
# "Ruben Vardanyan, a figure in the administration, reported ..."
_SRC_APPOSITION = re.compile(rf"^((?:[A-Z][\w.'’-]+\s+){{0,3}}[A-Z][\w.'’-]+),\s+[^,]{{3,120}},\s+{_SAY}\b|"
                             # "Separately, the management of Radio X, a private station, said on Wednesday that"
                             rf"^(?:[A-Z]\w+,\s+)?((?:the|a|an)\s+[^,;]{{2,80}}),\s+(?:a|an|the)\s+[^,;]{{3,100}},\s+"
                             rf"{_SAY}\b")
# "Pakistan's military, in a statement issued on Monday, said ...": the subject before a phrase of how it spoke
_SRC_INTERPOSED = re.compile(rf"^((?:the\s+)?[^,;.\"“”]{{2,60}}?),\s+(?:in|through|via|by|on)\s+[^,;]{{3,100}},\s+"
                             rf"(?:also\s+)?{_SAY}\b", re.I)
# ", the air force said in a statement, adding ...": a speaker set off by a comma inside the sentence
_SRC_INSIDE = re.compile(rf",\s+((?:the|a|an|two|three|its|their)\s+[^,;.\"“”]{{2,60}}?|[a-z]+(?:\s+[a-z]+){{0,4}}|"
                         rf"(?-i:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){{0,3}}))\s+{_SAY}\b", re.I)
_ACCORDING = re.compile(r"\baccording to\s+(?:the\s+|a\s+)?([^,;.]{2,90})", re.I)
ANON = re.compile(r"\b(?:anonymity|anonymous|not to be named|not authori[sz]ed to speak|sources? (?:said|told)|"
                  r"security sources|sources? (?:close to|within|inside|familiar with|in)\b)\b", re.I)
EYEWIT = re.compile(r"\b(?:residents|witnesses|eyewitnesses|locals|villagers|local media|shopkeepers|people in|"
                    r"traders|survivors|passers-by|bystanders|neighbou?rs|worshippers|motorists|farmers|"
                    r"(?:people|men|women) who (?:were|saw|fled|witnessed)|who were (?:at|there|present))\b",
                    re.I)
# the outlet's own observation: "our correspondent saw", "Sahel Wire reporters at the scene counted"
OWN = re.compile(r"\b(?:reporter|correspondent|journalist|photographer|camera ?m[ae]n)s?\s+(?:(?:at|on|in|near|"
                 r"outside|who (?:visited|reached|went to))\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+)?"
                 r"(?:saw|witnessed|counted|reported|observed|watched|heard|found)\b|\bseen by (?:an? |our |the )?"
                 r"(?:\w+ )?(?:reporter|correspondent|journalist)|"
                 # "..., we observed": the outlet speaking for its own staff
                 r"\bwe (?:observed|saw|witnessed|counted|found)\b", re.I)
STATE_SIDE = re.compile(r"\b(?:army|armies|air force|navy|armed forces|defen[cs]e|military|ministry|minister|"
                        r"government|spokes(?:man|woman|person)|police|"
                        r"commissioner|forces|authorities|governor|agency|president|presidency|command|troops|"
                        r"prosecutors?|prosecutor's office|"
                        r"officer|officials?|"
                        # an officer's rank without a group named: a state force's officer
                        r"(?-i:Lieutenant|Lt\.?|Colonel|Col\.?|Captain|Capt\.?|Sergeant|Sgt\.?))\b", re.I)
GROUP_SIDE = re.compile(r"\b(?:group|rebels|movement|front|militants|faction)\b", re.I)


@dataclass
class Attribution:
    source: str
    kind: str  # own, anonymous, eyewitnesses, state, group, other
    sentence: int


def attribution(s: str, index: int, previous: Attribution | None,
                roles: dict[str, str] | None = None) -> Attribution | None:
    """Who a sentence's statement comes from, or None when the outlet says it in its own voice."""
    if OWN.search(s):
        return Attribution("the outlet's reporter", "own", index)
    src = None
    m = _ACCORDING.search(s)
    if m and not re.search(r"\bestimates?\b", m.group(1)):
        src = m.group(1)
    elif m:
        return None  # "according to a police estimate": the figure is theirs, not the event
    pronoun = src if src is not None and re.fullmatch(r"(?:him|her|them|it)", src.strip(), re.I) else None
    if pronoun:
        src = None  # "X said that ..., where, according to him, ...": the speaker named in the sentence
    if src is None:
        m = (_SRC_AFTER.search(s) or _SRC_APPOSITION.search(s) or _SRC_INTERPOSED.search(s) or _SRC_BEFORE.search(s)
             or _SRC_INSIDE.search(s))
        if m:
            src = next(g for g in m.groups() if g).strip()
    src = src or pronoun
    if src is None:
        if ANON.search(s):
            return Attribution("anonymous sources", "anonymous", index)
        return None
    if re.search(r"\b(?:were|was|been|is|are|be)$", src):
        return None  # "no casualties were reported": passive, no one is quoted
    src = re.sub(r"^(?:on condition of anonymity,?\s*)", "", src).strip()
    if _OUR_STAFF.search(src):
        return Attribution(src, "own", index)  # "our correspondent there reported": the outlet's own reporting
    if re.fullmatch(r"(?:it|they|he|she|him|her|them)", src, re.I) and previous:
        return Attribution(previous.source, previous.kind, index)
    role = (roles or {}).get(src.split()[-1]) if _BARE_NAME.fullmatch(src) else None
    kind = "anonymous" if ANON.search(s) else kind_of(role or src)
    return Attribution(src, kind, index)


_OUR_STAFF = re.compile(r"(?:^|\b)(?:our|this (?:paper|newspaper|station|agency)'s)\s+(?:\w+\s+)?"
                        r"(?:correspondents?|reporters?|photographers?|journalists?|staff|team|newsroom|bureau)\b",
                        re.I)
_BARE_NAME = re.compile(r"(?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][\w'’-]+")
# "Capt. Ramon Villareal, spokesperson of the Army's 8th Infantry Division", "police spokesman Garry Desrosiers"
_NAME_ROLE = re.compile(r"(?<![\w.])((?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][\w'’-]+),\s+((?:a |an |the )?[a-z][^,;.]{3,80}),")
_ROLE_NAME = re.compile(r"\b((?:[A-Z]?[a-z]+\s+){0,3}(?:spokes(?:man|woman|person)|director|commander|commissioner|"
                        r"minister|governor|mayor|chief|general|colonel|official|officer|secretary))\s+"
                        r"(?:(?:Col|Gen|Capt|Maj|Lt|Sgt|Mr|Mrs|Ms|Dr)\.?\s+)?((?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+)")


_ROLE_WORD = re.compile(r"\b(?:spokes\w+|director|commander|commissioner|minister|governor|mayor|chief|general|"
                        r"colonel|official|officer|secretary|president|leader|head|member|chairman|chairwoman|"
                        r"coordinator|representative|prefect|administrator|adviser|advisor|inspector|superintendent|"
                        r"deputy|lawyer|doctor|nurse|witness|resident|activist|analyst|researcher|expert)\b",
                        re.I)


def speakers(text: str) -> dict[str, str]:
    """The people a report introduces with their role ("X, spokesperson of the army,", "police spokesman X"),
    by surname: a later "X said" is then that role speaking."""
    found: dict[str, str] = {}
    for m in _NAME_ROLE.finditer(text):
        if _ROLE_WORD.search(m.group(2)):  # "X, both accused militiamen of Y,": no role
            found.setdefault(m.group(1).split()[-1], m.group(2))
    for m in _ROLE_NAME.finditer(text):
        found.setdefault(m.group(2).split()[-1], m.group(1))
    return found


def kind_of(src: str) -> str:
    """Which side a source speaks for, from its words: eyewitnesses, the state, a group, or another."""
    if EYEWIT.search(src):
        return "eyewitnesses"
    if STATE_SIDE.search(src) and not re.search(r"\b(?:local|regional|district|provincial|hospital|health|medical)\s+"
                                                 r"(?:official|administrator)", src, re.I):
        return "state"
    return "group" if GROUP_SIDE.search(src) else "other"
