"""The supervisor's audit page and the coordinator's statistics (page and CSV).

The audit shows who did what with which pseudonym (short form) and when; never content.
Statistics show only sums of daily counters, and every count from 1 to 4 as "< 5" — in the
tables, in the charts' bar lengths and in the CSV — so no one person can be picked out.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Final, get_args
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from handover.console.keys import SERVICES
from handover.console.labels import Labels
from handover.console.security import require
from handover.console.views import View, short
from handover.stats import SMALL_COUNT, WAIT_BUCKETS, WAIT_LONGEST, Period, StatsRow, shown, to_csv
from nlu.types import DANGER_CATEGORIES, SUPPORTED_LANGUAGES, DangerLevel

LOCAL_ZONE: Final = "Europe/Stockholm"
DEFAULT_SPAN: Final[dict[str, int]] = {"day": 14, "week": 12 * 7, "month": 365, "year": 2 * 365}
LONGEST_SPAN: Final = 800  # days; the daily counters are not kept longer
TABLE_FIELDS: Final = (
    "conversations", "handovers", "young", "children_affected", "handover_refused_no_staff",
    "handover_ended_no_staff", "wait_count",
)


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _range(request: web.Request, today: date, span_days: int) -> tuple[date, date]:
    end = _day(request.query.get("to"), today)
    start = _day(request.query.get("from"), end - timedelta(days=span_days - 1))
    if start > end:
        start, end = end, start
    return max(start, end - timedelta(days=LONGEST_SPAN)), end


# --- audit ---


async def audit_page(request: web.Request) -> web.StreamResponse:
    login = require(request, "supervisor")
    services = request.app[SERVICES]
    start, end = _range(request, services.stats.today(), 7)
    local = ZoneInfo(LOCAL_ZONE)
    entries = await services.audit.entries(
        datetime.combine(start, time.min, local).timestamp(),
        datetime.combine(end + timedelta(days=1), time.min, local).timestamp(),
    )
    rows = [
        {
            "at": entry.at,
            "staff": entry.staff,
            "action": services.labels.audit_actions.get(entry.action, entry.action),
            "short": short(entry.session),
            "to": entry.to_staff or "",
        }
        for entry in reversed(entries)
    ]
    return aiohttp_jinja2.render_template("audit.html", request, {
        "login": login, "page": "audit", "rows": rows,
        "start": start.isoformat(), "end": end.isoformat(),
        "retention_days": services.settings.audit_retention_days,
    })


# --- statistics ---


def _period(request: web.Request) -> Period:
    asked = request.query.get("period", "day")
    return asked if asked in get_args(Period) else "day"  # type: ignore[return-value]


async def _rows(request: web.Request) -> tuple[Period, date, date, list[StatsRow]]:
    stats = request.app[SERVICES].stats
    period = _period(request)
    start, end = _range(request, stats.today(), DEFAULT_SPAN[period])
    return period, start, end, await stats.rows(start, end, period)


def bars(items: list[tuple[str, int]]) -> list[View]:
    """Bars whose length gives away no small count: 1–4 all get the same short stub."""
    largest = max((count for _label, count in items), default=0)
    scale = max(largest, SMALL_COUNT)
    return [
        {
            "label": label,
            "shown": shown(count),
            "small": 0 < count < SMALL_COUNT,
            "width": 0 if count == 0 else round(100 * max(count, SMALL_COUNT - 1) / scale),
        }
        for label, count in items
    ]


def charts(rows: list[StatsRow], labels: Labels) -> list[View]:
    total: Counter[str] = Counter()
    for row in rows:
        total.update(row.counts)
    waits = [*(name for _bound, name in WAIT_BUCKETS), WAIT_LONGEST]
    return [
        {"title": labels.stats["conversations"],
         "bars": bars([(row.period, row.counts.get("conversations", 0)) for row in rows])},
        {"title": labels.stats["handovers"],
         "bars": bars([(row.period, row.counts.get("handovers", 0)) for row in rows])},
        {"title": labels.charts["languages"],
         "bars": bars([(labels.languages[c], total[f"lang:{c}"]) for c in SUPPORTED_LANGUAGES])},
        {"title": labels.charts["levels"],
         "bars": bars([(labels.levels[level.label], total[f"level:{level.label}"])
                       for level in DangerLevel if level > DangerLevel.NONE])},
        {"title": labels.charts["categories"],
         "bars": bars([(labels.categories[c], total[f"danger:{c}"]) for c in DANGER_CATEGORIES])},
        {"title": labels.charts["waits"],
         "bars": bars([(labels.wait_buckets[name], total[name]) for name in waits])},
    ]


def table(rows: list[StatsRow]) -> list[View]:
    out = []
    for row in rows:
        mean = row.wait_mean_minutes()
        enough = row.counts.get("wait_count", 0) >= SMALL_COUNT
        out.append({
            "period": row.period,
            "cells": [shown(row.counts.get(name, 0)) for name in TABLE_FIELDS],
            "wait_mean": f"{mean:.1f}" if mean is not None and enough else "–",
        })
    return out


async def stats_page(request: web.Request) -> web.StreamResponse:
    login = require(request, "coordinator")
    labels = request.app[SERVICES].labels
    period, start, end, rows = await _rows(request)
    return aiohttp_jinja2.render_template("stats.html", request, {
        "login": login, "page": "stats", "period": period,
        "start": start.isoformat(), "end": end.isoformat(),
        "columns": [labels.stats[name] for name in (*TABLE_FIELDS, "wait_mean_minutes")],
        "table": table(rows),
        "charts": charts(rows, labels),
        "small": SMALL_COUNT,
    })


async def stats_csv(request: web.Request) -> web.StreamResponse:
    require(request, "coordinator")
    period, start, end, rows = await _rows(request)
    name = f"tryggchatt-statistik-{period}-{start.isoformat()}-{end.isoformat()}.csv"
    return web.Response(
        text=to_csv(rows),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
