"""The queue page (and its socket), going on and off duty, and taking a conversation."""

from __future__ import annotations

from typing import Final

import aiohttp_jinja2
from aiohttp import WSMsgType, web

from handover.console.hub import Page
from handover.console.keys import HUB, SERVICES
from handover.console.logins import Login
from handover.console.responses import done, refuse
from handover.console.security import check_origin, require

ON_DUTY_ROLES: Final = ("staff", "supervisor")
SOCKET_HEARTBEAT: Final = 20.0
MAX_FRAME: Final = 4096


async def queue_page(request: web.Request) -> web.StreamResponse:
    """GET /queue: the page, or (with Upgrade) its socket of live queue views and alerts."""
    login = require(request, *ON_DUTY_ROLES)
    ws = web.WebSocketResponse(heartbeat=SOCKET_HEARTBEAT, max_msg_size=MAX_FRAME)
    if ws.can_prepare(request).ok:
        check_origin(request, request.app[SERVICES].settings)
        return await _queue_socket(request, ws, login)
    hub = request.app[HUB]
    state = hub.queue_state(await hub.snapshot(), login)
    return aiohttp_jinja2.render_template(
        "queue.html", request, {"login": login, "state": state, "page": "queue"}
    )


async def _queue_socket(
    request: web.Request, ws: web.WebSocketResponse, login: Login
) -> web.WebSocketResponse:
    hub = request.app[HUB]
    await ws.prepare(request)
    page = Page(ws, login)
    hub.open(page)  # before the first view, so no event falls between the two
    try:
        await hub.send(page, hub.queue_state(await hub.snapshot(), login))
        async for message in ws:
            if message.type == WSMsgType.ERROR:
                break  # the page only listens; anything it sends is ignored
    finally:
        hub.close(page)
    return ws


async def duty(request: web.Request) -> web.StreamResponse:
    """POST /duty (on=1|0). Going off duty hands conversations still held back to the queue."""
    login = require(request, *ON_DUTY_ROLES)
    presence = request.app[SERVICES].presence
    going_on = (await request.post()).get("on") == "1"
    if going_on:
        await presence.on_duty(login.staff_name)
    else:
        await presence.off_duty(login.staff_name)
    return done(request, "/queue", on_duty=going_on)


async def _not_on_duty(request: web.Request, login: Login) -> bool:
    staff = await request.app[SERVICES].presence.on_duty_staff()
    return login.staff_name not in staff


async def take_next(request: web.Request) -> web.StreamResponse:
    """POST /queue/next: the most urgent waiting person, now this social worker's."""
    login = require(request, *ON_DUTY_ROLES)
    services = request.app[SERVICES]
    ticket = await services.queue.claim_next(login.staff_name)
    if ticket is None:
        key = "not_on_duty" if await _not_on_duty(request, login) else "queue_empty"
        return refuse(request, 409, services.labels.message(key))
    return done(request, f"/conversation/{ticket.session}")


async def take_this(request: web.Request) -> web.StreamResponse:
    """POST /queue/take/<session>: this waiting person (someone else may have been quicker)."""
    login = require(request, *ON_DUTY_ROLES)
    return await _claim(request, login, take_over=False)


async def take_over(request: web.Request) -> web.StreamResponse:
    """POST /queue/take-over/<session>: a supervisor takes a conversation from a colleague.
    Holding a conversation means being on duty, so this puts the supervisor on duty."""
    login = require(request, "supervisor")
    if await _not_on_duty(request, login):
        await request.app[SERVICES].presence.on_duty(login.staff_name)
    return await _claim(request, login, take_over=True)


async def _claim(request: web.Request, login: Login, *, take_over: bool) -> web.StreamResponse:
    services = request.app[SERVICES]
    session = request.match_info["session"]
    ticket = await services.queue.claim(login.staff_name, session, take_over=take_over)
    if ticket is not None:
        return done(request, f"/conversation/{ticket.session}")
    if await _not_on_duty(request, login):
        key = "not_on_duty"
    else:
        key = "gone" if await services.queue.state(session) is None else "taken"
    return refuse(request, 409, services.labels.message(key))
