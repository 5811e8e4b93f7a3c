"""Per-chat flood control: a burst gets one "slow down", the rest is dropped, others go on.

Pure: no I/O, no Telegram, and the clock (monotonic seconds) is injected, so a
test can replay any arrival pattern::

    now = [0.0]
    gate = FloodGate(max_updates=3, window_s=10, clock=lambda: now[0])
    assert [gate.admit(1) for _ in range(5)] == ["admit"] * 3 + ["warn", "drop"]
    assert gate.admit(2) == "admit"          # another chat is not slowed down
    now[0] = 10.5
    assert gate.admit(1) == "admit"          # ten quiet seconds later: welcome back

Why every arrival counts, dropped ones too: someone who keeps hammering stays
dropped until they pause, and gets no second "slow down" for the same burst.

Memory is bounded twice over: per chat only the last ``max_updates + 1``
arrival times are kept (enough to decide), and chats quiet for a whole window
are forgotten, oldest first, on every call (a dict in order of last arrival),
so the table holds only chats seen in the last `window_s` seconds, at most
`max_chats`. Nothing is written anywhere; the key is whatever the adapter
passes (the chat id, which lives in the process's memory anyway).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import StrEnum

from locales import N_

__all__ = ["SLOW_DOWN", "Admission", "FloodGate"]

SLOW_DOWN = N_(
    "Rustig aan, ik kan je even niet bijhouden. Wacht een paar seconden en probeer het dan opnieuw."
)


class Admission(StrEnum):
    """What the flood gate says about one update."""

    ADMIT = "admit"
    WARN = "warn"  # the first update over the limit: answer "slow down" once
    DROP = "drop"


@dataclass(slots=True)
class _Chat:
    arrivals: deque[float]
    warned: bool = False


@dataclass(slots=True)
class FloodGate:
    """At most `max_updates` updates per chat in any `window_s` seconds."""

    max_updates: int = 20
    window_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    max_chats: int = 100_000
    _chats: OrderedDict[Hashable, _Chat] = field(default_factory=OrderedDict)

    def admit(self, key: Hashable) -> Admission:
        """Count one arrival from this chat now and say what to do with it."""
        now_s = self.clock()
        self._forget_quiet(now_s)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(deque(maxlen=self.max_updates + 1))
        else:
            self._chats.move_to_end(key)
        arrivals = chat.arrivals
        while arrivals and arrivals[0] <= now_s - self.window_s:
            arrivals.popleft()
        arrivals.append(now_s)
        if len(arrivals) <= self.max_updates:
            chat.warned = False
            return Admission.ADMIT
        if chat.warned:
            return Admission.DROP
        chat.warned = True
        return Admission.WARN

    def __len__(self) -> int:
        """How many chats the gate remembers now."""
        return len(self._chats)

    def _forget_quiet(self, now_s: float) -> None:
        """Drop chats whose last arrival left the window, oldest first; cap the table."""
        while self._chats:
            oldest = next(iter(self._chats.values()))
            if oldest.arrivals[-1] > now_s - self.window_s and len(self._chats) < self.max_chats:
                return
            self._chats.popitem(last=False)
