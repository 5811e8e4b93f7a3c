"""A meeting in words: who it is for, how often, when, and the organisation on its page."""

from __future__ import annotations

from datetime import datetime

import pytest
from dialogkit import NOW, Chat, catalogue, make_ctx

from dialogs.meeting_facts import (
    audience,
    first_time_text,
    organisation_lines,
    rule_in_words,
    when_short,
)
from locales import translations


def words(rule: str, language: str) -> str | None:
    return rule_in_words(rule, language, translations(language).gettext)


@pytest.mark.parametrize(
    ("rule", "nl", "en"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "elke dinsdag", "every Tuesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "elke maandag en donderdag", "every Monday and Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "om de week op dinsdag", "every other Tuesday"),
        (
            "FREQ=MONTHLY;BYDAY=2TU,4TU",
            "de 2e en 4e dinsdag van de maand",
            "the 2nd and 4th Tuesday of the month",
        ),
        ("FREQ=MONTHLY;BYDAY=-1TH", "de laatste donderdag van de maand", None),
        ("FREQ=DAILY", None, None),
        ("FREQ=MONTHLY;BYMONTHDAY=3", None, None),
    ],
)
def test_how_often_a_meeting_meets_in_words(rule: str, nl: str | None, en: str | None) -> None:
    assert words(rule, "nl") == nl
    if en is not None:
        assert words(rule, "en") == en


def test_today_and_tomorrow_are_said_so_on_the_meetings_clock() -> None:
    zone = NOW.tzinfo
    _ = translations("nl").gettext
    assert when_short(datetime(2026, 11, 23, 19, 30, tzinfo=zone), NOW, "nl", _) == (
        "vanavond 19:30"
    )
    assert when_short(datetime(2026, 11, 23, 14, 0, tzinfo=zone), NOW, "nl", _) == "vandaag 14:00"
    assert when_short(datetime(2026, 11, 24, 19, 30, tzinfo=zone), NOW, "nl", _) == "morgen 19:30"
    assert when_short(datetime(2026, 11, 26, 19, 30, tzinfo=zone), NOW, "nl", _) == (
        "donderdag 26 november, 19:30"
    )
    en = translations("en").gettext
    assert when_short(datetime(2026, 11, 24, 19, 30, tzinfo=zone), NOW, "en", en) == (
        "tomorrow 19:30"
    )


def test_who_a_meeting_is_for() -> None:
    meetings = catalogue().meetings
    nl, en = make_ctx("nl"), make_ctx("en")
    assert audience(meetings["na-amsterdam-vrouwen-donderdag"], nl) == ["alleen voor vrouwen"]
    assert audience(meetings["na-utrecht-mannen-maandag"], nl) == ["alleen voor mannen"]
    assert audience(meetings["aa-amsterdam-english-friday"], nl) == ["in het Engels"]
    assert audience(meetings["aa-amsterdam-english-friday"], en) == []  # the reader's language
    assert audience(meetings["aa-amsterdam-centrum-maandag"], en) == [
        "in Dutch",
        "wheelchair accessible",
    ]
    assert "voor lhbti+" in audience(meetings["aa-haarlem-dinsdag-lgbtq"], nl)
    assert "nieuwkomers welkom" in audience(meetings["aa-utrecht-dinsdag"], nl)


@pytest.mark.parametrize(
    ("organisation_id", "fact"),
    [
        ("aa", "12 stappen"),
        ("stay-clean", "Christelijke groepen"),
        ("svmg", "één tot twee jaar"),
        ("lsovd", "getrainde gespreksleiders"),
        ("let-it-be", "Vraag het aan via https://www.let-it-be.nl/"),
        ("al-anon", "voor je eigen leven"),
        ("nar-anon", "voor je eigen leven"),
    ],
)
def test_the_organisation_in_two_lines_says_what_kind_of_group_it_is(
    organisation_id: str, fact: str
) -> None:
    organisation = catalogue().organisations[organisation_id]
    assert fact in organisation_lines(organisation, make_ctx("nl"))


def test_a_group_for_people_themselves_says_nothing_about_a_relatives_own_life() -> None:
    organisation = catalogue().organisations["aa"]
    assert "eigen leven" not in organisation_lines(organisation, make_ctx("nl"))


def test_the_first_time_text_fits_the_meeting() -> None:
    data, ctx = catalogue(), make_ctx("nl")
    online = data.meetings["aa-online-ochtend"]
    assert "een paar minuten eerder" not in first_time_text(online, data.organisations["aa"], ctx)
    assert "link" in first_time_text(online, data.organisations["aa"], ctx)
    open_day = data.meetings["coke-van-jou-amsterdam-open-dag"]
    group = data.meetings["coke-van-jou-breda-dinsdag"]
    coke = data.organisations["coke-van-jou"]
    assert "open dag" in first_time_text(open_day, coke, ctx)
    assert "open dag" not in first_time_text(group, coke, ctx).lower()


def test_the_list_and_the_page_say_who_a_meeting_is_for_and_how_often() -> None:
    chat = Chat()
    chat.start()
    chat.press("Voor mezelf")
    chat.press("Drugs")
    chat.type("Amsterdam")
    chat.press("Klopt")  # what was understood, confirmed
    chat.press("Meer bijeenkomsten")
    assert "alleen voor vrouwen" in chat.text and "elke donderdag" in chat.text
    chat.press("NA Amsterdam Vrouwen")
    assert "Elke donderdag" in chat.text and "Alleen voor vrouwen" in chat.text
    assert "Over NA:" in chat.text and "12 stappen" in chat.text


def test_a_teenager_whose_father_drinks_reads_not_your_fault_and_gets_alateen_first() -> None:
    chat = Chat()
    chat.start()
    chat.press("Voor iemand")
    chat.press("Ik ben een kind (tiener)")  # a teenager is not asked for whom the group is
    chat.press("Alcohol")
    chat.type("Utrecht")
    chat.press("Klopt")
    assert "niet jouw schuld" in chat.text
    assert "De Kindertelefoon: bel 0800-0432" in chat.text
    assert "iemand op school die je vertrouwt" in chat.text
    assert chat.labels[0].startswith("1. Alateen")
    adult = Chat()
    adult.start()
    adult.press("Voor iemand")
    adult.press("Ik ben de partner")
    adult.press("Steun voor mezelf")
    adult.press("Alcohol")
    adult.type("Utrecht")
    adult.press("Klopt")
    assert "niet jouw schuld" not in adult.text and "Kindertelefoon" not in adult.text
