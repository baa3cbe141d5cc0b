"""The load driver: publishes pre-encoded prompts, times each one until its output record arrives.

A run sends to one input topic and watches one output topic for records keyed like the input
(a decision is keyed by request id, and the pass-through ceilings copy the key). Latency is from
the moment the driver hands a record to its producer to the moment the consumer returns the
output record with that key. Outputs are read with one consumer per partition: the embedded
broker holds any fetch covering two or more partitions for the full fetch wait, which would add
up to that wait to every measured latency.

Two kinds of run:

* ``offered``: open loop at a fixed rate for a fixed time (the schedule never waits for outputs);
* ``drain``: the system under test is paused (SIGSTOP), a backlog is published, it is resumed
  (SIGCONT), and the time to work through the backlog gives its saturated throughput, with the
  driver's publishing kept out of the measured window.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from ops.bench.procs import cpu_seconds, quiesce
from ops.bench.workload import Message

__all__ = ["DrainResult", "Driver", "OfferedResult", "percentile"]

_TICK = 0.002  # the open-loop schedule's granularity, seconds


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by nearest rank; NaN for no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class OfferedResult:
    offered_rate: float
    sent: int
    send_rate: float  # what the driver achieved: below offered_rate means the driver was the limit
    latencies_ms: list[float] = field(repr=False)
    missing: int
    send_lag_p99_ms: float  # how late sends left against their schedule

    @property
    def received_rate(self) -> float:
        return len(self.latencies_ms) / (self.sent / self.send_rate) if self.sent else 0.0

    def summary(self) -> dict[str, float | int]:
        lat = self.latencies_ms
        return {
            "offered_rate": self.offered_rate, "sent": self.sent, "send_rate": round(self.send_rate, 1),
            "received": len(lat), "missing": self.missing,
            "p50_ms": round(percentile(lat, 50), 2), "p95_ms": round(percentile(lat, 95), 2),
            "p99_ms": round(percentile(lat, 99), 2), "max_ms": round(max(lat, default=float("nan")), 2),
            "mean_ms": round(statistics.fmean(lat), 2) if lat else float("nan"),
            "send_lag_p99_ms": round(self.send_lag_p99_ms, 2),
        }


@dataclass
class DrainResult:
    messages: int
    received: int
    seconds: float  # from resuming to the last output
    wall: float  # from resuming until the driver saw the last output
    cpu_busy: dict[str, float]  # process label -> CPU seconds used over ``wall``
    cpu_total: dict[str, float]  # process label -> CPU seconds until the processes went idle

    @property
    def throughput(self) -> float:
        return self.received / self.seconds if self.seconds > 0 else 0.0

    def cores(self, label: str) -> float:
        return self.cpu_busy[label] / self.wall if self.wall > 0 else 0.0

    def cpu_ms_per_message(self, label: str) -> float:
        """CPU milliseconds ``label`` spent per message: the figure other load on the machine moves least."""
        return self.cpu_total[label] * 1000 / self.received if self.received else float("nan")

    def summary(self) -> dict[str, object]:
        return {"messages": self.messages, "received": self.received, "seconds": round(self.seconds, 3),
                "throughput": round(self.throughput, 1),
                "cpu_cores": {k: round(self.cores(k), 2) for k in self.cpu_busy},
                "cpu_ms_per_message": {k: round(self.cpu_ms_per_message(k), 3) for k in self.cpu_total}}


class Driver:
    """Producer into ``in_topic`` and per-partition consumers on ``out_topic``; use ``async with``."""

    def __init__(self, bootstrap: str, in_topic: str, out_topic: str, partitions: int, fetch_wait_ms: int = 5):
        self.bootstrap, self.in_topic, self.out_topic, self.partitions = bootstrap, in_topic, out_topic, partitions
        self._out = [TopicPartition(out_topic, p) for p in range(partitions)]  # reader p reads partition p
        self.arrived: dict[bytes, float] = {}
        self.outputs = 0  # every output record seen, duplicates included
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0,
                                          client_id="modstream-bench-driver")
        self._consumers = [
            AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=fetch_wait_ms,
                             max_partition_fetch_bytes=4 * 1024 * 1024, client_id=f"modstream-bench-out-{p}")
            for p in range(partitions)
        ]
        self._tasks: list[asyncio.Task[None]] = []
        self._waiters: list[tuple[set[bytes], asyncio.Event]] = []

    async def __aenter__(self) -> Driver:
        await self._producer.start()
        for consumer, tp in zip(self._consumers, self._out, strict=True):
            await consumer.start()
            consumer.assign([tp])
            await consumer.seek_to_end(tp)
            await consumer.position(tp)  # resolve now: only outputs from here on count
            self._tasks.append(asyncio.create_task(self._read(consumer)))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for consumer in self._consumers:
            await consumer.stop()
        await self._producer.stop()

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        arrived = self.arrived
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
            now = time.perf_counter()
            for records in batches.values():
                self.outputs += len(records)
                for record in records:
                    if record.key is not None and record.key not in arrived:
                        arrived[record.key] = now
            if batches:
                self._wake()

    def _wake(self) -> None:
        for keys, event in self._waiters:
            if not event.is_set() and keys.issubset(self.arrived.keys()):
                event.set()

    async def wait_for(self, keys: set[bytes], timeout: float) -> bool:
        """True once every key in ``keys`` has an output; False after ``timeout`` seconds."""
        event = asyncio.Event()
        entry = (keys, event)
        self._waiters.append(entry)
        self._wake()
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.remove(entry)

    async def publish(self, messages: Sequence[Message]) -> float:
        """Send everything as fast as possible, wait for the acks; returns the seconds it took."""
        start = time.perf_counter()
        futures = [await self._producer.send(self.in_topic, m.value, key=m.key) for m in messages]
        await asyncio.gather(*futures)
        return time.perf_counter() - start

    async def warm(self, messages: Sequence[Message], timeout: float = 90) -> None:
        """Send ``messages`` and wait until each has its output: the system is assigned and warm."""
        await self.publish(messages)
        if not await self.wait_for({m.key for m in messages}, timeout):
            got = sum(m.key in self.arrived for m in messages)
            raise RuntimeError(f"warm-up: {got} of {len(messages)} outputs within {timeout:g}s")

    async def offered(self, messages: Sequence[Message], rate: float, duration: float,
                      settle: float = 15) -> OfferedResult:
        """Open loop: send at ``rate``/s for ``duration`` s (or until ``messages`` run out), then
        wait up to ``settle`` s for the outputs still on their way."""
        count = min(len(messages), int(rate * duration))
        sent_at: dict[bytes, float] = {}
        lags: list[float] = []
        futures = []
        start = time.perf_counter()
        i = 0
        while i < count:
            now = time.perf_counter()
            due = min(count, int((now - start) * rate) + 1)
            while i < due:
                m = messages[i]
                scheduled = start + i / rate
                t = time.perf_counter()
                futures.append(await self._producer.send(self.in_topic, m.value, key=m.key))
                sent_at[m.key] = t
                lags.append(t - scheduled)
                i += 1
            await asyncio.sleep(_TICK)
        elapsed = max(time.perf_counter() - start, count / rate)  # the schedule's span, at least
        await asyncio.gather(*futures)
        await self.wait_for(set(sent_at), settle)
        latencies = [(self.arrived[k] - t) * 1000 for k, t in sent_at.items() if k in self.arrived]
        return OfferedResult(
            offered_rate=rate, sent=count, send_rate=count / elapsed, latencies_ms=latencies,
            missing=count - len(latencies), send_lag_p99_ms=percentile(lags, 99) * 1000,
        )

    async def _drain_reader(self) -> AIOKafkaConsumer:
        """A slow poller taking over from the latency readers, which pause at their positions.

        The latency readers poll every few milliseconds, and four of them cost the embedded broker
        about a quarter of a core (measured idle, 2026-12-04): CPU a saturated system under test
        would lose to the instrument. A drain needs only when its last output was written, which
        the record's own timestamp says.
        """
        reader = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=250,
                                  max_partition_fetch_bytes=4 * 1024 * 1024, client_id="modstream-bench-drain")
        await reader.start()
        reader.assign(self._out)
        for consumer, tp in zip(self._consumers, self._out, strict=True):
            consumer.pause(tp)
            reader.seek(tp, await consumer.position(tp))
        return reader

    async def _release(self, reader: AIOKafkaConsumer) -> None:
        """Stop the drain's reader; the latency readers go on from where they paused."""
        await reader.stop()
        for consumer, tp in zip(self._consumers, self._out, strict=True):
            consumer.resume(tp)

    async def _collect(self, reader: AIOKafkaConsumer, keys: set[bytes], timeout: float) -> dict[bytes, float]:
        """Each key's output record's producer timestamp (epoch seconds), then ``_release``."""
        produced: dict[bytes, float] = {}
        try:
            deadline = time.monotonic() + timeout
            while not keys <= produced.keys() and time.monotonic() < deadline:
                for records in (await reader.getmany(timeout_ms=500, max_records=10_000)).values():
                    self.outputs += len(records)
                    for r in records:
                        if r.key is not None and r.key in keys:
                            produced.setdefault(r.key, r.timestamp / 1000)
        finally:
            await self._release(reader)
        return produced

    async def drain(self, messages: Sequence[Message], pause: dict[str, int], watch: dict[str, int],
                    timeout: float = 120) -> DrainResult:
        """Pause the ``pause`` processes, publish the backlog, resume them, time the backlog's outputs.

        ``watch`` names processes (label -> pid) whose CPU is read: cores used while the outputs
        came, and CPU seconds until the processes under test went idle again (the work a message
        causes after its output, such as enforcement and escalation, counts in its cost).
        """
        reader = await self._drain_reader()
        for pid in pause.values():
            os.kill(pid, signal.SIGSTOP)
        try:
            await self.publish(messages)
        except BaseException:
            await self._release(reader)
            raise
        finally:
            for pid in pause.values():
                os.kill(pid, signal.SIGCONT)
        cpu0 = {label: cpu_seconds(pid) for label, pid in watch.items()}
        start, start_epoch = time.perf_counter(), time.time()
        keys = {m.key for m in messages}
        produced = await self._collect(reader, keys, timeout)
        wall = time.perf_counter() - start
        busy = {label: cpu_seconds(pid) - cpu0[label] for label, pid in watch.items()}
        await asyncio.to_thread(quiesce, list(pause.values()) or list(watch.values()))
        total = {label: cpu_seconds(pid) - cpu0[label] for label, pid in watch.items()}
        received = list(produced.values())
        seconds = max(received, default=start_epoch) - start_epoch
        return DrainResult(messages=len(messages), received=len(received), seconds=seconds, wall=wall,
                           cpu_busy=busy, cpu_total=total)
