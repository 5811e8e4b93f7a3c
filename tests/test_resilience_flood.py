"""Per-chat flood control, end to end and in memory.

The gate (`bot.flood.FloodGate`) sits in the adapter before the
turn runs: more than 20 updates in 10 seconds from one chat get one "slow down"
(in the chat's language) and the rest is dropped until the rate falls; other
chats are neither slowed down nor affected.
"""

from __future__ import annotations

from conftest import BotHarness

from bot.flood import Admission, FloodGate

FLOODER = 7_860_000_001
OTHER = 7_860_000_002


async def test_a_burst_of_40_gets_one_slow_down_and_another_chat_is_answered_meanwhile(
    bot_app: BotHarness,
) -> None:
    api = bot_app.api
    await bot_app.say(FLOODER, "/taal")
    await bot_app.press(FLOODER, "English")  # the slow-down comes in the chat's language
    start = api.mark()
    burst = [api.send_text(FLOODER, f"hello {n}", language_code="en") for n in range(40)]
    other = api.send_text(OTHER, "/start")
    for update_id in [*burst, other]:
        await bot_app.settle(update_id)

    to_flooder = api.calls_since(start, "sendMessage")
    slow_downs = [c for c in to_flooder if c.chat_id == FLOODER and "Slow down" in c.text]
    answers = [c for c in to_flooder if c.chat_id == FLOODER and c not in slow_downs]
    assert len(slow_downs) == 1
    # 20 updates answered in the window (/taal and the button count too), 1 "slow down",
    # the other 21 of the burst dropped without a word.
    assert len(answers) == 20 - 2
    to_other = [c for c in to_flooder if c.chat_id == OTHER]
    assert "Voor mezelf" in to_other[0].button_labels
    # Not queued behind the flood: the other person's answer came before the flooder's last.
    assert to_other[0].seq < answers[-1].seq


def test_a_calm_chat_is_let_through_again_and_warned_only_once_per_burst() -> None:
    now = [0.0]
    gate = FloodGate(max_updates=20, window_s=10, clock=lambda: now[0])
    verdicts = [gate.admit(FLOODER) for _ in range(40)]
    assert verdicts.count(Admission.WARN) == 1 and verdicts.count(Admission.ADMIT) == 20
    now[0] = 5.0
    assert gate.admit(FLOODER) is Admission.DROP  # still hammering inside the window
    assert gate.admit(OTHER) is Admission.ADMIT
    now[0] = 16.0  # ten seconds of quiet
    assert gate.admit(FLOODER) is Admission.ADMIT
    now[0] = 16.5
    assert [gate.admit(FLOODER) for _ in range(20)][-1] is Admission.WARN  # 21st: warned again


def test_memory_stays_bounded_with_many_chats() -> None:
    """100 new chats a second for ten minutes: the table keeps about the last window's worth."""
    now = [0.0]
    gate = FloodGate(max_updates=20, window_s=10, clock=lambda: now[0])
    for n in range(60_000):
        now[0] = n / 100
        gate.admit(1_000_000_000 + n)
    assert len(gate) <= 1_001  # the chats of the last ten seconds


def test_the_table_is_capped_even_when_all_chats_are_busy() -> None:
    gate = FloodGate(max_updates=20, window_s=10, clock=lambda: 0.0, max_chats=1_000)
    for n in range(5_000):
        gate.admit(n)
    assert len(gate) == 1_000
