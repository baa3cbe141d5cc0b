"""Micro-benchmark for rules.real_person: microseconds per prompt, median and p99.

.venv/bin/python -m detectors.bench_people [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time

from detectors.base import PromptInput
from detectors.people import RealPersonDetector

PROMPTS = (
    "masterpiece, best quality, a woman standing in a sunlit garden, photorealistic, 8k, bokeh",
    "portrait of Taylor Swift on stage, dramatic lighting, concert photography",
    "(scarlet johansen:1.2), red dress, film still, cinematic, highly detailed face",
    "photo of Jessica Miller at the beach, candid, golden hour, 35mm",
    "my neighbour walking her dog in the park, watercolor",
    "a cyberpunk city at night, neon lights, rain, by Greg Rutkowski and Alphonse Mucha, trending on artstation",
    "Тейлор Свифт на сцене, концерт",
    "<lora:detail_tweaker:0.6> cozy cabin in snowy mountains, warm light, digital painting, Will Power",
    "oil painting of a knight fighting a dragon, epic fantasy, Rose Garden, Paris at dusk, amber sky",
    "1girl, solo, long hair, looking at viewer, smile, school uniform, cherry blossoms, anime style",
)


def main(rounds: int = 200) -> None:
    detector = RealPersonDetector()
    items = [PromptInput(request_id=str(i), prompt=p) for i, p in enumerate(PROMPTS)]
    for item in items:  # warm one-off tables (the normaliser's confusables)
        detector.score(item)
    alone: list[float] = []  # as in the chain: prepare() already ran for the prompt
    cold: list[float] = []  # this detector paying for parsing and normalisation too
    for r in range(rounds):
        for item in items:
            fresh = item.model_copy(update={"prompt": f"{item.prompt} {r}"})  # defeat the caches
            start = time.perf_counter_ns()
            detector.score(fresh)
            cold.append((time.perf_counter_ns() - start) / 1000)
            start = time.perf_counter_ns()
            detector.score(fresh)
            alone.append((time.perf_counter_ns() - start) / 1000)
    print(f"rules.real_person {detector.version}: {len(alone)} prompts")
    for label, timings in (("prepared (chain)", alone), ("cold (+prepare)", cold)):
        timings.sort()
        p99 = timings[int(len(timings) * 0.99) - 1]
        print(f"  {label:17} median {statistics.median(timings):5.0f} us   p99 {p99:5.0f} us")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
