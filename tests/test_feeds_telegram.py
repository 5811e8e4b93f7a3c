"""The running bot keeps its catalogue current: the real Application against the fake Bot
API, a feed on a real HTTP server on 127.0.0.1, and the feed jobs run as the JobQueue runs
them (no sleeping: the job is called, the clock is injected)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import BotHarness
from feedserver import FeedServer

from catalogue.feeds import Limits, read_health
from catalogue.feeds.subscriptions import Feed, add_feed
from catalogue.importers import import_feed
from dialogs.effects import SetReminder

AMS = ZoneInfo("Europe/Amsterdam")
CHAT = 7770001
ADMIN = 7770099
NAME = "Feedgroep Domplein"
MEETING_ID = "aa-utrecht-feedgroep-domplein"


def feed_records(start: str = "19:30", day: int = 2) -> list[dict]:
    """One AA meeting on Utrecht's centre (so it is the nearest), to the Meeting Guide spec."""
    return [
        {
            "name": NAME,
            "slug": "feedgroep-domplein",
            "day": day,
            "time": start,
            "types": ["O"],
            "address": "Domplein 1",
            "city": "Utrecht",
            "postal_code": "3512 JC",
            "country": "NL",
            "latitude": 52.09083,
            "longitude": 5.12222,
        }
    ]


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
async def bot(make_bot, server, tmp_path) -> BotHarness:
    """The bot as `bot.app` builds it, subscribed to one feed (fetched once, no retries)."""
    data_dir = tmp_path / "bot-data"
    add_feed(data_dir, Feed(name="aa-utrecht", url=server.url("/aa.json"), format="meeting-guide"))

    def one_try(harness: BotHarness) -> None:
        harness.feeds.limits = Limits(timeout_s=2, tries=1)

    harness = await make_bot(setup=[one_try], data_dir=data_dir, admin_chat_ids=(ADMIN,))
    return await harness.start()


async def run_job(bot: BotHarness, name: str) -> None:
    """Run a JobQueue job now, as its timer would."""
    (job,) = bot.app.job_queue.get_jobs_by_name(name)
    await job.run(bot.app)


async def results_in_utrecht(bot: BotHarness, chat: int) -> str:
    await bot.say(chat, "/start")
    await bot.press(chat, "Voor mezelf")
    await bot.press(chat, "Alcohol")
    await bot.say(chat, "Utrecht")
    return (await bot.press(chat, "Klopt")).text  # the answers said back, then the results


def entry_of(text: str, name: str) -> str:
    """The result entry of the meeting: its name line and the when-line below it."""
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines) if name in line]
    assert found, text
    return "\n".join(lines[found[0] : found[0] + 2])


async def test_a_changed_meeting_shows_after_one_refresh_without_a_restart(bot, server) -> None:
    assert bot.app.job_queue.get_jobs_by_name("feed:aa-utrecht"), "the feed has its job"
    server.route("/aa.json", json.dumps(feed_records("19:30")), etag='"v1"')
    await run_job(bot, "feed:aa-utrecht")
    first = await results_in_utrecht(bot, CHAT)
    assert "19:30" in entry_of(first, NAME)

    server.route("/aa.json", json.dumps(feed_records("20:15")), etag='"v2"')
    await run_job(bot, "feed:aa-utrecht")
    again = await results_in_utrecht(bot, CHAT + 1)
    assert "20:15" in entry_of(again, NAME)
    assert bot.starts == 1  # no restart
    assert bot.feeds.swaps == 2  # the first import, the change


async def test_a_broken_feed_changes_nothing(bot, server) -> None:
    server.route("/aa.json", json.dumps(feed_records("19:30")))
    await run_job(bot, "feed:aa-utrecht")
    edition = bot.core.holder.current
    for broken in ({"status": 500}, {"body": "[{not json"}, {"body": "[]"}):
        server.route("/aa.json", **broken)
        await run_job(bot, "feed:aa-utrecht")
        assert bot.core.holder.current is edition, broken
        assert read_health(bot.data_dir)["aa-utrecht"].last_error
    assert "19:30" in entry_of(await results_in_utrecht(bot, CHAT), NAME)


async def test_an_import_from_the_command_line_reaches_the_running_bot(bot, server, tmp_path):
    before = bot.core.holder.current
    path = tmp_path / "aa.json"
    path.write_text(json.dumps(feed_records("18:45")))
    import_feed("meeting-guide", path, bot.data_dir, today=bot.clock.now().date())
    await run_job(bot, "feeds:watch")
    after = bot.core.holder.current
    assert after is not before
    assert "18:45" in entry_of(await results_in_utrecht(bot, CHAT), NAME)
    await run_job(bot, "feeds:watch")  # nothing changed since: no rebuild
    assert bot.core.holder.current is after


async def test_a_reminder_follows_a_meeting_the_feed_moved(bot, server) -> None:
    server.route("/aa.json", json.dumps(feed_records("19:30", day=2)))  # Tuesdays
    await run_job(bot, "feed:aa-utrecht")
    await bot.say(CHAT, "/start")
    user_key = bot.storage.user_key(CHAT)
    effect = SetReminder(MEETING_ID, (120,), True)
    assert await bot.reminders.set_reminder(user_key, effect, bot.clock.now())
    (view,) = await bot.reminders.views(user_key)
    assert view.next_at == datetime(2026, 11, 24, 17, 30, tzinfo=AMS)  # 2 h before Tuesday

    server.route("/aa.json", json.dumps(feed_records("20:00", day=3)))  # moved to Wednesdays
    await run_job(bot, "feed:aa-utrecht")
    (view,) = await bot.reminders.views(user_key)
    assert view.next_at == datetime(2026, 11, 25, 18, 0, tzinfo=AMS)  # 2 h before Wednesday
    assert bot.core.holder.catalogue.meetings[MEETING_ID].start == time(20, 0)


async def test_a_reminder_follows_when_the_feed_lists_the_same_meeting(bot, server) -> None:
    """AA's feed lists the Tuesday meeting the person had a reminder for, from the bundled
    copy: the catalogue keeps the feed's fresher record, and the reminder goes on with it
    without a word, instead of stopping as if the group had ended."""
    bundled = "aa-utrecht-dinsdag"  # Tuesdays 19:30, Oudegracht 245
    await bot.say(CHAT, "/start")
    user_key = bot.storage.user_key(CHAT)
    effect = SetReminder(bundled, (120,), True)
    assert await bot.reminders.set_reminder(user_key, effect, bot.clock.now())
    sent = len(bot.api.sent_to(CHAT))

    same = {
        "name": "Dinsdaggroep",
        "slug": "dinsdaggroep",
        "day": 2,
        "time": "19:30",
        "address": "Oudegracht 245",
        "city": "Utrecht",
        "postal_code": "3511nr",
        "country": "NL",
    }
    server.route("/aa.json", json.dumps([same]))
    await run_job(bot, "feed:aa-utrecht")
    assert bundled not in bot.core.holder.catalogue.meetings  # merged into the feed's record

    assert bot.api.sent_to(CHAT)[sent:] == []  # no "your reminder stopped"
    (view,) = await bot.reminders.views(user_key)
    assert view.meeting_id != bundled
    assert bot.core.holder.catalogue.meetings[view.meeting_id].name == "Dinsdaggroep"
    assert view.next_at == datetime(2026, 11, 24, 17, 30, tzinfo=AMS)  # 2 h before Tuesday


async def test_an_admin_sees_each_feeds_health_in_stats(bot, server) -> None:
    server.route("/aa.json", json.dumps(feed_records("19:30")))
    await run_job(bot, "feed:aa-utrecht")
    server.route("/aa.json", status=503)
    await run_job(bot, "feed:aa-utrecht")
    text = (await bot.say(ADMIN, "/stats")).text
    feeds = text[text.index("Feeds\n") :].splitlines()
    assert feeds[1].startswith("aa-utrecht: FAILING, last success 2026-11-23 09:00 UTC")
    assert feeds[1].endswith(", 1 meetings")
    assert feeds[2].endswith("aa-utrecht: the server answered 503")
    assert "Feeds" not in (await bot.say(CHAT, "/stats")).text


async def test_after_thirty_days_without_a_refresh_people_are_told_it_may_be_outdated(
    bot, server
) -> None:
    server.route("/aa.json", json.dumps(feed_records("19:30")))
    await run_job(bot, "feed:aa-utrecht")
    warning = "niet bijgewerkt"
    assert warning not in await results_in_utrecht(bot, CHAT)

    server.route("/aa.json", status=503)
    bot.clock.advance(days=29)
    await run_job(bot, "feed:aa-utrecht")
    assert warning not in await results_in_utrecht(bot, CHAT + 1)
    bot.clock.advance(days=2)  # 31 days since the last good copy
    await run_job(bot, "feed:aa-utrecht")
    results = await results_in_utrecht(bot, CHAT + 2)
    assert "meer dan 30 dagen niet bijgewerkt" in results
    page = await bot.press(CHAT + 2, NAME)
    assert "meer dan 30 dagen niet bijgewerkt" in page.text


async def test_readiness_and_metrics_show_a_feed_going_stale(bot, server) -> None:
    from bot.health import run_checks

    server.route("/aa.json", json.dumps(feed_records("19:30")))
    await run_job(bot, "feed:aa-utrecht")
    checks = {c.name: c for c in await run_checks(bot.health.checks)}
    assert checks["feed aa-utrecht"].ok
    server.route("/aa.json", status=500)
    bot.clock.advance(days=8)
    await run_job(bot, "feed:aa-utrecht")
    checks = {c.name: c for c in await run_checks(bot.health.checks)}
    assert not checks["feed aa-utrecht"].ok
    assert checks["feed aa-utrecht"].detail == "last refreshed 8 days ago"
    text = (await bot.health.metrics.render(bot.health.refresh)).decode()
    assert 'zhw_feed_records{feed="aa-utrecht"} 1.0' in text
    assert f'zhw_feed_age_seconds{{feed="aa-utrecht"}} {8 * 86400:.1f}' in text


async def test_each_feed_is_scheduled_daily_with_a_jitter_and_a_new_one_soon(bot) -> None:
    (job,) = bot.app.job_queue.get_jobs_by_name("feed:aa-utrecht")
    interval = job.job.trigger.interval
    assert timedelta(days=1) <= interval <= timedelta(days=1, minutes=15)
    first_in = job.next_t - datetime.now(job.next_t.tzinfo)
    assert timedelta(seconds=0) < first_in <= timedelta(seconds=60)  # never fetched: soon
