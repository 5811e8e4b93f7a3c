"""The reader of free text: every fact one message states, at any step.

People answer in their own words, often with several facts at once and
rarely the one that was asked: "mijn vader drinkt heel veel en ik ben 15",
"ik drink te veel en woon in Zwolle". `read` turns one message into a
`Reading` of all it states; the step in progress takes what it needs and
skips the questions already answered. It reads no state and no clock: the
same text always gives the same reading.

    >>> from catalogue.places import PlaceIndex
    >>> r = read("mijn vrouw drinkt, we wonen in Den Bosch", PlaceIndex.bundled())
    >>> r.who.value, r.relation.value, [p.value for p in r.problems], r.place.place.name
    ('naaste', 'partner', ['alcohol'], "'s-Hertogenbosch")
    >>> read("ik maak me zorgen om mijn zoon", PlaceIndex.bundled()).relation
    <Relation.PARENT: 'parent'>
    >>> read("liever online", PlaceIndex.bundled()).place is None
    True

The words come from data files (`dialogs/data/*.yaml`, see `dialogs.lexicon`);
the rules here say how they combine: whose use it is, and when a word is a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

import simplemma

from catalogue.kinds import Gender, Problem, Relation, Seeker
from catalogue.places import PlaceLookup
from catalogue.text import name_tokens
from dialogs.context import Places
from dialogs.lexicon import PREFIX_MIN, Lexicon, lexicon
from dialogs.phrases import Match, View
from dialogs.questions import question_answer
from dialogs.words import LEMMA_LANGUAGES

__all__ = ["Navigation", "Reading", "question_answer", "read"]
"""`question_answer` lives in `dialogs.questions`; a step that reads needs only this module."""

ADULT_AGE = 18
"""A writer younger than this whose parent drinks or uses is a teenage child (Alateen)."""

_USE_WINDOW = 8
"""How many words after "mijn vader" may say that he is the one who uses."""

_WHOLE_MESSAGE_WORDS = 4
"""A message this short that says nothing else may be a place answer on its own."""


class Navigation(StrEnum):
    """A way through the conversation, typed instead of pressed."""

    BACK = "back"  # terug, vorige, back, ga terug, een stap terug ...
    RESTART = "restart"  # opnieuw, begin opnieuw, start over ...
    STOP = "stop"  # stop, stoppen, laat maar, quit ...


@dataclass(frozen=True, slots=True)
class Reading:
    """What one message states; a field is left at its default when the message is silent.

    `relation` is the writer's relation to the one who uses ("mijn vader
    drinkt": an adult child, a teenage child when under 18) and is only set
    for a naaste. `place` is set only when a place was found (one, or a
    choice between places of the same name); a step that asked for a place
    can still call `places.lookup` for suggestions. `question` is the id of
    a doubter's question (`dialogs/data/questions.yaml`, see `question_answer`).
    A bare "weet niet" answers whichever question is open: it sets both
    `who_unsure` and `problems=(UNSURE,)`.
    `gender` and `age` are the writer's own, as they said them ("ik ben een
    vrouw", "ik ben 24", "(v, 34)"); "mijn dochter drinkt" and "ik drink al
    24 jaar" say neither. The age is only read here: the state keeps its band.
    """

    who: Seeker | None = None
    who_unsure: bool = False
    relation: Relation | None = None
    gender: Gender | None = None
    age: int | None = None
    problems: tuple[Problem, ...] = ()
    place: PlaceLookup | None = None
    online_only: bool = False
    english: bool = False
    for_them: bool | None = None
    navigation: Navigation | None = None
    question: str | None = None

    @property
    def understood(self) -> bool:
        """Whether any fact at all was recognised (English counts: it is offered English)."""
        return bool(
            self.who
            or self.who_unsure
            or self.relation
            or self.gender
            or self.age is not None
            or self.problems
            or self.place
            or self.online_only
            or self.english
            or self.for_them is not None
            or self.navigation
            or self.question
        )


def read(text: str, places: Places) -> Reading:
    """Every fact `text` states; `places` finds the place names in it."""
    lex = lexicon()
    message = lex.vocabulary.view(text)
    if not message.tokens:
        return Reading()
    question = _question(message, "?" in text, lex)
    if question is not None:
        # People lead up to what they ask: "ik weet niet of dit wel iets voor mij is. is dat
        # niet zo'n sekte?" asks about the sect. The last sentence that asks something wins.
        for sentence in reversed(_SENTENCE_END.split(text)):
            asked = _question(lex.vocabulary.view(sentence), "?" in text, lex)
            if asked is not None:
                question = asked
                break
    problems, unsure_alone = _problems(message, lex)
    age, gender_by_age = _age(message, lex)
    described = age is not None or gender_by_age is not None  # "vrouw, 33, wil stoppen"
    who, relation = _who(message, problems, question, lex, described)
    who_unsure = unsure_alone or bool(lex.who_unsure.find(message))
    if who_unsure:
        who, relation = None, None
    if relation is Relation.ADULT_CHILD and (
        (age is not None and age < ADULT_AGE) or lex.teen_words.find(message)
    ):
        relation = Relation.TEEN_CHILD
    reading = Reading(
        who=who,
        who_unsure=who_unsure,
        relation=relation,
        gender=_gender(message, lex) or gender_by_age or _gender_of_role(message, lex),
        age=age,
        problems=problems,
        online_only=_online_only(message, lex),
        english=_is_english(message, lex),
        for_them=None if who_unsure else _aim(message, who, lex),
        navigation=_navigation(message, lex),
        question=question,
    )
    place = _place_in_sentence(message, places, lex)
    if place is None and not reading.understood:
        place = _place_alone(message, text, places, lex)
    return reading if place is None else replace(reading, place=place)


# -- problems ----------------------------------------------------------------------------------


def _problems(message: View, lex: Lexicon) -> tuple[tuple[Problem, ...], bool]:
    """Every problem named, in order; and whether the message only says "I don't know"."""
    tokens = message.tokens
    found: list[tuple[int, Problem]] = [
        (m.start, m.value)
        for m in lex.problems.find(message)
        if isinstance(m.value, Problem)
        and lex.problem_words.get(tokens[m.start], m.value) is m.value  # "pilletje" is xtc
    ]
    for position, token in enumerate(tokens):
        if (problem := _compound_problem(token, lex)) is not None:
            found.append((position, problem))
    found.sort(key=lambda pair: pair[0])
    named = tuple(dict.fromkeys(problem for _, problem in found))
    if named:
        return named, False
    if _covered(message, lex.unsure_alone.find(message), lex.fillers):
        return (Problem.UNSURE,), True
    if lex.use_words.find(message):
        if lex.unsure_with_use.find(message):
            return (Problem.UNSURE,), False
        return (Problem.DRUGS,), False
    return (), False


def _compound_problem(token: str, lex: Lexicon) -> Problem | None:
    """ "drankgebruik", "gokschulden": a word that starts with a problem's prefix."""
    for prefix, problem in lex.problem_prefixes.get(token[:PREFIX_MIN], ()):
        if token.startswith(prefix) and len(token) > len(prefix):
            return problem
    return None


# -- who, and the writer's relation --------------------------------------------------------------


def _who(
    message: View,
    problems: tuple[Problem, ...],
    question: str | None,
    lex: Lexicon,
    described: bool,
) -> tuple[Seeker | None, Relation | None]:
    """Whose use the message is about, and the writer's relation if it is someone else's.

    Any "ik" is not "me": "ik maak me zorgen om mijn zoon" is a parent. The
    writer speaks of their own use with a first-person verb next to a
    problem ("dat ik te veel drink") or a phrase such as "het gaat om mij";
    that wins over a relative who only speaks ("mijn vrouw zegt dat ik
    drink"), not over one who uses ("mijn man drinkt"). A writer who
    `described` themselves ("man van 38, al jaren aan de coke") speaks in
    the first person.
    """
    if (own := _own_role_alone(message, lex)) is not None:
        return Seeker.NAASTE, own
    candidates, together = _relations(message, lex)
    users = [relation for relation, uses in candidates if uses]
    if question in lex.companion_questions:  # "kan mijn vrouw mee?" names company
        candidates = [(relation, True) for relation in users]
    someone_else = any(  # "niet iemand anders" is me
        not (m.start and message.tokens[m.start - 1] in lex.denials)
        for m in lex.naaste.find(message)
    )
    if users:
        return Seeker.NAASTE, users[0]
    if together is not None and someone_else:  # "mijn vriend en ik ... door zijn drinken"
        return Seeker.NAASTE, together
    if together is not None and problems:  # "ik en mijn vriend gebruiken samen"
        return Seeker.SELF, None
    if _says_it_is_own(message, lex) or (
        problems and not someone_else and _speaks_of_own_use(message, lex)
    ):
        return Seeker.SELF, None
    if candidates:
        return Seeker.NAASTE, candidates[0][0]
    if someone_else:
        return Seeker.NAASTE, None
    if problems and (described or _in_first_person(message, lex)):
        return Seeker.SELF, None  # "ik voel me rot na een avond drinken": nobody else named
    if lex.self_weak.find(message) or _covered(message, lex.self_alone.find(message), lex.fillers):
        return Seeker.SELF, None
    return None, None


def _own_role_alone(message: View, lex: Lexicon) -> Relation | None:
    """ "partner", "ik ben de moeder", "zijn vriendin": a message that is only the writer's role."""
    found: list[Match] = []
    for match in lex.own_role.find(message):  # longest first where two start together
        if isinstance(match.value, Relation) and (not found or match.start > found[-1].end):
            found.append(match)
    if not found or not _covered(message, found, lex.role_fillers):
        return None
    relation = found[0].value
    before = message.tokens[found[0].start - 1 : found[0].start]
    if (
        relation is Relation.PARTNER
        and message.tokens[found[0].start] in lex.plain_genders
        and len(message.tokens) > 1
        and not _THEIRS.intersection(before)
    ):
        return None  # "ik ben een vrouw", "ik ben man": who the writer is, no role
    if relation is Relation.PARTNER and before in (("een",), ("a",)):
        return Relation.FAMILY_FRIEND  # "een vriendin": a friend
    return relation


_THEIRS = frozenset({"de", "zijn", "haar", "hun", "the", "his", "her", "their"})
"""Before "vrouw" or "man", these make it a partner: "ik ben de vrouw", "zijn man"."""


def _says_it_is_own(message: View, lex: Lexicon) -> bool:
    """ "het gaat om mij", "ik ben verslaafd", "mijn drankgebruik" (and not denied)."""
    found = lex.self_strong.find(message) + lex.self_exact.find(message)
    return any(not _denied(message, m, lex) for m in found)


def _speaks_of_own_use(message: View, lex: Lexicon) -> bool:
    """A first-person verb of using ("dat ik te veel drink", "snuif elk weekend")."""
    tokens = message.tokens
    if any(not _denied(message, m, lex) for m in lex.self_use.find(message)):
        return True
    for position, token in enumerate(tokens):
        if (
            token not in lex.self_use_verbs
            and lex.vocabulary.correct(token) not in lex.self_use_verbs
        ):
            continue  # also with a typo fixed ("ik drik"); not a lemma ("gambling" is no "gamble")
        before = tokens[position - 1] if position else ""
        after = tokens[position + 1 : position + 3]
        if before not in lex.not_self_before and not lex.denials.intersection(after):
            return True
    return False


def _denied(message: View, match: Match, lex: Lexicon) -> bool:
    """ "ik ben niet verslaafd", "ik drink zelf niet": a denial in or just after a phrase."""
    return any(
        message.tokens[i] in lex.denials
        for i in range(match.start, min(match.end + 3, len(message.tokens)))
        if i not in match.positions
    )


def _relations(message: View, lex: Lexicon) -> tuple[list[tuple[Relation, bool]], Relation | None]:
    """Each relation the writer names, with whether that person is said to use.

    "mijn vader", "ons moeder", "mijn beste vriendin", "een vriend van mij";
    "mijn vrouw en ik" is a co-writer, not the one who uses (the second
    value is a co-writer's relation, if one was named). A writer's own role ("ik ben zijn
    moeder", "als partner") counts, unless the writer speaks of their own
    use ("ik ben moeder en ik drink te veel").
    """
    tokens = message.tokens
    found: list[tuple[int, Relation, bool]] = [
        (m.start, m.value, False)
        for m in lex.my_role.find(message)
        if isinstance(m.value, Relation)
    ]
    taken: set[int] = set()
    together: Relation | None = None
    for match in lex.their_role.find(message):
        if match.end in taken or not isinstance(match.value, Relation):
            continue
        relation = match.value
        if _describes_writer(tokens, match, lex):
            continue
        bare = match.start == 0 or tokens[match.start] in lex.bare_roles  # "ma zuipt"
        owned = _after_possessive(tokens, match.start, lex) or (
            bare and _said_to_use(message, match.end, lex)
        )
        if not owned and tokens[match.start - 1 : match.start] in (("een",), ("a",)):
            owned = any(m.start == match.end + 1 for m in lex.of_mine.find(message)) or any(
                m.end == match.start - 1 for m in lex.introducers.find(message)
            )  # "een vriend van mij", "ik heb een vriend die"
            if relation is Relation.PARTNER:  # "een vriendin van mij" is a friend
                relation = Relation.FAMILY_FRIEND
        if owned and _co_writer(tokens, match.start - 1, match.end):
            together = together or relation
            continue
        if not owned:
            continue
        taken.add(match.end)
        found.append((match.start, relation, _said_to_use(message, match.end, lex)))
    found.sort(key=lambda item: item[0])
    return [(relation, uses) for _, relation, uses in found], together


def _describes_writer(tokens: tuple[str, ...], match: Match, lex: Lexicon) -> bool:
    """ "vrouw, 33, ...", "man van 38": a gender word opening the message with an age is the
    writer, not their partner."""
    if match.start or tokens[0] not in lex.plain_genders:
        return False
    at = match.end + (2 if tokens[match.end + 1 : match.end + 2] == ("van",) else 1)
    return _age_at(tokens, at, lex) is not None


def _after_possessive(tokens: tuple[str, ...], start: int, lex: Lexicon) -> bool:
    """ "mijn vader", "ons moeder", "mijn oudste zoon": a possessive, maybe an adjective between."""
    if start >= 1 and tokens[start - 1] in lex.possessives:
        return True
    return (
        start >= 2 and tokens[start - 2] in lex.possessives and tokens[start - 1] in lex.adjectives
    )


_WITH_ME_AFTER = {("en", "ik"), ("and", "i"), ("and", "me")}
_WITH_ME_BEFORE = {("ik", "en"), ("me", "and"), ("i", "and"), ("mij", "en")}


def _co_writer(tokens: tuple[str, ...], possessive: int, end: int) -> bool:
    """ "mijn vrouw en ik", "me and my husband": the writer and the other, together."""
    return (
        tuple(tokens[end + 1 : end + 3]) in _WITH_ME_AFTER
        or tuple(tokens[max(0, possessive - 2) : max(0, possessive)]) in _WITH_ME_BEFORE
    )


_WRITER = frozenset({"ik", "k", "i", "im", "me", "mij"})
"""The writer as subject or object: what follows is said of the writer, not of a relative."""
_WRITER_OR_THEIRS = _WRITER | {"mijn", "mn", "my", "mezelf", "mijzelf", "myself"}


def _in_first_person(message: View, lex: Lexicon) -> bool:
    """Whether the writer speaks of themselves ("denk ik" and "i think" do not count)."""
    hedged = {p for m in lex.hedges.find(message) for p in m.positions}
    return any(
        token in _WRITER_OR_THEIRS and position not in hedged
        for position, token in enumerate(message.tokens)
    )


def _said_to_use(message: View, end: int, lex: Lexicon) -> bool:
    """Whether the words after a relation say that person uses, before the writer speaks again."""
    window = message.tokens[end + 1 : end + 1 + _USE_WINDOW]
    stop = next((i for i, t in enumerate(window) if t in _WRITER), len(window))
    if any(_names_problem(token, lex) for token in window[:stop]):  # "zit de hele dag op café"
        return True
    return any(end < m.start <= end + stop for m in lex.their_use.find(message))


def _aim(message: View, who: Seeker | None, lex: Lexicon) -> bool | None:
    """True for a group for the other person, False for support for me (a naaste's).

    "voor mezelf" is an aim only in a relative's message (else it says who);
    "steun voor mezelf" always is.
    """
    for match in lex.aims.find(message):
        if match.start and message.tokens[match.start - 1] in lex.denials:
            return match.value is not True  # "niet voor hem": for me
        if match.value is not False or who is Seeker.NAASTE:
            return match.value is True
    return None


# -- the writer: gender and age ----------------------------------------------------------------


def _gender(message: View, lex: Lexicon) -> Gender | None:
    """The writer's gender in a frame: "ik ben een vrouw", "als vader", "im a mom".

    Words in between may not make it someone else's or deny it ("ik ben bang
    dat mijn vrouw", "ik ben geen moeder", "ik ben getrouwd met een man").
    """
    for match in lex.genders.find(message):
        between = (
            message.tokens[i] for i in range(match.start, match.end) if i not in match.positions
        )
        if isinstance(match.value, Gender) and not lex.not_between.intersection(between):
            return match.value
    return None


def _gender_of_role(message: View, lex: Lexicon) -> Gender | None:
    """ "moeder", "ik ben de vader", "zijn vriendin": a message that is only the writer's role."""
    if _own_role_alone(message, lex) is None:
        return None
    found = (lex.gender_words.get(t) for t in (*message.tokens, *message.words.lemmas))
    return next((gender for gender in found if gender is not None), None)


_MIN_AGE = 8
_JOINED = re.compile(r"^(?:([a-z]+)(\d{2})|(\d{2})([a-z]+))$")
"""A number and letters in one word: "v34", "34v", "24yo", "19jr"."""

_TEENS = (
    "tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien",
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
)
_TENS = (
    "twintig dertig veertig vijftig zestig zeventig tachtig negentig",
    "twenty thirty forty fifty sixty seventy eighty ninety",
)
_DUTCH_UNITS = "een twee drie vier vijf zes zeven acht negen"


def _number_words() -> dict[str, str]:
    """ "vijftien" 15, "dertig" 30, "zesentwintig" 26 ("tweeëntwintig" is read as tweeentwintig)."""
    found: dict[str, str] = {}
    for teens in _TEENS:
        found |= {word: str(n) for n, word in enumerate(teens.split(), start=10)}
    for tens in _TENS:
        found |= {word: str(n) for n, word in zip(range(20, 100, 10), tens.split(), strict=True)}
    for unit_number, unit in enumerate(_DUTCH_UNITS.split(), start=1):
        for ten_number, ten in zip(range(20, 100, 10), _TENS[0].split(), strict=True):
            found[f"{unit}en{ten}"] = str(ten_number + unit_number)
    return found


_NUMBER_WORDS = _number_words()
"""Ages written out ("ik ben vijftien", "zesentwintig"), in words up to 99."""


def _age(message: View, lex: Lexicon) -> tuple[int | None, Gender | None]:
    """The writer's own age, and the gender said next to it ("ik, vrouw van 52", "(m, 40)").

    "ik ben 15", "im 19", "15 jaar, ...", "v34"; not "mijn zoon van 15", "ik
    drink al 24 jaar", "ik ben 35 jaar getrouwd", "toen ik 14 was".
    """
    tokens = tuple(_NUMBER_WORDS.get(t, t) for t in message.tokens)
    for token in tokens:
        if joined := _JOINED.match(token):
            letters, number = joined[1] or joined[4], joined[2] or joined[3]
            age = int(number)
            known = letters in lex.gender_letters or letters in lex.age_units
            if known and age >= _MIN_AGE:
                return age, lex.gender_letters.get(letters)
    for cue in lex.age_cues.find(message):
        if cue.start and tokens[cue.start - 1] in lex.not_age_before:
            continue
        at = cue.end + 1
        if at < len(tokens) and _maybe_misspelt_name(tokens[at], lex):
            at += 1  # a first name: "ik ben Sanne, 19"
        while at < len(tokens) and tokens[at] in lex.age_fillers and at <= cue.end + 4:
            at += 1
        if (age := _age_at(tokens, at, lex)) is not None:
            return age, _gender_word(tokens[cue.end + 1 : at], lex)
    if len(tokens) > 1 and _gender_word(tokens[:1], lex):  # "vrouw, 34", "v 34", "man van 45"
        at = 2 if tokens[1] == "van" else 1
        if (age := _age_at(tokens, at, lex)) is not None:
            return age, _gender_word(tokens[:1], lex)
    if (age := _age_at(tokens, 0, lex)) is not None:  # "24 jaar, ...", "34, vrouw", "34 v"
        gender = _gender_word(tokens[1:3], lex)
        if gender is not None or (len(tokens) > 1 and tokens[1] in lex.age_units):
            return age, gender
    return None, None


def _age_at(tokens: tuple[str, ...], at: int, lex: Lexicon) -> int | None:
    """The number at `at` if it may be an age: not "3 keer", "2 jaar clean", "35 jaar getrouwd"."""
    if at >= len(tokens) or not tokens[at].isdigit() or len(tokens[at]) > 2:
        return None
    after = tokens[at + 1 : at + 3]
    if after and after[0] in lex.not_age_after:
        return None
    if after and after[0] in lex.age_units and lex.not_age_durations.intersection(after[1:]):
        return None
    age = int(tokens[at])
    return age if age >= _MIN_AGE else None


def _gender_word(tokens: tuple[str, ...], lex: Lexicon) -> Gender | None:
    """The gender of the first word or letter among these that names one."""
    for token in tokens:
        if gender := lex.gender_letters.get(token) or lex.gender_words.get(token):
            return gender
    return None


# -- language, online, navigation, questions ---------------------------------------------------


def _is_english(message: View, lex: Lexicon) -> bool:
    """Written in English (more English-only words than Dutch-only ones), or asking for it."""
    if lex.asks_english.find(message):
        return True
    tokens = message.tokens
    if len(tokens) == 1 and tokens[0] not in lex.english_alone:
        return False  # "mother" may be a Dutch answer
    english = sum(t in lex.english for t in tokens)
    dutch = sum(t in lex.dutch for t in tokens)
    return english > dutch


def _online_only(message: View, lex: Lexicon) -> bool:
    """ "liever online", "alleen online"; not "niet online", nor "online gokken", "gok online"."""
    tokens = message.tokens
    for match in lex.online.find(message):
        before = tokens[max(0, match.start - 2) : match.start]
        after = tokens[match.end + 1] if match.end + 1 < len(tokens) else ""
        if lex.not_online.intersection(before) or _names_problem(after, lex):
            continue
        if not any(_names_problem(word, lex) for word in before):  # "gokken op internet"
            return True
    return False


def _names_problem(token: str, lex: Lexicon) -> bool:
    return token in lex.problem_words or _compound_problem(token, lex) is not None


def _navigation(message: View, lex: Lexicon) -> Navigation | None:
    """A navigation word, when the message says nothing besides it ("nee laat maar")."""
    found = lex.navigation.find(message)
    if found and _covered(message, found, lex.fillers):
        return Navigation(str(found[0].value))
    return None


def _covered(message: View, matches: list[Match], fillers: frozenset[str]) -> bool:
    """Whether the matches and filler words make up the whole message."""
    if not matches:
        return False
    covered = {p for m in matches for p in range(m.start, m.end + 1)}
    return all(i in covered or t in fillers for i, t in enumerate(message.tokens))


def _question(message: View, has_mark: bool, lex: Lexicon) -> str | None:
    """The first doubter's question asked; phrases written with "?" need one in the text."""
    for match in lex.questions.find(message):
        question_id, needs_mark = match.value  # type: ignore[misc]
        if has_mark or not needs_mark:
            return str(question_id)
    return None


# -- places ----------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
"""Where one sentence ends and the next begins (the end of the text is one too)."""

_POSTCODE = re.compile(r"^[1-9]\d{3}(?:[a-z]{2})?$")
_LETTERS = re.compile(r"^[a-z]{2}$")
_YEAR = re.compile(r"^(?:19[5-9]\d|20[0-3]\d)$")
_MAX_NAME_WORDS = 5


def _place_in_sentence(message: View, places: Places, lex: Lexicon) -> PlaceLookup | None:
    """A place inside a sentence: a name exactly, a postcode, or a misspelt name after a cue.

    A cue ("woon in", "buurt van", "regio") lets a town whose name is also a
    word count ("in Hoorn") and forgives a typo ("ik woon in Zwole").
    """
    tokens = message.tokens
    cued = [_after_cue(tokens, cue.end + 1, lex) for cue in lex.place_cues.find(message)]
    after_cue = {start for starts in cued for start in starts}
    for start in range(len(tokens)):
        everyday_start = _common(tokens[start], lex) and tokens[start] not in lex.name_starts
        for size in range(_MAX_NAME_WORDS, 0, -1):
            words = tokens[start : start + size]
            if len(words) < size or _function_word(words[-1], lex):
                continue
            if size > 1 and everyday_start:  # "werk en nu": no name starts with "werk"
                continue
            if size == 1:
                town_after_cue = words[0] in lex.cue_only and start in after_cue  # "in Best"
                if not town_after_cue and (_common(words[0], lex) or words[0] in lex.cue_only):
                    continue
            if found := _named(places, words):
                return found
    for start, token in enumerate(tokens):
        following = tokens[start + 1] if start + 1 < len(tokens) else ""
        if not _POSTCODE.match(token):
            continue
        if _YEAR.match(token) and not lex.postcode_cues.intersection(
            tokens[max(0, start - 3) : start]
        ):
            continue  # "gestorven in 2019"
        standing_out = start in after_cue or len(token) > 4 or _LETTERS.match(following)
        if standing_out and (found := places.lookup(token)).place:
            return found
    for starts in cued:
        at = starts[-1]
        if at < len(tokens) and _maybe_misspelt_name(tokens[at], lex):
            for size in (2, 1):
                words = tokens[at : at + size]
                found = places.lookup(" ".join(words)) if len(words) == size else None
                if found and (found.place or found.choices):
                    return found
    return None


def _named(places: Places, words: tuple[str, ...]) -> PlaceLookup | None:
    """The place these words name exactly; several words only name a place of several words.

    Name keys ignore spaces, so "werk en" would otherwise be Werken and "nu is" Nuis.
    """
    found = places.named(" ".join(words))
    if found is None or len(words) == 1:
        return found
    named = [found.place] if found.place else list(found.choices)
    return found if any(len(name_tokens(p.name)) > 1 for p in named) else None


def _after_cue(tokens: tuple[str, ...], start: int, lex: Lexicon) -> list[int]:
    """Where a place may start after a cue: right after it, or past "van"/"de" (at most two)."""
    starts = [start]
    while starts[-1] < len(tokens) and tokens[starts[-1]] in lex.connectors and len(starts) < 3:
        starts.append(starts[-1] + 1)
    return starts


def _place_alone(message: View, text: str, places: Places, lex: Lexicon) -> PlaceLookup | None:
    """A short message that is only a place, read as forgivingly as a typed place answer."""
    tokens = message.tokens
    if len(tokens) > _WHOLE_MESSAGE_WORDS or message.words.text in lex.not_places:
        return None
    if any(t in lex.vocabulary or t in lex.fillers for t in tokens):
        return None
    if found := places.named(text):
        return found
    typed_name = places.named(tokens[0]) or all(_maybe_misspelt_name(t, lex) for t in tokens)
    if not (typed_name or _POSTCODE.match("".join(tokens))):
        return None  # "hoi" is no misspelt town
    found = places.lookup(text)
    return found if found.place or found.choices else None


def _function_word(token: str, lex: Lexicon) -> bool:
    """A word no place name ends with ("de", "en", "the")."""
    return token in lex.dutch or token in lex.english or token in lex.fillers


def _common(token: str, lex: Lexicon) -> bool:
    """An everyday word: never a one-word place inside a sentence."""
    return (
        token in lex.not_places
        or _function_word(token, lex)
        or token in lex.vocabulary
        or token.isdigit()
    )


def _maybe_misspelt_name(token: str, lex: Lexicon) -> bool:
    """A token that may be a misspelt place: long enough and no word the lemmatiser knows."""
    return (
        len(token) >= 4
        and token.isalpha()
        and not _common(token, lex)
        and not any(simplemma.is_known(token, lang) for lang in LEMMA_LANGUAGES)
    )
