"""The reader of free text: the tricky cases, its data files, and the doubter's answers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.errors import DataFileError
from catalogue.kinds import Gender, Problem, Relation, Seeker
from catalogue.places import PlaceIndex
from dialogs.lexicon import ProblemsFile, QuestionsFile, load_file
from dialogs.questions import question_answer, question_ids
from dialogs.reader import Navigation, Reading, read
from locales import translations


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.bundled()


def place_name(reading: Reading) -> str | None:
    lookup = reading.place
    if lookup is None:
        return None
    place = lookup.place or lookup.choices[0]
    return place.name


# -- who: any "ik" is not "me" -------------------------------------------------------------------


def test_self_in_a_long_sentence_where_the_wife_only_speaks(places: PlaceIndex) -> None:
    reading = read("het gaat om mij, mijn vrouw zegt dat ik te veel drink", places)
    assert (reading.who, reading.relation, reading.problems) == (
        Seeker.SELF,
        None,
        (Problem.ALCOHOL,),
    )


def test_worry_about_a_son_is_a_parent_not_self(places: PlaceIndex) -> None:
    reading = read("ik maak me zorgen om mijn zoon", places)
    assert (reading.who, reading.relation) == (Seeker.NAASTE, Relation.PARENT)


def test_i_m_without_its_apostrophe_is_still_self(places: PlaceIndex) -> None:
    reading = read("i'm addicted to coke", places)
    assert (reading.who, reading.problems, reading.english) == (
        Seeker.SELF,
        (Problem.COCAINE,),
        True,
    )


def test_a_denied_use_leaves_the_partner_as_the_one_who_drinks(places: PlaceIndex) -> None:
    reading = read("ik drink zelf niet, maar mijn man wel", places)
    assert (reading.who, reading.relation) == (Seeker.NAASTE, Relation.PARTNER)


def test_the_writer_and_their_partner_together_are_self(places: PlaceIndex) -> None:
    assert read("mijn vriendin en ik drinken allebei te veel", places).who is Seeker.SELF


@pytest.mark.parametrize(
    "text",
    [
        "ik wil niet meer dat mijn kinderen me dronken zien",
        "mijn kind is bang voor me als ik gedronken heb",
        "benzos, elke dag, mijn huisarts weet het niet",
    ],
)
def test_the_writers_own_use_next_to_a_relative_who_does_not_use(
    places: PlaceIndex, text: str
) -> None:
    assert read(text, places).who is Seeker.SELF


def test_a_hedge_is_no_first_person(places: PlaceIndex) -> None:
    assert read("het is alcohol denk ik", places).who is None


def test_someone_else_is_a_naaste_and_no_problem(places: PlaceIndex) -> None:
    reading = read("het is voor iemand anders", places)
    assert (reading.who, reading.problems) == (Seeker.NAASTE, ())


def test_not_sure_for_whom(places: PlaceIndex) -> None:
    reading = read("ik weet niet voor wie eigenlijk", places)
    assert (reading.who_unsure, reading.who, reading.problems) == (True, None, ())


# -- relation and age ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("mijn ventje drinkt te veel", Relation.PARTNER),
        ("mijn lief zuipt", Relation.PARTNER),
        ("mijne vent zit aan de coke", Relation.PARTNER),
        ("ons moeder drinkt", Relation.ADULT_CHILD),
        ("ons ma pakt te veel pillen", Relation.ADULT_CHILD),
        ("mijn pa gokt", Relation.ADULT_CHILD),
        ("mijn beste vriendin snuift", Relation.FAMILY_FRIEND),
        ("een vriend van mij gokt", Relation.FAMILY_FRIEND),
        ("mijn vriend gebruikt coke", Relation.PARTNER),
        ("mijn collega drinkt", Relation.FAMILY_FRIEND),
        ("mijn pleegzoon gebruikt speed", Relation.PARENT),
        ("ik ben zijn moeder, hij blowt", Relation.PARENT),
        ("mijn vrouw en ik maken ons zorgen om onze dochter", Relation.PARENT),
        ("my husband drinks", Relation.PARTNER),
        ("a friend of mine gambles", Relation.FAMILY_FRIEND),
    ],
)
def test_relations_also_in_flemish_and_english(
    places: PlaceIndex, text: str, relation: Relation
) -> None:
    reading = read(text, places)
    assert (reading.who, reading.relation) == (Seeker.NAASTE, relation)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("partner", Relation.PARTNER),
        ("ik ben de moeder", Relation.PARENT),
        ("zijn vriendin", Relation.PARTNER),
        ("een vriendin", Relation.FAMILY_FRIEND),
        ("dochter", Relation.ADULT_CHILD),
        ("ik ben zijn zus", Relation.FAMILY_FRIEND),
        ("I'm his wife", Relation.PARTNER),
    ],
)
def test_a_role_on_its_own_is_the_writers_role(
    places: PlaceIndex, text: str, relation: Relation
) -> None:
    reading = read(text, places)
    assert (reading.who, reading.relation) == (Seeker.NAASTE, relation)


def test_mezelf_alone_is_self_but_not_inside_a_question(places: PlaceIndex) -> None:
    assert read("mezelf", places).who is Seeker.SELF
    assert read("moet ik mezelf voorstellen?", places).who is None


def test_a_fifteen_year_old_whose_father_drinks_is_a_teenage_child(places: PlaceIndex) -> None:
    reading = read("mijn vader drinkt heel veel en ik ben 15", places)
    assert (reading.relation, reading.age) == (Relation.TEEN_CHILD, 15)


def test_an_adult_whose_father_drinks_is_an_adult_child(places: PlaceIndex) -> None:
    reading = read("ik ben 42 en mijn vader drinkt nog steeds", places)
    assert (reading.relation, reading.age) == (Relation.ADULT_CHILD, 42)


@pytest.mark.parametrize(
    "text",
    ["mijn zoon van 24 zit aan de coke", "ik drink al 20 jaar", "ik ben al 3 jaar nuchter"],
)
def test_numbers_that_are_not_the_writers_age(places: PlaceIndex, text: str) -> None:
    assert read(text, places).age is None


@pytest.mark.parametrize(
    ("text", "age"),
    [("ik ben 16 jaar", 16), ("I'm 16", 16), ("ik ben vijftien", 15), ("23 jaar, gok veel", 23)],
)
def test_the_writers_age(places: PlaceIndex, text: str, age: int) -> None:
    assert read(text, places).age == age


@pytest.mark.parametrize(
    ("text", "gender", "age"),
    [
        ("ik ben een vrouw van 34 en ik drink te veel", Gender.WOMAN, 34),
        ("(v, 34) ik snuif elk weekend", Gender.WOMAN, 34),
        ("V34, gok te veel", Gender.WOMAN, 34),
        ("ik als meid blow elke dag", Gender.WOMAN, None),
        ("ik ben haar moeder, ze is 17 en ze blowt", Gender.WOMAN, None),
        ("I'm a woman and I drink too much", Gender.WOMAN, None),
        ("moeder", Gender.WOMAN, None),  # the answer to "wat ben jij van die persoon?"
        ("als vader wil ik weten wat ik kan doen", Gender.MAN, None),
        ("ik (m/40) gok", Gender.MAN, 40),
        ("man van 38, al jaren aan de coke", Gender.MAN, 38),
        ("ik ben ne gast van 22 en ik snuif te veel", Gender.MAN, 22),
        ("ik ben zesentwintig en gebruik elke dag", None, 26),
    ],
)
def test_what_the_writer_says_of_themselves(
    places: PlaceIndex, text: str, gender: Gender | None, age: int | None
) -> None:
    reading = read(text, places)
    assert (reading.gender, reading.age) == (gender, age)


@pytest.mark.parametrize(
    "text",
    [
        "mijn vrouw drinkt",  # the partner's gender, not the writer's
        "mijn dochter drinkt veel te veel",
        "ik ben bang dat mijn man verslaafd is",
        "ik ben geen moeder, maar mijn zus drinkt",
        "ik ben met een man getrouwd die drinkt",
        "ik ben 35 jaar getrouwd en mijn man drinkt",
        "ik drink al 24 jaar",
        "mijn vrouw van 34 drinkt elke avond",
        "toen ik 14 was begon ik met blowen",
    ],
)
def test_what_says_nothing_of_the_writer(places: PlaceIndex, text: str) -> None:
    reading = read(text, places)
    assert (reading.gender, reading.age) == (None, None)


def test_a_gender_said_is_no_role() -> None:
    """ "ik ben een vrouw" says who the writer is; "vrouw" alone answers the relation question."""
    places = PlaceIndex.bundled()
    assert read("ik ben een vrouw", places).relation is None
    assert read("vrouw", places).relation is Relation.PARTNER
    assert read("vrouw, 33, wil stoppen met drinken", places).who is Seeker.SELF


# -- problems --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("ik drink me elke avond dood", (Problem.ALCOHOL,)),
        ("hij zuipt zich lazarus", (Problem.ALCOHOL,)),
        ("elke vrijdag lijntjes", (Problem.COCAINE,)),
        ("ik kras elke dag krasloten", (Problem.GAMBLING,)),
        ("hij smoort de hele dag", (Problem.CANNABIS,)),
        ("een paar jointjes per avond", (Problem.CANNABIS,)),
        ("sportweddenschappen", (Problem.GAMBLING,)),
        ("mijn drankgebruik", (Problem.ALCOHOL,)),
        ("ik heb net 20 oxazepam ingenomen", (Problem.MEDICATION,)),
        ("bier en coke en soms een pilletje", (Problem.ALCOHOL, Problem.COCAINE, Problem.DRUGS)),
        ("alchohol", (Problem.ALCOHOL,)),
    ],
)
def test_problems_in_slang_forms_and_typos_in_order(
    places: PlaceIndex, text: str, problems: tuple[Problem, ...]
) -> None:
    assert read(text, places).problems == problems


def test_not_knowing_what_to_do_does_not_hide_a_named_drug(places: PlaceIndex) -> None:
    reading = read("ik weet niet meer wat ik moet doen, ik gebruik heroine", places)
    assert reading.problems == (Problem.DRUGS,)
    assert read("ik weet niet meer wat ik moet doen", places).problems == ()


def test_using_without_saying_what(places: PlaceIndex) -> None:
    assert read("mijn zoon gebruikt", places).problems == (Problem.DRUGS,)
    assert read("mijn man gebruikt, weet niet wat", places).problems == (Problem.UNSURE,)


def test_a_real_word_is_not_corrected_into_a_problem(places: PlaceIndex) -> None:
    assert read("ik ga koken", places).problems == ()


# -- places ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("mijn vrouw drinkt, we wonen in Den Bosch", "'s-Hertogenbosch"),
        ("ik woon in Zwolle", "Zwolle"),
        ("in de buurt van Eindhoven", "Eindhoven"),
        ("ik kom uit 3511", "Utrecht"),
        ("i live in the hague", "Den Haag"),
        ("regio groningen", "Groningen"),
        ("ik woon in Zwole", "Zwolle"),
        ("in Hoorn", "Hoorn"),
        ("Breda, alcohol", "Breda"),
        ("Amsterdm", "Amsterdam"),
        ("in Bergen op Zoom", "Bergen op Zoom"),
    ],
)
def test_places_inside_sentences(places: PlaceIndex, text: str, name: str) -> None:
    assert place_name(read(text, places)) == name


@pytest.mark.parametrize(
    "text",
    [
        "liever online",
        "english please",
        "ik ben best moe",
        "dat is echt heel erg",
        "ik ben in de war",
        "het loopt uit de hand",
        "bij de huisarts",
        "in het weekend",
        "ik zie hem niet meer",
        "hoi",
        "na het werk en nu is het erger",
        "ik woon alleen",
        "ik kom uit een moeilijk gezin",
        "leiden tot problemen",
        "in mijn omgeving",
        "ik drink al sinds 2019",
    ],
)
def test_everyday_words_are_no_place(places: PlaceIndex, text: str) -> None:
    assert read(text, places).place is None


# -- online, english, aim, navigation -------------------------------------------------------------


def test_online_only_but_not_online_gambling(places: PlaceIndex) -> None:
    assert read("liever online", places).online_only
    assert read("online please", places).online_only
    assert not read("ik gok online", places).online_only
    assert not read("ik gok op online casinos", places).online_only
    assert not read("liefst niet online", places).online_only


def test_english_is_recognised_and_dutch_is_not(places: PlaceIndex) -> None:
    assert read("hi, my husband drinks", places).english
    assert read("english please", places).english
    assert not read("mijn man drinkt", places).english
    assert not read("coke", places).english


def test_the_aim_of_a_naaste(places: PlaceIndex) -> None:
    assert read("mijn man drinkt, ik wil zelf steun", places).for_them is False
    assert read("mijn vrouw drinkt, ik zoek een groep voor haar", places).for_them is True
    assert read("niet voor mij maar voor mijn vriendin", places).for_them is True
    assert read("voor mezelf", places).for_them is None  # that is "who", not an aim


@pytest.mark.parametrize(
    ("text", "navigation"),
    [
        ("terug", Navigation.BACK),
        ("vorige", Navigation.BACK),
        ("een stap terug aub", Navigation.BACK),
        ("back", Navigation.BACK),
        ("opnieuw", Navigation.RESTART),
        ("begin opnieuw", Navigation.RESTART),
        ("start over", Navigation.RESTART),
        ("stop", Navigation.STOP),
        ("nee laat maar", Navigation.STOP),
        ("quit", Navigation.STOP),
    ],
)
def test_navigation_words(places: PlaceIndex, text: str, navigation: Navigation) -> None:
    assert read(text, places).navigation is navigation


@pytest.mark.parametrize(
    "text",
    ["ik wil stoppen met drinken", "ik val steeds terug", "stop met zeuren over mijn drinken"],
)
def test_navigation_words_inside_a_sentence_are_no_navigation(
    places: PlaceIndex, text: str
) -> None:
    assert read(text, places).navigation is None


# -- understood ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  ", "hoi", "ok", "ik voel me zo alleen", "🙂"])
def test_a_message_stating_nothing_is_not_understood(places: PlaceIndex, text: str) -> None:
    assert not read(text, places).understood


def test_any_fact_is_understood(places: PlaceIndex) -> None:
    assert read("Zwolle", places).understood
    assert read("terug", places).understood
    assert read("wat kost het?", places).understood


# -- the doubter's questions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("is dat niet een soort sekte", "religious"),
        ("moet ik dan zeggen dat ik alcoholist ben?", "must_talk"),
        ("wat kost da?", "cost"),
        ("mag ik iemand meenemen", "bring_someone"),
        ("ik drink nog, mag ik dan wel komen?", "still_using"),
        ("is dat niet alleen voor oude mannen", "old_men"),
        ("ik woon in een dorp, iedereen kent mij hier", "be_seen"),
        ("is het al te veel?", "too_much"),
        ("am i an alcoholic", "too_much"),
    ],
)
def test_doubters_questions_are_recognised(places: PlaceIndex, text: str, question: str) -> None:
    assert read(text, places).question == question


def test_a_statement_is_no_question(places: PlaceIndex) -> None:
    assert read("ik drink te veel", places).question is None
    assert read("het kost me alles", places).question is None
    assert read("mijn moeder zegt dat ik verslaafd ben", places).question is None


def test_people_named_in_a_question_about_company_are_not_the_ones_who_use(
    places: PlaceIndex,
) -> None:
    reading = read("kan mijn vrouw mee?", places)
    assert (reading.question, reading.who, reading.relation) == ("bring_someone", None, None)


def test_every_question_has_an_answer_of_two_or_three_sentences_in_both_languages() -> None:
    assert set(question_ids()) == {
        "religious",
        "must_talk",
        "cost",
        "bring_someone",
        "still_using",
        "old_men",
        "be_seen",
        "too_much",
    }
    for question_id in question_ids():
        for language in ("nl", "en"):
            answer = question_answer(question_id, language)
            sentences = [s for s in answer.replace("?", ".").split(". ") if s.strip()]
            assert 2 <= len(sentences) <= 3, (question_id, language, answer)
            assert "alcoholist " not in answer.split("geen alcoholist")[0]


def test_is_it_too_much_is_answered_without_a_diagnosis() -> None:
    nl, en = question_answer("too_much", "nl"), question_answer("too_much", "en")
    assert "twijfelen" in nl and "huisarts" in nl and "zelftest" in nl
    assert "doubt" in en and "GP" in en and "self-test" in en
    assert question_answer("cost", "de") == question_answer("cost", "nl")
    with pytest.raises(KeyError):
        question_answer("weather", "nl")


# -- the data files -------------------------------------------------------------------------------


def test_a_data_file_error_names_the_file_the_entry_and_the_field() -> None:
    with pytest.raises(DataFileError) as error:
        load_file(
            "problems.yaml",
            ProblemsFile,
            "problems:\n  alcohol:\n    words: drank\n"
            "use_words: []\nunsure_with_use: []\nunsure_alone: []\n",
        )
    assert (error.value.file, error.value.record, error.value.field) == (
        "problems.yaml",
        "problems",
        "alcohol.words",
    )


def test_a_phrase_with_capitals_or_accents_is_refused() -> None:
    text = "questions:\n  cost:\n    asked: [Wat kost het]\n    answer: {nl: a, en: b}\n"
    with pytest.raises(DataFileError, match=r"questions\.yaml: questions: field 'cost\.asked'"):
        load_file("questions.yaml", QuestionsFile, text)


def test_an_unknown_problem_is_refused() -> None:
    text = (
        "problems:\n  sugar:\n    words: [snoep]\n"
        "use_words: []\nunsure_with_use: []\nunsure_alone: []\n"
    )
    with pytest.raises(DataFileError, match="sugar"):
        load_file("problems.yaml", ProblemsFile, text)


# -- any text at all -----------------------------------------------------------------------------


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "ik",
                    "mijn",
                    "vader",
                    "drinkt",
                    "in",
                    "de",
                    "buurt",
                    "van",
                    "3511",
                    "2019",
                    "terug",
                    "online",
                    "niet",
                    "een",
                    "vriend",
                    "mij",
                    "?",
                    ",",
                    "15",
                    "zoom",
                    "bergen",
                    "op",
                    "i",
                    "my",
                    "im",
                    "en",
                    "ik",
                    "weet",
                    "niet",
                    "wat",
                ]
            ),
            st.text(max_size=12),
        ),
        max_size=30,
    )
)
def test_any_text_gives_a_reading(places: PlaceIndex, parts: list[str]) -> None:
    reading = read(" ".join(parts), places)
    assert isinstance(reading, Reading)
    if reading.relation is not None:
        assert reading.who is Seeker.NAASTE
    assert len(set(reading.problems)) == len(reading.problems)


# -- a button's label, typed ---------------------------------------------------------------------

_LABELS = [
    ("Voor mezelf", "who", Seeker.SELF),
    ("Voor iemand die dicht bij me staat", "who", Seeker.NAASTE),
    ("Weet ik nog niet: wat is een zelfhulpgroep?", "who_unsure", True),
    ("Ik ben de partner", "relation", Relation.PARTNER),
    ("Ik ben vader of moeder", "relation", Relation.PARENT),
    ("Ik ben een kind (tiener)", "relation", Relation.TEEN_CHILD),
    ("Ik ben een kind (volwassen)", "relation", Relation.ADULT_CHILD),
    ("Andere familie of vriend(in)", "relation", Relation.FAMILY_FRIEND),
    ("Steun voor mezelf", "for_them", False),
    ("Een groep voor de ander", "for_them", True),
    ("Iets anders of meerdere", "problems", (Problem.OTHER,)),
    ("Weet ik niet", "problems", (Problem.UNSURE,)),
    ("Medicijnen", "problems", (Problem.MEDICATION,)),
    ("Online", "online_only", True),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("label", "fact", "value"), _LABELS)
def test_a_typed_button_label_is_read_as_that_answer(
    places: PlaceIndex, language: str, label: str, fact: str, value: object
) -> None:
    typed = translations(language).gettext(label)
    assert getattr(read(typed, places), fact) == value, typed


def test_the_question_of_the_last_asking_sentence_is_the_one_answered(places: PlaceIndex):
    # People lead up to what they ask; the worry before it is not the question.
    hesitant = "hoi ik weet niet of dit wel iets voor mij is. is dat niet zo n sekte?"
    assert read(hesitant, places).question == "religious"
    assert read("is het gratis en anoniem?", places).question == "cost"
