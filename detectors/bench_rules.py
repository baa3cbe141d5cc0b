"""Micro-benchmark of the rule chain: ``.venv/bin/python -m detectors.bench_rules [-n 4000]``.

Screens ``n`` distinct synthetic prompts (half carry sexual terms, a quarter are obfuscated,
some use prompt syntax and other scripts) through rules.sexual + rules.minors + policy, each
prompt once with cold caches as in production, and prints median and p99 microseconds per
prompt for the whole screen (wall clock, and CPU time, which a busy machine does not inflate)
and for normalisation alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from detectors.base import PromptInput
from detectors.minors import MinorsDetector
from detectors.normalize import normalize
from detectors.screener import PromptScreener
from detectors.sexual import SexualContentDetector

STYLE = ["masterpiece", "best quality", "(photorealistic:1.4)", "8k", "film grain", "85mm", "bokeh",
         "by greg rutkowski", "trending on artstation", "<lora:add_detail:0.6>", "--ar 3:4 --v 6", "studio lighting"]
SUBJECT = ["a red fox in snow", "portrait of a woman", "a knight on a horse", "city street at night",
           "1girl, solo, long hair", "an old fisherman", "a bowl of ramen", "children flying kites",
           "[cat|dog] on a sofa", "a lighthouse in a storm", "海辺の少女", "девушка в лесу"]
SEXUAL = ["nude", "naked", "nsfw", "topless", "lingerie", "sexy", "no clothes", "hentai", "lewd", "porn"]
OBFUSCATE = [lambda w: " ".join(w), lambda w: w.replace("e", "3").replace("o", "0"),
             lambda w: "\u200b".join(w), lambda w: w[:1] + w[1] * 4 + w[2:],
             lambda w: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in w)]


def prompts(n: int, seed: int = 7) -> list[PromptInput]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = [rng.choice(SUBJECT), *rng.sample(STYLE, rng.randint(2, 7)), f"seed {i}"]
        if i % 2:
            word = rng.choice(SEXUAL)
            parts.insert(rng.randint(0, len(parts)), rng.choice(OBFUSCATE)(word) if i % 4 == 1 else word)
        negative = "lowres, bad anatomy, (worst quality:1.4), text, watermark" if i % 3 else ""
        out.append(PromptInput(request_id=str(i), prompt=", ".join(parts), negative_prompt=negative))
    return out


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e6, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=4000, help="distinct prompts to screen")
    args = parser.parse_args()
    screener = PromptScreener([SexualContentDetector(), MinorsDetector()])
    items = prompts(args.n)
    screener.screen_batch(prompts(200, seed=1))  # warm imports and code paths, not caches
    screen_times, cpu_times, norm_times, blocked = [], [], [], 0
    for item in items:
        start = time.perf_counter()
        normalize(item.prompt + " ")  # a text the screen itself never normalises: cold
        norm_times.append(time.perf_counter() - start)
        start, cpu = time.perf_counter(), time.thread_time()
        result = screener.screen(item)
        screen_times.append(time.perf_counter() - start)
        cpu_times.append(time.thread_time() - cpu)
        blocked += result.verdict.action.value != "allow"
    med, p99 = percentiles(screen_times)
    c_med, c_p99 = percentiles(cpu_times)
    n_med, n_p99 = percentiles(norm_times)
    print(f"rules chain ({', '.join(name for name, _ in screener.detectors)}) on {len(items)} prompts, "
          f"half with sexual terms; {blocked} not allowed")
    print(f"screen()   median {med:7.1f} us   p99 {p99:7.1f} us per prompt (wall clock)")
    print(f"screen()   median {c_med:7.1f} us   p99 {c_p99:7.1f} us per prompt (CPU time of this thread)")
    print(f"normalize  median {n_med:7.1f} us   p99 {n_p99:7.1f} us per text")


if __name__ == "__main__":
    main()
