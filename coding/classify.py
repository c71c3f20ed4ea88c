"""ACLED's event and sub-event type from the words of a sentence: ordered rules, the most specific first
(an agreement, territory, a suicide bomb, a defused device, an IED, an air or drone strike, shelling, an
abduction, arrests, a mob, a riot, a protest, an armed clash, an attack on civilians)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_P = re.compile


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    pos: int
    words: str


_PROTEST = r"\b(?:protest(?:s|ed|ing)?|protesters|demonstrat\w+|rall(?:y|ied|ies)|march(?:ed|es)?|marchers|" \
           r"sit-ins?|picket\w*|took to the streets|to demand|demanding|vigils?|went on strike|" \
           r"(?:general|labou?r|workers'?|nationwide|hunger|transport) strikes?|" \
           r"block(?:ed|ing|aded) (?:a |the )?(?:\w+ )?(?:roads?|highways?|streets?)|in solidarity with|" \
           r"(?:people|residents|crowds?|hundreds|thousands|supporters|students|workers|women|members|activists|" \
           r"relatives|families|mothers) (?:\w+ ){0,3}gathered)\b"
# "the release of detained colleagues": the word names people held before, not detentions at the protest
_INTERVENE = _P(r"\b(?:tear ?gas|pepper spray|water cannons?|rubber bullets|batons?|"
                r"(?<!the )(?<!of )detained(?! \w+s\b)|arrested|removed|"
                r"dispersed (?:by force|them|the)|to disperse|push(?:ed)? back|beat|beating|beaten|"
                r"carried (?:them )?off|forcibly|kettled)\b", re.I)
_EXCESSIVE = _P(r"\b(?:live (?:rounds|ammunition|fire)|opened fire on (?:the )?(?:protesters|demonstrators|crowd)|"
                r"shot dead|killing|killed|wounding|seriously injur\w+)\b", re.I)
_RIOT = _P(r"\b(?:set fire|setting (?:\w+ ){0,3}(?:on )?fire|set (?:\w+ ){0,3}on fire|torched|"
           r"burn(?:ed|t) (?:down )?(?:cars|vehicles|tyres|tires|buildings)|threw stones|"
           r"hurled|pelted|stormed|tried to storm|smash\w*|vandali[sz]ed|ransacked|looted|looting|"
           r"clashed with (?:police|security)|"
           r"barricades?|barricaded|burning (?:\w+ )?(?:tyres|tires)|ston(?:ed|ing)|threw rocks|"
           r"stone[- ]?(?:throwing|pelting)|throwing stones)\b", re.I)
_ARREST_AWAY = _P(r"\b(?:ahead of|before (?:a|the)|hours before|raids?|"
                  r"at (?:his|her|their|its|the)(?: \w+'s)? (?:homes?|house|residence|offices?|headquarters)|"
                  r"on charges|charged with)\b", re.I)

# a fight with sticks, bricks or machetes is a brawl of crowds, not an armed clash (no firearms)
_BRAWL = r"\b(?:fought|clash(?:ed|es)?|brawl\w*|attacked each other|fighting)\b[^.]{0,30}\bwith (?:\w+ ){0,2}" \
         r"(?:sticks|bricks|stones|rocks|clubs|machetes|knives|iron rods|bamboo|batons|bats)\b"

# two crowds stoning each other, or communal clashes: a fight of crowds outside a demonstration
_STONE_FIGHT = r"\bstone[- ]?(?:pelting|throwing)\s+between\b" \
               r"(?![^.;,]{0,50}\band (?:the )?(?:police|gendarm\w*|soldiers|troops|security forces|riot police)\b)|" \
               r"\b(?:threw|throwing|hurled|hurling|pelted|pelting)\s+" \
               r"(?:stones|rocks|bricks)(?:\s+and\s+\w+)?\s+at\s+each\s+other\b|\bcommunal (?:clash|violence|riot)\w*"

_CROWD_FIRE = _P(r"\b(?:opened fire on|fired (?:live rounds )?(?:on|at|into)|shot at|attacked)\s+(?:the\s+)?"
                 r"(?:\w+\s+){0,2}(?:protesters|demonstrators|marchers|supporters|crowd|mourners)\b", re.I)

RULES: list[tuple[str, str, re.Pattern[str]]] = [
    ("Strategic developments", "Agreement",
     _P(r"\bsigned (?:an? |the )?(?:\w+ )?(?:agreement|accord|deal|ceasefire|truce|peace)|"
        r"\bagreed (?:to|on) (?:a |an )?(?:ceasefire|truce|peace)|"
        # a ceasefire brokered or reached between two sides
        r"\b(?:brokered|reached|mediated|negotiated) (?:a |an |the )?(?:\w+ )?(?:ceasefire|truce|peace deal|"
        r"peace agreement)\b", re.I)),
    ("Strategic developments", "Non-violent transfer of territory",
     _P(r"\b(?:entered|took|took control of|seized|captured)\b[^.]{0,80}\bwithout (?:firing a shot|a fight|"
        r"(?:any )?resistance|fighting)|\b(?:withdrew|pulled out) from\b|"
        r"\b(?:withdrew|pulled out|retreated|fled)\b[^.]{0,30}\bwithout (?:a fight|fighting|(?:any )?resistance|"
        r"firing a shot)", re.I)),
    ("Battles", "Government regains territory",
     _P(r"\b(?:recaptur\w+|retook|retaken|regain\w* control|liberated|liberation of)\b", re.I)),
    ("Battles", "Non-state actor overtakes territory",
     _P(r"\b(?:took control of|seized control of|seized the (?:town|city|village)|captured|overran)\b", re.I)),
    ("Explosions/Remote violence", "Suicide bomb", _P(r"\bsuicide (?:bomber|bombing|attack|car bomb)", re.I)),
    ("Strategic developments", "Disrupted weapons use",
     _P(r"\b(?:defused|defusing|dismantled|deactivated|disarmed|made safe|found and destroyed|detonated safely|"
        r"detonated (?:\w+ )?in a controlled explosion|destroyed in a controlled explosion|"
        r"(?:safely|controlled) detonat\w+)\b[^.]{0,60}(?:\b(?:bombs?|explosives?|IEDs?|devices?|grenades?|shells?)|"
        r"(?:\b|land)mines?)\b|\bbomb disposal\b|\b(?:bombs?|explosives?|IEDs?|devices?|(?:land)?mines?)\b[^.]{0,30}"
        r"\b(?:were|was) (?:\w+ )?(?:defused|deactivated|disarmed|made safe|detonated safely)\b", re.I)),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED",
     _P(r"\b(?:roadside bomb|improvised explosive|IEDs?\b|landmines?|land mines?|car bomb|explosive device|"
        r"bomb (?:exploded|went off|blast)|bomb\b[^.;]{0,40}\b(?:exploded|went off|detonated)|"
        # infrastructure blown up with explosives
        r"blew up (?:a|the|two|several) (?:\w+ ){0,2}(?:bridges?|pipelines?|towers?|power lines?|pylons?|railway|"
        r"culverts?))", re.I)),
    ("Explosions/Remote violence", "Air/drone strike",
     _P(r"\b(?:drones?|aircraft|warplanes?|jets?|helicopters?|air support|air ?strikes?|airstrikes?|air raids?)\b"
        r"[^.]{0,60}\b(?:struck|hit|strike|bombed|attacked|fired|targeted|destroyed|set fire to|set ablaze)|"
        r"\b(?:air|drone) ?strikes?\b|"
        r"\bairstrikes?\b|\bair raids?\b|\bbombed\b|\bdropped (?:\w+ ){0,2}(?:bombs?|explosives?|munitions)\b|"
        r"\bbombs? dropped\b|\bbombing raids?\b|"
        r"\b(?:launched|dropped|fired) (?:from|by) (?:an? |armed )?drones?\b|\bdrone-(?:launched|dropped)\b", re.I)),
    # rocket-propelled grenades are weapons of ground fighting; stun grenades of crowd control
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     _P(r"(?<!gas )\b(?:shell(?:ed|ing|s)|artillery|mortars?|rockets?(?!-propelled)|missiles?)\b", re.I)),
    ("Explosions/Remote violence", "Grenade", _P(r"(?<!stun )(?<!propelled )(?<!flash )(?<!gas )(?<!gas-)"
                                                 r"\bgrenades?\b", re.I)),
    ("Violence against civilians", "Abduction/forced disappearance",
     # an abduction told beside killings is part of an attack: the killings make the event
     _P(r"\b(?:abduct\w*|kidnap\w*|taken hostage|forcibly disappeared|"
        r"(?:forced|bundled|dragged|pushed) (?:him|her|them|(?:a|an|the|two|three|four) (?:[\w-]+ ){0,2}?[\w-]+) into "
        r"(?:a|an|the) (?:\w+ ){0,2}(?:car|vehicle|van|truck|pickup|SUV))\b", re.I)),
    # "the detained politician": a word that names a person, not an arrest told
    ("Strategic developments", "Arrests", _P(r"\b(?:arrest(?:ed|s|ing)?|(?<!the )(?<!a )detained|rounded up|"
                                             r"took into custody)\b", re.I)),
    ("Riots", "Mob violence", _P(r"\b(?:a mob|mobs|lynch\w*)\b|"
                                 r"\b(?:beaten|stoned|hacked|burned|burnt)(?: to death)? by (?:a |an )?(?:angry )?"
                                 r"(?:crowd|mob)\b|\b(?:supporters|activists|youths|villagers|"
                                 r"residents|students)\b[^.]{0,60}\bclash(?:ed|es)\b|"
                                 r"\bclash(?:es)? between (?:\w+ ){0,3}(?:supporters|activists|youths|villagers|"
                                 r"residents|students|members)\b|" + _BRAWL + "|" + _STONE_FIGHT, re.I)),
    # armed men who are no state force firing on a crowd attack civilians (protesters); a force doing so is
    # excessive force, read from the demonstration below
    ("Violence against civilians", "Attack", _CROWD_FIRE),
    ("Protests", "Peaceful protest", _P(_PROTEST, re.I)),
    # a crowd's own violence told without the word "protest": barricades, stoning, burning tyres, looting
    ("Riots", "Violent demonstration",
     _P(r"\b(?:erected|set up|built|manned) (?:\w+ ){0,2}barricades|\bburn(?:ed|t|ing) (?:\w+ )?(?:tyres|tires)\b|"
        r"\b(?:youths|young (?:men|people)|rioters|demonstrators|crowds?|mobs?|(?:a )?group of (?:about |around |"
        r"some |at least )?\d+ (?:people|youths|men))\b[^.]{0,80}\b(?:stoned|threw (?:stones|rocks|fireworks|"
        r"firecrackers|Molotov cocktails|petrol bombs|bottles)|looted|pelted|set fire to|torched|"
        r"smashed (?:\w+ ){0,3}(?:shops|shutters|windows|cars|stalls)|carried off)\b|"
        r"\brioters\b|\brioting\b", re.I)),
    # crowd-control weapons used on people: a demonstration, whatever the report calls the crowd
    ("Protests", "Protest with intervention",
     _P(r"\b(?:tear ?gas|pepper spray|water cannons?|rubber bullets|stun grenades)\b[^.]{0,80}\b(?:to stop|to disperse|"
        r"on|at|against|dispers\w+)\b", re.I)),
    ("Battles", "Armed clash",
     _P(r"\b(?:clash(?:ed|es)?|exchanged (?:[\w-]+ ){0,3}?fire|(?:an |the )?exchanges? of (?:gun)?fire|traded fire|"
        r"(?:came|come|coming) under (?:heavy )?(?:fire|attack)|fighting between|fought|gun ?battle|firefight|"
        r"shoot-?outs?|gunfights?|in an encounter|encounter with|"
        r"(?:police|military|army|security|joint) (?:operation|raid|offensive) (?:against|targeting) (?:\w+ ){0,3}"
        r"(?:gangs?|traffickers|militants|rebels|insurgents|jihadists|bandits|cartel|fighters|terrorists)|"
        r"ambush\w*|engaged (?:them|the (?:\w+ )?(?:assailants|attackers|militants|rebels|militiamen|fighters|gunmen|"
        r"insurgents|jihadists|bandits))|"
        r"(?:launched|initiated|began|started) [^.]{0,40}(?:operation|offensive|activities)|"
        r"attacked (?:an? |the )?(?:\w+ ){0,2}(?:army|military|police|soldiers|troops|patrol|checkpoint|base|post|"
        r"detachment|convoy|station|barracks|positions|outposts?|trenches|front ?lines?)|"
        r"opened fire on (?:an? |the )?(?:\w+ ){0,2}(?:patrol|soldiers|police|"
        r"checkpoint|convoy|troops|post)|fighting)\b", re.I)),
    ("Violence against civilians", "Attack",
     _P(r"\b(?:found|discovered|recovered) the (?:bodies|remains|corpses) of|\b(?:bodies|corpses) of (?:\w+ ){0,4}"
        r"(?:were |had been )?(?:found|discovered|dumped)|"
        r"\b(?:attacked|shot dead|killed|killing|massacre\w*|stabbed|hacked|beat|beaten|executed|opened fire|"
        r"shot and (?:wounded|injured)|"
        r"stormed|raided)\b|"
        # "the assailants, armed with machetes, entered the site": armed men breaking into a place of civilians
        r"\b(?:assailants|attackers|gunmen|armed men|militiamen)\b[^.;]{0,60}\b(?:entered|burst into|broke into)\s+"
        r"(?:a|the)\s+(?:\w+\s+){0,2}(?:site|camp|village|hamlet|homes?|houses?|church|mosque|school|market|"
        r"hospital|compound)\b", re.I)),
    # armed men burning or looting property, with no one killed: property destruction (a killing makes an attack)
    ("Strategic developments", "Looting/property destruction",
     # armed men robbing people or a vehicle without hurting anyone
     _P(r"\b(?:stopped|held up|hijacked) at gunpoint\b|\b(?:were|was) robbed of\b|"
        r"\b(?:burned|burnt|torched|set fire to|looted|ransacked|destroyed)\s+(?:a|an|the|several|dozens of|\d+)?\s*"
        r"(?:\w+\s+)?(?:church|mosque|homes|houses|huts|shops|school|market|clinic|health centre|village|granary)\b",
        re.I)),
]


# a clause that recalls the past: "which the army retook in 2025", "since 2023", "last year", an anniversary
_PAST_CLAUSE = _P(r"\b(?:in|since|of|until|from|by)\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?(?:\d{1,2},?\s+)?"
                  r"(?:19|20)\d{2}\b|\b[A-Z][a-z]+ \d{1,2}, (?:19|20)\d{2}\b|\blast (?:year|month)\b|"
                  r"\b(?:years|months|decades) ago\b|\banniversary\b|\bcommemorat\w+")
# a clause that names the news's own day is news, whatever it recalls ("marched on Monday to mark the anniversary")
_NEWS_DAY = _P(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|"
               r"last night|overnight|this (?:morning|afternoon|evening))\b", re.I)
_CLAUSE_END = _P(r"[,;:()\u2014]|\s-\s|\.(?:\s|$)|\b(?:and|but|while|when|after|as)\b")
_STATE_SUBJECT = _P(r"\b(?:army|military|troops|soldiers|government forces|armed forces|its forces|our forces|"
                    r"security forces|police|(?:defen[cs]e )?ministry)\b", re.I)
_GROUP_SUBJECT = _P(r"\b(?:rebels?|militants?|insurgents?|jihadists?|fighters|militias?|gunmen|group|"
                    r"[A-Z]{2,}\d*)\b")


def _in_past_clause(sentence: str, pos: int) -> bool:
    """Whether the words at `pos` belong to a clause that recalls a past year or an anniversary."""
    starts = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, pos)]
    start = starts[-1] if starts else 0
    end = _CLAUSE_END.search(sentence, pos)
    clause = sentence[start:end.start() if end else len(sentence)]
    # "the funeral on Monday of 14 villagers killed by gunmen last month": what follows the word dates it
    tail = sentence[pos:end.start() if end else len(sentence)]
    if _PAST_CLAUSE.search(tail) and not _NEWS_DAY.search(tail):
        return True
    return bool(_PAST_CLAUSE.search(clause)) and not _NEWS_DAY.search(clause)


_ARMED_VICTIMS = _P(r"\s+(?:at least\s+|some\s+|about\s+)?(?:\w+\s+){0,2}(?:suspected\s+)?"
                    r"(?:militants|rebels|insurgents|jihadists|fighters|terrorists|bandits|gunmen|Maoists|guerrillas|"
                    r"gang members|militiamen|gang leaders?|gangsters|kidnappers|(?:drug )?traffickers|"
                    r"cartel members|gang)\b", re.I)
_ARMED_SUBJECT = _P(r"\b(?:gunmen|militants|jihadists|insurgents|rebels|bandits|fighters|attackers|assailants|"
                    r"militiamen|armed men|soldiers|troops)\b", re.I)
_CROWD = _P(r"\b(?:protest\w*|demonstrat\w+|rall(?:y|ies)|marchers|crowds?|strikers|sit-ins?|vigils?|picket\w*)\b",
            re.I)


def _armed_not_protest(sentence: str, pos: int) -> bool:
    """Armed men named before the word that reads as a demonstration, and no crowd in the sentence."""
    armed = [m for m in _ARMED_SUBJECT.finditer(sentence[:pos])
             # "relatives of missing soldiers rallied": the soldiers are whom the crowd speaks for
             if not re.search(r"\b(?:of|for)\s+(?:the\s+)?(?:\w+\s+)?$", sentence[max(0, m.start() - 25):m.start()])]
    return bool(armed) and not _CROWD.search(sentence)


def _state_takes(sentence: str, pos: int) -> bool:
    """"Its forces took control of X", "the army captured X": the state regains territory."""
    before = sentence[:pos]
    # "the Arakan Army", "the National Liberation Army": a group's name, not the state's army
    state = [m for m in _STATE_SUBJECT.finditer(before)
             if not (m.group(0)[0].isupper() and re.search(r"[A-Z][\w'-]+\s+$", before[:m.start()]))]
    group = [m.end() for m in _GROUP_SUBJECT.finditer(before)]
    own = [m.end() for m in state if not _groups_own(before, m, state, group)]
    return bool(own) and (not group or own[-1] > group[-1])


def _groups_own(before: str, m: re.Match[str], state: list[re.Match[str]], group: list[int]) -> bool:
    """"The KIA said its troops had captured X": "its troops" are the group's when a group was named last."""
    if not (re.search(r"\b(?:its|their)\s+$", before[:m.start()]) or m.group(0).lower().startswith("its ")):
        return False
    last_group = max((g for g in group if g < m.start()), default=-1)
    last_state = max((x.end() for x in state if x.end() <= m.start()), default=-1)
    return last_group > last_state


# what a court, a charge or an accusation is about: "the trial of four men accused of firing rockets"
_LEGAL = _P(r"\b(?:accused of|charged with|convicted of|acquitted of|suspected of|responsible for|blamed for|"
            r"sentenced\b[^.;]{0,40}\bfor|"
            r"trial of|wanted (?:in|for)|in connection with|indicted (?:for|over))\b[^.;:()]*$", re.I)


# two sides firing at each other, whatever the weapons: ground fighting, not a one-sided bombardment
_EXCHANGED = _P(r"\b(?:exchanged|exchanging|traded|trading)\s+(?:[\w-]+\s+){0,4}?(?:fire|shots|gunfire)\b|"
                r"\bexchanges?\s+of\s+(?:[\w-]+\s+){0,4}?(?:fire|gunfire)\b", re.I)
# "taken from their homes by men in uniform, according to the movement, which denounced 'abductions'"
_STATE_TAKES_PEOPLE = _P(r"\b(?:men in uniform|police(?:men)?|soldiers|gendarmes|security forces|security agents|"
                         r"intelligence agents|plain-clothes (?:officers|police))\b", re.I)
_LABELLED = _P(r"\b(?:denounced|denouncing|called|calling|described|describing|termed|branded)\s+(?:\w+\s+){0,3}$",
               re.I)
_TAKEN_AWAY = _P(r"\b(?:taking away|took away|taken away|carried off|carrying off|detain\w*|arrest\w*|"
                 r"rounded up|rounding up|led away|bundled)\b", re.I)
_SHORT_QUOTE = _P(r"[\"“][^\"“”]{1,30}[\"”]")
# ("two leaders were taken from their homes ..., which the movement denounced as 'abductions'": the act is told)
_TOLD_ACT = _P(r"\b(?:taken|seized|picked up|held|led away|carried off)\b", re.I)
_LABEL_BEFORE = _P(r"\b(?:was|were|is|are|as|called|calling|denounced|denouncing|termed|branded)\s+$", re.I)
_WITHDREW = _P(r"\b(?:before|after)\s+(?:withdrawing|retreating|pulling back|pulling out|fleeing)\b|"
               r"\b(?:then|later|eventually)\s+(?:withdrew|retreated|pulled back|fled)\b|\b(?:were|was) repelled\b",
               re.I)
_TOLL_TOLD = _P(r"\b(?:spoke of|reports? of|put the (?:death )?toll at|a (?:death )?toll of|counted)\s+"
               r"(?:(?:at least|some|about|around)\s+)?\w+\s+(?:\w+\s+){0,2}$|"
               # "was later able to establish, through the hospital, that two passengers had been killed"
               r"\b(?:establish|establishe?d|confirm|confirmed|verif(?:y|ied))\b[^.;]{0,60}\bthat\s+(?:\w+\s+){1,3}"
               r"(?:had been|have been|were|was)\s+$", re.I)
_PLANTED = _P(r"\b(?:planted|laid|placed|buried|planting|laying)\b", re.I)
_WENT_OFF = _P(r"\b(?:explod\w*|blasts?|blew up|went off|detonat\w*|hit|struck|strikes?|killing|killed|wounding|"
               r"wounded|injur\w*|died)\b", re.I)


_FORCE_SUBJECT = _P(r"\b(?:police|policemen|officers|troops|soldiers|army|security forces|gendarmes|riot police|"
                    r"forces)\b", re.I)
_CALLED_FOR = _P(r"\b(?:calls?|called|calling|appeals?|appealed|plans?|planned|threat(?:s|ened)?|urged|urging)\s+"
                 r"(?:for\s+)?(?:an?\s+|the\s+)?(?:(?:new|more|fresh|further|nationwide|mass)\s+)?$|"
                 # "the mayor whose arrest triggered the protest", "is due to appear": a reference or a plan
                 r"\bwhose\s+$|\b(?:is|are)\s+due\s+to\s+(?:\w+\s+){0,3}$|"
                 # "rights groups plan to march on Friday", "vowed to strike back": an intention, not an act
                 r"\b(?:plans?|planning|planned|intends?|intended|vowed|vows|threatened|threatens|promised|pledged|"
                 r"will|would|(?:are|is|was|were) (?:set )?to)\s+(?:to\s+)?(?:\w+\s+)?$", re.I)
_NEGATED = _P(r"\b(?:no one|nobody|none|no \w+)\s+(?:was|were|has been|had been|got)\s+$|"
              r"\b(?:no|without)\s+(?:mention of\s+|reports? of\s+)?(?:any\s+)?$|"
              # "he did not say how many attackers had been killed or captured": what a source left unsaid
              r"\b(?:did not|didn't|would not|could not|declined to|refused to)\s+(?:say|specify|disclose|confirm)\s+"
              r"(?:how many|whether|if|who)\b[^.;]*$", re.I)


def _words(sentence: str, m: re.Match[str]) -> bool:
    """Whether a match may make a trigger: not in a clause that recalls the past, not what a court or a
    charge is about, not the month of March, not denied by its subject ("nobody was killed")."""
    if m.group(0) == "March" and m.start() > 0:
        return False
    if _NEGATED.search(sentence[:m.start()]):
        return False
    if _TOLL_TOLD.search(sentence[:m.start()]):
        return False  # "initial reports spoke of four people killed": a toll told of an event, not another act
    if any(q.start() < m.start() < q.end() and _LABEL_BEFORE.search(sentence[:q.start()])
           and not _TOLD_ACT.search(sentence[:q.start()]) for q in _SHORT_QUOTE.finditer(sentence)):
        return False  # "the party said the raid was 'an abduction'": a party's label in quotes, not the act told
    if re.search(r"\b(?:denied|denies|deny|denying)\s+(?:that\s+)?[^.;]{0,60}$", sentence[:m.start()], re.I):
        return False  # "denied that its forces had used mortars": a denial speaks of an event told, starts none
    if _CALLED_FOR.search(sentence[:m.start()]):
        return False  # "despite calls for protests", "threatened a strike": a plan, not an event
    legal = _LEGAL.search(sentence[:m.start()]) and not re.search(r"\b(?:were|was)\s+(?:\w+\s+)?$",
                                                                     sentence[:m.start()])
    # ("two men suspected of stealing cattle were beaten": the passive verb after the charge is the act)
    return not _in_past_clause(sentence, m.start()) and not legal


def trigger(sentence: str) -> Trigger | None:
    """The sentence's event type and sub-event type, or None. Words in a clause that recalls the past
    make no trigger."""
    for event_type, sub, pattern in RULES:
        m = next((x for x in pattern.finditer(sentence) if _words(sentence, x)), None)
        if not m:
            continue
        if pattern is _CROWD_FIRE and _FORCE_SUBJECT.search(sentence[:m.start()]):
            continue  # police firing on protesters: the demonstration's type says how
        if event_type == "Protests" and _armed_not_protest(sentence, m.start()):
            continue  # "insurgents marched into the village": armed men, not a demonstration
        if sub == "Abduction/forced disappearance" and re.search(r"\b(?:killing|killed|shot dead)\b", sentence, re.I):
            continue  # an abduction told beside killings is part of an attack: the killings make the event
        if sub == "Abduction/forced disappearance" and _STATE_TAKES_PEOPLE.search(sentence) and (
                _LABELLED.search(sentence[:m.start()]) or sentence[max(0, m.start() - 1):m.start()] in "\"“'‘"):
            event_type, sub = "Strategic developments", "Arrests"  # a party's word for detentions by the state
        if sub == "Remote explosive/landmine/IED" and _PLANTED.search(sentence) and not _WENT_OFF.search(sentence):
            continue  # "had planted landmines along the road": nothing exploded
        if sub == "Shelling/artillery/missile attack" and _EXCHANGED.search(sentence):
            event_type, sub = "Battles", "Armed clash"  # "troops exchanged machine-gun and mortar fire": a fight
        if sub == "Non-state actor overtakes territory" and _WITHDREW.search(sentence, m.end()):
            event_type, sub = "Battles", "Armed clash"  # "overran the perimeter ... before withdrawing": held nothing
        if sub == "Non-state actor overtakes territory" and _state_takes(sentence, m.start()):
            event_type, sub = "Battles", "Government regains territory"
        if sub == "Arrests" and re.search(_PROTEST, sentence, re.I) and not _ARREST_AWAY.search(sentence):
            event_type, sub = "Protests", "Peaceful protest"
        if event_type == "Protests":
            event_type, sub = protest_kind(sentence)
        if sub == "Attack" and m.group(0).lower() in ("stormed", "raided") and _FORCE_SUBJECT.search(
                sentence[:m.start()]) and _TAKEN_AWAY.search(sentence, m.end()):
            event_type, sub = "Strategic developments", "Arrests"  # "police stormed the office, taking away 23"
        if sub == "Attack" and _ARMED_VICTIMS.match(sentence[m.end():]) and _STATE_SUBJECT.search(sentence[:m.start()]):
            event_type, sub = "Battles", "Armed clash"  # "troops killed three Maoists": armed men on both sides
        return Trigger(event_type, sub, m.start(), m.group(0))
    return None


def protest_kind(text: str) -> tuple[str, str]:
    """A demonstration's type from what happened at it: violence by the demonstrators makes a riot; lethal or
    seriously injuring force a protest with excessive force; tear gas, removal, detentions an intervention."""
    if _RIOT.search(text):
        return "Riots", "Violent demonstration"
    if _EXCESSIVE.search(text) and re.search(r"\b(?:police|security forces|troops|soldiers)\b", text, re.I) \
            and _CROWD.search(text):
        return "Protests", "Excessive force against protesters"
    if _INTERVENE.search(text):
        return "Protests", "Protest with intervention"
    return "Protests", "Peaceful protest"


SEVERITY = {"Peaceful protest": 0, "Protest with intervention": 1, "Excessive force against protesters": 2,
            "Violent demonstration": 3}


def anaphoric(sentence: str, t: Trigger) -> bool:
    """"The fighting", "the attack", "the blast": a sentence that refers back to an event already told."""
    before = sentence[max(0, t.pos - 12):t.pos].lower()
    return bool(re.search(r"\b(?:the|this|that|its|their)\s+$", before)) and (t.sub_event_type in (
        "Armed clash", "Attack", "Peaceful protest", "Remote explosive/landmine/IED", "Arrests") or bool(re.fullmatch(
            r"(?:abduction|kidnapping|shelling|bombing|air ?strikes?|airstrikes?|strikes?|blast|explosion|raid|"
            r"shell|rocket|missile|mortar)s?",
            t.words, re.I)))
