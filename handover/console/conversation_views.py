"""A conversation a social worker holds: the page and its live socket, and everything they
can do in it — write, send a canned reply, a resource card or the emergency info, keep private
notes, transfer it, hand the person back to the bot, close it.

Only the holder may act: the queue's scripts refuse anyone else (409), whatever the page says.
"""

from __future__ import annotations

import asyncio
import re
from typing import Final

import aiohttp_jinja2
import structlog
from aiohttp import WSMsgType, web
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from handover.console.hub import Hub, Page
from handover.console.keys import HUB, SERVICES
from handover.console.logins import Login
from handover.console.notes import MAX_NOTE_CHARS, Note
from handover.console.responses import done, refuse
from handover.console.security import check_origin, require
from handover.console.views import (
    CANNED_KEYS,
    View,
    canned_choices,
    message_view,
    resource_choices,
    resource_ids,
    ticket_view,
)
from handover.queue import LiveConversation
from handover.relay import StaffKind
from handover.tasks import finish

log = structlog.get_logger("handover.console")

ROLES: Final = ("staff", "supervisor")
MAX_MESSAGE_CHARS: Final = 4000
FOLLOW_BLOCK_MS: Final = 1000  # below the Redis client's socket timeout (see background.py)
STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


async def held(request: web.Request, login: Login) -> LiveConversation | None:
    """This conversation, if this social worker holds it now."""
    session = request.match_info["session"]
    for conversation in await request.app[SERVICES].queue.live():
        if conversation.ticket.session == session and conversation.staff == login.staff_name:
            return conversation
    return None


def note_view(note: Note) -> View:
    return {"staff": note.staff, "at": note.at, "text": note.text}


async def conversation_page(request: web.Request) -> web.StreamResponse:
    """GET /conversation/<session>: the page, or (with Upgrade) its live socket."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=4096)
    upgrade = ws.can_prepare(request).ok
    if upgrade:
        check_origin(request, services.settings)
    conversation = await held(request, login)
    if conversation is None:
        return refuse(request, 409, services.labels.error(409))
    if upgrade:
        return await _conversation_socket(request, ws, login, conversation)
    ticket = conversation.ticket
    session, language = ticket.session, ticket.language
    history = await services.relay.history(session)
    colleagues = await services.presence.on_duty_staff()
    return aiohttp_jinja2.render_template("conversation.html", request, {
        "login": login,
        "page": "conversation",
        "ticket": ticket_view(ticket, services.labels, conversation),
        "messages": [message_view(m, services.labels, services.resources, language)
                     for m in history],
        "last_id": history[-1].stream_id if history else "0",
        "notes": [note_view(n) for n in await services.notes.list(session)],
        "canned": canned_choices(services.catalog, language),
        "canned_fallback": language not in services.catalog.languages,
        "resources": resource_choices(services.resources),
        "colleagues": sorted(c for c in colleagues if c != login.staff_name),
        "max_message": MAX_MESSAGE_CHARS,
        "max_note": MAX_NOTE_CHARS,
    })


async def _conversation_socket(
    request: web.Request, ws: web.WebSocketResponse, login: Login,
    conversation: LiveConversation,
) -> web.WebSocketResponse:
    hub = request.app[HUB]
    after = request.query.get("after", "0")
    await ws.prepare(request)
    page = Page(ws, login, conversation.ticket.session)
    hub.open(page)
    follower = asyncio.create_task(
        _follow(hub, page, conversation.ticket.language,
                after if STREAM_ID.fullmatch(after) else "0"),
        name="console-follow",
    )
    try:
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break  # the page only listens; what it sends goes through the POST actions
    finally:
        # First, as aiohttp may cancel this handler when the browser's connection drops.
        hub.close(page)
        # The follower stops by itself once the socket is closed (it checks between reads);
        # cancelling it mid-read is unreliable (handover/tasks.py).
        await ws.close()
        await finish([follower], grace=FOLLOW_BLOCK_MS / 1000 + 1.0)
    return ws


async def _follow(hub: Hub, page: Page, language: str, after: str) -> None:
    """Both sides of the conversation onto the page as they arrive, after the page's last."""
    services = hub.services
    session = page.session
    assert session is not None
    last = after
    while not page.ws.closed:
        try:
            batch = await services.relay.follow({session: last}, FOLLOW_BLOCK_MS)
        except RedisTimeoutError:
            continue
        except RedisError as error:
            log.warning("conversation_follow_failed", error=type(error).__name__)
            await asyncio.sleep(1.0)
            continue
        for _session, message in batch:
            last = message.stream_id
            view = message_view(message, services.labels, services.resources, language)
            await hub.send(page, {"type": "message", "message": view})


# --- what the holder can do (POST /conversation/<session>/<action>) ---


async def _form(request: web.Request, name: str) -> str:
    value = (await request.post()).get(name, "")
    return value if isinstance(value, str) else ""


async def _to_person(
    request: web.Request, login: Login, text: str, kind: StaffKind, message_id: str | None = None
) -> web.StreamResponse:
    services = request.app[SERVICES]
    session = request.match_info["session"]
    sent = await services.relay.from_staff(session, login.staff_name, text, kind,
                                           message_id=message_id)
    if sent is None:
        return refuse(request, 409, services.labels.error(409))
    return done(request, f"/conversation/{session}", message_id=sent)


async def send_text(request: web.Request) -> web.StreamResponse:
    """send: text, and the page's own message_id so a retry never reaches the person twice."""
    login = require(request, *ROLES)
    labels = request.app[SERVICES].labels
    text = (await _form(request, "text")).strip()
    if not text:
        return refuse(request, 400, labels.message("empty_message"))
    if len(text) > MAX_MESSAGE_CHARS:
        return refuse(request, 400, labels.message("too_long", limit=MAX_MESSAGE_CHARS))
    message_id = await _form(request, "message_id")
    return await _to_person(request, login, text, "text",
                            message_id if MESSAGE_ID.fullmatch(message_id) else None)


async def send_canned(request: web.Request) -> web.StreamResponse:
    """canned: one of the ready replies, written out in the person's language."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    key = await _form(request, "key")
    conversation = await held(request, login)
    if conversation is None:
        return refuse(request, 409, services.labels.error(409))
    if key not in CANNED_KEYS:
        return refuse(request, 400, services.labels.message("unknown_choice"))
    text = services.catalog.text(conversation.ticket.language, key)
    return await _to_person(request, login, text, "text")


async def send_resource(request: web.Request) -> web.StreamResponse:
    """resource: a helpline or local contact card; the bot writes it out itself."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    resource = await _form(request, "resource")
    if resource not in resource_ids(services.resources):
        return refuse(request, 400, services.labels.message("unknown_choice"))
    return await _to_person(request, login, resource, "resource_card")


async def send_emergency(request: web.Request) -> web.StreamResponse:
    """emergency: the bot's own emergency text (112 first) in the person's language."""
    login = require(request, *ROLES)
    return await _to_person(request, login, "", "emergency_info")


async def add_note(request: web.Request) -> web.StreamResponse:
    """note: private, never sent; gone when the conversation ends."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    text = (await _form(request, "text")).strip()
    if not text:
        return refuse(request, 400, services.labels.message("empty_message"))
    if len(text) > MAX_NOTE_CHARS:
        return refuse(request, 400, services.labels.message("too_long", limit=MAX_NOTE_CHARS))
    conversation = await held(request, login)
    if conversation is None:
        return refuse(request, 409, services.labels.error(409))
    session = conversation.ticket.session
    note = await services.notes.add(session, login.staff_name, text)
    hub = request.app[HUB]
    for page in list(hub.pages):
        if page.session == session:
            await hub.send(page, {"type": "note", "note": note_view(note)})
    return done(request, f"/conversation/{session}")


async def transfer(request: web.Request) -> web.StreamResponse:
    """transfer: to a colleague on duty; the person is told a new social worker joined."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    colleague = await _form(request, "to")
    session = request.match_info["session"]
    if colleague == login.staff_name or colleague not in await services.presence.on_duty_staff():
        return refuse(request, 409, services.labels.message("transfer_failed"))
    if not await services.queue.transfer(session, login.staff_name, colleague):
        return refuse(request, 409, services.labels.error(409))
    return done(request, "/queue")


async def return_to_bot(request: web.Request) -> web.StreamResponse:
    """return: the person goes back to the bot; the handover and its notes are deleted."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    session = request.match_info["session"]
    if not await services.queue.return_to_bot(session, login.staff_name):
        return refuse(request, 409, services.labels.error(409))
    await services.notes.forget(session)
    return done(request, "/queue")


async def close(request: web.Request) -> web.StreamResponse:
    """close: the person gets the closing text; every key of the conversation is deleted."""
    login = require(request, *ROLES)
    services = request.app[SERVICES]
    session = request.match_info["session"]
    if not await services.queue.close(session, login.staff_name):
        return refuse(request, 409, services.labels.error(409))
    await services.notes.forget(session)
    return done(request, "/queue")
