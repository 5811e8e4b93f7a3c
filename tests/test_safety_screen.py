"""The safety screen: the right number in the first line, the person's country first."""

from __future__ import annotations

from dataclasses import replace

from dialogkit import catalogue, make_ctx

from catalogue.kinds import Country, DangerKind
from dialogs.safety import countries_of, safety_screen
from dialogs.state import DialogState

NL_FIRST = (Country.NL, Country.BE)
BE_FIRST = (Country.BE, Country.NL)


def first_line(text: str) -> str:
    return text.splitlines()[0]


def test_acute_danger_says_call_112_now_then_the_crisis_line():
    text = safety_screen({DangerKind.ACUTE}, NL_FIRST, make_ctx()).text
    assert first_line(text) == "Bel nu 112."
    assert text.index("112") < text.index("113 Zelfmoordpreventie: 113")
    assert "In België: Zelfmoordlijn 1813 (België): 1813" in text


def test_suicidal_thoughts_get_113_and_are_you_safe():
    text = safety_screen({DangerKind.SUICIDAL}, NL_FIRST, make_ctx()).text
    assert first_line(text) == "Praat erover met 113 Zelfmoordpreventie: bel 113 of 0800-0113."
    assert "Ben je nu veilig? Zo niet: bel 112." in text
    assert "dag en nacht" in text and "https://www.113.nl" in text


def test_a_child_hit_at_home_gets_veilig_thuis_first_and_the_kindertelefoon():
    screen = safety_screen({DangerKind.CHILD, DangerKind.VIOLENCE}, NL_FIRST, make_ctx())
    assert first_line(screen.text) == "Bel Veilig Thuis: 0800-2000."
    assert "De Kindertelefoon: 0800-0432 · Elke dag van 11:00 tot 21:00" in screen.text
    assert "Gebeurt het nu, of ben je in gevaar? Bel 112." in screen.text
    assert [row[0].label for row in screen.buttons] == [
        "Ja, verder waar ik was",
        "Meer hulp en hulplijnen",
    ]


def test_in_flanders_the_flemish_lines_come_first_and_awel_says_to_check_its_hours():
    text = safety_screen({DangerKind.CHILD}, BE_FIRST, make_ctx()).text
    assert first_line(text) == "Bel Awel (België): 102."
    assert "Kijk de openingsuren na voor je belt" in text
    assert "In Nederland: De Kindertelefoon: 0800-0432" in text
    text = safety_screen({DangerKind.VIOLENCE}, BE_FIRST, make_ctx()).text
    assert first_line(text) == "Bel 1712 (België): 1712."


def test_the_country_comes_from_the_chosen_place_else_the_hint_else_both():
    ghent = DialogState(place_id="gn:2797656")
    assert countries_of(ghent, make_ctx()) == BE_FIRST
    assert countries_of(DialogState(), make_ctx(country=Country.BE)) == BE_FIRST
    assert countries_of(DialogState(), make_ctx()) == NL_FIRST


def test_in_english():
    text = safety_screen({DangerKind.SUICIDAL}, NL_FIRST, make_ctx("en")).text
    assert first_line(text) == "Talk to 113 Suicide Prevention about it: call 113 or 0800-0113."
    assert "Are you safe right now?" in text and "In Belgium:" in text


def test_a_catalogue_without_safety_lines_still_gives_112():
    empty = replace(catalogue(), helplines={})
    text = safety_screen({DangerKind.SUICIDAL}, NL_FIRST, make_ctx(catalogue=empty)).text
    assert first_line(text) == "Bel nu 112."
