"""The benchmark's other phases: A/B of worker settings, profile, scale-out, image path, RSS.

Each takes the running ``Bench`` (broker, prompt pool, helpers) and returns plain data for
results.json. On a machine shared with other work, one drain per variant is noise: the A/B
alternates variants, one fresh worker per drain, and reports medians.
"""

from __future__ import annotations

import asyncio
import statistics
import uuid
from typing import TYPE_CHECKING

from ops.bench import images
from ops.bench.procs import rss_bytes, wait_for_members
from ops.bench.profile import Profiler, py_spy, summarise
from ops.bench.workload import prompt_mix
from streams import topics

if TYPE_CHECKING:
    from ops.bench.run import Bench

__all__ = ["ab", "image_path", "profiled_drain", "rss", "scale_out"]


async def ab(bench: Bench, variants: dict[str, dict[str, object]], rounds: int, n: int) -> dict[str, object]:
    """Worker settings compared: ``rounds`` drains of ``n`` prompts per variant (label -> Settings
    overrides, and ``env``: extra environment), variants alternating, the same prompts for every
    variant in a round.

    One worker at a time, started fresh for each drain: an idle faust worker still costs the
    embedded broker and itself about half a core between them (its fetches are held, then
    repeated), so live workers waiting their turn would slow whichever one is measured.
    """
    samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label in variants}
    for r in range(rounds):
        batch = bench.messages[bench.warm_count + r * n: bench.warm_count + (r + 1) * n]
        for label, over in variants.items():
            settings = {k: v for k, v in over.items() if k != "env"}
            env = over.get("env")
            s = bench.settings(f"ab-{label}", **settings)
            sut = bench.start("worker", s, f"ab-{label}-{r}", env=dict(env) if isinstance(env, dict) else None)
            async with bench.driver(s) as d:
                await bench.warm(d, sut)
                await bench.idle(sut)
                # The broker's CPU counts too: on a machine this size it competes with the worker.
                watch = {label: sut.pid, **({"broker": bench.broker.pid} if bench.broker.pid else {})}
                drain = await d.drain(batch, {label: sut.pid}, watch)
            sut.stop()
            samples[label].append((drain.throughput, drain.cpu_ms_per_message(label),
                                   drain.cpu_ms_per_message("broker") if "broker" in watch else float("nan")))
    out: dict[str, object] = {}
    for label, got in samples.items():
        out[label] = {"overrides": variants[label], "throughput": [round(t, 1) for t, _, _ in got],
                      "cpu_ms_per_prompt": [round(c, 3) for _, c, _ in got],
                      "broker_cpu_ms_per_prompt": [round(b, 3) for _, _, b in got],
                      "median_throughput": round(statistics.median(t for t, _, _ in got), 1),
                      "median_cpu_ms_per_prompt": round(statistics.median(c for _, c, _ in got), 3),
                      "median_broker_cpu_ms_per_prompt": round(statistics.median(b for _, _, b in got), 3)}
    bench.say("A/B: " + "; ".join(f"{k} {v['median_throughput']:,.0f}/s {v['median_cpu_ms_per_prompt']} ms"
                                  f" (broker {v['median_broker_cpu_ms_per_prompt']} ms)"
                                  for k, v in out.items() if isinstance(v, dict)))
    return out


async def profiled_drain(bench: Bench, n: int, seconds: float = 20) -> dict[str, object]:
    """py-spy on a fresh worker through a drain of ``n`` prompts (not counted in the figures)."""
    if py_spy() is None:
        return {"skipped": "py-spy is not installed (.venv/bin/pip install py-spy==0.4.3)"}
    s = bench.settings("profile")
    sut = bench.start("worker", s, "profile")
    out = bench.plan.out_dir / "profile.folded"
    async with bench.driver(s) as d:
        await bench.warm(d, sut)
        await bench.idle(sut)
        profiler = Profiler(sut.pid, seconds=seconds, out=out, rate=200)
        drain = await d.drain(bench.messages[bench.warm_count:bench.warm_count + n], {}, {"worker": sut.pid})
        await asyncio.to_thread(profiler.wait, seconds + 30)
    sut.stop()
    summary = summarise(out)
    summary["drain"] = drain.summary()
    summary["folded"] = str(out)
    return summary


async def scale_out(bench: Bench, n: int) -> dict[str, object]:
    """One worker, then two in the same group, each draining a backlog of ``n`` prompts."""
    s = bench.settings("scale")
    first = bench.start("worker", s, "scale-w1")
    async with bench.driver(s) as d:
        await bench.warm(d, first)
        await bench.idle(first)
        cursor = bench.warm_count
        one = await d.drain(bench.messages[cursor:cursor + n], {"w1": first.pid}, {"w1": first.pid})
        cursor += n
        second = bench.start("worker", s.model_copy(update={"data_dir": s.data_dir / "w2"}), "scale-w2")
        joined = await asyncio.to_thread(wait_for_members, [first, second], s.app_id, 90)
        await asyncio.sleep(2)  # let the rebalance settle before the second drain
        await d.warm(bench.messages[cursor:cursor + bench.warm_count])
        cursor += bench.warm_count
        await bench.idle(first)
        await bench.idle(second)
        pids = {"w1": first.pid, "w2": second.pid}
        two = await d.drain(bench.messages[cursor:cursor + n], pids, pids)
    first.stop()
    second.stop()
    bench.say(f"scale-out: 1 worker {one.throughput:,.0f}/s, 2 workers {two.throughput:,.0f}/s")
    return {"one": one.summary(), "two": two.summary(), "join_seconds": round(joined, 1),
            "speedup": round(two.throughput / one.throughput, 2) if one.throughput else None}


async def image_path(bench: Bench) -> dict[str, object]:
    """GenerationCompleted -> image decision through the worker, or why it was skipped."""
    from ops.bench.run import Workload

    try:
        agents = await asyncio.to_thread(images.image_agents)
    except Exception as exc:  # the image stack may be absent; the prompt results stand
        return {"status": "skipped", "reason": f"worker not assembled: {type(exc).__name__}: {exc}"[:300]}
    if not agents:
        return {"status": "skipped", "reason": "no agent reads generations.completed"}
    root = bench.run_dir / "images"
    drain = bench.plan.image_drain
    pool = await asyncio.to_thread(images.image_messages, root, 4 + drain + int(3 * bench.plan.duration * 8),
                                   run=f"img{uuid.uuid4().hex[:4]}")
    work = Workload(pool, drain=drain, topic=topics.GENERATIONS_COMPLETED.name, warm=4, timeout=600)
    measured = await bench.measure("worker", "images", work, image_root=root, image_workers=1)
    return {"status": "measured", "agents": agents, **measured.as_dict()}


async def rss(bench: Bench, total: int, chunk: int = 5_000) -> dict[str, object]:
    """Resident memory of one worker while ``total`` fresh prompts go through it."""
    s = bench.settings("rss")
    sut = bench.start("worker", s, "rss")
    messages = prompt_mix(total + bench.warm_count, run=f"rss{uuid.uuid4().hex[:4]}")
    samples = []
    async with bench.driver(s) as d:
        await bench.warm(d, sut, messages[:bench.warm_count])
        samples.append((0, rss_bytes(sut.pid)))
        for start in range(bench.warm_count, total + bench.warm_count, chunk):
            drain = await d.drain(messages[start:start + chunk], {}, {"worker": sut.pid}, timeout=600)
            samples.append((start - bench.warm_count + drain.received, rss_bytes(sut.pid)))
            done, size = samples[-1]
            bench.say(f"rss: {done:,} prompts, {size / 2**20:.0f} MiB, {drain.throughput:,.0f}/s")
    sut.stop()
    return {"prompts": samples[-1][0], "rss_mib": [(n, round(b / 2**20, 1)) for n, b in samples]}
