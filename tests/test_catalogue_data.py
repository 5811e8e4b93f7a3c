"""The shipped catalogue: it loads, it is honest about samples, and the fit table holds."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from catalogue.kinds import Attribute, Country, Problem, Relation, Seeker
from catalogue.loading import (
    bundled_files,
    default_data_dir,
    load_bundled_catalogue,
    load_catalogue,
    meeting_from_record,
    meeting_to_record,
)
from catalogue.models import Catalogue

# Vlaams Trefpunt Zelfhulp is an information centre: it holds no meetings itself
# (meetings.yaml says so in its header), the bot shows it as a contact.
ORGANISATIONS_WITHOUT_MEETINGS = {"vlaams-trefpunt-zelfhulp"}
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_bundled_catalogue()


def test_bundled_catalogue_loads_every_kind_of_record(catalogue: Catalogue) -> None:
    assert len(catalogue.organisations) == 21
    assert len(catalogue.meetings) >= 70
    assert {"emergency-112", "zelfmoordpreventie-113", "zelfmoordlijn-1813"} <= set(
        catalogue.helplines
    )
    assert catalogue.clinics and catalogue.fit_rules
    assert sorted(catalogue.files) == sorted(p.name for p in bundled_files())


def test_every_organisation_except_the_information_centre_has_a_current_meeting(
    catalogue: Catalogue,
) -> None:
    current = Counter(
        m.organisation_id
        for m in catalogue.meetings.values()
        if m.ends_on is None or m.ends_on >= TODAY
    )
    without = {oid for oid in catalogue.organisations if not current[oid]}
    assert without == ORGANISATIONS_WITHOUT_MEETINGS


def test_every_meeting_is_labelled_sample_and_every_clinic_too(catalogue: Catalogue) -> None:
    assert all(m.source.sample for m in catalogue.meetings.values())
    assert all(c.source.sample for c in catalogue.clinics.values())
    assert not any(o.source.sample for o in catalogue.organisations.values())


def test_sample_meetings_are_spread_over_the_country_and_online(catalogue: Catalogue) -> None:
    meetings = list(catalogue.meetings.values())
    places = {(m.venue.country, m.venue.city) for m in meetings if m.venue}
    assert sum(c is Country.NL for c, _ in places) >= 18
    assert sum(c is Country.BE for c, _ in places) >= 4
    assert sum(m.is_online for m in meetings) >= 8
    belgian = [m for m in meetings if m.venue and m.venue.country is Country.BE]
    assert {m.timezone for m in belgian} == {"Europe/Brussels"}


def test_sample_meetings_show_the_variety_the_search_must_handle(catalogue: Catalogue) -> None:
    meetings = catalogue.meetings
    rules = {m.rrule for m in meetings.values()}
    assert "FREQ=MONTHLY;BYDAY=2TU,4TU" in rules
    assert any("INTERVAL=2" in r for r in rules)
    assert any(m.cancelled_on for m in meetings.values())
    assert any(m.ends_on and m.ends_on < TODAY for m in meetings.values())
    english = {m.venue.city for m in meetings.values() if "en" in m.languages and m.venue}
    assert {"Amsterdam", "Den Haag"} <= english
    for attribute in Attribute:
        assert any(attribute in m.attributes for m in meetings.values()), attribute
    starts = {m.start.hour for m in meetings.values()}
    assert min(starts) < 12 and max(starts) >= 19  # daytime and evening groups


def test_agog_naasten_meet_at_the_same_time_and_place_as_the_gamblers(catalogue: Catalogue) -> None:
    gamblers = [m for m in catalogue.meetings.values() if m.organisation_id == "agog-ag"]
    naasten = {
        (m.venue, m.rrule, m.start)
        for m in catalogue.meetings.values()
        if m.organisation_id == "agog-og"
    }
    assert gamblers
    assert all((m.venue, m.rrule, m.start) in naasten for m in gamblers)


@pytest.mark.parametrize(
    ("seeker", "problem", "relation", "expected_first"),
    [
        (
            Seeker.NAASTE,
            Problem.DRUGS,
            Relation.PARENT,
            ("lsovd", "nar-anon", "moedige-moeders", "intact"),
        ),
        (Seeker.NAASTE, Problem.ALCOHOL, Relation.TEEN_CHILD, ("alateen",)),
        (Seeker.NAASTE, Problem.ALCOHOL, Relation.ADULT_CHILD, ("aca", "al-anon")),
        (Seeker.NAASTE, Problem.GAMBLING, Relation.PARTNER, ("agog-og",)),
        (Seeker.SELF, Problem.ALCOHOL, None, ("aa",)),
        (Seeker.SELF, Problem.GAMBLING, None, ("agog-ag",)),
        (Seeker.SELF, Problem.CANNABIS, None, ("ma",)),
        (Seeker.SELF, Problem.MEDICATION, None, ("svmg",)),
    ],
)
def test_fit_table_puts_the_best_fitting_organisations_first(
    catalogue: Catalogue,
    seeker: Seeker,
    problem: Problem,
    relation: Relation | None,
    expected_first: tuple[str, ...],
) -> None:
    found = catalogue.fitting_organisations(seeker, problem, relation)
    assert found[: len(expected_first)] == expected_first


def test_fit_table_for_self_with_alcohol_includes_the_general_groups(catalogue: Catalogue) -> None:
    found = catalogue.fitting_organisations(Seeker.SELF, Problem.ALCOHOL)
    assert {"aa", "aa-vlaanderen", "intact", "buitenveldert", "samen-verder"} <= set(found)
    assert "al-anon" not in found


@pytest.mark.parametrize("problem", [Problem.UNSURE, Problem.OTHER])
def test_unsure_or_other_leads_to_groups_open_to_any_addiction(
    catalogue: Catalogue, problem: Problem
) -> None:
    found = catalogue.fitting_organisations(Seeker.SELF, problem)
    assert found[:4] == ("buitenveldert", "intact", "samen-verder", "let-it-be")
    assert "aa" not in found and "agog-ag" not in found
    for_naasten = catalogue.fitting_organisations(Seeker.NAASTE, problem, Relation.PARTNER)
    assert for_naasten[:2] == ("intact", "coke-van-jou")


def test_a_teenager_is_never_sent_to_a_group_for_adults(catalogue: Catalogue) -> None:
    for problem in Problem:
        found = catalogue.fitting_organisations(Seeker.NAASTE, problem, Relation.TEEN_CHILD)
        assert found, problem
        for oid in found:
            assert Relation.TEEN_CHILD in catalogue.organisations[oid].relations, (problem, oid)


def test_every_person_finds_a_flemish_contact(catalogue: Catalogue) -> None:
    for problem in Problem:
        assert "vlaams-trefpunt-zelfhulp" in catalogue.fitting_organisations(Seeker.SELF, problem)
        for relation in Relation:
            found = catalogue.fitting_organisations(Seeker.NAASTE, problem, relation)
            assert found[-1] == "vlaams-trefpunt-zelfhulp"


def test_no_phone_number_is_invented(catalogue: Catalogue) -> None:
    for organisation in catalogue.organisations.values():
        if organisation.phone is not None:  # only a number a source gives, with its page
            source = organisation.contact_source
            assert source is not None and source.url, organisation.id
    numbers = {h.id: h.number for h in catalogue.helplines.values()}
    assert numbers["zelfmoordpreventie-113"] == "113"
    assert numbers["zelfmoordpreventie-0800-0113"] == "0800-0113"
    assert numbers["zelfmoordlijn-1813"] == "1813"
    assert numbers["huisarts"] == ""


def test_texts_do_not_label_the_reader(catalogue: Catalogue) -> None:
    for org in catalogue.organisations.values():
        for text in (org.description, org.way_of_working, org.first_meeting):
            assert text.nl and text.en
            assert "alcoholist" not in text.nl.lower()
            assert "alcoholic" not in text.en.lower()


def test_every_meeting_survives_a_round_trip_through_its_record(catalogue: Catalogue) -> None:
    for meeting in catalogue.meetings.values():
        record = meeting_to_record(meeting, default_source=meeting.source)
        assert "source" not in record
        assert meeting_from_record(record, "x.yaml", meeting.source) == meeting
        assert meeting_from_record(meeting_to_record(meeting), "x.yaml", None) == meeting


def test_load_catalogue_adds_the_imports_of_the_data_directory(tmp_path: Path) -> None:
    base = load_bundled_catalogue()
    meeting = base.meetings["aa-utrecht-dinsdag"]
    (tmp_path / "imports").mkdir()
    record = meeting_to_record(meeting)
    record["id"] = "aa-utrecht-imported"
    record["start"] = "20:45"  # another meeting at the same venue (the same would be merged)
    (tmp_path / "imports" / "feed.yaml").write_text(
        yaml.safe_dump({"meetings": [record]}, allow_unicode=True), encoding="utf-8"
    )
    loaded = load_catalogue(tmp_path, today=TODAY)
    assert len(loaded.meetings) == len(base.meetings) + 1
    assert loaded.meetings["aa-utrecht-imported"].venue == meeting.venue
    assert str(tmp_path / "imports" / "feed.yaml") in loaded.files


def test_default_data_dir_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZELFHULPWIJZER_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("ZELFHULPWIJZER_DATA_DIR")
    assert default_data_dir() == Path("var")
