"""Whole conversations through `dialogs.advance`, on the real catalogue and place index."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from dialogkit import NOW, Chat, catalogue, replace
from icalendar import Calendar

from catalogue.kinds import Problem, Relation, Seeker
from dialogs import (
    Command,
    CountMetric,
    DialogState,
    SetLanguage,
    SetReminder,
    Step,
)


def result_names(chat: Chat) -> list[str]:
    """The meeting names on the results page, in order."""
    return re.findall(r"^\d+\. [^:\n]+: (.+?)(?: \[(?:voorbeeld|sample)\])?$", chat.text, re.M)


def distances_km(text: str) -> list[float]:
    return [float(d.replace(",", ".")) for d in re.findall(r"^(\d+(?:[.,]\d)?) km", text, re.M)]


def test_myself_alcohol_utrecht_to_a_meeting_page_calendar_reminder_and_share():
    chat = Chat()
    chat.start()
    assert "anoniem" in chat.text and "/stop" in chat.text and "/privacy" in chat.text
    assert "naam" in chat.text  # no names asked
    chat.press("Voor mezelf")
    assert chat.state.step is Step.PROBLEM
    chat.press("Alcohol")
    assert chat.screens[0].ask is not None  # the share-location button
    chat.type("Utrecht")
    assert chat.state.step is Step.CONFIRM
    assert chat.text == "Ik begrijp: je zoekt een groep voor jezelf, over alcohol, bij Utrecht."
    chat.press("Klopt")

    assert chat.state.step is Step.RESULTS
    assert "AA Utrecht Centrum" in result_names(chat)
    assert "morgen 19:30 · elke dinsdag" in chat.text  # when, and how often
    assert chat.text.count("voorbeeld") == 1  # the sample label, once for the whole list
    assert 1 <= len(result_names(chat)) <= 5
    assert "1,1 km" in chat.text  # distances as a Dutch reader writes them
    # AA first (the best fit); its youth group (0.6 km) after the groups for anyone.
    names = result_names(chat)
    assert names[0] == "AA Utrecht Centrum"
    assert names.index("AA Utrecht Jongeren (tot 35)") > names.index("Buitenveldert-groep Utrecht")
    assert "Andere dag of filters" in chat.labels
    assert any("Opnieuw beginnen" in label for label in chat.labels)

    chat.press("AA Utrecht Centrum")
    assert chat.state.step is Step.MEETING
    page = chat.screens[0]
    aa = catalogue().organisations["aa"]
    assert aa.first_meeting.nl in page.text
    assert "Oudegracht 245" in page.text and page.text.count("voorbeeld") == 1
    assert "gecontroleerd" not in page.text.lower()  # nobody checked invented meetings
    assert page.venue is None  # one message; the pin comes on request
    assert "Volgende keer: morgen, dinsdag 24 november, 19:30" in page.text
    assert any("Op de kaart" in b.label for row in page.buttons for b in row)

    chat.press("In mijn agenda")
    attachment = chat.screens[0].attachment
    assert attachment is not None and attachment.filename.endswith(".ics")
    (event,) = Calendar.from_ical(attachment.content).walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    start = event.decoded("DTSTART")
    assert (start.date().isoformat(), start.hour, start.minute) == ("2026-11-24", 19, 30)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert "Oudegracht 245" in str(event["LOCATION"])

    chat.press("Herinner me")
    assert chat.state.step is Step.REMIND_WHEN
    chat.press("Allebei")
    chat.press("Elke keer")
    assert "maandag 23 november, 19:00" in chat.text  # the evening before, at 19:00
    assert "dinsdag 24 november, 17:30" in chat.text  # two hours before
    chat.press("Ja, graag")
    (effect,) = chat.last.effects
    assert effect == SetReminder(
        "aa-utrecht-dinsdag", (1470, 120), True, datetime(2026, 11, 24, 19, 30, tzinfo=NOW.tzinfo)
    )
    assert chat.state.step is Step.MEETING

    chat.press("Delen met iemand")
    forwardable, how = chat.screens
    assert "AA Utrecht Centrum" in forwardable.text
    assert "https://t.me/zelfhulpwijzer_bot" in forwardable.text
    assert "dinsdag 24 november, 19:30" in forwardable.text
    assert not forwardable.buttons  # a clean message to forward
    assert how.buttons

    chat.press("Terug naar de lijst")
    assert chat.state.step is Step.RESULTS and "AA Utrecht Centrum" in chat.text


def test_a_mother_looking_for_support_for_herself_shares_her_location():
    chat = Chat()
    chat.start()
    chat.press("Voor iemand die dicht bij me staat")
    assert chat.state.step is Step.RELATION
    chat.press("vader of moeder")
    chat.press("Steun voor mezelf")
    assert chat.state.step is Step.PROBLEM and "bij de ander" in chat.text
    chat.press("Drugs")
    chat.share_location(52.0907, 5.1214)  # central Utrecht
    assert "voor hoe het met jóu gaat" in chat.text  # a naaste hears it is for them
    chat.press("Klopt")

    state = chat.state
    assert state.step is Step.RESULTS
    assert (state.seeker, state.relation, state.for_them, state.problem) == (
        Seeker.NAASTE,
        Relation.PARENT,
        False,
        Problem.DRUGS,
    )
    assert state.place_id is not None and state.place_id.startswith("gn:")  # a town, no coordinates
    fitting = set(catalogue().fitting_organisations(Seeker.NAASTE, Problem.DRUGS, Relation.PARENT))
    shown = [catalogue().meetings[m] for m in state.shown]
    assert shown and all(m.organisation_id in fitting for m in shown)
    assert "lsovd-utrecht-maandag" in state.shown
    assert "Steun voor jou als ouder · Drugs · bij Utrecht" in chat.text


def test_a_partner_looks_for_a_group_to_pass_on():
    chat = Chat()
    chat.start()
    chat.press("Voor iemand die dicht bij me staat")
    chat.type("ik ben zijn vrouw")
    assert chat.state.relation is Relation.PARTNER and chat.state.step is Step.AIM
    chat.press("Een groep voor de ander")
    chat.type("hij drinkt")
    assert chat.state.problem is Problem.ALCOHOL and chat.state.step is Step.WHERE
    chat.type("Amsterdam")
    assert "een groep voor de ander, als partner van iemand die drinkt" in chat.text
    chat.type("klopt")
    assert chat.state.for_them is True
    organisations = {catalogue().meetings[m].organisation_id for m in chat.state.shown}
    assert organisations and "al-anon" not in organisations  # groups for him, not for her
    assert "Meer bijeenkomsten" in chat.labels
    first_page = chat.state.shown
    chat.press("Meer bijeenkomsten")
    assert (
        chat.state.offset == 5 and chat.state.shown and set(chat.state.shown).isdisjoint(first_page)
    )
    assert re.search(r"^6\. ", chat.text, re.M)
    chat.press("6.")
    chat.press("Delen met iemand")
    assert "Misschien iets voor jou" in chat.screens[0].text


def test_not_sure_gets_an_honest_explanation_and_the_choice_again():
    chat = Chat()
    chat.start()
    chat.press("Weet ik nog niet")
    text = chat.text
    for fact in ("gratis", "wachtlijst", "voornaam", "niets te zeggen", "Open bijeenkomsten"):
        assert fact in text
    assert chat.state == DialogState()
    assert "Voor mezelf" in chat.labels
    chat.press("Voor mezelf")
    assert chat.state.step is Step.PROBLEM


def test_an_english_speaking_user_gets_english_throughout():
    chat = Chat(language="en")
    chat.start()
    assert "anonymous" in chat.text and "For myself" in chat.labels
    chat.press("For myself")
    chat.type("booze")
    chat.type("3511")
    assert (
        chat.text
        == "I understand: you are looking for a group for yourself, about alcohol, near Utrecht."
    )
    chat.press("Yes, that's right")
    assert "tomorrow 19:30 · every Tuesday" in chat.text
    assert chat.text.lower().count("sample") == 1 and "voorbeeld" not in chat.text
    assert re.search(r"\d\.\d km", chat.text)
    chat.press("AA Utrecht Centrum")
    assert chat.text.lower().count("sample") == 1 and "verzonnen" not in chat.text
    aa = catalogue().organisations["aa"]
    assert (
        aa.first_meeting.en in chat.text
        and "Next time: tomorrow, Tuesday 24 November, 19:30" in chat.text
    )


def test_another_telegram_language_gets_dutch_with_an_offer_of_english():
    chat = Chat(offer_english=True)
    chat.start()
    assert "Voor wie zoek je een groep?" in chat.text
    chat.press("English, please")
    assert SetLanguage("en") in chat.last.effects
    assert "Who are you looking for a group for?" in chat.text
    assert "English, please" not in chat.labels


def test_language_command_switches_and_keeps_the_place_in_the_conversation():
    chat = Chat()
    chat.start()
    chat.press("Voor mezelf")
    chat.send(Command("taal"))
    chat.press("English")
    assert chat.last.effects == (SetLanguage("en"),)
    assert chat.state.step is Step.PROBLEM and "What is it about?" in chat.text


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("drank", Problem.ALCOHOL),
        ("Bier", Problem.ALCOHOL),
        ("ALCOHOL", Problem.ALCOHOL),
        ("alchohol", Problem.ALCOHOL),
        ("I drink too much", Problem.ALCOHOL),
        ("gokken", Problem.GAMBLING),
        ("online casino", Problem.GAMBLING),
        ("gambling", Problem.GAMBLING),
        ("coke", Problem.COCAINE),
        ("Cocaïne", Problem.COCAINE),
        ("cocaine", Problem.COCAINE),
        ("wiet", Problem.CANNABIS),
        ("blowen", Problem.CANNABIS),
        ("hasj", Problem.CANNABIS),
        ("weed", Problem.CANNABIS),
        ("slaappillen", Problem.MEDICATION),
        ("pillen", Problem.MEDICATION),
        ("sleeping pills", Problem.MEDICATION),
        ("drugs", Problem.DRUGS),
        ("XTC", Problem.DRUGS),
        ("alcohol en coke", Problem.OTHER),
        ("ik weet het niet", Problem.UNSURE),
        ("I don't know", Problem.UNSURE),
    ],
)
def test_typed_problem_words_are_understood(typed: str, problem: Problem):
    chat = Chat(state=DialogState(step=Step.PROBLEM, seeker=Seeker.SELF))
    chat.type(typed)
    assert chat.state.problem is problem and chat.state.step is Step.WHERE


def test_online_gives_online_meetings():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL, confirmed=True
        )
    )
    chat.type("Online")
    assert chat.state.online_only and chat.state.step is Step.RESULTS
    meetings = [catalogue().meetings[m] for m in chat.state.shown]
    assert meetings and all(m.online is not None for m in meetings)
    assert "Online bijeenkomsten" in chat.text


def test_an_ambiguous_place_offers_each_choice_with_its_province():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL, confirmed=True
        )
    )
    chat.type("Bergen")
    assert "Bergen (Noord-Holland)" in chat.labels
    assert "Nieuw-Bergen (Limburg)" in chat.labels  # "Limburg (NL)" without nested brackets
    assert "Mons (Henegouwen, België)" in chat.labels
    assert chat.state.step is Step.WHERE
    chat.press("Bergen (Noord-Holland)")
    assert chat.state.step is Step.RESULTS and chat.state.place_id == "gn:2759154"
    assert "aa-bergen-nh-maandag" in chat.state.shown


def test_a_misspelt_place_gets_suggestions_and_an_unknown_one_a_way_on():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL, confirmed=True
        )
    )
    chat.type("Utrceht")
    assert "Utrecht (Utrecht)" in chat.labels and "Opnieuw typen" in chat.labels
    chat.press("Utrecht (Utrecht)")
    assert chat.state.step is Step.RESULTS

    chat = Chat(state=DialogState(step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL))
    chat.type("Xyzzyville")
    assert chat.state.step is Step.WHERE
    assert chat.screens[0].ask is not None and "postcode" in chat.text


def test_nothing_nearby_shows_contacts_and_online_meetings_never_an_empty_screen():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.GAMBLING, confirmed=True
        )
    )
    chat.type("Groningen")
    assert chat.state.step is Step.RESULTS
    assert "In de buurt van Groningen vind ik nu geen passende bijeenkomst" in chat.text
    agog = catalogue().organisations["agog-ag"]
    assert agog.website and agog.website in chat.text
    assert "Andere plaats" in chat.labels and "Opnieuw beginnen" in chat.labels


def test_filters_narrow_the_results_and_can_be_switched_off():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL, confirmed=True
        )
    )
    chat.type("Amsterdam")
    chat.press("Andere dag of filters")
    assert chat.screens[0].edit  # the filter menu changes in place
    chat.press("Alleen open")
    assert "✓ Alleen open bijeenkomsten" in chat.labels
    chat.press("Toon bijeenkomsten")
    assert chat.state.open_only and "Filters: alleen open" in chat.text
    meetings = [catalogue().meetings[m] for m in chat.state.shown]
    assert meetings and all("closed" not in m.attributes for m in meetings)

    chat.press("Andere dag of filters")
    chat.press("Voor vrouwen")
    chat.press("Voor jongeren")
    chat.press("Toon bijeenkomsten")
    assert "Filters uitzetten" in chat.labels  # nothing fits: a way back
    chat.press("Filters uitzetten")
    assert not chat.state.has_filters and len(chat.state.shown) == 5


def test_a_weekday_filter_shows_only_that_day():
    chat = Chat(
        state=DialogState(
            step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL, confirmed=True
        )
    )
    chat.type("Amsterdam")
    chat.press("Andere dag of filters")
    chat.press("vr")  # Friday, "vr" in Dutch
    chat.press("Toon bijeenkomsten")
    assert chat.state.weekday == 4 and "op vrijdag" in chat.text
    assert "vrijdag 27 november" in chat.text and "maandag" not in chat.text.split("Filters")[1]


def test_restart_and_start_in_the_middle():
    chat = Chat(state=DialogState(step=Step.WHERE, seeker=Seeker.SELF, problem=Problem.ALCOHOL))
    chat.start()
    assert chat.state.step is Step.WHERE  # nothing lost yet
    assert {"Verder waar ik was", "Opnieuw beginnen"} <= set(chat.labels)
    chat.press("Verder waar ik was")
    assert chat.state.step is Step.WHERE and chat.screens[0].ask is not None
    chat.start()
    chat.press("Opnieuw beginnen")
    assert chat.state == DialogState() and "Voor mezelf" in chat.labels


def test_no_clinic_no_counts():
    chat = Chat()
    chat.start()
    chat.press("Voor mezelf")
    chat.press("Alcohol")
    chat.type("Utrecht")
    chat.press("Klopt")
    chat.press("AA Utrecht Centrum")
    assert not any(isinstance(e, CountMetric) for t in chat.turns for e in t.effects)


def test_a_reminder_that_has_passed_for_tonight_is_said_not_silently_dropped():
    """Both reminders asked before tonight's meeting: only the 2-hours one is still ahead."""
    chat = Chat(now=datetime(2026, 11, 24, 17, 0, tzinfo=NOW.tzinfo))
    chat.start()
    chat.press("Voor mezelf")
    chat.press("Alcohol")
    chat.type("Utrecht")
    chat.press("Klopt")
    chat.press("AA Utrecht Centrum")
    chat.press("Herinner me")
    chat.press("Allebei")
    chat.press("Alleen de volgende keer")
    assert "dinsdag 24 november, 17:30" in chat.text
    assert "19:00" not in chat.text
    assert "De andere herinnering is voor deze keer al voorbij." in chat.text


def test_hulp_says_as_of_for_numbers_nobody_checked_and_checked_only_with_who():
    chat = Chat()
    chat.start()
    chat.send(Command("hulp"))
    assert "Gegevens van 1 mei 2013." in chat.text  # a dated document, not a check
    assert "nog niet nagekeken" in chat.text  # numbers nobody checked
    assert "econtroleerd" not in chat.text
    helplines = catalogue().helplines
    checked_on = NOW.date()
    checked = {
        hid: replace(
            h,
            source=replace(h.source, verified_on=checked_on, checked_by="het Zelfhulpwijzer-team"),
        )
        for hid, h in helplines.items()
    }
    chat = Chat(catalogue=replace(catalogue(), helplines=checked))
    chat.start()
    chat.send(Command("hulp"))
    assert "Gecontroleerd op 23 november 2026 door het Zelfhulpwijzer-team." in chat.text
