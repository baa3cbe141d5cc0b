"""The two ceilings modstream is measured against: bytes in, the same bytes out, nothing else.

``raw``: a bare aiokafka consume -> produce loop in a consumer group, acks=all, offsets committed
once a second after the batch's sends are acknowledged (at-least-once, like the worker).
``faust``: one faust agent on an app built by ``streams.app.create_app`` from the same settings
as the worker (same consumer tuning, fetch-wait override, acks, commit interval).

Both read ``prompts.submitted`` and write ``moderation.decisions`` under the settings' prefix,
keeping the key, so the benchmark driver times them exactly as it times the worker.
Run: ``MODSTREAM_BROKER=... MODSTREAM_TOPIC_PREFIX=... python -m ops.bench.passthrough raw|faust``.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ops.settings import Settings
from streams import topics

IN, OUT = topics.PROMPTS_SUBMITTED.name, topics.MODERATION_DECISIONS.name


async def raw_loop(settings: Settings, stop: asyncio.Event) -> None:
    session_ms = int(settings.session_timeout * 1000)
    consumer = AIOKafkaConsumer(
        settings.topic(IN), bootstrap_servers=settings.bootstrap, group_id=settings.app_id,
        enable_auto_commit=False, auto_offset_reset="earliest", session_timeout_ms=session_ms,
        heartbeat_interval_ms=int(settings.heartbeat_interval_s * 1000), rebalance_timeout_ms=session_ms,
        request_timeout_ms=max(30_000, 2 * session_ms), fetch_max_wait_ms=settings.fetch_max_wait,
        client_id="modstream-bench-raw",
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, acks="all", linger_ms=0,
                                client_id="modstream-bench-raw")
    await producer.start()
    await consumer.start()
    out = settings.topic(OUT)
    last_commit = time.monotonic()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100, max_records=1000)
            futures = [await producer.send(out, r.value, key=r.key) for records in batches.values() for r in records]
            if futures:
                await asyncio.gather(*futures)
            if time.monotonic() - last_commit >= settings.commit_interval_s:
                await consumer.commit()
                last_commit = time.monotonic()
    finally:
        await consumer.stop()
        await producer.stop()


def run_raw(settings: Settings) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await raw_loop(settings, stop)

    asyncio.run(main())


def run_faust(settings: Settings) -> None:
    import faust

    from streams.app import create_app

    app = create_app(settings)
    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw",
           "partitions": settings.partitions}
    source, sink = app.topic(settings.topic(IN), **raw), app.topic(settings.topic(OUT), **raw)

    @app.agent(source, name="passthrough")
    async def passthrough(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await sink.send(key=event.key, value=event.value)

    faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True, override_logging=True).execute_from_commandline()


def main(argv: list[str]) -> None:
    kind = argv[1] if len(argv) > 1 else ""
    runners = {"raw": run_raw, "faust": run_faust}
    if kind not in runners:
        raise SystemExit(f"usage: python -m ops.bench.passthrough {{{'|'.join(runners)}}}")
    sys.argv = sys.argv[:1]  # faust's worker parses the command line
    runners[kind](Settings())


if __name__ == "__main__":
    main(sys.argv)
