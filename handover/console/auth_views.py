"""Logging in and out. A failed login says the same whatever was wrong (name or password)."""

from __future__ import annotations

import secrets

import aiohttp_jinja2
from aiohttp import web

from handover.console.accounts import Role
from handover.console.keys import SERVICES
from handover.console.security import (
    current_login,
    login_cookie,
    prelogin_cookie,
    require,
    set_cookie,
)

HOME: dict[Role, str] = {"staff": "/queue", "supervisor": "/queue", "coordinator": "/stats"}
FORM_TOKEN_SECONDS = 3600
MAX_FIELD = 200


async def index(request: web.Request) -> web.StreamResponse:
    login = require(request)
    raise web.HTTPSeeOther(HOME[login.role])


def _login_page(
    request: web.Request, *, error: str | None = None, status: int = 200, staff_name: str = ""
) -> web.Response:
    settings = request.app[SERVICES].settings
    token = secrets.token_urlsafe(32)
    response = aiohttp_jinja2.render_template(
        "login.html", request,
        {"csrf": token, "error": error, "staff_name": staff_name, "login": None},
        status=status,
    )
    set_cookie(response, settings, prelogin_cookie(settings), token, max_age=FORM_TOKEN_SECONDS)
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    login = current_login(request)
    if login is not None:
        raise web.HTTPSeeOther(HOME[login.role])
    return _login_page(request)


async def login_submit(request: web.Request) -> web.StreamResponse:
    services = request.app[SERVICES]
    form = await request.post()
    staff_name = str(form.get("staff_name", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    verdict = await services.guard.attempt(staff_name, request.remote or "unknown")
    if verdict.status != "ok":
        minutes = max(1, round(verdict.retry_after / 60))
        key = "login_locked" if verdict.status == "locked" else "login_throttled"
        message = services.labels.message(key, minutes=minutes)
        response = _login_page(request, error=message, status=429, staff_name=staff_name)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    account = await services.accounts.verify(staff_name, password)
    if account is None:
        failed = await services.guard.failed(staff_name)
        message = services.labels.message("login_failed")
        if failed.status == "locked":
            message += " " + services.labels.message("login_locked_now")
        return _login_page(request, error=message, status=401, staff_name=staff_name)
    await services.guard.succeeded(staff_name)
    cookie, login = await services.logins.start(account)
    response = web.HTTPSeeOther(HOME[login.role])
    set_cookie(response, services.settings, login_cookie(services.settings), cookie)
    response.del_cookie(prelogin_cookie(services.settings), path="/")
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """Logging out is going off duty: conversations still held go back to the queue at once
    rather than after the lease."""
    services = request.app[SERVICES]
    login = require(request)
    if login.role != "coordinator":
        await services.presence.off_duty(login.staff_name)
    await services.logins.end(login.key, login.staff_name)
    response = web.HTTPSeeOther("/login")
    response.del_cookie(login_cookie(services.settings), path="/")
    raise response
