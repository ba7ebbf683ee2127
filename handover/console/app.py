"""The console app: ``create_app(settings, redis=None)``, in the aio-libs demos' style.

Redis (when not given), the services and the background tasks open and close in
``cleanup_ctx``; open sockets are closed on shutdown. Routes are in routes.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
import redis.asyncio as aioredis
from aiohttp import web
from redis.asyncio import Redis

from handover.config import HandoverConfig
from handover.console.background import background_tasks
from handover.console.hub import Hub
from handover.console.keys import HUB, SERVICES, SETTINGS
from handover.console.labels import load_labels
from handover.console.logins import Login
from handover.console.responses import refuse
from handover.console.routes import setup_routes
from handover.console.security import Handler, authentication, is_websocket, security_headers
from handover.console.services import build_services
from handover.console.settings import ConsoleSettings
from handover.console.views import short

HERE: Final = Path(__file__).parent
LOCAL_TIME: Final = ZoneInfo("Europe/Stockholm")


def clock_time(epoch: float | None, with_date: bool = False) -> str:
    if epoch is None:
        return ""
    moment = datetime.fromtimestamp(epoch, LOCAL_TIME)
    return moment.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


FILTERS: Final[dict[str, Callable[..., str]]] = {"clock": clock_time, "short": short}


async def _find_login(request: web.Request, cookie: str) -> Login | None:
    return await request.app[SERVICES].logins.find(cookie)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as a short Swedish page (or JSON for the scripts), never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or is_websocket(request):
            raise
        response = refuse(request, error.status, request.app[SERVICES].labels.error(error.status))
        if "Retry-After" in error.headers:
            response.headers["Retry-After"] = error.headers["Retry-After"]
        return response


def create_app(
    settings: ConsoleSettings,
    redis: Redis | None = None,
    *,
    handover_config: HandoverConfig | None = None,
) -> web.Application:
    app = web.Application(
        middlewares=[
            security_headers(settings),
            error_pages,
            authentication(settings, _find_login),
        ],
        client_max_size=64 * 1024,
    )
    app[SETTINGS] = settings
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        filters=FILTERS,
    )
    env.globals["labels"] = load_labels()
    setup_routes(app, HERE / "static")

    async def services(app: web.Application) -> AsyncIterator[None]:
        client = redis or aioredis.from_url(settings.redis_url, decode_responses=True)
        app[SERVICES] = build_services(settings, client, handover_config)
        app[HUB] = Hub(app[SERVICES])
        yield
        if redis is None:
            await client.aclose()

    async def close_sockets(app: web.Application) -> None:
        await app[HUB].shutdown()

    app.cleanup_ctx.append(services)
    app.cleanup_ctx.append(background_tasks(HUB))
    app.on_shutdown.append(close_sockets)
    return app
