"""The web chat: a page at /chat, its WebSocket, and an embeddable snippet for the
municipality's site. Same core as Telegram: every message goes through bot.pipeline.

Anonymous by construction: no login, no cookies, no third-party requests, no access log (so
no IP address is written anywhere). The page keeps a random token in sessionStorage only;
the server keys the conversation by the token's HMAC.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, cast

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import WSMsgType, web
from redis.exceptions import RedisError

from bot.core import Core
from bot.webchat.outbox import WebOutbox, as_client_message
from flows.model import Incoming, MessageKind
from flows.session import web_transcript_key
from handover.tasks import finish
from nlu.types import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

log = structlog.get_logger("bot.webchat")

HERE = Path(__file__).parent
CORE = web.AppKey("core", Core)
SOCKETS = web.AppKey("sockets", set[web.WebSocketResponse])
EXIT_URL = web.AppKey("exit_url", str)

TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
MAX_FRAME_BYTES = 256 * 1024
BUTTON = re.compile(r"[a-z_]{1,20}:[a-z_0-9]{1,32}")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
)


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    ancestors = " ".join(["'self'", *request.app[CORE].settings.webchat_allowed_origins])
    response.headers["Content-Security-Policy"] = CSP.format(ancestors=ancestors)
    # Nothing of this conversation should be kept by the browser or leak to another site.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    return response


def page_texts(core: Core) -> dict[str, dict[str, Any]]:
    keys = ("web.title", "web.quick_exit", "web.quick_exit_note", "web.placeholder", "web.send",
            "web.connecting", "web.reconnecting", "web.language")
    texts: dict[str, dict[str, Any]] = {}
    for lang in core.catalog.languages:
        meta = core.catalog.meta(lang)
        labels = {key.removeprefix("web."): core.catalog.text(lang, key) for key in keys}
        texts[lang] = {"name": meta.name, "rtl": meta.rtl, **labels}
    return texts


def preferred_language(request: web.Request) -> str:
    asked = request.query.get("lang", "")
    if asked in SUPPORTED_LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in ("hr", "sr"):
            code = "bs"
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


async def chat_page(request: web.Request) -> web.Response:
    core = request.app[CORE]
    lang = preferred_language(request)
    texts = page_texts(core)
    return aiohttp_jinja2.render_template(
        "chat.html",
        request,
        {
            "lang": lang,
            "dir": "rtl" if texts[lang]["rtl"] else "ltr",
            "t": texts[lang],
            "texts": texts,
            # "</" escaped so no text can ever close the script element it is embedded in.
            "texts_json": json.dumps(texts, ensure_ascii=False).replace("</", "<\\/"),
            "exit_url": request.app[EXIT_URL],
        },
    )


def origin_allowed(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    own = f"{request.scheme}://{request.host}"
    return origin == own or origin in request.app[CORE].settings.webchat_allowed_origins


async def chat_socket(request: web.Request) -> web.WebSocketResponse:
    if not origin_allowed(request):
        raise web.HTTPForbidden(text="origin not allowed")
    core = request.app[CORE]
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_FRAME_BYTES)
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    try:
        hello = await ws.receive_json(timeout=15)
        token = str(hello.get("token", ""))
        if not TOKEN.fullmatch(token):
            await ws.close(code=4400, message=b"bad token")
            return ws
    except (TypeError, ValueError, AttributeError, TimeoutError):
        await ws.close(code=4400, message=b"expected hello")
        return ws

    session = core.anonymizer.pseudonym("web", token)
    hint = str(hello.get("lang", ""))[:2] or None
    last_id = str(hello.get("last_id") or "0-0")
    if not re.fullmatch(r"\d+-\d+", last_id):
        last_id = "0-0"
    conversation = WebConversation(core, ws, session, hint)
    follower = asyncio.create_task(conversation.follow(last_id))
    try:
        if last_id == "0-0" and not await conversation.has_history():
            await conversation.handle("start")
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await conversation.receive(frame.data)
            elif frame.type == WSMsgType.BINARY:
                await conversation.handle("media")
    finally:
        # First, as aiohttp may cancel this handler when the browser's connection drops.
        request.app[SOCKETS].discard(ws)
        # The follower ends by itself once the socket is closed (it checks between reads);
        # cancelling it mid-read is unreliable (handover/tasks.py).
        await ws.close()
        await finish([follower], grace=2.0)
    return ws


class WebConversation:
    """One open page: reads what the person sends, follows the transcript to the page."""

    def __init__(self, core: Core, ws: web.WebSocketResponse, session: str, hint: str | None) -> None:
        self.core = core
        self.ws = ws
        self.session = session
        self.hint = hint if hint in SUPPORTED_LANGUAGES else None
        self.outbox = WebOutbox(core.redis, session, core.settings.session_ttl_seconds)
        self.outbox.on_redis_down = self._direct

    async def _direct(self, message: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_json({**message, "id": None})

    async def has_history(self) -> bool:
        try:
            return bool(await self.core.redis.exists(web_transcript_key(self.session)))
        except RedisError:
            return False

    async def receive(self, raw: str) -> None:
        try:
            data = json.loads(raw)
            kind = str(data["type"])
        except (ValueError, KeyError, TypeError):
            await self.handle("empty")  # a broken frame is answered, never fatal
            return
        if kind == "text":
            text = data.get("text")
            if not isinstance(text, str):
                await self.handle("empty")
                return
            self.outbox.mine(text[: self.core.settings.max_message_chars])
            await self.handle("text", text=text)
            await self.outbox.flush()
        elif kind == "button" and isinstance(data.get("payload"), str) and BUTTON.fullmatch(data["payload"]):
            await self.handle("button", button=data["payload"])
        elif kind in ("help", "language", "human", "exit"):
            await self.handle(kind)  # type: ignore[arg-type]  # checked against the four just above
        else:
            await self.handle("empty")

    async def handle(self, kind: MessageKind, text: str = "", button: str | None = None) -> None:
        message = Incoming(session=self.session, kind=kind, channel="web", text=text, button=button,
                           language_hint=self.hint)
        await self.core.pipeline.handle(message, self.outbox)
        if kind == "exit":
            await self.ws.send_json({"id": None, "role": "system", "kind": "exited"})

    async def follow(self, last_id: str) -> None:
        """Push every transcript entry after last_id to the page, as it arrives."""
        key = web_transcript_key(self.session)
        while not self.ws.closed:
            try:
                # Short blocks: a blocking read must stay within the client's socket timeout.
                batches = cast(
                    list[tuple[str, list[tuple[str, dict[str, str]]]]],
                    await self.core.redis.xread({key: last_id}, count=100, block=1000),
                )
            except RedisError:
                await asyncio.sleep(1.0)
                continue
            for _stream, entries in batches or []:
                for entry_id, fields in entries:
                    last_id = entry_id
                    if not self.ws.closed:
                        await self.ws.send_json(as_client_message(entry_id, fields))


async def quick_exit_beacon(request: web.Request) -> web.Response:
    """navigator.sendBeacon target: wipes the session even if the socket is already gone."""
    if request.headers.get("Origin") and not origin_allowed(request):
        raise web.HTTPForbidden()
    token = (await request.text())[:200].strip()
    if TOKEN.fullmatch(token):
        core = request.app[CORE]
        session = core.anonymizer.pseudonym("web", token)
        message = Incoming(session=session, kind="exit", channel="web")
        await core.pipeline.handle(message, WebOutbox(core.redis, session, core.settings.session_ttl_seconds))
    return web.Response(status=204)


async def to_chat(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/chat")


async def close_sockets(app: web.Application) -> AsyncIterator[None]:
    yield
    sockets = app[SOCKETS]
    for ws in [*sockets]:
        await ws.close(code=1001, message=b"server shutdown")


def create_app(core: Core, exit_url: str = "https://www.google.com/") -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=MAX_FRAME_BYTES)
    app[CORE] = core
    sockets: set[web.WebSocketResponse] = set()
    app[SOCKETS] = sockets
    app[EXIT_URL] = exit_url
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.router.add_get("/", to_chat)
    app.router.add_get("/chat", chat_page)
    app.router.add_get("/chat/ws", chat_socket)
    app.router.add_post("/chat/exit", quick_exit_beacon)
    app.router.add_static("/chat/static", HERE / "static")
    app.cleanup_ctx.append(close_sockets)
    return app


async def serve_webchat(
    core: Core, stop: asyncio.Event, extend: Callable[[web.Application], None] | None = None
) -> None:
    """Serve the web chat (and, with `extend`, e.g. Telegram's webhook) until `stop` is set."""
    settings = core.settings
    app = create_app(core, settings.webchat_exit_url)
    if extend is not None:
        extend(app)
    # access_log=None: an access log would write every visitor's IP address.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webchat_host, settings.webchat_port)
    await site.start()
    log.info("webchat_listening", url=f"http://{settings.webchat_host}:{settings.webchat_port}/chat")
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
