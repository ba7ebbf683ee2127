"""Every URL of the console in one place. Pages double as their WebSocket (with Upgrade)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from handover.console import auth_views, conversation_views, queue_views, report_views

SESSION = "{session:[A-Za-z0-9_-]{8,128}}"


def setup_routes(app: web.Application, static_dir: Path) -> None:
    router = app.router
    router.add_get("/", auth_views.index)
    router.add_get("/login", auth_views.login_form)
    router.add_post("/login", auth_views.login_submit)
    router.add_post("/logout", auth_views.logout)

    router.add_get("/queue", queue_views.queue_page)
    router.add_post("/duty", queue_views.duty)
    router.add_post("/queue/next", queue_views.take_next)
    router.add_post(f"/queue/take/{SESSION}", queue_views.take_this)
    router.add_post(f"/queue/take-over/{SESSION}", queue_views.take_over)

    conversation = f"/conversation/{SESSION}"
    router.add_get(conversation, conversation_views.conversation_page)
    router.add_post(f"{conversation}/send", conversation_views.send_text)
    router.add_post(f"{conversation}/canned", conversation_views.send_canned)
    router.add_post(f"{conversation}/resource", conversation_views.send_resource)
    router.add_post(f"{conversation}/emergency", conversation_views.send_emergency)
    router.add_post(f"{conversation}/note", conversation_views.add_note)
    router.add_post(f"{conversation}/transfer", conversation_views.transfer)
    router.add_post(f"{conversation}/return", conversation_views.return_to_bot)
    router.add_post(f"{conversation}/close", conversation_views.close)

    router.add_get("/audit", report_views.audit_page)
    router.add_get("/stats", report_views.stats_page)
    router.add_get("/stats.csv", report_views.stats_csv)

    router.add_static("/static/", static_dir, name="static", append_version=False)
