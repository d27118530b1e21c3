"""Just enough English inflection to write corrections ("go" -> "goes", "went", "going")."""

from __future__ import annotations

_IRREGULAR_PAST = dict(
    pair.split(":")
    for pair in """be:was have:had do:did go:went get:got make:made say:said see:saw come:came take:took
    know:knew think:thought give:gave find:found tell:told become:became leave:left feel:felt bring:brought
    begin:began keep:kept hold:held write:wrote stand:stood hear:heard let:let mean:meant set:set meet:met
    run:ran pay:paid sit:sat speak:spoke lie:lay lead:led read:read grow:grew lose:lost fall:fell send:sent
    build:built understand:understood draw:drew break:broke spend:spent cut:cut rise:rose drive:drove buy:bought
    wear:wore choose:chose eat:ate drink:drank sleep:slept swim:swam sing:sang ride:rode fly:flew forget:forgot
    teach:taught catch:caught fight:fought win:won sell:sold put:put hit:hit hurt:hurt cost:cost shut:shut
    wake:woke throw:threw show:showed steal:stole hide:hid bite:bit shake:shook freeze:froze blow:blew
    know:knew dig:dug feed:fed hang:hung light:lit slide:slid spin:spun stick:stuck sting:stung strike:struck
    swing:swung bear:bore beat:beat bend:bent bet:bet bleed:bled breed:bred burn:burnt deal:dealt dream:dreamt
    forgive:forgave lend:lent ring:rang shine:shone shoot:shot sink:sank smell:smelt spell:spelt split:split
    spread:spread tear:tore weep:wept wind:wound can:could will:would""".split()
)
_IRREGULAR_PAST_PARTICIPLE = dict(
    pair.split(":")
    for pair in """be:been go:gone do:done see:seen take:taken give:given know:known write:written eat:eaten
    drink:drunk speak:spoken break:broken choose:chosen drive:driven ride:ridden fly:flown forget:forgotten
    begin:begun swim:swum sing:sung grow:grown draw:drawn fall:fallen wear:worn steal:stolen hide:hidden
    wake:woken throw:thrown show:shown shake:shaken freeze:frozen blow:blown come:come become:become run:run
    ring:rung sink:sunk bite:bitten forgive:forgiven tear:torn""".split()
)
_IRREGULAR_PLURAL = dict(
    pair.split(":")
    for pair in """man:men woman:women child:children person:people foot:feet tooth:teeth mouse:mice
    fish:fish sheep:sheep life:lives knife:knives wife:wives leaf:leaves half:halves wolf:wolves""".split()
)
_VOWELS = "aeiou"


def third_person(verb: str) -> str:
    v = verb.lower()
    special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if v in special:
        return special[v]
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 1 and v[-2] not in _VOWELS:
        return v[:-1] + "ies"
    return v + "s"


def past(verb: str) -> str:
    v = verb.lower()
    if v in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[v]
    if v.endswith("e"):
        return v + "d"
    if v.endswith("y") and len(v) > 1 and v[-2] not in _VOWELS:
        return v[:-1] + "ied"
    if _doubles(v):
        return v + v[-1] + "ed"
    return v + "ed"


def past_participle(verb: str) -> str:
    v = verb.lower()
    return _IRREGULAR_PAST_PARTICIPLE.get(v) or past(v)


def present_participle(verb: str) -> str:
    v = verb.lower()
    if v == "be":
        return "being"
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    if _doubles(v):
        return v + v[-1] + "ing"
    return v + "ing"


def plural(noun: str) -> str:
    n = noun.lower()
    if n in _IRREGULAR_PLURAL:
        out = _IRREGULAR_PLURAL[n]
    elif n.endswith(("s", "sh", "ch", "x", "z")):
        out = n + "es"
    elif n.endswith("y") and len(n) > 1 and n[-2] not in _VOWELS:
        out = n[:-1] + "ies"
    else:
        out = n + "s"
    return match_case(noun, out)


def indefinite_article(word: str) -> str:
    w = word.lower()
    if w.startswith(("uni", "use", "usu", "eu", "one", "once")):
        return "a"
    if w.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    return "an" if w[:1] in _VOWELS else "a"


def match_case(original: str, replacement: str) -> str:
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _doubles(v: str) -> bool:
    """Short consonant-vowel-consonant verbs double the last letter (stop -> stopped)."""
    return (
        len(v) >= 3
        and len(v) <= 4
        and v[-1] not in _VOWELS + "wxy"
        and v[-2] in _VOWELS
        and v[-3] not in _VOWELS
    )
