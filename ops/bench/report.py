"""Benchmark results as results.json, a markdown table (results.md) and a latency plot (latency.png)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

__all__ = ["markdown", "plot", "rss_markdown", "write"]

NAMES = {"raw": "raw aiokafka loop", "faust": "faust pass-through", "worker": "modstream worker"}
TARGETS = {"throughput": 1_000.0, "p99_ms_at_500": 25.0}

DELIVERY = """\
## Delivery guarantees

faust's `processing_guarantee="exactly_once"` needs a transactional producer. On the embedded
broker faust 0.15.3 cannot start one. `python -m ops.bench.exactly_once` starts `create_app`'s app
with exactly-once and one pass-through agent: {outcome}
modstream stays `at_least_once` and relies on deterministic ids instead (`streams.events.stable_id`,
UUIDv5 of the cause): a redelivered or replayed prompt yields the same decision id, enforcement
action ids and hotline report id, and consumers dedupe on them. `tests/faults/test_replay_broker.py`
resets the worker's consumer group to the beginning and checks that the same ids come out.
"""

SCALING = """\
## Scale-out

Measured here: one worker drained {one:,.0f} prompts/s using {one_cores} cores, two workers in one
group {two:,.0f}/s (x{speedup}) using {two_cores} cores, on {cpus} cores shared with the broker, the
driver and whatever else runs on the machine (load average {load} at the start); worker CPU per
prompt {cpu_ms:.2f} ms (its screening pool process included). A worker keeps about 1.2 cores busy:
faust and aiokafka on its main thread, screening in one pool process beside it (`screen_workers`),
so on a real Kafka cluster throughput grows with workers, about one and a quarter cores each,
until one of three bounds: (1) partitions: a group cannot use more
workers than `prompts.submitted` has partitions ({partitions} here; create it with at least the
number of workers you plan, since adding partitions later moves keys); (2) per-worker CPU:
about 1000/{cpu_ms:.2f} = {per_core:,.0f} prompts/s per core on this machine's cores, so N
workers on N free cores give about N x that; (3) the broker: the raw consume->produce loop
reached {raw:,.0f} msg/s on this single in-memory broker, but the worker's traffic is many small
requests (about 4 records produced and 1.5 consumed per prompt: risk score, decision, table
changelog, and for some prompts signal, enforcement and escalation state): the broker spent
{broker_ms:.2f} CPU ms per prompt in the drain, so one broker core serves about
{broker_bound:,.0f} prompts/s of it; a real cluster spreads partitions over brokers and scales
that bound with broker count.
"""


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b or math.isnan(a) or math.isnan(b):
        return "-"
    return f"{a / b:.2f}"


def _rows(systems: dict[str, Any]) -> list[tuple[str, dict[str, float]]]:
    rows: list[tuple[str, dict[str, float]]] = []
    rows.append(("saturated throughput (msg/s)", {k: v["drain"]["throughput"] for k, v in systems.items()}))
    rows.append(("CPU ms per message (process under test)",
                 {k: v["drain"]["cpu_ms_per_message"].get(k, math.nan) for k, v in systems.items()}))
    # On a 2-core machine the broker's CPU is the worker's competitor: it belongs in the cost.
    rows.append(("broker CPU ms per message (same drain)",
                 {k: v["drain"]["cpu_ms_per_message"].get("broker", math.nan) for k, v in systems.items()}))
    rates = [r["offered_rate"] for r in next(iter(systems.values()))["rates"]]
    for i, rate in enumerate(rates):
        for q in ("p50", "p95", "p99"):
            rows.append((f"{q} ms at {rate:,.0f}/s offered", {k: v["rates"][i][f"{q}_ms"] for k, v in systems.items()}))
    for q in ("p50", "p99"):
        rows.append((f"{q} ms near saturation", {k: v["saturation"][f"{q}_ms"] for k, v in systems.items()}))
    rows.append(("near-saturation rate sent (msg/s)",
                 {k: v["saturation"]["send_rate"] for k, v in systems.items()}))
    return rows


def markdown(results: dict[str, Any]) -> str:
    meta, systems = results["meta"], results.get("systems", {})
    out = [f"# modstream bench ({'quick' if meta.get('quick') else 'full'})", "",
           f"{meta['date']}, commit {meta['commit']}, {meta['cpus']} cores, "
           f"load average {meta['load_before']} at start, "
           f"{meta['partitions']} partitions, {meta['mean_message_bytes']} B mean PromptSubmitted, "
           f"{100 * meta['sexual_share']:.0f} % of prompts with sexual terms, {meta.get('seconds', '?')} s run.", ""]
    if systems:
        ceilings = ("raw", "faust", "worker")
        out += ["| figure | " + " | ".join(NAMES[k] for k in ceilings) + " | worker / raw | worker / faust |",
                "|---|" + "---:|" * (len(ceilings) + 2)]
        for name, values in _rows({k: systems[k] for k in ceilings if k in systems}):
            cells = [_fmt(values.get(k), 3 if "CPU" in name else 1) for k in ceilings]
            out.append(f"| {name} | " + " | ".join(cells) + f" | {_ratio(values.get('worker'), values.get('raw'))} "
                       f"| {_ratio(values.get('worker'), values.get('faust'))} |")
        out += ["", "Saturated throughput: a backlog published while the process was paused (SIGSTOP), timed from "
                "resuming it to its last output. Near saturation: open loop at 90 % of that throughput (capped at the "
                "driver's 5,000/s). Latency is from the driver's send call to the moment its consumer returns the "
                "output "
                "record (for the worker: the decision). Each process is left to go idle between phases. Ratios are "
                "worker / ceiling: below 1 for throughput, above 1 for latency and CPU.", ""]
        out += _targets(systems)
        out += _floor(results.get("floor"))
        out += _screening_ab(results.get("screening_ab"))
    if "profile" in results:
        out += _profile(results["profile"])
    if "plot" in results:
        out += [f"Plot: {results['plot']}", ""]
    if "scale_out" in results and systems:
        out += [_scaling(results, systems), ""]
    if "image_path" in results:
        out += _images(results["image_path"])
    out += [DELIVERY.format(outcome=_eos(results.get("exactly_once")))]
    return "\n".join(out)


def _eos(probe: dict[str, Any] | None) -> str:
    if not probe:
        return "(not run in this benchmark; run the probe)."
    verdict = "it works" if probe["works"] else "it does not work"
    first = next((e for e in probe["first_errors"] if "InitProducerId" in e or "Error" in e), "no error logged")
    return (f"{verdict} ({probe['records_out_read_committed']} of {probe['records_in']} records out, worker "
            f"{'alive' if probe['worker_alive_at_end'] else 'exited'}; first error: `{first.split('] ', 3)[-1]}`).")


def _targets(systems: dict[str, Any]) -> list[str]:
    w = systems.get("worker")
    if not w:
        return []
    at500 = next((r for r in w["rates"] if r["offered_rate"] == 500), None)
    cpu = w["drain"]["cpu_ms_per_message"].get("worker", math.nan)
    lines = ["## Targets", "",
             f"- >= {TARGETS['throughput']:,.0f} prompts/s per worker: measured {w['drain']['throughput']:,.0f}/s "
             f"({w['drain']['cpu_cores'].get('worker', 0):.2f} cores used); at {cpu:.2f} CPU ms per prompt "
             f"one full core "
             f"would give {1000 / cpu if cpu else math.nan:,.0f}/s.",
             ]
    if at500:
        lines.append(f"- p99 publish->decision <= {TARGETS['p99_ms_at_500']:g} ms at 500/s: "
                     f"measured {at500['p99_ms']} ms "
                     f"(p50 {at500['p50_ms']} ms, {at500['missing']} missing).")
    return [*lines, ""]


def _images(image: dict[str, Any]) -> list[str]:
    if image.get("status") != "measured":
        return ["## Image path", "", f"{image['status']}: {image.get('reason', '')}", ""]
    d = image["drain"]
    rows = [*image["rates"], image["saturation"]]
    out = ["## Image path (GenerationCompleted, one 1024 x 1024 JPEG each -> image decision)", "",
           f"Agents: {', '.join(image['agents'])}. Saturated: {d['throughput']:,.1f} images/s, "
           f"{d['cpu_ms_per_message'].get('images', math.nan):,.0f} CPU ms per image (worker and its analysis pool), "
           f"{d['cpu_cores'].get('images', 0):.2f} cores.", "",
           "| offered (images/s) | sent | p50 ms | p95 ms | p99 ms | missing |", "|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {r['offered_rate']:,.1f} | {r['sent']} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} "
            f"| {_fmt(r['p99_ms'])} | {r['missing']} |" for r in rows]
    return [*out, ""]


def _floor(floor: list[dict[str, Any]] | None) -> list[str]:
    if not floor:
        return []
    cells = ", ".join(f"{r['offered_rate']:,.0f}/s p50 {r['p50_ms']} / p99 {r['p99_ms']} ms" for r in floor)
    return [f"Measurement floor (driver -> broker -> driver, nothing in between): {cells}.", ""]


def _screening_ab(ab: dict[str, Any] | None) -> list[str]:
    if not ab or "inline" not in ab or "pool" not in ab:
        return []
    inline, pool = ab["inline"], ab["pool"]
    gain = pool["median_throughput"] / inline["median_throughput"] if inline["median_throughput"] else float("nan")
    return ["## Screening A/B (in the event loop's process vs one pool process; one fresh worker per drain)", "",
            "| screening | drains (prompts/s) | worker CPU ms per prompt | broker CPU ms per prompt "
            "| median prompts/s |",
            "|---|---|---|---|---:|",
            *(f"| {name} | {', '.join(f'{t:,.0f}' for t in v['throughput'])} | "
              f"{', '.join(f'{c:.2f}' for c in v['cpu_ms_per_prompt'])} | "
              f"{', '.join(f'{c:.2f}' for c in v['broker_cpu_ms_per_prompt'])} | {v['median_throughput']:,.0f} |"
              for name, v in (("inline (screen_workers=0)", inline), ("pool (screen_workers=1)", pool))),
            "", f"The pool's median throughput is {gain:.2f}x inline. Worker CPU counts the pool process too: the "
            "pool costs CPU (pickling, a second process), and wins where a core is free beside the event loop.", ""]

def _profile(profile: dict[str, Any]) -> list[str]:
    if "skipped" in profile:
        return ["## Profile", "", f"skipped: {profile['skipped']}", ""]
    out = ["## Profile (py-spy, worker main thread, saturated)", "",
           f"{profile['busy_samples']} busy samples; folded stacks in `{profile['folded']}`.", "",
           "| layer (each sample once) | share of busy main-thread samples |", "|---|---:|"]
    out += [f"| {name} | {pct} % |" for name, pct in profile.get("layers", [])]
    out += ["", "| part (inclusive, overlapping) | share |", "|---|---:|"]
    out += [f"| {name} | {pct} % |" for name, pct in profile["groups"]]
    out += ["", "| own-code function (inclusive) | share |", "|---|---:|"]
    out += [f"| `{name}` | {pct} % |" for name, pct in profile["inclusive"][:12]]
    return [*out, ""]


def _scaling(results: dict[str, Any], systems: dict[str, Any]) -> str:
    so, meta = results["scale_out"], results["meta"]
    cpu_ms = systems["worker"]["drain"]["cpu_ms_per_message"].get("worker", math.nan)
    raw = systems.get("raw", {}).get("drain", {}).get("throughput", math.nan)
    broker_ms = systems["worker"]["drain"]["cpu_ms_per_message"].get("broker", math.nan)
    cores = {k: " + ".join(f"{v:.2f}" for v in so[k]["cpu_cores"].values()) for k in ("one", "two")}
    return SCALING.format(one=so["one"]["throughput"], two=so["two"]["throughput"], speedup=so["speedup"],
                          one_cores=cores["one"], two_cores=cores["two"], load=meta["load_before"],
                          cpus=meta["cpus"], cpu_ms=cpu_ms, partitions=meta["partitions"], per_core=1000 / cpu_ms,
                          raw=raw, broker_ms=broker_ms, broker_bound=1000 / broker_ms)


def rss_markdown(results: dict[str, Any]) -> str:
    rss = results["rss"]
    curve = ", ".join(f"{n:,}: {mib} MiB" for n, mib in rss["rss_mib"])
    last = rss["rss_mib"][-1][1]
    return f"# modstream bench --rss\n\nWorker RSS after {rss['prompts']:,} prompts: {last} MiB.\n\n{curve}\n"


def plot(results: dict[str, Any], path: Path) -> Path | None:
    """p50 and p99 latency against offered rate, one line pair per system; None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    colors = ("tab:blue", "tab:orange", "tab:red", "tab:gray")
    for (key, system), color in zip(results.get("systems", {}).items(), colors, strict=False):
        points = sorted([*system["rates"], system["saturation"]], key=lambda r: r["offered_rate"])
        xs = [p["offered_rate"] for p in points]
        ax.plot(xs, [p["p50_ms"] for p in points], "o--", color=color, label=f"{NAMES.get(key, key)} p50")
        ax.plot(xs, [p["p99_ms"] for p in points], "s-", color=color, label=f"{NAMES.get(key, key)} p99")
    ax.axhline(TARGETS["p99_ms_at_500"], color="black", lw=0.8, ls=":", label="p99 target (25 ms at 500/s)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offered rate (messages/s), including each system's point at 90 % of its saturated throughput")
    ax.set_ylabel("publish -> output latency (ms)")
    ax.set_title(f"modstream bench {results['meta']['date']} ({results['meta']['commit']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write(results: dict[str, Any], out_dir: Path, rss_only: bool = False) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "rss" if rss_only else "results"
    paths = [out_dir / f"{stem}.json", out_dir / f"{stem}.md"]
    if not rss_only:
        png = plot(results, out_dir / "latency.png")
        results["plot"] = str(png) if png else "not drawn: matplotlib is not installed (pip install matplotlib==3.11.2)"
        if png:
            paths.append(png)
    paths[0].write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    paths[1].write_text(rss_markdown(results) if rss_only else markdown(results), encoding="utf-8")
    return paths
