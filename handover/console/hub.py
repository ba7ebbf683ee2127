"""The open console pages of this instance and what they are told live.

Each page holds one WebSocket: the queue page (``/queue``) or a conversation page
(``/conversation/<session>``). Only a socket's own handler reads from it; the background tasks
(handover/console/background.py) write to it through ``Hub``:

- the queue's events stream → a fresh queue view for every queue page, an alert for everyone on
  duty when an acute ticket waits, the danger rising mid-chat for whoever holds it, and "ended"
  when a conversation left a social worker's hands (closed, transferred, lease lapsed, ...);
- the keep-alive tick → presence heartbeats and lease renewals for staff with a page open, and
  closing the pages of logins that ended or were revoked.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiohttp import web

from handover.console.logins import Login
from handover.console.services import Services
from handover.console.views import View, short, ticket_view
from handover.events import Event
from handover.queue import LiveConversation
from handover.ticket import Ticket
from nlu.types import DangerLevel

log = structlog.get_logger("handover.console")

# Events after which a queue page shows a new view (all but the console's own bookkeeping).
QUEUE_EVENTS = frozenset({
    "queue_changed", "alert", "claimed", "released", "closed", "no_staff", "transferred",
    "on_duty", "off_duty",
})
CLOSE_REVOKED = 4401


@dataclass
class Page:
    ws: web.WebSocketResponse
    login: Login
    session: str | None = None
    """The conversation shown; None on the queue page."""


@dataclass(frozen=True)
class QueueSnapshot:
    waiting: list[Ticket]
    live: list[LiveConversation]
    on_duty: list[str]

    def find(self, session: str) -> tuple[Ticket, LiveConversation | None] | None:
        for ticket in self.waiting:
            if ticket.session == session:
                return ticket, None
        for conversation in self.live:
            if conversation.ticket.session == session:
                return conversation.ticket, conversation
        return None


@dataclass
class Hub:
    services: Services
    pages: list[Page] = field(default_factory=list)

    def open(self, page: Page) -> None:
        self.pages.append(page)

    def close(self, page: Page) -> None:
        with contextlib.suppress(ValueError):
            self.pages.remove(page)

    async def send(self, page: Page, payload: dict[str, Any]) -> None:
        if page.ws.closed:
            return
        # A page that went away between the check and the write is simply skipped.
        with contextlib.suppress(ConnectionError, RuntimeError):
            await page.ws.send_json(payload)

    async def shutdown(self) -> None:
        """Close every page at once (each waits a moment for the browser's reply)."""
        await asyncio.gather(
            *(page.ws.close(code=1001, message=b"console shutting down") for page in self.pages),
            return_exceptions=True,
        )

    # --- the queue view ---

    async def snapshot(self) -> QueueSnapshot:
        queue = self.services.queue
        return QueueSnapshot(
            waiting=await queue.waiting(),
            live=await queue.live(),
            on_duty=await queue.presence.on_duty_staff(),
        )

    def queue_state(self, snapshot: QueueSnapshot, login: Login) -> View:
        labels = self.services.labels
        supervisor = login.role == "supervisor"
        return {
            "type": "state",
            "me": login.staff_name,
            "on_duty": login.staff_name in snapshot.on_duty,
            "colleagues": sorted(snapshot.on_duty),
            "waiting": [ticket_view(t, labels) for t in snapshot.waiting],
            "live": [
                ticket_view(c.ticket, labels, c)
                for c in snapshot.live
                if supervisor or c.staff == login.staff_name
            ],
            "acute_waiting": sum(t.level is DangerLevel.ACUTE for t in snapshot.waiting),
        }

    async def push_queue_state(self, snapshot: QueueSnapshot) -> None:
        for page in list(self.pages):
            if page.session is None:
                await self.send(page, self.queue_state(snapshot, page.login))

    # --- events ---

    async def dispatch(self, events: list[Event]) -> None:
        snapshot = await self.snapshot() if any(e.type in QUEUE_EVENTS for e in events) else None
        for event in events:
            await self._on_event(event, snapshot)
        if snapshot is not None:
            await self.push_queue_state(snapshot)
            for page in list(self.pages):
                if page.session is not None:
                    await self.send(page, {"type": "colleagues", "on_duty": snapshot.on_duty})

    async def _on_event(self, event: Event, snapshot: QueueSnapshot | None) -> None:
        fields, session = event.fields, event.session
        if event.type == "alert" and session and snapshot is not None:
            await self._alert(session, snapshot)
        elif event.type in ("closed", "no_staff") and session:
            await self.services.notes.forget(session)
            reason = fields.get("reason", "no_staff")
            await self._ended(session, None, reason)
        elif event.type == "released" and session:
            await self._ended(session, fields.get("staff"), fields.get("reason", "lease_expired"))
        elif event.type == "transferred" and session:
            reason = fields.get("reason", "transfer")
            await self._ended(session, fields.get("from"), reason, to=fields.get("to", ""))
            if snapshot is not None:
                await self._assigned(session, fields.get("to", ""), snapshot)

    async def _ended(
        self, session: str, staff: str | None, reason: str, *, to: str = ""
    ) -> None:
        """Tell the pages showing this conversation (of ``staff``, or all) it left their hands."""
        labels = self.services.labels
        template = labels.ended.get(reason, labels.ended["closed"])
        message = {"type": "ended", "reason": reason, "text": template.format(to=to)}
        for page in list(self.pages):
            if page.session == session and (staff is None or page.login.staff_name == staff):
                await self.send(page, message)

    async def _assigned(self, session: str, staff: str, snapshot: QueueSnapshot) -> None:
        """A colleague handed a conversation to ``staff``: their pages offer to open it."""
        found = snapshot.find(session)
        if found is None:
            return
        view = ticket_view(found[0], self.services.labels, found[1])
        for page in list(self.pages):
            if page.login.staff_name == staff:
                await self.send(page, {"type": "assigned", "ticket": view})

    async def _alert(self, session: str, snapshot: QueueSnapshot) -> None:
        """Acute and waiting: everyone on duty. With staff: the holder (and supervisors if
        acute) see the danger rise in the open conversation at once."""
        found = snapshot.find(session)
        if found is None:
            return
        ticket, live = found
        view = ticket_view(ticket, self.services.labels, live)
        acute = ticket.level is DangerLevel.ACUTE
        for page in list(self.pages):
            name = page.login.staff_name
            if live is None:
                wanted = acute and name in snapshot.on_duty
            else:
                wanted = name == live.staff or (
                    acute and page.login.role == "supervisor" and name in snapshot.on_duty
                )
            if wanted:
                await self.send(page, {
                    "type": "alert", "ticket": view, "short": short(session),
                    "mine": live is not None and name == live.staff,
                })

    # --- the keep-alive tick ---

    async def keep_alive(self) -> None:
        """Heartbeat and renew for staff with a page open here; close pages of ended logins."""
        services = self.services
        checked: dict[str, bool] = {}
        for page in list(self.pages):
            key = page.login.key
            if key not in checked:
                checked[key] = await services.logins.touch(page.login)
            if not checked[key]:
                await page.ws.close(code=CLOSE_REVOKED, message=b"logged out")
                self.close(page)
        staff = {page.login.staff_name for page in self.pages}
        for name in sorted(staff):
            await services.presence.heartbeat(name)
        for conversation in await services.queue.live():
            if conversation.staff in staff:
                session = conversation.ticket.session
                await services.queue.renew(conversation.staff, session)
                await services.notes.keep(session)
