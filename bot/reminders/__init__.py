"""Reminders before a meeting and the "keep coming back" check-in after it.

SQLite is the source of truth (`store`: the ``reminders``, ``outbox`` and ``checkins``
tables); the JobQueue is only the trigger (`trigger`). What is sent when is decided without
I/O in `schedule` (quiet hours, catch-up after downtime, check-in limits) and `planning`
(which occurrence, whether it still stands); `service` carries it out through a `sending.Sender`,
and `channels` holds the senders for Telegram and the terminal; `bot.app` wires them in.

Other modules import what they need from here.
"""

from bot.reminders.channels import TelegramSender, TerminalSender
from bot.reminders.service import ReminderService, StartReport
from bot.reminders.trigger import JobQueueTrigger

__all__ = ["JobQueueTrigger", "ReminderService", "StartReport", "TelegramSender", "TerminalSender"]
