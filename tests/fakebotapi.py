"""A fake Telegram Bot API server for end-to-end tests.

It speaks HTTP on 127.0.0.1 (a random free port) the way api.telegram.org does:
``POST /bot<token>/<method>`` with a form, multipart or JSON body, answered with
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``.
The real python-telegram-bot ``Application`` talks to it through
``ApplicationBuilder().base_url(server.base_url)``, so the whole HTTP path
(request encoding, rate limiter, retries, error mapping) is exercised.

What a test does with it::

    server = FakeBotAPI(token="123:abc")
    await server.start()
    server.send_text(42, "/start")                       # a user writes
    reply = await server.wait_for("sendMessage", lambda c: c.chat_id == 42)
    assert "Welkom" in reply.text
    server.press_button(42, "who:self")                  # taps a button on the last keyboard
    server.fail_next("sendMessage", Fault.too_many_requests(retry_after=1))
    await server.stop()

Rules it keeps so that tests never sleep blindly:

- Every call the bot makes is recorded as a `Call` (method, parsed params, the
  answer given) *after* it has been answered, and `wait_for` wakes on each new
  record; it raises `AssertionError` listing the recent calls on timeout.
- `getUpdates` long-polls like Telegram: ``offset`` confirms (drops) every
  update with a smaller id, the answer holds updates with ``id >= offset``,
  and an empty queue waits up to ``timeout`` seconds for a push.
- Messages the bot sends are kept per chat (ids shared with the user's own
  messages, as in a private chat), so ``editMessageText`` fails like Telegram
  does for unknown messages and for "message is not modified".
- Faults are queued per method (`fail_next`) and consumed one per call:
  429 with ``retry_after``, 500, 403 blocked, a delayed answer, a dropped
  connection. `block(chat_id)` makes every send to that chat answer 403.
- With a webhook set (``setWebhook``), pushed updates are POSTed to it with the
  ``X-Telegram-Bot-Api-Secret-Token`` header instead of waiting for getUpdates.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.httpserver
import tornado.httputil
import tornado.netutil
import tornado.web

__all__ = ["ApiError", "Call", "FakeBotAPI", "Fault", "Reply", "Upload"]

BOT_ID = 777000111
BOT_USERNAME = "zelfhulpwijzer_test_bot"

# Fields whose form values are JSON documents (python-telegram-bot json-dumps them).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
    }
)
# Fields that stay text even when they look like numbers or booleans.
_TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "title",
        "address",
        "callback_query_id",
        "url",
        "secret_token",
        "language_code",
        "parse_mode",
        "action",
        "inline_message_id",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "description",
        "short_description",
        "name",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
    }
)
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+\.\d*(e-?\d+)?")

# Methods that put a message into a chat, and therefore answer 403 for a blocked chat.
_SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendVenue",
        "sendLocation",
        "sendDocument",
        "sendPhoto",
        "sendChatAction",
        "editMessageText",
        "editMessageReplyMarkup",
        "copyMessage",
        "forwardMessage",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Fault:
    """One injected failure, consumed by one call of the method it was queued for.

    Build it with the named constructors; `kind` is one of ``"status"``
    (answer `status` with `description` and optional `retry_after`),
    ``"delay"`` (answer normally after `delay_s` seconds, so a client with a
    shorter read timeout times out) and ``"drop"`` (close the connection
    without any answer).
    """

    kind: str
    status: int = 200
    description: str = ""
    retry_after: int | None = None
    delay_s: float = 0.0

    @classmethod
    def too_many_requests(cls, retry_after: int = 1) -> Fault:
        """429 as Telegram sends it when a bot is over its limits."""
        return cls(
            "status",
            429,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
        )

    @classmethod
    def server_error(cls) -> Fault:
        """500 Internal Server Error."""
        return cls("status", 500, "Internal Server Error")

    @classmethod
    def bad_gateway(cls) -> Fault:
        """502, which Telegram answers while restarting."""
        return cls("status", 502, "Bad Gateway")

    @classmethod
    def blocked(cls) -> Fault:
        """403: the user blocked the bot."""
        return cls("status", 403, BLOCKED)

    @classmethod
    def bad_request(cls, description: str = "Bad Request: wrong parameters") -> Fault:
        """400 with the given description."""
        return cls("status", 400, description)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, but only after `seconds` (a client timeout in tests)."""
        return cls("delay", delay_s=seconds)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without answering."""
        return cls("drop")


@dataclass(frozen=True)
class Call:
    """One request the bot made, as the server understood and answered it."""

    seq: int
    method: str
    params: dict[str, Any]
    status: int
    result: Any
    at: float  # time.monotonic() when answered
    fault: Fault | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) else None

    @property
    def text(self) -> str:
        """The text, caption or venue title of the call ('' if none)."""
        for key in ("text", "caption", "title"):
            if isinstance(self.params.get(key), str):
                return self.params[key]
        return ""

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    @property
    def inline_buttons(self) -> list[dict[str, Any]]:
        """All inline buttons, row by row flattened ([] if none)."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [button.get("text", "") for button in self.inline_buttons]

    @property
    def keyboard(self) -> list[dict[str, Any]]:
        """Reply keyboard buttons (a ReplyKeyboardMarkup), flattened ([] if none)."""
        markup = self.reply_markup or {}
        rows = markup.get("keyboard", [])
        return [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    @property
    def upload(self) -> Upload | None:
        for value in self.params.values():
            if isinstance(value, Upload):
                return value
        return None


@dataclass
class _Message:
    """A message as the fake server remembers it (bot's or user's)."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    kind: str  # text, venue, location, document, photo, sticker, ...
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Chat:
    chat_id: int
    chat_type: str = "private"
    message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    messages: dict[int, _Message] = field(default_factory=dict)
    reply_keyboard: dict[str, Any] | None = None
    blocked: bool = False


Handler = Callable[["FakeBotAPI", dict[str, Any]], Any]


class FakeBotAPI:
    """The fake server. Start it inside the test's event loop; all helpers are loop-bound."""

    def __init__(self, token: str = "123456:TEST-token-for-fake-api") -> None:
        self.token = token
        self.port = 0
        self.calls: list[Call] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.polls_waiting = 0  # getUpdates calls now waiting for an update
        self._chats: dict[int, _Chat] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._faults: dict[str, deque[tuple[Fault, int | None]]] = defaultdict(deque)
        self._handlers: dict[str, Handler] = {}
        self._changed: asyncio.Condition | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._stopping = False
        self._mark = 0
        self._webhook_queue: asyncio.Queue[dict[str, Any]] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._delayed: set[asyncio.Future[None]] = set()

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """What to give ``ApplicationBuilder().base_url(...)`` (token appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``: what a ``TELEGRAM_API_BASE_URL`` setting would hold."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeBotAPI:
        """Bind a free port on 127.0.0.1 and serve on the running loop."""
        self._changed = asyncio.Condition()
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/([A-Za-z]+)", _MethodHandler, {"api": self}),
                (r"/file/bot([^/]+)/(.+)", _FileHandler),
            ],
            # No access log: request paths hold the bot token, and logs must never.
            log_function=lambda handler: None,
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=60 * 1024 * 1024)
        self._server.add_sockets(sockets)
        self._stopping = False
        return self

    async def stop(self) -> None:
        """Stop serving; wakes every long poll and delayed answer so nothing hangs."""
        self._stopping = True
        for waiter in list(self._delayed):
            if not waiter.done():
                waiter.set_result(None)
        await self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._server is not None:
            self._server.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.close_all_connections(), 2)
            self._server = None

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ what the user does

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (``update_id`` is assigned); returns its id.

        Also moves the `mark` so that `wait_for` by default only looks at calls
        made after this push.
        """
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        self._mark = len(self.calls)
        if self.webhook is not None:
            self._ensure_webhook_sender()
            assert self._webhook_queue is not None
            self._webhook_queue.put_nowait(update)
        else:
            self._updates.append(update)
            self._notify_soon()
        return update_id

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = "nl",
        chat_type: str = "private",
        user_id: int | None = None,
    ) -> int:
        """The user types `text` (a leading ``/word`` becomes a bot_command entity); text
        that is a key of the reply keyboard is that key tapped."""
        keys = (self._chat(chat_id).reply_keyboard or {}).get("keyboard", [])
        if any(key.get("text") == text for row in keys for key in row):
            self._use_one_time_keyboard(chat_id)
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push_message(chat_id, "text", extra, language_code, chat_type, user_id)

    def add_bot_to(
        self, chat_id: int, chat_type: str = "group", *, language_code: str | None = "nl"
    ) -> int:
        """Someone adds the bot to a group, supergroup or channel (a ``my_chat_member`` update)."""
        chat = self._chat(chat_id, chat_type)
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Zelfhulpwijzer"}
        member = {
            "chat": self._chat_json(chat),
            "from": self._user_json(abs(chat_id), language_code, None),
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot},
        }
        return self.push_update({"my_chat_member": member})

    def send_command(self, chat_id: int, command: str, arg: str = "", **kwargs: Any) -> int:
        """``send_command(1, "start", "abc")`` sends ``/start abc``."""
        text = f"/{command.lstrip('/')}" + (f" {arg}" if arg else "")
        return self.send_text(chat_id, text, **kwargs)

    def send_location(self, chat_id: int, lat: float, lon: float, **kwargs: Any) -> int:
        """The user shares a location with the keyboard's location button."""
        self._use_one_time_keyboard(chat_id)
        extra = {"location": {"latitude": lat, "longitude": lon}}
        return self._push_message(chat_id, "location", extra, **self._who(kwargs))

    def _use_one_time_keyboard(self, chat_id: int) -> None:
        """A client hides a ``one_time_keyboard`` once one of its keys is used."""
        chat = self._chat(chat_id)
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None

    def send_sticker(self, chat_id: int, **kwargs: Any) -> int:
        extra = {
            "sticker": {
                "file_id": "sticker-file",
                "file_unique_id": "sticker-unique",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        }
        return self._push_message(chat_id, "sticker", extra, **self._who(kwargs))

    def send_photo(self, chat_id: int, caption: str = "", **kwargs: Any) -> int:
        extra: dict[str, Any] = {
            "photo": [
                {"file_id": "photo-file", "file_unique_id": "photo-u", "width": 90, "height": 90}
            ]
        }
        if caption:
            extra["caption"] = caption
        return self._push_message(chat_id, "photo", extra, **self._who(kwargs))

    def send_voice(self, chat_id: int, **kwargs: Any) -> int:
        extra = {"voice": {"file_id": "voice-file", "file_unique_id": "voice-u", "duration": 3}}
        return self._push_message(chat_id, "voice", extra, **self._who(kwargs))

    def send_contact(self, chat_id: int, phone_number: str = "+31600000000", **kw: Any) -> int:
        extra = {"contact": {"phone_number": phone_number, "first_name": "Iemand"}}
        return self._push_message(chat_id, "contact", extra, **self._who(kw))

    def edit_message(
        self, chat_id: int, message_id: int, text: str, *, language_code: str | None = "nl"
    ) -> int:
        """The user edits one of their earlier messages (an ``edited_message`` update)."""
        chat = self._chat(chat_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()) - 60,
            "edit_date": int(time.time()),
            "chat": self._chat_json(chat),
            "from": self._user_json(chat_id, language_code, None),
            "text": text,
        }
        return self.push_update({"edited_message": message})

    def press_button(
        self,
        chat_id: int,
        callback_data: str,
        message_id: int | None = None,
        *,
        language_code: str | None = "nl",
    ) -> int:
        """The user taps an inline button with `callback_data` on message `message_id`.

        Without `message_id` the bot's latest message with an inline keyboard is
        used. Any id may be given (a stale button from an old message); an id the
        bot never sent still arrives, as Telegram does for old cached messages.
        """
        chat = self._chat(chat_id)
        if message_id is None:
            message_id = self._latest_keyboard_message(chat).message_id
        known = chat.messages.get(message_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": known.date if known else int(time.time()) - 3600,
            "chat": self._chat_json(chat),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Zelfhulpwijzer"},
            "text": known.text if known else "…",
        }
        if known and known.reply_markup:
            message["reply_markup"] = known.reply_markup
        query = {
            "id": f"cq-{next(self._callback_ids)}",
            "from": self._user_json(chat_id, language_code, None),
            "chat_instance": f"ci-{chat_id}",
            "data": callback_data,
            "message": message,
        }
        return self.push_update({"callback_query": query})

    def press(
        self,
        chat_id: int,
        label: str,
        message_id: int | None = None,
        *,
        language_code: str | None = "nl",
    ) -> int:
        """Tap the inline button whose label contains `label` (case-insensitive).

        Looks on message `message_id`, or on the bot's latest message with an
        inline keyboard. Raises `AssertionError` listing the labels if none fits.
        """
        chat = self._chat(chat_id)
        message = (
            chat.messages[message_id]
            if message_id is not None
            else self._latest_keyboard_message(chat)
        )
        buttons = [
            button
            for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for button in row
        ]
        for button in buttons:
            if label.casefold() in button.get("text", "").casefold():
                return self.press_button(
                    chat_id,
                    button["callback_data"],
                    message.message_id,
                    language_code=language_code,
                )
        labels = [button.get("text") for button in buttons]
        raise AssertionError(f"no button with {label!r} on message {message.message_id}: {labels}")

    # ------------------------------------------------------------------ what the test inspects

    def mark(self) -> int:
        """The current position in `calls`; pass it as `since` to look only at later calls."""
        return len(self.calls)

    def calls_since(self, since: int, method: str | None = None) -> list[Call]:
        return [c for c in self.calls[since:] if method is None or c.method == method]

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or c.chat_id == chat_id)
        ]

    def sent_to(self, chat_id: int, since: int = 0) -> list[Call]:
        """Successful calls that put or changed something in this chat, in order."""
        return [
            c
            for c in self.calls[since:]
            if c.chat_id == chat_id and c.ok and c.method in _SEND_METHODS
        ]

    def last_message(self, chat_id: int) -> _Message | None:
        """The bot's latest message in this chat as the user sees it now (after edits)."""
        chat = self._chat(chat_id)
        mine = [m for m in chat.messages.values() if m.from_bot]
        return mine[-1] if mine else None

    def message(self, chat_id: int, message_id: int) -> _Message | None:
        return self._chat(chat_id).messages.get(message_id)

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard the user sees now (None when removed or never sent)."""
        return self._chat(chat_id).reply_keyboard

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int | None = None,
        include_failed: bool = False,
    ) -> Call:
        """The first call of `method` matching `predicate`, waiting for it if needed.

        `since` defaults to the position at the latest `push_update`, so a test
        that pushes and then waits sees the answer to that push. Failed calls
        (faults, 4xx) are skipped unless `include_failed`.
        """
        calls = await self.wait_for_count(
            method,
            1,
            predicate,
            timeout=timeout,
            since=since,
            include_failed=include_failed,
        )
        return calls[0]

    async def wait_for_count(
        self,
        method: str,
        count: int,
        predicate: Callable[[Call], bool] | None = None,
        *,
        timeout: float = 5.0,
        since: int | None = None,
        include_failed: bool = False,
    ) -> list[Call]:
        """Wait until `count` matching calls exist; returns the first `count` of them."""
        assert self._changed is not None, "start() the server first"
        start = self._mark if since is None else since

        def matching() -> list[Call]:
            return [
                c
                for c in self.calls[start:]
                if c.method == method
                and (include_failed or c.ok)
                and (predicate is None or predicate(c))
            ]

        try:
            async with asyncio.timeout(timeout):
                async with self._changed:
                    await self._changed.wait_for(lambda: len(matching()) >= count)
        except TimeoutError:
            recent = [f"{c.method}({c.chat_id}) {c.status} {c.text[:40]!r}" for c in self.calls]
            raise AssertionError(
                f"{method}: wanted {count} matching call(s) within {timeout}s, "
                f"got {len(matching())}; calls since #{start}: {recent[start:][-15:]}"
            ) from None
        return matching()[:count]

    async def wait_until(self, condition: Callable[[], bool], *, timeout: float = 5.0) -> None:
        """Wait until `condition()` holds, re-checked after every recorded call."""
        assert self._changed is not None, "start() the server first"
        try:
            async with asyncio.timeout(timeout):
                async with self._changed:
                    await self._changed.wait_for(condition)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout}s") from None

    # ------------------------------------------------------------------ faults and extensions

    def fail_next(
        self, method: str, fault: Fault, times: int = 1, *, chat_id: int | None = None
    ) -> None:
        """Answer the next `times` calls of `method` (for `chat_id` only, if given) with `fault`."""
        for _ in range(times):
            self._faults[method].append((fault, chat_id))

    def clear_faults(self) -> None:
        self._faults.clear()

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: every send to the chat answers 403."""
        self._chat(chat_id).blocked = blocked

    def on(self, method: str, handler: Handler) -> None:
        """Answer `method` with ``handler(server, params)`` (its return value is the result).

        For methods this fake does not know; raise `ApiError` inside for an error answer.
        """
        self._handlers[method] = handler

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _who(kwargs: dict[str, Any]) -> dict[str, Any]:
        allowed = {"language_code", "chat_type", "user_id"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise TypeError(f"unexpected arguments: {sorted(unknown)}")
        return {"language_code": "nl", "chat_type": "private", "user_id": None, **kwargs}

    def _chat(self, chat_id: int, chat_type: str | None = None) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = _Chat(chat_id, chat_type or ("private" if chat_id > 0 else "group"))
            self._chats[chat_id] = chat
        elif chat_type is not None:
            chat.chat_type = chat_type
        return chat

    @staticmethod
    def _chat_json(chat: _Chat) -> dict[str, Any]:
        if chat.chat_type == "private":
            return {"id": chat.chat_id, "type": "private", "first_name": "Testpersoon"}
        return {"id": chat.chat_id, "type": chat.chat_type, "title": "Een groep"}

    @staticmethod
    def _user_json(chat_id: int, language_code: str | None, user_id: int | None) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id if user_id is not None else abs(chat_id),
            "is_bot": False,
            "first_name": "Testpersoon",
        }
        if language_code:
            user["language_code"] = language_code
        return user

    def _push_message(
        self,
        chat_id: int,
        kind: str,
        extra: dict[str, Any],
        language_code: str | None = "nl",
        chat_type: str = "private",
        user_id: int | None = None,
    ) -> int:
        chat = self._chat(chat_id, chat_type)
        message_id = next(chat.message_ids)
        now = int(time.time())
        chat.messages[message_id] = _Message(
            message_id, chat_id, False, now, kind, str(extra.get("text", ""))
        )
        message = {
            "message_id": message_id,
            "date": now,
            "chat": self._chat_json(chat),
            "from": self._user_json(chat_id, language_code, user_id),
            **extra,
        }
        return self.push_update({"message": message})

    def _latest_keyboard_message(self, chat: _Chat) -> _Message:
        for message in reversed(chat.messages.values()):
            if message.from_bot and (message.reply_markup or {}).get("inline_keyboard"):
                return message
        raise AssertionError(f"the bot sent no message with inline buttons to {chat.chat_id}")

    def _notify_soon(self) -> None:
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        if self._changed is None:
            return
        async with self._changed:
            self._changed.notify_all()

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        for index, (fault, chat_id) in enumerate(queue):
            if chat_id is None or chat_id == params.get("chat_id"):
                del queue[index]
                return fault
        return None

    async def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        result: Any,
        fault: Fault | None = None,
    ) -> None:
        call = Call(next(self._seq), method, params, status, result, time.monotonic(), fault)
        self.calls.append(call)
        await self._notify()

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._delayed.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), seconds)
        finally:
            self._delayed.discard(waiter)

    def _ensure_webhook_sender(self) -> None:
        if self._webhook_queue is None:
            self._webhook_queue = asyncio.Queue()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhooks())

    async def _deliver_webhooks(self) -> None:
        """POST queued updates one by one to the webhook, as Telegram does."""
        assert self._webhook_queue is not None
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                update = await self._webhook_queue.get()
                hook = self.webhook
                if hook is None:
                    self._updates.append(update)
                    continue
                headers = {"Content-Type": "application/json"}
                if hook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                try:
                    response = await client.post(hook["url"], json=update, headers=headers)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                self.webhook_deliveries.append((update["update_id"], status))
                await self._notify()

    # ------------------------------------------------------------------ the Bot API methods

    async def handle(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one method call; raises `ApiError` for an error answer."""
        custom = self._handlers.get(method)
        if custom is not None:
            result = custom(self, params)
            return await result if isinstance(result, Awaitable) else result
        implementation = getattr(self, f"_api_{method}", None)
        if implementation is None:
            raise ApiError(404, "Not Found")
        chat_id = params.get("chat_id")
        if method in _SEND_METHODS and isinstance(chat_id, int):
            chat = self._chat(chat_id)
            if chat.blocked:
                raise ApiError(403, BLOCKED)
        return await implementation(params)

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Zelfhulpwijzer",
            "username": BOT_USERNAME,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout_s = float(params.get("timeout") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        if not self._updates and timeout_s > 0 and not self._stopping:
            assert self._changed is not None
            self.polls_waiting += 1
            await self._notify()
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout_s):
                        async with self._changed:
                            await self._changed.wait_for(
                                lambda: bool(self._updates) or self._stopping
                            )
            finally:
                self.polls_waiting -= 1
        return [u for u in self._updates if u["update_id"] >= offset][:limit]

    def _bot_message(
        self,
        params: dict[str, Any],
        kind: str,
        extra: dict[str, Any],
        text: str = "",
    ) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        chat = self._chat(chat_id)
        message_id = next(chat.message_ids)
        markup = params.get("reply_markup")
        inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        if isinstance(markup, dict):
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        now = int(time.time())
        chat.messages[message_id] = _Message(message_id, chat_id, True, now, kind, text, inline)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": now,
            "chat": self._chat_json(chat),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Zelfhulpwijzer"},
            **extra,
        }
        if inline:
            message["reply_markup"] = inline
        return message

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_markup(params)
        return self._bot_message(params, "text", {"text": text}, text)

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        self._check_markup(params)
        message = self._editable(params)
        if message.text == text and message.reply_markup == markup:
            raise ApiError(400, NOT_MODIFIED)
        message.text = text
        message.reply_markup = markup
        return self._message_json(message)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        markup = params.get("reply_markup")
        message = self._editable(params)
        if message.reply_markup == markup:
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        return self._message_json(message)

    def _editable(self, params: dict[str, Any]) -> _Message:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            raise ApiError(400, "Bad Request: message to edit not found")
        message = self._chat(chat_id).messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        if message.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return message

    def _message_json(self, message: _Message) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "edit_date": int(time.time()),
            "chat": self._chat_json(self._chat(message.chat_id)),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Zelfhulpwijzer"},
            "text": message.text,
        }
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    @staticmethod
    def _check_markup(params: dict[str, Any]) -> None:
        """Reject what Telegram rejects: callback_data over 64 bytes, empty labels."""
        markup = params.get("reply_markup")
        if not isinstance(markup, dict):
            return
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    async def _api_sendVenue(self, params: dict[str, Any]) -> Any:
        for key in ("latitude", "longitude", "title", "address"):
            if params.get(key) in (None, ""):
                raise ApiError(400, f"Bad Request: {key} is empty")
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        venue = {"location": location, "title": params["title"], "address": params["address"]}
        return self._bot_message(params, "venue", {"venue": venue, "location": location})

    async def _api_sendLocation(self, params: dict[str, Any]) -> Any:
        location = {"latitude": params.get("latitude"), "longitude": params.get("longitude")}
        return self._bot_message(params, "location", {"location": location})

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        upload = params.get("document")
        if isinstance(upload, Upload):
            document = {
                "file_id": f"doc-{len(self.calls)}",
                "file_unique_id": f"docu-{len(self.calls)}",
                "file_name": upload.filename,
                "mime_type": upload.mime_type,
                "file_size": len(upload.content),
            }
        elif isinstance(upload, str) and upload:
            document = {"file_id": upload, "file_unique_id": upload}
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = params.get("caption") or ""
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
        return self._bot_message(params, "document", extra, caption)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        photo = {"file_id": f"photo-{len(self.calls)}", "file_unique_id": "p", "width": 1}
        photo["height"] = 1
        return self._bot_message(params, "photo", {"photo": [photo]}, params.get("caption") or "")

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(int(params.get("chat_id") or 0))
        if chat.messages.pop(int(params.get("message_id") or 0), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _api_leaveChat(self, params: dict[str, Any]) -> Any:
        self._chat(int(params.get("chat_id") or 0))
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return (scope_type, params.get("language_code") or "")

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands are invalid")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._command_key(params)] = commands
        return True

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._command_key(params), None)
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._command_key(params), [])

    async def _api_setMyDescription(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url") or ""
        if not url:
            return await self._api_deleteWebhook(params)
        self.webhook = {"url": url, "secret_token": params.get("secret_token") or ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        # Updates that waited for a getUpdates now go to the webhook.
        pending, self._updates = list(self._updates), deque()
        self._ensure_webhook_sender()
        assert self._webhook_queue is not None
        for update in pending:
            self._webhook_queue.put_nowait(update)
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_logOut(self, params: dict[str, Any]) -> Any:
        return True


class ApiError(Exception):
    """An error answer: HTTP `status` with Telegram's `description` (and retry_after)."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def parse_params(request: tornado.httputil.HTTPServerRequest) -> dict[str, Any]:
    """Turn a form, multipart or JSON body (plus query string) into typed params."""
    params: dict[str, Any] = {}
    for key, values in request.query_arguments.items():
        params[key] = _typed(key, values[-1].decode())
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json") and request.body:
        body = json.loads(request.body)
        if isinstance(body, dict):
            params.update(body)
        return params
    for key, values in request.body_arguments.items():
        params[key] = _typed(key, values[-1].decode())
    uploads = {
        name: Upload(files[0].filename, files[0].body, files[0].content_type)
        for name, files in request.files.items()
    }
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name in uploads:
                params[key] = uploads.pop(name)
    params.update(uploads)
    return params


def _typed(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if key in _TEXT_FIELDS:
        return value
    if _INT_RE.fullmatch(value):
        return int(value)
    if _FLOAT_RE.fullmatch(value):
        return float(value)
    if value in ("true", "false"):
        return value == "true"
    return value


class _MethodHandler(tornado.web.RequestHandler):
    """``/bot<token>/<method>``: parse, apply a queued fault, answer, record."""

    api: FakeBotAPI

    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        api = self.api
        if token != api.token:
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params = parse_params(self.request)
        except ValueError:
            self._answer(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
            return
        fault = api._take_fault(method, params)
        if fault is not None and fault.kind == "drop":
            await api._record(method, params, 0, None, fault)
            self.request.connection.stream.close()  # type: ignore[attr-defined]
            self._finished = True
            return
        if fault is not None and fault.kind == "status":
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            await api._record(method, params, fault.status, None, fault)
            self._answer(fault.status, body)
            return
        if fault is not None and fault.kind == "delay":
            await api._sleep_unless_stopped(fault.delay_s)
        try:
            result = await api.handle(method, params)
        except ApiError as error:
            body = {"ok": False, "error_code": error.status, "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            await api._record(method, params, error.status, None, fault)
            self._answer(error.status, body)
            return
        await api._record(method, params, 200, result, fault)
        self._answer(200, {"ok": True, "result": result})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        if self.request.connection.stream.closed():  # type: ignore[attr-defined]
            self._finished = True
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def log_exception(self, *args: Any) -> None:  # keep pytest output readable
        return None


class _FileHandler(tornado.web.RequestHandler):
    async def get(self, token: str, path: str) -> None:
        self.set_status(404)
        self.finish({"ok": False, "error_code": 404, "description": "Not Found"})


class Reply:
    """The calls the bot made in answer to one update, with what a person would read.

    ``reply = Reply(server.calls_since(mark))``; `texts` are the messages'
    texts in order (new messages and edits alike), `buttons` the labels of the
    last inline keyboard shown, `venue`/`document` the map pin or file sent.
    """

    def __init__(self, calls: list[Call]) -> None:
        calls = [c for c in calls if c.method != "getUpdates"]
        self.calls = [c for c in calls if c.ok]
        self.failed = [c for c in calls if not c.ok]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def screens(self) -> list[Call]:
        """sendMessage and editMessageText calls, without the keyboard remover (``…``)."""
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "editMessageText") and c.text != "…"
        ]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.screens]

    @property
    def text(self) -> str:
        """All texts joined by blank lines (for `in` checks)."""
        return "\n\n".join(self.texts)

    @property
    def last(self) -> Call:
        screens = self.screens
        assert screens, f"no message in the reply: {[c.method for c in self.calls]}"
        return screens[-1]

    @property
    def buttons(self) -> list[str]:
        """Labels of the last inline keyboard in this reply ([] if none)."""
        for call in reversed(self.screens):
            if call.inline_buttons:
                return call.button_labels
        return []

    @property
    def keyboard(self) -> list[dict[str, Any]]:
        """The reply keyboard sent in this reply (location request etc.), [] if none."""
        for call in reversed(self.screens):
            if call.keyboard:
                return call.keyboard
        return []

    @property
    def venue(self) -> Call | None:
        venues = self.of("sendVenue")
        return venues[-1] if venues else None

    @property
    def document(self) -> Upload | None:
        documents = self.of("sendDocument")
        return documents[-1].upload if documents else None

    @property
    def answered_queries(self) -> int:
        return len(self.of("answerCallbackQuery"))

    def __repr__(self) -> str:
        return f"Reply({[(c.method, c.text[:60]) for c in self.calls]})"
