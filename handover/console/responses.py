"""How an action answers: JSON for the page's scripts, a redirect or a short page without them."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from handover.console.security import current_login, wants_json


def done(request: web.Request, then: str, **data: Any) -> web.Response:
    if wants_json(request):
        return web.json_response({"ok": True, "url": then, **data})
    raise web.HTTPSeeOther(then)


def refuse(request: web.Request, status: int, message: str) -> web.Response:
    if wants_json(request):
        return web.json_response({"ok": False, "error": message}, status=status)
    return aiohttp_jinja2.render_template(
        "error.html", request,
        {"status": status, "message": message, "login": current_login(request)},
        status=status,
    )
