"""The typed keys under which the app keeps its parts (set in app.create_app)."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from handover.console.hub import Hub
from handover.console.services import Services
from handover.console.settings import ConsoleSettings

SERVICES: Final = web.AppKey("services", Services)
HUB: Final = web.AppKey("hub", Hub)
SETTINGS: Final = web.AppKey("settings", ConsoleSettings)
