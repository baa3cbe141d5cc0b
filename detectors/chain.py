"""The detector registry and the chain that runs every detector on a prompt, isolating failures.

To add a detector, add one line to ``REGISTRY``: module, class, and whether a missing module
is tolerated (``optional``: work in progress elsewhere). A module that exists but fails to
import or construct is an error at start-up, never skipped silently.

A detector that raises, or returns something that is not a valid ``DetectorResult``, becomes
a ``DetectorFailure`` (error class and a short message that never quotes the prompt); the
policy turns any failure into a fail-closed review. Text cut at the field limit is recorded
the same way (detector ``rules.input``), since part of the prompt went unscreened.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from detectors.base import Assessment, Detector, DetectorFailure, DetectorResult, PromptInput
from detectors.errors import DetectorError, DetectorOutputError
from detectors.normalize import MAX_FIELD_CHARS
from detectors.prepared import prepare

__all__ = ["REGISTRY", "Entry", "assess", "assess_batch", "build_detectors"]

INPUT_CHECK = "rules.input"
INPUT_CHECK_VERSION = "2026.11.1"
_MESSAGE_CHARS = 160
_WORDS = regex.compile(r"\w{4,}")


@dataclass(frozen=True, slots=True)
class Entry:
    """One registered detector class: ``module:cls``, constructed with no arguments."""

    module: str
    cls: str
    optional: bool = False


REGISTRY: tuple[Entry, ...] = (
    Entry("detectors.sexual", "SexualContentDetector"),
    Entry("detectors.minors", "MinorsDetector"),
    Entry("detectors.people", "RealPersonDetector", optional=True),
    # The trained second opinion (detectors/models/MODEL_CARD.md): batched, about 0.2 ms a prompt.
    Entry("detectors.model", "ChainModelDetector"),
)


def build_detectors(registry: Sequence[Entry] = REGISTRY) -> tuple[Detector, ...]:
    """Import and construct every registered detector (lexicons load here, and fail here)."""
    built: list[Detector] = []
    for entry in registry:
        try:
            module = importlib.import_module(entry.module)
        except ModuleNotFoundError as exc:
            if entry.optional and exc.name == entry.module:
                continue  # not written yet; anything else missing is a real error
            raise
        detector = getattr(module, entry.cls)()
        if not isinstance(detector, Detector):
            raise DetectorError(f"{entry.module}.{entry.cls} lacks name, version or score()")
        built.append(detector)
    return tuple(built)


def assess(detectors: Sequence[Detector], item: PromptInput) -> Assessment:
    """Run every detector on ``item``; failures are recorded, never raised."""
    return assess_batch(detectors, [item])[0]


def assess_batch(detectors: Sequence[Detector], items: Sequence[PromptInput]) -> list[Assessment]:
    """``assess`` for many items, same order; detectors with ``score_batch`` get the list."""
    results: list[list[DetectorResult]] = [[] for _ in items]
    failures: list[list[DetectorFailure]] = [_input_failures(item) for item in items]
    single = [d for d in detectors if not callable(getattr(d, "score_batch", None))]
    batched = [d for d in detectors if d not in single]
    for i, item in enumerate(items):  # item-major: one prompt's prepared views stay cached
        for detector in single:
            _collect(detector, item, lambda d=detector, it=item: d.score(it), results[i], failures[i])
    for detector in batched:
        outputs = _try_batch(detector, items)
        for i, item in enumerate(items):
            call = (lambda o=outputs[i]: o) if outputs is not None else (lambda d=detector, it=item: d.score(it))
            _collect(detector, item, call, results[i], failures[i])
    return [
        Assessment(request_id=item.request_id, results=tuple(r), failures=tuple(f))
        for item, r, f in zip(items, results, failures, strict=True)
    ]


def _input_failures(item: PromptInput) -> list[DetectorFailure]:
    try:
        truncated = prepare(item).truncated
    except Exception as exc:  # noqa: BLE001 - a broken normaliser must fail closed, not crash
        return [_failure(INPUT_CHECK, INPUT_CHECK_VERSION, exc, item)]
    if not truncated:
        return []
    error = f"InputTruncated: {', '.join(truncated)} beyond {MAX_FIELD_CHARS} characters not screened"
    return [DetectorFailure(detector=INPUT_CHECK, version=INPUT_CHECK_VERSION, error=error)]


def _try_batch(detector: Detector, items: Sequence[PromptInput]) -> list[object] | None:
    """The detector's batch output, or None to fall back to one call per item."""
    try:
        outputs = list(detector.score_batch(list(items)))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - retried per item, where each failure is recorded
        return None
    return outputs if len(outputs) == len(items) else None


def _collect(
    detector: Detector,
    item: PromptInput,
    call: Callable[[], object],
    results: list[DetectorResult],
    failures: list[DetectorFailure],
) -> None:
    try:
        results.append(_validated(detector, call()))
    except Exception as exc:  # noqa: BLE001 - isolation: one detector never crashes the chain
        failures.append(_failure(detector.name, detector.version, exc, item))


def _validated(detector: Detector, result: object) -> DetectorResult:
    if not isinstance(result, DetectorResult):
        raise DetectorOutputError(f"returned {type(result).__name__}, not DetectorResult")
    if result.detector != detector.name:
        raise DetectorOutputError(f"result names detector {result.detector!r}")
    bad = [str(c) for c, v in result.scores.items() if not (math.isfinite(v) and 0.0 <= v <= 1.0)]
    if bad:
        raise DetectorOutputError(f"score outside [0, 1] for {', '.join(bad)}")
    return result


def _failure(name: str, version: str, exc: BaseException, item: PromptInput) -> DetectorFailure:
    return DetectorFailure(detector=name, version=version, error=f"{type(exc).__name__}: {_safe_message(exc, item)}")


def _safe_message(exc: BaseException, item: PromptInput) -> str:
    """The exception message, unless it might quote the input (then withheld)."""
    message = " ".join(str(exc).split())[:_MESSAGE_CHARS]
    texts = [t.casefold() for t in (item.prompt, item.negative_prompt, item.model_id, *item.lora_ids, *item.embedding_ids) if t]
    for word in _WORDS.findall(message.casefold()):
        if any(word in text for text in texts):
            return "(message withheld: it may quote the input)"
    return message or "(no message)"
