"""Updates read one by one, so that one update python-telegram-bot cannot read harms no one.

PTB reads a whole ``getUpdates`` batch at once (`Update.de_list`). One update it cannot read
(the case found: a poll whose options lack ``persistent_id``, as an older self-hosted Bot API
server sends it) failed the whole batch: the offset never moved on, the same batch was fetched
about 345 times a second, nobody else was answered, and each failure was logged with the raw
batch, other people's texts and first names included. PTB's webhook handler answers such an
update with a 400 (after logging it raw too), and Telegram sends it again.

`TolerantBot` reads each update on its own (`TolerantBot.read`). One that fails is logged by its
id and the error's type only, counted (`TolerantBot.unreadable`) and skipped: polling confirms
it with the next offset, the webhook (`TolerantWebhookHandler`) answers 200.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.ext import ExtBot
from telegram.ext._utils.webhookhandler import TelegramHandler

__all__ = ["TolerantBot", "TolerantWebhookHandler", "use_tolerant_webhook"]

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[Any]):
    """PTB's bot, but ``getUpdates`` reads each update on its own and skips what it cannot."""

    __slots__ = ("_skipped_through", "unreadable")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.unreadable = 0
            """How many updates could not be read and were skipped (for operators and tests)."""
            self._skipped_through = 0

    def read(self, data: object) -> Update | None:
        """One update from its JSON; None (logged by id and error type, counted) if unreadable."""
        try:
            return Update.de_json(data, self)  # type: ignore[arg-type]
        except Exception as error:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            with self._unfrozen():
                self.unreadable += 1
                if isinstance(update_id, int):
                    self._skipped_through = max(self._skipped_through, update_id)
            # Grouped digits: an update id is a counter, not a chat id the log filter hides.
            shown = f"{update_id:_}" if isinstance(update_id, int) else "without id"
            log.warning("skipped update %s that could not be read: %s", shown, type(error).__name__)
            return None

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """As PTB's, but each update is read on its own; the offset passes skipped ones.

        The updater confirms what it got by asking from the last update it was given plus
        one. A skipped update at the end of a batch was never given to it, so the offset
        is moved past it here, and Telegram forgets it with the next call.
        """
        if self._skipped_through and (offset is None or offset <= self._skipped_through):
            offset = self._skipped_through + 1
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As PTB: a long poll may take its timeout on top of the read timeout.
        given = not isinstance(read_timeout, DefaultValue)
        base = read_timeout if given else self._request[0].read_timeout
        poll_s = timeout.total_seconds() if hasattr(timeout, "total_seconds") else timeout or 0
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=(base or 0) + poll_s,  # type: ignore[operator]
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        updates = []
        for raw in result or ():
            update = self.read(raw)
            if update is not None:
                self.insert_callback_data(update)
                updates.append(update)
        return tuple(updates)


class TolerantWebhookHandler(TelegramHandler):
    """PTB's webhook handler, reading the update with `TolerantBot.read`: an unreadable one
    is answered 200 (Telegram would only send it again) and never logged raw."""

    async def post(self) -> None:
        self._validate_post()
        try:
            data = json.loads(self.request.body.decode())
        except ValueError as error:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        self.set_status(HTTPStatus.OK)
        read = getattr(self.bot, "read", None)
        update = read(data) if read is not None else Update.de_json(data, self.bot)
        if update is None:
            return
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        await self.update_queue.put(update)


def use_tolerant_webhook(updater: Any) -> bool:
    """Serve the started webhook with `TolerantWebhookHandler` (False: PTB internals changed).

    PTB builds its tornado application with its own handler class and no option for
    another, so the class is swapped in the application's one routing rule.
    """
    app = getattr(
        getattr(getattr(updater, "_httpd", None), "_http_server", None), "request_callback", None
    )
    rules = getattr(getattr(app, "wildcard_router", None), "rules", None)
    if not rules or getattr(rules[0], "target", None) is not TelegramHandler:
        log.warning("could not make the webhook skip unreadable updates (PTB internals changed)")
        return False
    rules[0].target = TolerantWebhookHandler
    return True
