"""The core every channel shares, built once per process from the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import redis.asyncio as aioredis

from bot.anonymize import Anonymizer
from bot.pipeline import Pipeline
from bot.settings import BotSettings
from flows.content import Catalog, load_catalog
from flows.engine import FlowEngine
from flows.resources import Resources, load_resources
from flows.session import SessionStore
from handover.bridge import RedisHandover
from nlu.client import RasaClient
from nlu.danger import load_lexicons
from nlu.language import warm_up


@dataclass
class Core:
    settings: BotSettings
    redis: aioredis.Redis
    anonymizer: Anonymizer
    catalog: Catalog
    resources: Resources
    store: SessionStore
    handover: RedisHandover
    rasa: RasaClient
    engine: FlowEngine
    pipeline: Pipeline


@asynccontextmanager
async def open_core(settings: BotSettings) -> AsyncIterator[Core]:
    # Fail at start-up, with the file and key named, rather than mid-conversation.
    resources = load_resources()
    catalog = load_catalog(resources=resources)
    load_lexicons()
    warm_up()  # load the language detectors now, not inside someone's first message
    # Short socket timeouts: a Redis outage must turn into the offline path quickly.
    redis = aioredis.from_url(
        settings.redis_url, decode_responses=True, socket_timeout=1.5, socket_connect_timeout=1.0
    )
    assert settings.reply_key is not None
    anonymizer = Anonymizer(settings.session_key(), settings.reply_key.get_secret_value().encode())
    store = SessionStore(redis, settings.session_ttl_seconds)
    handover = RedisHandover(redis, store, session_ttl=settings.session_ttl_seconds)
    rasa = RasaClient(
        settings.rasa_url, timeout=settings.rasa_timeout_seconds, min_confidence=settings.rasa_min_confidence
    )
    engine = FlowEngine(catalog, resources, store, handover, handover.stats)
    pipeline = Pipeline(
        engine,
        rasa,
        session_ttl=settings.session_ttl_seconds,
        max_chars=settings.max_message_chars,
        flood_limit=settings.flood_messages_per_minute,
    )
    try:
        yield Core(settings, redis, anonymizer, catalog, resources, store, handover, rasa, engine, pipeline)
    finally:
        await rasa.close()
        await redis.aclose()
