"""`modstream bench`: the worker against the broker's own ceiling, on one broker, in one run.

Order of a run (``--quick`` shortens every phase):

1. floor: driver -> broker -> driver on one topic, nothing in between (what the measurement costs);
2. ceilings: ``raw`` (bare aiokafka loop) and ``faust`` (pass-through agent, modstream's app settings);
3. the worker (``modstream worker``, every agent) on the same prompts;
4. the worker again with ``log_level=warning`` (what per-decision INFO logging costs);
5. the worker profiled with py-spy through a saturated drain;
6. scale-out: a second worker joins the group, the same drain again;
7. image path: measured when an image agent exists, skipped otherwise.

Each system gets its own topics and consumer group and the very same prompt sequence. For each:
a warm-up, a saturated drain (throughput and CPU per message), then open-loop runs at fixed
offered rates and at its own saturation rate. ``--rss N`` instead pushes N prompts through one
worker and samples its resident memory. Every broker and process started here is stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from ops.bench import exactly_once, images, report
from ops.bench.driver import DrainResult, Driver, OfferedResult
from ops.bench.procs import Sut, quiesce, rss_bytes, wait_for_members
from ops.bench.profile import Profiler, summarise
from ops.bench.workload import Message, prompt_mix, sexual_share
from ops.broker import EmbeddedBroker
from ops.kafka_admin import create_topics
from ops.settings import Settings
from streams import topics

__all__ = ["Plan", "run"]

IN, OUT = topics.PROMPTS_SUBMITTED.name, topics.MODERATION_DECISIONS.name
DRIVER_MAX_RATE = 5_000.0  # the driver's own open-loop limit here; a ceiling's "saturation" row is capped at it
WARM = 200
NEAR_SATURATION = 0.9  # the last latency row offers this share of the measured drain throughput


@dataclass(frozen=True)
class Plan:
    """How long and how big each phase is."""

    quick: bool = False
    rates: tuple[float, ...] = (100.0, 500.0, 1000.0)
    duration: float = 10.0  # seconds per offered rate
    drain: dict[str, int] = field(default_factory=lambda: {"raw": 30_000, "faust": 20_000, "worker": 4_000})
    partitions: int = 4
    profile: bool = True
    log_ab: bool = True
    scale_out: bool = True
    rss: int = 0  # prompts for the RSS run (0: the normal run)
    out_dir: Path = Path("var/bench")
    overrides: dict[str, str] = field(default_factory=dict)  # Settings fields for every system under test

    @classmethod
    def make(cls, *, quick: bool, rss: int, profile: bool, out_dir: Path,
             overrides: dict[str, str] | None = None) -> Plan:
        common = {"rss": rss, "out_dir": out_dir, "overrides": overrides or {}}
        if quick:
            return cls(quick=True, duration=3.0, drain={"raw": 10_000, "faust": 5_000, "worker": 1_000},
                       profile=False, log_ab=False, scale_out=False, **common)
        return cls(profile=profile, drain={"raw": 30_000, "faust": 20_000, "worker": 4_000}, **common)

    def pool_size(self) -> int:
        offered = sum(int(r * self.duration) + 1 for r in self.rates) + int(DRIVER_MAX_RATE * self.duration)
        return WARM + max(self.drain.values()) + offered


@dataclass
class Measured:
    label: str
    drain: DrainResult
    rates: list[OfferedResult]
    saturation: OfferedResult

    def as_dict(self) -> dict[str, object]:
        return {"drain": self.drain.summary(), "rates": [r.summary() for r in self.rates],
                "saturation": self.saturation.summary()}


class Bench:
    def __init__(self, plan: Plan, broker: EmbeddedBroker, messages: Sequence[Message], console: Console):
        self.plan, self.broker, self.messages, self.console = plan, broker, messages, console
        self.run_dir = plan.out_dir / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.suts: list[Sut] = []

    def settings(self, label: str, **overrides: object) -> Settings:
        tag = uuid.uuid4().hex[:6]
        s = Settings(broker=self.broker.bootstrap, topic_prefix=f"bench-{label}-{tag}.", app_id=f"bench-{label}-{tag}",
                     data_dir=self.run_dir / label, partitions=self.plan.partitions,
                     **{**self.plan.overrides, **overrides})
        create_topics(s.bootstrap, topics.specs(s))
        return s

    def start(self, kind: str, s: Settings, label: str) -> Sut:
        sut = Sut(kind, s, s.data_dir / f"{label}.log")
        self.suts.append(sut)
        return sut

    def stop_all(self) -> None:
        for sut in self.suts:
            sut.stop()

    def driver(self, s: Settings) -> Driver:
        return Driver(s.bootstrap, s.topic(IN), s.topic(OUT), self.plan.partitions)

    def say(self, text: str) -> None:
        self.console.print(f"[dim]{datetime.now():%H:%M:%S}[/] {text}")

    async def floor(self) -> list[OfferedResult]:
        """Driver to broker to driver: the latency no system under test can beat here."""
        s = self.settings("floor")
        results = []
        async with Driver(s.bootstrap, s.topic(IN), s.topic(IN), self.plan.partitions) as d:
            await d.warm(self.messages[:WARM])
            cursor = WARM
            for rate in self.plan.rates:
                n = int(rate * self.plan.duration)
                results.append(await d.offered(self.messages[cursor:cursor + n], rate, self.plan.duration))
                cursor += n
        self.say("floor: " + ", ".join(f"{r.offered_rate:g}/s p99 {r.summary()['p99_ms']} ms" for r in results))
        return results

    async def measure(self, kind: str, label: str, **overrides: object) -> Measured:
        """Warm up, drain a backlog, then the offered rates and saturation, on a fresh ``kind``."""
        s = self.settings(label, **overrides)
        sut = self.start(kind, s, label)
        async with self.driver(s) as d:
            await self._warm(d, sut)
            await self._idle(sut)
            cursor = WARM
            n = self.plan.drain[kind]
            watch = {label: sut.pid, "broker": self.broker.pid or 0}
            drain = await d.drain(self.messages[cursor:cursor + n], {label: sut.pid}, watch)
            cursor += n
            capacity = drain.throughput
            self.say(f"{label}: drain {drain.received}/{n} at {capacity:,.0f}/s, "
                     f"{drain.cpu_ms_per_message(label):.3f} CPU ms per message")
            rates = []
            for rate in (*self.plan.rates, min(NEAR_SATURATION * capacity, DRIVER_MAX_RATE)):
                await self._idle(sut)
                result = await self._offered(d, cursor, rate, capacity)
                cursor += result.sent
                rates.append(result)
                got = result.summary()
                self.say(f"{label}: {rate:,.0f}/s offered, {result.send_rate:,.0f}/s sent: "
                         f"p50 {got['p50_ms']} p99 {got['p99_ms']} ms, {result.missing} missing")
        sut.stop()
        return Measured(label, drain, rates[:-1], rates[-1])

    async def _idle(self, sut: Sut) -> None:
        # Decisions out does not mean work done: enforcement and escalation may still be busy.
        waited = await asyncio.to_thread(quiesce, [sut.pid])
        if waited > 2:
            self.say(f"{sut.kind}: {waited:.1f} s until idle")

    async def _warm(self, d: Driver, sut: Sut) -> None:
        try:
            await d.warm(self.messages[:WARM])
        except RuntimeError as exc:
            raise RuntimeError(f"{sut.kind} did not warm up: {exc}\n{sut.log_tail()}") from exc

    async def _offered(self, d: Driver, cursor: int, rate: float, capacity: float) -> OfferedResult:
        # Above capacity a backlog builds; keep it to about one phase's worth of work.
        duration = self.plan.duration if rate <= 1.1 * capacity else max(2.0, self.plan.duration * capacity / rate)
        backlog = max(0.0, rate - capacity) * duration
        settle = 10 + backlog / max(capacity, 1.0)
        n = int(rate * duration)
        return await d.offered(self.messages[cursor:cursor + n], rate, duration, settle=settle)

    async def profiled_drain(self, s: Settings, sut: Sut, n: int) -> dict[str, object]:
        out = self.plan.out_dir / "profile.folded"
        async with self.driver(s) as d:
            await self._warm(d, sut)
            await self._idle(sut)
            profiler = Profiler(sut.pid, seconds=max(5, n / 400), out=out)
            drain = await d.drain(self.messages[WARM:WARM + n], {}, {"worker": sut.pid})
            profiler.wait()
        summary = summarise(out)
        summary["drain"] = drain.summary()
        summary["folded"] = str(out)
        return summary

    async def scale_out(self, kind_n: int) -> dict[str, object]:
        """One worker, then two in the same group, each draining the same backlog size."""
        s = self.settings("scale")
        first = self.start("worker", s, "scale-w1")
        out: dict[str, object] = {}
        async with self.driver(s) as d:
            await self._warm(d, first)
            await self._idle(first)
            cursor = WARM
            one = await d.drain(self.messages[cursor:cursor + kind_n], {"w1": first.pid}, {"w1": first.pid})
            cursor += kind_n
            second = self.start("worker", s.model_copy(update={"data_dir": s.data_dir / "w2"}), "scale-w2")
            joined = await asyncio.to_thread(wait_for_members, [first, second], s.app_id, 90)
            await asyncio.sleep(2)  # let the rebalance settle before the second drain
            await d.warm(self.messages[cursor:cursor + WARM])
            cursor += WARM
            await self._idle(first)
            await self._idle(second)
            two = await d.drain(self.messages[cursor:cursor + kind_n], {"w1": first.pid, "w2": second.pid},
                                {"w1": first.pid, "w2": second.pid})
            out = {"one": one.summary(), "two": two.summary(), "join_seconds": round(joined, 1),
                   "speedup": round(two.throughput / one.throughput, 2) if one.throughput else None}
        first.stop()
        second.stop()
        self.say(f"scale-out: 1 worker {one.throughput:,.0f}/s, 2 workers {two.throughput:,.0f}/s")
        return out

    async def rss(self, total: int, chunk: int = 5_000) -> dict[str, object]:
        s = self.settings("rss")
        sut = self.start("worker", s, "rss")
        messages = prompt_mix(total + WARM, run=f"rss{uuid.uuid4().hex[:4]}")
        samples = []
        async with self.driver(s) as d:
            await self._warm(d, sut)
            samples.append((0, rss_bytes(sut.pid)))
            for start in range(WARM, total + WARM, chunk):
                drain = await d.drain(messages[start:start + chunk], {}, {"worker": sut.pid}, timeout=600)
                samples.append((start - WARM + drain.received, rss_bytes(sut.pid)))
                done, rss = samples[-1]
                self.say(f"rss: {done:,} prompts, {rss / 2**20:.0f} MiB, {drain.throughput:,.0f}/s")
        sut.stop()
        return {"prompts": samples[-1][0], "rss_mib": [(n, round(b / 2**20, 1)) for n, b in samples]}


def _git_commit() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()

        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--untracked-files=no")
        return head + ("+dirty" if dirty.strip() else "")
    return "unknown"


def _load() -> float:
    with contextlib.suppress(OSError):
        return float(Path("/proc/loadavg").read_text().split()[0])
    return float("nan")


@contextlib.contextmanager
def _session(plan: Plan) -> Iterator[tuple[EmbeddedBroker, Console]]:
    plan.out_dir.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True, highlight=False)
    with EmbeddedBroker(log_path=plan.out_dir / "broker.log") as broker:
        yield broker, console


async def _run(plan: Plan, broker: EmbeddedBroker, console: Console) -> dict[str, object]:
    started = time.monotonic()
    messages = prompt_mix(plan.pool_size(), run=f"b{uuid.uuid4().hex[:4]}")
    results: dict[str, object] = {
        "meta": {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": _git_commit(), "quick": plan.quick,
                 "load_before": _load(), "partitions": plan.partitions, "overrides": plan.overrides,
                 "cpus": len(os.sched_getaffinity(0)),
                 "mean_message_bytes": round(sum(len(m.value) for m in messages[:5000]) / min(len(messages), 5000)),
                 "sexual_share": round(sexual_share(messages), 3)},
    }
    bench = Bench(plan, broker, messages, console)
    try:
        if plan.rss:
            results["rss"] = await bench.rss(plan.rss)
            return results
        results["floor"] = [r.summary() for r in await bench.floor()]
        systems = {}
        for kind in ("raw", "faust", "worker"):
            systems[kind] = (await bench.measure(kind, kind)).as_dict()
        if plan.log_ab:
            quiet = await bench.measure("worker", "worker-warning", log_level="warning")
            systems["worker (log warning)"] = quiet.as_dict()
        results["systems"] = systems
        if plan.profile:
            s = bench.settings("profile")
            profiled = bench.start("worker", s, "profile")
            results["profile"] = await bench.profiled_drain(s, profiled, plan.drain["worker"])
        if plan.scale_out:
            results["scale_out"] = await bench.scale_out(plan.drain["worker"])
        results["image_path"] = images.image_path()
        if not plan.quick:
            results["exactly_once"] = await asyncio.to_thread(exactly_once.probe)
    finally:
        bench.stop_all()
        results.setdefault("meta", {})["seconds"] = round(time.monotonic() - started)  # type: ignore[index]
    return results


def run(plan: Plan) -> dict[str, object]:
    """Run the benchmark, write results.json, results.md and latency.png; return the results."""
    with _session(plan) as (broker, console):
        results = asyncio.run(_run(plan, broker, console))
    paths = report.write(results, plan.out_dir, rss_only=bool(plan.rss))
    print(report.markdown(results) if not plan.rss else report.rss_markdown(results))
    print("written: " + ", ".join(str(p) for p in paths))
    return results
