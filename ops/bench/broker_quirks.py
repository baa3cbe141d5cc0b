"""Measure the embedded Tansu broker's quirks against the pinned clients; prints one table.

Run: ``.venv/bin/python -m ops.bench.broker_quirks [--quick]`` (about 2 minutes; ``--quick``
skips the 30 s session-timeout join). Every section starts its own broker and stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiokafka
import faust
import kafka
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ops.bench import faust_fetch_wait
from ops.broker import EmbeddedBroker
from ops.kafka_admin import TopicSpec, create_topics, describe

Row = tuple[str, str, str]  # check, setting, measured
RNG = random.Random(20261125)
STEP = 10.0  # bound on any single client call, seconds
BROKER_PID = [0]  # pid of the section's broker, for CPU readings


def _uid(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:6]}"


def _ms(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms (n={len(samples)})"


async def _bounded(aw: Awaitable[Any], limit: float = STEP) -> Any:
    return await asyncio.wait_for(aw, limit)


async def _aio_join(
    bs: str, topic: str, session_ms: int, group: str | None = None, rebalance_ms: int | None = None
) -> tuple[AIOKafkaConsumer, float]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bs, group_id=group or _uid("g"), session_timeout_ms=session_ms,
        rebalance_timeout_ms=rebalance_ms,
        heartbeat_interval_ms=min(1000, session_ms // 3), request_timeout_ms=session_ms + 10_000,
        enable_auto_commit=False, auto_offset_reset="earliest",
    )
    t0 = time.monotonic()
    try:
        await _bounded(consumer.start(), session_ms / 1000 + STEP)  # start() waits for the first assignment
    except BaseException:
        await consumer.stop()
        raise
    while not consumer.assignment():
        if time.monotonic() - t0 > session_ms / 1000 + STEP:
            raise TimeoutError(f"no assignment after {time.monotonic() - t0:.1f}s")
        await asyncio.sleep(0.01)
    return consumer, time.monotonic() - t0


async def join_times(bs: str, quick: bool) -> list[Row]:
    """(a) group join time: Tansu completes a join only after about session_timeout / 2."""
    create_topics(bs, [TopicSpec("join", 2)])
    rows = []
    for session_s in (2, 6, 10) if quick else (2, 6, 10, 30):
        consumer, took = await _aio_join(bs, "join", session_s * 1000)
        await consumer.stop()
        rows.append(("a. join, aiokafka", f"session_timeout {session_s} s", f"{took:.2f} s"))
    for session_s, rebalance_s in ((6, 20), (10, 2)):
        consumer, took = await _aio_join(bs, "join", session_s * 1000, rebalance_ms=rebalance_s * 1000)
        await consumer.stop()
        rows.append(("a. join, aiokafka", f"session {session_s} s, rebalance_timeout {rebalance_s} s", f"{took:.2f} s"))
    group = _uid("g")
    first, _ = await _aio_join(bs, "join", 6000, group)
    second, took = await _aio_join(bs, "join", 6000, group)
    rows.append(("a. 2nd member joins group", "session_timeout 6 s", f"{took:.2f} s"))
    await second.stop()
    await first.stop()
    kp_joins = [await asyncio.to_thread(_kp_join, bs) for _ in range(3)]
    rows.append(("a. join, kafka-python, 3 runs", "session_timeout 6 s", " / ".join(f"{t:.2f} s" for t in kp_joins)))
    return rows


def _kp_join(bs: str) -> float:
    consumer = kafka.KafkaConsumer(
        "join", bootstrap_servers=bs, group_id=_uid("g"), session_timeout_ms=6000, heartbeat_interval_ms=1000
    )
    t0 = time.monotonic()
    while not consumer.assignment() and time.monotonic() - t0 < 6 + STEP:
        consumer.poll(timeout_ms=50)
    took = time.monotonic() - t0
    consumer.close()
    return took


async def _aio_latency(
    bs: str, tps: list[TopicPartition], targets: list[TopicPartition], wait_ms: int, n: int = 10
) -> tuple[list[float], list[float]]:
    """Latencies, and delay + latency: constant at about wait_ms when the broker holds each fetch to its deadline."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bs, fetch_max_wait_ms=wait_ms, enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=bs, acks=1)
    await _bounded(consumer.start())
    await _bounded(producer.start())
    consumer.assign(tps)
    await _bounded(consumer.seek_to_end(*tps))
    await asyncio.sleep(0.3)
    samples, held = [], []
    try:
        for i in range(n):
            delay = RNG.uniform(0, wait_ms / 1000)  # land at a random point of the fetch in flight
            await asyncio.sleep(delay)
            target = targets[i % len(targets)]
            t0 = time.monotonic()
            await _bounded(producer.send_and_wait(target.topic, b"x", partition=target.partition))
            await _bounded(consumer.getone())
            samples.append((time.monotonic() - t0) * 1000)
            held.append(samples[-1] + delay * 1000)
    finally:
        await producer.stop()
        await consumer.stop()
    return samples, held


async def _faust_latency(bs: str, fetch_wait_ms: int | None, topic: str, n: int = 10) -> tuple[float, list[float]]:
    """Produce -> agent latency of a real faust worker; ``fetch_wait_ms=None`` is stock faust (1500 ms)."""
    app_class = faust.App if fetch_wait_ms is None else faust_fetch_wait.App
    app = app_class(
        _uid("bench"), broker=f"kafka://{bs}", store="memory://", web_enabled=False, topic_allow_declare=False,
        topic_disable_leader=True, broker_session_timeout=6, broker_heartbeat_interval=1,
        broker_rebalance_timeout=6, broker_request_timeout=10,
    )
    if fetch_wait_ms is not None:
        app.fetch_max_wait_ms = fetch_wait_ms
    arrived: asyncio.Queue[float] = asyncio.Queue()

    @app.agent(app.topic(topic, value_serializer="raw"))
    async def record(stream: Any) -> None:
        async for _ in stream:
            arrived.put_nowait(time.monotonic())

    t0 = time.monotonic()
    await _bounded(app.start())
    producer = AIOKafkaProducer(bootstrap_servers=bs, acks=1)
    samples = []
    try:
        while not app.consumer.assignment():
            if time.monotonic() - t0 > STEP:
                raise TimeoutError("faust worker got no assignment")
            await asyncio.sleep(0.05)
        ready = time.monotonic() - t0
        await _bounded(producer.start())
        await asyncio.sleep(1)
        for i in range(n):
            await asyncio.sleep(RNG.uniform(0, 1.5))
            sent = time.monotonic()
            await _bounded(producer.send_and_wait(topic, b"x", partition=i % 4))
            samples.append((await _bounded(arrived.get()) - sent) * 1000)
    finally:
        await producer.stop()
        await app.stop()
    return ready, samples


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def _idle_cost(bs: str, tps: list[TopicPartition], wait_ms: int, seconds: float = 5.0) -> str:
    """Fetch requests and CPU (broker, this process) while one consumer polls empty partitions."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bs, fetch_max_wait_ms=wait_ms, enable_auto_commit=False)
    await _bounded(consumer.start())
    consumer.assign(tps)
    await _bounded(consumer.seek_to_end(*tps))
    await asyncio.sleep(0.5)
    fetcher, sent = consumer._fetcher, 0
    original = fetcher._proc_fetch_request

    async def counted(*args: Any) -> Any:
        nonlocal sent
        sent += 1
        return await original(*args)

    fetcher._proc_fetch_request = counted
    broker_cpu, own_cpu, t0 = _cpu_seconds(BROKER_PID[0]), time.process_time(), time.monotonic()
    await consumer.getmany(timeout_ms=int(seconds * 1000))
    elapsed = time.monotonic() - t0
    broker_cpu, own_cpu = _cpu_seconds(BROKER_PID[0]) - broker_cpu, time.process_time() - own_cpu
    await consumer.stop()
    return (f"{sent / elapsed:.0f} fetches/s; CPU broker {100 * broker_cpu / elapsed:.1f}%, "
            f"client {100 * own_cpu / elapsed:.1f}%")


async def fetch_latency(bs: str, quick: bool) -> list[Row]:
    """(b) produce -> consume latency: does the broker hold a fetch for the full fetch_max_wait_ms?"""
    create_topics(bs, [TopicSpec("lat", 4)] + [TopicSpec(f"flat-{w}", 4) for w in ("stock", 100, 10)])
    four = [TopicPartition("lat", p) for p in range(4)]
    modes = [("1 assigned", four[:1], four[:1]), ("4 assigned, send to 1", four, four[2:3]),
             ("4 assigned, round-robin", four, four)]
    rows = []
    for wait_ms in (1500, 100, 10):
        for label, tps, targets in modes:
            samples, held = await _aio_latency(bs, tps, targets, wait_ms)
            extra = f"; delay+latency p50 {statistics.median(held):.0f} ms" if wait_ms == 1500 else ""
            rows.append((f"b. latency, aiokafka, {label}", f"fetch_max_wait_ms {wait_ms}", _ms(samples) + extra))
    for wait in (None, 100, 10):
        ready, samples = await _faust_latency(bs, wait, f"flat-{wait or 'stock'}")
        label = "stock faust (1500)" if wait is None else f"override {wait}"
        rows.append(("b. latency, faust worker, round-robin", f"fetch wait {label}", _ms(samples)))
    for wait_ms in (1500, 100, 10):
        rows.append(("b. idle cost, 1 consumer on 4 partitions", f"fetch_max_wait_ms {wait_ms}",
                     await _idle_cost(bs, four, wait_ms)))
    rows.append(("a. faust start -> assigned", "broker_session_timeout 6 s", f"{ready:.2f} s"))
    return rows


async def _try_aio_producer(bs: str, topic: str, **config: Any) -> str:
    producer = AIOKafkaProducer(bootstrap_servers=bs, request_timeout_ms=5000, **config)
    try:
        await _bounded(producer.start())
        if "transactional_id" in config:
            async with producer.transaction():
                await _bounded(producer.send_and_wait(topic, b"x", partition=0))
        else:
            await _bounded(producer.send_and_wait(topic, b"x", partition=0))
        return "works"
    except Exception as exc:  # noqa: BLE001 - the bench reports whatever the client raises
        return f"FAILS: {type(exc).__name__} {exc}"
    finally:
        await producer.stop()


def _try_kp_producer(bs: str, topic: str, **config: Any) -> str:
    producer = kafka.KafkaProducer(bootstrap_servers=bs, max_block_ms=5000, request_timeout_ms=5000, **config)
    try:
        if "transactional_id" in config:
            producer.init_transactions()
            producer.begin_transaction()
            producer.send(topic, b"x", partition=0).get(timeout=STEP)
            producer.commit_transaction()
        else:
            producer.send(topic, b"x", partition=0).get(timeout=STEP)
        return "works"
    except Exception as exc:  # noqa: BLE001
        return f"FAILS: {type(exc).__name__} {exc}"
    finally:
        producer.close(timeout=2)


async def idempotence(bs: str, quick: bool) -> list[Row]:
    """(c) idempotent and transactional producers (InitProducerId)."""
    create_topics(bs, [TopicSpec("idem", 1)])
    cases: list[tuple[str, str, Callable[[], Awaitable[str]]]] = [
        ("aiokafka", "enable_idempotence=True", lambda: _try_aio_producer(bs, "idem", enable_idempotence=True)),
        ("aiokafka", "transactional_id set", lambda: _try_aio_producer(bs, "idem", transactional_id=_uid("tx"))),
        ("aiokafka", "acks='all'", lambda: _try_aio_producer(bs, "idem", acks="all")),
        ("kafka-python", "defaults (idempotent)", lambda: asyncio.to_thread(_try_kp_producer, bs, "idem")),
        ("kafka-python", "transactional_id set",
         lambda: asyncio.to_thread(_try_kp_producer, bs, "idem", transactional_id=_uid("tx"))),
    ]
    return [(f"c. producer, {client}", setting, await run()) for client, setting, run in cases]


async def end_offsets(bs: str, quick: bool) -> list[Row]:
    """(d) ListOffsets(latest) after multi-record batches vs what a consumer reads."""
    create_topics(bs, [TopicSpec("eo-batched", 1), TopicSpec("eo-single", 1)])
    producer = AIOKafkaProducer(bootstrap_servers=bs, acks=1)
    await _bounded(producer.start())
    for start in range(0, 100, 10):  # 10 batches of 10 records
        batch = producer.create_batch()
        for i in range(start, start + 10):
            batch.append(key=None, value=b"%d" % i, timestamp=None)
        batch.close()
        await _bounded(await producer.send_batch(batch, "eo-batched", partition=0))
    for i in range(100):
        await _bounded(producer.send_and_wait("eo-single", b"%d" % i, partition=0))
    await producer.stop()
    rows = []
    for topic in ("eo-batched", "eo-single"):
        tp = TopicPartition(topic, 0)
        consumer = AIOKafkaConsumer(bootstrap_servers=bs, enable_auto_commit=False, auto_offset_reset="earliest")
        await _bounded(consumer.start())
        consumer.assign([tp])
        ends = (await _bounded(consumer.end_offsets([tp])))[tp]
        read, t0 = 0, time.monotonic()
        while read < 100 and time.monotonic() - t0 < STEP:
            read += len((await consumer.getmany(tp, timeout_ms=200)).get(tp, []))
        highwater = consumer.highwater(tp)
        await consumer.stop()
        kp = kafka.KafkaConsumer(bootstrap_servers=bs)
        kp_end = kp.end_offsets([kafka.TopicPartition(topic, 0)])[kafka.TopicPartition(topic, 0)]
        kp.close()
        setting = "100 records, 10 batches of 10" if topic == "eo-batched" else "100 records, 1 per batch"
        rows.append(("d. end_offsets", setting,
                     f"aiokafka {ends}, kafka-python {kp_end}; consumed {read}, fetch highwater {highwater}"))
    return rows


async def _committed(bs: str, group: str, tp: TopicPartition) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bs, group_id=group, enable_auto_commit=False)
    await _bounded(consumer.start())
    try:
        return await _bounded(consumer.committed(tp))
    finally:
        await consumer.stop()


async def restart(bs: str, quick: bool, broker: EmbeddedBroker) -> list[Row]:
    """(e) what a broker restart on the same port does to topics, offsets and live clients."""
    create_topics(bs, [TopicSpec("rs", 2)])
    producer = AIOKafkaProducer(bootstrap_servers=bs, acks=1, request_timeout_ms=5000)
    await _bounded(producer.start())
    for _ in range(10):
        await _bounded(producer.send_and_wait("rs", b"x", partition=0))
    tp = TopicPartition("rs", 0)
    consumer, _ = await _aio_join(bs, "rs", 2000, "rs-group")
    drained, t0 = 0, time.monotonic()
    while drained < 10 and time.monotonic() - t0 < STEP:  # empty the prefetch buffer before the restart
        drained += sum(len(records) for records in (await consumer.getmany(timeout_ms=200)).values())
    await _bounded(consumer.commit({tp: 10}))
    before = (describe(bs), await _committed(bs, "rs-group", tp))
    broker.stop()
    broker.start()
    after = (describe(bs), await _committed(bs, "rs-group", tp))
    meta = await _bounded(producer.send_and_wait("rs", b"after", partition=0))
    received, t0 = [], time.monotonic()
    while time.monotonic() - t0 < 5 and not received:  # the live consumer rejoins on its own
        batch = await consumer.getmany(timeout_ms=200)
        received += [r.value for records in batch.values() for r in records]
    settled = describe(bs)
    await consumer.stop()
    await producer.stop()
    return [
        ("e. restart: topics", "memory storage", f"before {before[0]}, after {after[0]}"),
        ("e. restart: committed offset", "group rs-group, rs/0", f"before {before[1]}, after {after[1]}"),
        ("e. restart: live aiokafka clients", "producer sends to rs/0",
         f"accepted at offset {meta.offset}; topic re-created as {settled}; live consumer got {received}"),
    ]


async def _faust_declares(bs: str) -> dict[str, int]:
    app = faust.App(_uid("decl"), broker=f"kafka://{bs}", store="memory://", web_enabled=False,
                    broker_session_timeout=2, broker_heartbeat_interval=0.5, broker_rebalance_timeout=2)

    @app.agent(app.topic("faust-declared", value_serializer="raw", partitions=8))
    async def sink(stream: Any) -> None:
        async for _ in stream:
            pass

    await _bounded(app.start())
    await asyncio.sleep(1)
    await app.stop()
    return {t: n for t, n in describe(bs).items() if t.startswith("faust-")}


async def auto_create(bs: str, quick: bool) -> list[Row]:
    """(f) which requests auto-create a topic, and with how many partitions."""
    rows = []
    admin = kafka.KafkaAdminClient(bootstrap_servers=bs, request_timeout_ms=5000)
    admin.describe_topics(["ac-admin-describe"])
    admin.close()
    rows.append(("f. auto-create", "kafka-python admin describe_topics",
                 f"{describe(bs).get('ac-admin-describe', 'not created')}"))
    await _try_aio_producer(bs, "ac-aio-produce")
    rows.append(("f. auto-create", "aiokafka producer send", f"{describe(bs).get('ac-aio-produce')} partitions"))
    await asyncio.to_thread(_try_kp_producer, bs, "ac-kp-produce", enable_idempotence=False)
    rows.append(("f. auto-create", "kafka-python producer send", f"{describe(bs).get('ac-kp-produce')} partitions"))
    outcome = await asyncio.to_thread(
        _try_kp_producer, bs, "ac-kp-noauto", enable_idempotence=False, allow_auto_create_topics=False
    )
    rows.append(("f. auto-create", "kafka-python send, allow_auto_create_topics=False",
                 f"{describe(bs).get('ac-kp-noauto', 'not created')}; send {outcome.split(':')[0].lower()}"))
    consumer, _ = await _aio_join(bs, "ac-aio-subscribe", 2000)
    await consumer.stop()
    rows.append(("f. auto-create", "aiokafka consumer subscribe", f"{describe(bs).get('ac-aio-subscribe')} partitions"))
    rows.append(("f. auto-create", "faust app.topic(partitions=8), declare on", str(await _faust_declares(bs))))
    return rows


async def _section(fn: Callable[..., Awaitable[list[Row]]], quick: bool) -> list[Row]:
    with EmbeddedBroker() as broker:
        BROKER_PID[0] = broker.pid or 0
        if fn is restart:
            return await restart(broker.bootstrap, quick, broker)
        return await fn(broker.bootstrap, quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 30 s session-timeout join")
    args = parser.parse_args()
    for name in ("aiokafka", "kafka", "faust", "mode"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # the bench provokes errors on purpose
    print(f"aiokafka {aiokafka.__version__}, kafka-python {kafka.__version__}, faust {faust.__version__}")
    rows: list[Row] = []
    for fn in (join_times, fetch_latency, idempotence, end_offsets, restart, auto_create):
        t0 = time.monotonic()
        rows += asyncio.run(_section(fn, args.quick))
        print(f"  {fn.__name__}: {time.monotonic() - t0:.0f} s", flush=True)
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    print(f"\n{'check'.ljust(widths[0])} | {'setting'.ljust(widths[1])} | measured")
    print(f"{'-' * widths[0]}-+-{'-' * widths[1]}-+-{'-' * 40}")
    for check, setting, measured in rows:
        print(f"{check.ljust(widths[0])} | {setting.ljust(widths[1])} | {measured}")


if __name__ == "__main__":
    main()
