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

from ops.bench import exactly_once, experiments, report
from ops.bench.driver import DrainResult, Driver, OfferedResult
from ops.bench.procs import Sut, quiesce
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
    screening_ab: bool = True
    scale_out: bool = True
    rss: int = 0  # prompts for the RSS run (0: the normal run)
    out_dir: Path = Path("var/bench")
    overrides: dict[str, str] = field(default_factory=dict)  # Settings fields for every system under test
    image_drain: int = 40  # generations (one 1024 px image each) in the image path's drain

    @classmethod
    def make(cls, *, quick: bool, rss: int, profile: bool, out_dir: Path,
             overrides: dict[str, str] | None = None) -> Plan:
        common = {"rss": rss, "out_dir": out_dir, "overrides": overrides or {}}
        if quick:
            return cls(quick=True, duration=3.0, drain={"raw": 10_000, "faust": 5_000, "worker": 1_000},
                       profile=False, screening_ab=False, scale_out=False, image_drain=12, **common)
        return cls(profile=profile, drain={"raw": 30_000, "faust": 20_000, "worker": 4_000}, **common)

    def pool_size(self) -> int:
        offered = sum(int(r * self.duration) + 1 for r in self.rates) + int(DRIVER_MAX_RATE * self.duration)
        return WARM + max(self.drain.values()) + offered


@dataclass(frozen=True)
class Workload:
    """What one system is fed: messages in order (warm-up, drain, then the offered rates)."""

    messages: Sequence[Message]
    drain: int
    topic: str = IN
    warm: int = WARM
    rates: tuple[float, ...] | None = None  # None: ``shares`` of the measured capacity
    shares: tuple[float, ...] = (0.25, 0.5)
    timeout: float = 120


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
        self.run_dir = plan.out_dir.resolve() / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.warm_count = WARM
        self.suts: list[Sut] = []

    def settings(self, label: str, **overrides: object) -> Settings:
        tag = uuid.uuid4().hex[:6]
        s = Settings(broker=self.broker.bootstrap, topic_prefix=f"bench-{label}-{tag}.", app_id=f"bench-{label}-{tag}",
                     data_dir=self.run_dir / label, partitions=self.plan.partitions,
                     **{**self.plan.overrides, **overrides})
        create_topics(s.bootstrap, topics.specs(s))
        return s

    def start(self, kind: str, s: Settings, label: str, env: dict[str, str] | None = None) -> Sut:
        sut = Sut(kind, s, s.data_dir / f"{label}.log", env)
        self.suts.append(sut)
        return sut

    def stop_all(self) -> None:
        for sut in self.suts:
            sut.stop()

    def driver(self, s: Settings, topic: str = IN) -> Driver:
        return Driver(s.bootstrap, s.topic(topic), s.topic(OUT), self.plan.partitions)

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

    def prompts(self, kind: str) -> Workload:
        return Workload(self.messages, drain=self.plan.drain[kind], rates=self.plan.rates)

    async def measure(self, kind: str, label: str, work: Workload | None = None, **overrides: object) -> Measured:
        """Warm up, drain a backlog, then the offered rates and near saturation, on a fresh ``kind``."""
        work = work or self.prompts(kind)
        s = self.settings(label, **overrides)
        sut = self.start(kind, s, label)
        messages = work.messages
        async with self.driver(s, work.topic) as d:
            await self.warm(d, sut, messages[:work.warm])
            await self.idle(sut)
            cursor, n = work.warm, work.drain
            watch = {label: sut.pid, "broker": self.broker.pid or 0}
            drain = await d.drain(messages[cursor:cursor + n], {label: sut.pid}, watch, timeout=work.timeout)
            cursor += n
            capacity = drain.throughput
            self.say(f"{label}: drain {drain.received}/{n} at {capacity:,.1f}/s, "
                     f"{drain.cpu_ms_per_message(label):.3f} CPU ms per message")
            rates = []
            offered = work.rates or tuple(share * capacity for share in work.shares)
            for rate in (*offered, min(NEAR_SATURATION * capacity, DRIVER_MAX_RATE)):
                await self.idle(sut)
                result = await self._offered(d, messages, cursor, rate, capacity)
                cursor += result.sent
                rates.append(result)
                got = result.summary()
                self.say(f"{label}: {rate:,.1f}/s offered, {result.send_rate:,.1f}/s sent: "
                         f"p50 {got['p50_ms']} p99 {got['p99_ms']} ms, {result.missing} missing")
        sut.stop()
        return Measured(label, drain, rates[:-1], rates[-1])

    async def idle(self, sut: Sut) -> None:
        # Decisions out does not mean work done: enforcement and escalation may still be busy.
        waited = await asyncio.to_thread(quiesce, [sut.pid])
        if waited > 2:
            self.say(f"{sut.kind}: {waited:.1f} s until idle")

    async def warm(self, d: Driver, sut: Sut, messages: Sequence[Message] | None = None) -> None:
        try:
            await d.warm(self.messages[:WARM] if messages is None else messages)
        except RuntimeError as exc:
            raise RuntimeError(f"{sut.kind} did not warm up: {exc}\n{sut.log_tail()}") from exc

    async def _offered(self, d: Driver, messages: Sequence[Message], cursor: int, rate: float,
                       capacity: float) -> OfferedResult:
        # Above capacity a backlog builds; keep it to about one phase's worth of work.
        duration = self.plan.duration if rate <= 1.1 * capacity else max(2.0, self.plan.duration * capacity / rate)
        backlog = max(0.0, rate - capacity) * duration
        settle = 10 + backlog / max(capacity, 1.0)
        n = max(1, int(rate * duration))
        return await d.offered(messages[cursor:cursor + n], rate, duration, settle=settle)

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
            results["rss"] = await experiments.rss(bench, plan.rss)
            return results
        results["floor"] = [r.summary() for r in await bench.floor()]
        systems = {}
        for kind in ("raw", "faust", "worker"):
            systems[kind] = (await bench.measure(kind, kind)).as_dict()
        if plan.screening_ab:
            results["screening_ab"] = await experiments.ab(
                bench, {"inline": {"screen_workers": 0}, "pool": {"screen_workers": 1}}, rounds=3,
                n=plan.drain["worker"] // 2)
        results["systems"] = systems
        if plan.profile:
            results["profile"] = await experiments.profiled_drain(bench, plan.drain["worker"])
        if plan.scale_out:
            results["scale_out"] = await experiments.scale_out(bench, plan.drain["worker"])
        results["image_path"] = await experiments.image_path(bench)
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
