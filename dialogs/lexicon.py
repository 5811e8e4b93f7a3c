"""The reader's word lists, loaded once from `dialogs/data/*.yaml` and checked as they load.

Each file is described by a pydantic model. A file that does not fit raises
`DataFileError` naming the file, the entry and the field, for example
``problems.yaml: problems: field 'alcohol.words': Input should be a valid list``,
so whoever extends a list (a clinician adding slang) is sent to the right line.

The lists become `dialogs.phrases.PhraseSet`s over one `Vocabulary` (the words typos are
corrected to), ready for `dialogs.reader.read`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from catalogue.errors import DataFileError
from catalogue.kinds import Gender, Problem, Relation
from catalogue.yaml_files import read_yaml
from dialogs.phrases import EXACT, PhraseSet, Vocabulary
from dialogs.words import normalise

GAP_WORDS = 2
"""Words allowed between two words of a phrase about who ("ik ben al jaren verslaafd")."""

PREFIX_MIN = 3
"""Problem prefixes ("gok", "drank") are looked up by their first three letters."""

QUESTION_GAP = 2
"""Words allowed between two words of a doubter's question ("moet ik dan praten")."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _phrase_list(value: list[str]) -> list[str]:
    """Phrases are written normalised (lowercase, no accents) so that they can match."""
    for phrase in value:
        words = [w.replace("|", " ").replace(EXACT, "") for w in phrase.rstrip("?").split()]
        if not words or any(normalise(w) != w for w in words):
            raise ValueError(f"{phrase!r} must be lowercase words without accents or signs")
    return value


class _ProblemWords(_Strict):
    words: list[str]
    prefixes: list[str] = []
    phrases: list[str] = []

    _check = field_validator("words", "prefixes", "phrases")(_phrase_list)

    @field_validator("prefixes")
    @classmethod
    def _long_enough(cls, value: list[str]) -> list[str]:
        for prefix in value:
            if len(prefix) < PREFIX_MIN:
                raise ValueError(f"prefix {prefix!r} is shorter than {PREFIX_MIN} letters")
        return value


class ProblemsFile(_Strict):
    problems: dict[Problem, _ProblemWords]
    use_words: list[str]
    unsure_with_use: list[str]
    unsure_alone: list[str]

    _check = field_validator("use_words", "unsure_with_use", "unsure_alone")(_phrase_list)


class RelationsFile(_Strict):
    possessives: list[str]
    adjectives: list[str]
    their_role: dict[Relation, list[str]]
    role_prefixes: list[str]
    bare_roles: list[str]
    introducers: list[str]
    of_mine: list[str]
    my_role: dict[Relation, list[str]]
    teen_words: list[str]
    own_role: dict[Relation, list[str]]
    role_fillers: list[str]
    their_use: list[str]

    _check = field_validator(
        "possessives",
        "adjectives",
        "role_prefixes",
        "bare_roles",
        "introducers",
        "of_mine",
        "teen_words",
        "role_fillers",
        "their_use",
    )(_phrase_list)


class WhoFile(_Strict):
    self_use_verbs: list[str]
    self_use: list[str]
    hedges: list[str]
    not_self_before: list[str]
    denials: list[str]
    self: list[str]
    self_exact: list[str]
    self_weak: list[str]
    self_alone: list[str]
    naaste: list[str]
    unsure: list[str]
    for_them: list[str]
    for_me: list[str]
    for_me_always: list[str]

    _check = field_validator("*")(_phrase_list)


class PlacesFile(_Strict):
    postcode_cues: list[str]
    cues: list[str]
    connectors: list[str]
    name_starts: list[str]
    not_places: list[str]
    cue_only: list[str]

    _check = field_validator("*")(_phrase_list)


class LanguageFile(_Strict):
    english: list[str]
    dutch: list[str]
    english_alone: list[str]
    asks_english: list[str]
    online: list[str]
    not_online: list[str]

    _check = field_validator("*")(_phrase_list)


class NavigationFile(_Strict):
    navigation: dict[Literal["back", "restart", "stop"], list[str]]
    fillers: list[str]

    _check = field_validator("fillers")(_phrase_list)


GENDER_SLOT = "{g}"
"""In a frame of `person.yaml`: a word of the women's or the men's list."""

_GENDER_LISTS = {Gender.WOMAN: "women", Gender.MAN: "men"}
"""The vocabulary's word list for each gender (the `{women}` and `{men}` of a pattern)."""


def _frame_list(value: list[str]) -> list[str]:
    """Frames are phrases with one `{g}` and maybe gaps (`...1`): check the words around them."""
    for frame in value:
        if frame.count(GENDER_SLOT) != 1:
            raise ValueError(f"{frame!r} must hold {GENDER_SLOT} once")
        words = [w for w in frame.split() if w != GENDER_SLOT and not w.startswith("...")]
        _phrase_list([" ".join(words)])
    return value


class PersonFile(_Strict):
    women: list[str]
    men: list[str]
    frames: list[str]
    not_between: list[str]
    plain: list[str]
    letters: dict[Gender, list[str]]
    age_cues: list[str]
    age_fillers: list[str]
    age_units: list[str]
    not_age_after: list[str]
    not_age_durations: list[str]
    not_age_before: list[str]

    _check = field_validator(
        "women",
        "men",
        "not_between",
        "plain",
        "age_cues",
        "age_fillers",
        "age_units",
        "not_age_after",
        "not_age_durations",
        "not_age_before",
    )(_phrase_list)
    _check_frames = field_validator("frames")(_frame_list)


class _Answer(_Strict):
    nl: str
    en: str


class _Question(_Strict):
    asked: list[str]
    answer: _Answer
    names_companions: bool = False

    _check = field_validator("asked")(_phrase_list)


class QuestionsFile(_Strict):
    questions: dict[str, _Question]


_Model = TypeVar("_Model", bound=BaseModel)


def load_file(name: str, model: type[_Model], text: str | None = None) -> _Model:
    """One data file (or `text` given in its place), checked against its model.

    Raises:
        DataFileError: the YAML is invalid or does not fit `model`; names the first misfit.
    """
    if text is None:
        text = resources.files("dialogs").joinpath("data", name).read_text(encoding="utf-8")
    data = read_yaml(text, name)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error["loc"]]
        entry = location[0] if location else None
        field = ".".join(location[1:]) or None
        raise DataFileError(name, entry, field, error["msg"]) from None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the reader matches, compiled from the data files."""

    vocabulary: Vocabulary  # every phrase set's words: the targets of typo correction
    problems: PhraseSet  # values: Problem
    problem_words: dict[str, Problem]
    problem_prefixes: dict[str, tuple[tuple[str, Problem], ...]]  # by their first 3 letters
    use_words: PhraseSet
    unsure_with_use: PhraseSet
    unsure_alone: PhraseSet
    possessives: frozenset[str]
    adjectives: frozenset[str]
    their_role: PhraseSet  # values: Relation
    bare_roles: frozenset[str]
    introducers: PhraseSet
    of_mine: PhraseSet
    my_role: PhraseSet  # values: Relation
    teen_words: PhraseSet
    own_role: PhraseSet  # values: Relation
    role_fillers: frozenset[str]
    their_use: PhraseSet
    self_use_verbs: frozenset[str]
    self_use: PhraseSet
    hedges: PhraseSet
    not_self_before: frozenset[str]
    denials: frozenset[str]
    self_strong: PhraseSet
    self_exact: PhraseSet
    self_weak: PhraseSet
    self_alone: PhraseSet
    naaste: PhraseSet
    who_unsure: PhraseSet
    aims: PhraseSet  # values: True (for them), False (for me), None (for me, in any message)
    place_cues: PhraseSet
    postcode_cues: frozenset[str]
    connectors: frozenset[str]
    name_starts: frozenset[str]
    not_places: frozenset[str]
    cue_only: frozenset[str]
    english: frozenset[str]
    dutch: frozenset[str]
    english_alone: frozenset[str]
    asks_english: PhraseSet
    online: PhraseSet
    not_online: frozenset[str]
    navigation: PhraseSet  # values: navigation names
    fillers: frozenset[str]
    questions: PhraseSet  # values: (question id, needs a question mark)
    answers: dict[str, _Answer]
    companion_questions: frozenset[str]
    genders: PhraseSet  # values: Gender; the writer's own ("ik ben een vrouw", "als vader")
    gender_words: dict[str, Gender]  # "moeder": a woman, in a message that is only a role
    not_between: frozenset[str]
    plain_genders: frozenset[str]  # "ik ben een vrouw" is a gender, "ik ben de vrouw" a partner
    gender_letters: dict[str, Gender]  # "v", "m" next to an age
    age_cues: PhraseSet
    age_fillers: frozenset[str]
    age_units: frozenset[str]
    not_age_after: frozenset[str]
    not_age_durations: frozenset[str]
    not_age_before: frozenset[str]


def _phrases(texts: list[str], value: object) -> list[tuple[str, object]]:
    return [(text, value) for text in texts]


def _by_first_letters(
    prefixes: Iterable[tuple[str, Problem]],
) -> dict[str, tuple[tuple[str, Problem], ...]]:
    grouped: dict[str, list[tuple[str, Problem]]] = {}
    for prefix, problem in prefixes:
        grouped.setdefault(prefix[:PREFIX_MIN], []).append((prefix, problem))
    return {key: tuple(items) for key, items in grouped.items()}


def _roles(relations: RelationsFile) -> list[tuple[str, object]]:
    """Role words, also after a prefix ("pleegzoon"); a word listed itself keeps its own role."""
    listed = {text for texts in relations.their_role.values() for text in texts}
    phrases = []
    for relation, texts in relations.their_role.items():
        phrases += _phrases(texts, relation)
        phrases += _phrases(
            [
                prefix + text
                for text in texts
                if " " not in text
                for prefix in relations.role_prefixes
                if prefix + text not in listed
            ],
            relation,
        )
    return phrases


@cache
def lexicon() -> Lexicon:
    """The reader's lexicon, loaded and checked once per process."""
    problems = load_file("problems.yaml", ProblemsFile)
    relations = load_file("relations.yaml", RelationsFile)
    who = load_file("who.yaml", WhoFile)
    places = load_file("places.yaml", PlacesFile)
    language = load_file("language.yaml", LanguageFile)
    navigation = load_file("navigation.yaml", NavigationFile)
    questions = load_file("questions.yaml", QuestionsFile)
    person = load_file("person.yaml", PersonFile)
    vocabulary = Vocabulary({"women": person.women, "men": person.men})
    return Lexicon(
        vocabulary=vocabulary,
        problems=PhraseSet(
            vocabulary,
            (
                phrase
                for problem, entry in problems.problems.items()
                for phrase in _phrases(entry.words + entry.phrases, problem)
            ),
        ),
        problem_words={
            word: problem for problem, entry in problems.problems.items() for word in entry.words
        },
        problem_prefixes=_by_first_letters(
            (prefix, problem)
            for problem, entry in problems.problems.items()
            for prefix in entry.prefixes
        ),
        use_words=PhraseSet(vocabulary, _phrases(problems.use_words, Problem.DRUGS)),
        unsure_with_use=PhraseSet(
            vocabulary, _phrases(problems.unsure_with_use, Problem.UNSURE), gap=1
        ),
        unsure_alone=PhraseSet(vocabulary, _phrases(problems.unsure_alone, Problem.UNSURE), gap=1),
        possessives=frozenset(relations.possessives),
        adjectives=frozenset(relations.adjectives),
        their_role=PhraseSet(vocabulary, _roles(relations)),
        bare_roles=frozenset(relations.bare_roles),
        introducers=PhraseSet(vocabulary, _phrases(relations.introducers, True)),
        of_mine=PhraseSet(vocabulary, _phrases(relations.of_mine, True)),
        my_role=PhraseSet(
            vocabulary,
            (p for relation, texts in relations.my_role.items() for p in _phrases(texts, relation)),
        ),
        teen_words=PhraseSet(vocabulary, _phrases(relations.teen_words, True)),
        own_role=PhraseSet(
            vocabulary,
            (
                p
                for relation, texts in relations.own_role.items()
                for p in _phrases(texts, relation)
            ),
        ),
        role_fillers=frozenset(relations.role_fillers),
        their_use=PhraseSet(vocabulary, _phrases(relations.their_use, True)),
        self_use_verbs=frozenset(who.self_use_verbs),
        self_use=PhraseSet(vocabulary, _phrases(who.self_use, True)),
        # "drnk" is no "denk":
        hedges=PhraseSet(vocabulary, _phrases(who.hedges, True), typo_targets=False),
        not_self_before=frozenset(who.not_self_before),
        denials=frozenset(who.denials),
        self_strong=PhraseSet(vocabulary, _phrases(who.self, True), gap=GAP_WORDS),
        self_exact=PhraseSet(vocabulary, _phrases(who.self_exact, True)),
        self_weak=PhraseSet(vocabulary, _phrases(who.self_weak, True)),
        self_alone=PhraseSet(vocabulary, _phrases(who.self_alone, True)),
        naaste=PhraseSet(vocabulary, _phrases(who.naaste, True), gap=GAP_WORDS),
        who_unsure=PhraseSet(vocabulary, _phrases(who.unsure, True), gap=QUESTION_GAP),
        aims=PhraseSet(
            vocabulary,
            _phrases(who.for_them, True)
            + _phrases(who.for_me, False)
            + _phrases(who.for_me_always, None),
        ),
        place_cues=PhraseSet(vocabulary, _phrases(places.cues, True)),
        postcode_cues=frozenset(places.postcode_cues),
        connectors=frozenset(places.connectors),
        name_starts=frozenset(places.name_starts),
        not_places=frozenset(places.not_places),
        cue_only=frozenset(places.cue_only),
        english=frozenset(language.english),
        dutch=frozenset(language.dutch),
        english_alone=frozenset(language.english_alone),
        asks_english=PhraseSet(vocabulary, _phrases(language.asks_english, True)),
        online=PhraseSet(vocabulary, _phrases(language.online, True), gap=1),
        not_online=frozenset(language.not_online),
        navigation=PhraseSet(
            vocabulary,
            (p for name, texts in navigation.navigation.items() for p in _phrases(texts, name)),
        ),
        fillers=frozenset(navigation.fillers),
        questions=PhraseSet(
            vocabulary,
            (
                (text.rstrip("?"), (question_id, text.endswith("?")))
                for question_id, question in questions.questions.items()
                for text in question.asked
            ),
            gap=QUESTION_GAP,
        ),
        answers={qid: q.answer for qid, q in questions.questions.items()},
        companion_questions=frozenset(
            qid for qid, q in questions.questions.items() if q.names_companions
        ),
        genders=PhraseSet(
            vocabulary,
            (
                (frame.replace(GENDER_SLOT, "{" + name + "}"), gender)
                for frame in person.frames
                for gender, name in _GENDER_LISTS.items()
            ),
        ),
        gender_words={
            word: gender for gender, name in _GENDER_LISTS.items() for word in getattr(person, name)
        },
        not_between=frozenset(person.not_between),
        plain_genders=frozenset(person.plain),
        gender_letters={
            letter: gender for gender, letters in person.letters.items() for letter in letters
        },
        age_cues=PhraseSet(vocabulary, _phrases(person.age_cues, True)),
        age_fillers=frozenset(person.age_fillers),
        age_units=frozenset(person.age_units),
        not_age_after=frozenset(person.not_age_after),
        not_age_durations=frozenset(person.not_age_durations),
        not_age_before=frozenset(person.not_age_before),
    )
