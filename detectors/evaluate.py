"""Measure a screener on a labelled prompt set: recall per block class, false positives, latency.

Usage::

    from detectors import PromptScreener
    from detectors.data import TEST
    from detectors.evaluate import render, run

    report = run(TEST, PromptScreener.default(), both_policies=True)
    print(render(report))
    open("eval.json", "w").write(report.model_dump_json(indent=2))

Or ``python -m detectors.evaluate --split test --screener both``.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, model_validator
from rich.console import Console
from rich.table import Table

from detectors.base import (
    Action,
    Assessment,
    Category,
    DetectorResult,
    Evidence,
    PromptInput,
    Screening,
    Verdict,
)
from schemas.errors import ModstreamError

__all__ = [
    "BLOCK_CLASSES", "DatasetError", "EvalReport", "EvaluationError", "Metrics", "NaiveRegexScreener",
    "Outcome", "PromptRecord", "load_records", "main", "measure", "render", "render_comparison",
    "run", "screen_records", "to_json",
]

ClassName = Literal["sexual/minors", "sexual/real_person", "sexual/adult", "benign"]
CLASSES: tuple[ClassName, ...] = ("sexual/minors", "sexual/real_person", "sexual/adult", "benign")
BLOCK_CLASSES: tuple[ClassName, ...] = ("sexual/minors", "sexual/real_person")
ADULT_DETECTED_SCORE = 0.5  # an adult score at or above this counts as "sexual/adult detected"


class DatasetError(ModstreamError, ValueError):
    """A prompt-set line is not valid JSON or not a valid record; the message names file:line."""


class EvaluationError(ModstreamError, RuntimeError):
    """The screener under evaluation failed or answered with the wrong number of screenings."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PromptRecord(_Model):
    """One labelled prompt. Unknown fields are ignored so other sets in this format load too."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1)
    cls: ClassName = Field(alias="class")
    expect: Literal["block", "allow"]
    prompt: str
    negative_prompt: str = ""
    tags: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    group: str | None = None

    @model_validator(mode="after")
    def _expect_matches_class(self) -> PromptRecord:
        if self.expect != expected_action(self.cls, mature_allowed=True):
            raise ValueError(f"expect={self.expect!r} contradicts class {self.cls!r}")
        return self


def expected_action(cls: str, *, mature_allowed: bool) -> str:
    """The action policy should take: block classes always; adult content unless mature is allowed."""
    if cls in BLOCK_CLASSES or (cls == "sexual/adult" and not mature_allowed):
        return Action.BLOCK
    return Action.ALLOW


def load_records(path: str | Path) -> list[PromptRecord]:
    """Parse a JSONL prompt set; the first bad line raises ``DatasetError`` naming file:line."""
    path = Path(path)
    records: list[PromptRecord] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = PromptRecord.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where}: not JSON: {exc.msg}") from exc
            except ValidationError as exc:
                raise DatasetError(f"{where}: invalid record: {_brief(exc)}") from exc
            if record.id in seen:
                raise DatasetError(f"{where}: duplicate id {record.id!r} (first on line {seen[record.id]})")
            seen[record.id] = number
            records.append(record)
    return records


def _brief(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in exc.errors())


# --- screening ------------------------------------------------------------------------------


class Screener(Protocol):
    def screen_batch(self, items: Sequence[PromptInput], /) -> Sequence[Screening]: ...


class Outcome(_Model):
    """What the screener did with one record; no prompt text, only ids, labels and decisions."""

    id: str
    cls: ClassName
    tags: tuple[str, ...]
    action: Action
    categories: tuple[Category, ...]
    adult_detected: bool
    reasons: tuple[str, ...]
    failures: int
    latency_ms: float


def to_input(record: PromptRecord, *, mature_allowed: bool) -> PromptInput:
    return PromptInput(request_id=record.id, prompt=record.prompt,
                       negative_prompt=record.negative_prompt, mature_content_allowed=mature_allowed,
                       submitted_at=record.submitted_at)


def screen_records(records: Sequence[PromptRecord], screener: Screener, *, mature_allowed: bool,
                   batch_size: int = 16,
                   clock: Callable[[], float] = time.perf_counter) -> list[Outcome]:
    """Screen records in batches; each prompt's latency is its batch's time shared evenly."""
    outcomes: list[Outcome] = []
    for start in range(0, len(records), batch_size):
        batch = records[start : start + batch_size]
        inputs = [to_input(r, mature_allowed=mature_allowed) for r in batch]
        began = clock()
        try:
            screenings = list(screener.screen_batch(inputs))
        except Exception as exc:  # any screener failure aborts the run, naming the batch
            # The class name only: a screener's message might quote the prompt.
            raise EvaluationError(
                f"screener failed on batch starting at {batch[0].id}: {type(exc).__name__}"
            ) from exc
        per_prompt = (clock() - began) * 1000.0 / len(batch)
        if len(screenings) != len(batch):
            raise EvaluationError(f"screener returned {len(screenings)} screenings for {len(batch)} prompts")
        outcomes += [_outcome(r, s, per_prompt) for r, s in zip(batch, screenings, strict=True)]
    return outcomes


def _outcome(record: PromptRecord, screening: Screening, latency_ms: float) -> Outcome:
    verdict = screening.verdict
    adult = (Category.SEXUAL_ADULT in verdict.categories
             or screening.assessment.scores.get(Category.SEXUAL_ADULT, 0.0) >= ADULT_DETECTED_SCORE)
    return Outcome(id=record.id, cls=record.cls, tags=record.tags, action=verdict.action,
                   categories=verdict.categories, adult_detected=adult, reasons=verdict.reasons,
                   failures=len(screening.assessment.failures), latency_ms=latency_ms)


# --- metrics --------------------------------------------------------------------------------


class Rate(_Model):
    """``hits`` out of ``n``; ``rate`` is None when there is nothing to count."""

    hits: int
    n: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float | None:
        return self.hits / self.n if self.n else None

    @classmethod
    def of(cls, flags: Sequence[bool]) -> Rate:
        return cls(hits=sum(flags), n=len(flags))


class TagScore(_Model):
    tag: str
    n: int
    recall: Rate  # over records expected to be blocked
    false_positives: Rate  # over records expected to be allowed


class Latency(_Model):
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    batch_size: int


class Miss(_Model):
    id: str
    cls: ClassName
    kind: Literal["missed", "false_positive"]
    expected: Action
    action: Action
    reasons: tuple[str, ...]


class Metrics(_Model):
    """Every figure for one pass over the set under one policy."""

    mature_allowed: bool
    n: int
    recall: dict[str, Rate]  # per class expected to be blocked under this policy
    flagged: dict[str, Rate]  # the same classes, counting review as well as block
    adult_detected: Rate  # sexual/adult prompts whose sexual/adult category was detected
    false_positives: Rate  # expected allow, action != allow
    fp_block: Rate
    fp_review: Rate
    fp_by_class: dict[str, Rate]
    confusion: dict[str, dict[str, int]]  # class -> action -> count
    tags: list[TagScore]
    latency: Latency
    detector_failures: int  # prompts where at least one detector failed
    misses: list[Miss]


class EvalReport(Metrics):
    """The main pass (``mature_allowed`` as asked) and, when asked, the no-mature pass."""

    dataset: str
    screener: str
    no_mature: Metrics | None = None
    # sexual/adult prompts detected as adult AND blocked when mature content is not allowed.
    adult_recall: Rate | None = None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def measure(outcomes: Sequence[Outcome], *, mature_allowed: bool, batch_size: int = 16) -> Metrics:
    """Compute the metrics of one pass from its outcomes."""
    expect = {o.id: expected_action(o.cls, mature_allowed=mature_allowed) for o in outcomes}
    allow = [o for o in outcomes if expect[o.id] == Action.ALLOW]
    by_class: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_class[o.cls].append(o)
    recall = {c: Rate.of([o.action == Action.BLOCK for o in by_class[c]])
              for c in CLASSES if by_class[c] and expected_action(c, mature_allowed=mature_allowed) == Action.BLOCK}
    flagged = {c: Rate.of([o.action != Action.ALLOW for o in by_class[c]]) for c in recall}
    latencies = [o.latency_ms for o in outcomes]
    return Metrics(
        mature_allowed=mature_allowed, n=len(outcomes), recall=recall, flagged=flagged,
        adult_detected=Rate.of([o.adult_detected for o in by_class["sexual/adult"]]),
        false_positives=Rate.of([o.action != Action.ALLOW for o in allow]),
        fp_block=Rate.of([o.action == Action.BLOCK for o in allow]),
        fp_review=Rate.of([o.action == Action.REVIEW for o in allow]),
        fp_by_class={c: Rate.of([o.action != Action.ALLOW for o in by_class[c]])
                     for c in CLASSES if by_class[c] and expected_action(c, mature_allowed=mature_allowed) == Action.ALLOW},
        confusion={c: {a.value: sum(o.action == a for o in by_class[c]) for a in Action}
                   for c in CLASSES if by_class[c]},
        tags=_tag_scores(outcomes, expect),
        latency=Latency(p50_ms=percentile(latencies, 50), p95_ms=percentile(latencies, 95),
                        p99_ms=percentile(latencies, 99),
                        mean_ms=sum(latencies) / len(latencies) if latencies else 0.0, batch_size=batch_size),
        detector_failures=sum(o.failures > 0 for o in outcomes),
        misses=[_miss(o, expect[o.id]) for o in outcomes if _wrong(o.action, expect[o.id])],
    )


def _wrong(action: Action, expected: str) -> bool:
    return action != Action.BLOCK if expected == Action.BLOCK else action != Action.ALLOW


def _miss(o: Outcome, expected: str) -> Miss:
    kind = "missed" if expected == Action.BLOCK else "false_positive"
    return Miss(id=o.id, cls=o.cls, kind=kind, expected=Action(expected), action=o.action, reasons=o.reasons)


def _tag_scores(outcomes: Sequence[Outcome], expect: dict[str, str]) -> list[TagScore]:
    by_tag: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for tag in o.tags:
            by_tag[tag].append(o)
    return [TagScore(tag=tag, n=len(group),
                     recall=Rate.of([o.action == Action.BLOCK for o in group if expect[o.id] == Action.BLOCK]),
                     false_positives=Rate.of([o.action != Action.ALLOW for o in group if expect[o.id] == Action.ALLOW]))
            for tag, group in sorted(by_tag.items())]


def run(path: str | Path, screener: Screener, mature_allowed: bool = True, *, both_policies: bool = False,
        batch_size: int = 16, clock: Callable[[], float] = time.perf_counter) -> EvalReport:
    """Load ``path``, screen it with ``screener`` and measure; ``both_policies`` adds a no-mature pass."""
    records = load_records(path)
    outcomes = screen_records(records, screener, mature_allowed=mature_allowed, batch_size=batch_size, clock=clock)
    main_pass = measure(outcomes, mature_allowed=mature_allowed, batch_size=batch_size)
    no_mature: Metrics | None = None
    adult_recall: Rate | None = None
    if not mature_allowed:
        adult_recall = Rate.of([o.adult_detected and o.action == Action.BLOCK
                                for o in outcomes if o.cls == "sexual/adult"])
    elif both_policies:
        strict = screen_records(records, screener, mature_allowed=False, batch_size=batch_size, clock=clock)
        no_mature = measure(strict, mature_allowed=False, batch_size=batch_size)
        blocked = {o.id for o in strict if o.action == Action.BLOCK}
        adult_recall = Rate.of([o.adult_detected and o.id in blocked
                                for o in outcomes if o.cls == "sexual/adult"])
    name = getattr(screener, "name", type(screener).__name__)
    return EvalReport(**main_pass.model_dump(), dataset=str(path), screener=str(name),
                      no_mature=no_mature, adult_recall=adult_recall)


# --- the naive baseline ---------------------------------------------------------------------


class NaiveRegexScreener:
    """The peer platform's word-regex audit, kept deliberately simple to compare against.

    A sexual word and a minor word in the prompt block; a sexual word alone blocks only when
    mature content is not allowed. Negative prompts, obfuscation and names are ignored.
    """

    name = "naive-regex"
    version = "1"
    SEXUAL = regex.compile(r"\b(nude|naked|sex|porn)\b", regex.IGNORECASE)
    MINOR = regex.compile(r"\b(child|kid|girl|teen|loli)\b", regex.IGNORECASE)

    def screen(self, item: PromptInput) -> Screening:
        sexual = self.SEXUAL.search(item.prompt)
        minor = self.MINOR.search(item.prompt)
        scores: dict[Category, float] = {}
        evidence: list[Evidence] = []
        if sexual:
            scores[Category.SEXUAL_ADULT] = 1.0
            evidence.append(Evidence.of(self.name, Category.SEXUAL_ADULT, sexual.group()))
        if sexual and minor:
            scores[Category.SEXUAL_MINORS] = 1.0
            evidence.append(Evidence.of(self.name, Category.SEXUAL_MINORS, minor.group()))
        result = DetectorResult(detector=self.name, version=self.version, scores=scores, evidence=tuple(evidence))
        return Screening(assessment=Assessment(request_id=item.request_id, results=(result,)),
                         verdict=self._verdict(scores, item.mature_content_allowed))

    def screen_batch(self, items: Sequence[PromptInput]) -> list[Screening]:
        return [self.screen(item) for item in items]

    def _verdict(self, scores: dict[Category, float], mature_allowed: bool) -> Verdict:
        policy = f"{self.name}/{self.version}"
        if Category.SEXUAL_MINORS in scores:
            return Verdict(action=Action.BLOCK, categories=(Category.SEXUAL_MINORS,),
                           reasons=("sexual word and minor word",), policy_version=policy)
        if Category.SEXUAL_ADULT in scores and not mature_allowed:
            return Verdict(action=Action.BLOCK, categories=(Category.SEXUAL_ADULT,),
                           reasons=("sexual word, mature content not allowed",), policy_version=policy)
        return Verdict(action=Action.ALLOW, policy_version=policy)


# --- rendering ------------------------------------------------------------------------------

RECALL_TARGET = 0.97
FPR_TARGET = 0.03
MISS_IDS_SHOWN = 30


def pct(rate: Rate | None) -> str:
    if rate is None or rate.rate is None:
        return "n/a"
    return f"{rate.rate * 100:5.1f}% ({rate.hits}/{rate.n})"


def _check(rate: Rate | None, target: float, higher_is_better: bool) -> str:
    if rate is None or rate.rate is None:
        return ""
    ok = rate.rate >= target if higher_is_better else rate.rate <= target
    return "ok" if ok else "BELOW TARGET" if higher_is_better else "ABOVE TARGET"


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=120, color_system=None, force_terminal=False), buffer


def render(report: EvalReport) -> str:
    """A readable text report: recall, false positives, confusion, tags, latency, misses."""
    console, buffer = _console()
    policy = "mature allowed" if report.mature_allowed else "mature NOT allowed"
    console.print(f"Screener {report.screener} on {report.dataset}: {report.n} prompts, {policy}")
    console.print(_headline(report))
    console.print(_confusion(report))
    console.print(_tag_table(report))
    lat = report.latency
    console.print(f"Latency per prompt (amortised over batches of {lat.batch_size}): p50 {lat.p50_ms:.2f} ms, "
                  f"p95 {lat.p95_ms:.2f} ms, p99 {lat.p99_ms:.2f} ms, mean {lat.mean_ms:.2f} ms")
    if report.detector_failures:
        console.print(f"Prompts with a failed detector: {report.detector_failures}")
    if report.no_mature is not None:
        nm = report.no_mature
        console.print("No-mature pass: " + ", ".join(f"recall {c} {pct(r)}" for c, r in nm.recall.items())
                      + f"; false positives {pct(nm.false_positives)}")
    _print_misses(console, report.misses)
    return buffer.getvalue()


def _headline(report: EvalReport) -> Table:
    table = Table(title="Headline", show_lines=False)
    for column in ("metric", "value", "target", "check"):
        table.add_column(column)
    for cls, rate in report.recall.items():
        table.add_row(f"recall {cls}", pct(rate), f">= {RECALL_TARGET:.0%}", _check(rate, RECALL_TARGET, True))
        table.add_row("  blocked or reviewed", pct(report.flagged[cls]), "", "")
    table.add_row("false positives (allow expected)", pct(report.false_positives), f"<= {FPR_TARGET:.0%}",
                  _check(report.false_positives, FPR_TARGET, False))
    table.add_row("  of which block", pct(report.fp_block), "", "")
    table.add_row("  of which review", pct(report.fp_review), "", "")
    for cls, rate in report.fp_by_class.items():
        table.add_row(f"  false positives {cls}", pct(rate), "", "")
    table.add_row("sexual/adult detected", pct(report.adult_detected), "", "")
    if report.adult_recall is not None:
        table.add_row("recall sexual/adult (detected, blocked w/o mature)", pct(report.adult_recall), "", "")
    return table


def _confusion(report: EvalReport) -> Table:
    table = Table(title="Confusion: class x action")
    table.add_column("class")
    for action in Action:
        table.add_column(action.value, justify="right")
    for cls, row in report.confusion.items():
        table.add_row(cls, *(str(row.get(a.value, 0)) for a in Action))
    return table


def _tag_table(report: EvalReport) -> Table:
    table = Table(title="By tag")
    for column in ("tag", "n", "recall (block expected)", "false positives (allow expected)"):
        table.add_column(column)
    for score in report.tags:
        table.add_row(score.tag, str(score.n), pct(score.recall) if score.recall.n else "",
                      pct(score.false_positives) if score.false_positives.n else "")
    return table


def _print_misses(console: Console, misses: Sequence[Miss]) -> None:
    if not misses:
        console.print("No misses.")
        return
    groups: dict[tuple[str, str], list[Miss]] = defaultdict(list)
    for miss in misses:
        groups[(miss.kind, miss.cls)].append(miss)
    console.print(f"Misses ({len(misses)}; ids only, full list in the JSON report):")
    for (kind, cls), group in sorted(groups.items()):
        ids = ", ".join(m.id for m in group[:MISS_IDS_SHOWN])
        more = f" ... and {len(group) - MISS_IDS_SHOWN} more" if len(group) > MISS_IDS_SHOWN else ""
        reasons = Counter(r for m in group for r in m.reasons or ("(no reason given)",))
        top = "; ".join(f"{r} x{k}" for r, k in reasons.most_common(4))
        actions = Counter(m.action.value for m in group)
        console.print(f"  {kind} {cls} [{len(group)}, actions {dict(actions)}]: {ids}{more}", markup=False)
        console.print(f"    reasons: {top}", markup=False)


def to_json(reports: EvalReport | Sequence[EvalReport]) -> str:
    """The JSON form for README and CI: one report as an object, several as a list."""
    if isinstance(reports, EvalReport):
        return reports.model_dump_json(indent=2)
    return json.dumps([r.model_dump(mode="json") for r in reports], indent=2)


def render_comparison(reports: Sequence[EvalReport]) -> str:
    """Side by side: the headline figures of several screeners on the same set."""
    console, buffer = _console()
    table = Table(title="Comparison on " + ", ".join(sorted({r.dataset for r in reports})))
    table.add_column("metric")
    for report in reports:
        table.add_column(report.screener)
    rows: list[tuple[str, Callable[[EvalReport], str]]] = [
        (f"{label} {c}", lambda r, c=c, f=f: pct(f(r).get(c)))
        for c in BLOCK_CLASSES
        for label, f in (("recall", lambda r: r.recall), ("  flagged", lambda r: r.flagged))
    ]
    rows += [
        ("false positives", lambda r: pct(r.false_positives)),
        ("  blocked", lambda r: pct(r.fp_block)),
        ("  reviewed", lambda r: pct(r.fp_review)),
        ("sexual/adult detected", lambda r: pct(r.adult_detected)),
        ("recall sexual/adult (no-mature)", lambda r: pct(r.adult_recall)),
        ("latency p95 ms", lambda r: f"{r.latency.p95_ms:.2f}"),
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(r) for r in reports))
    console.print(table)
    return buffer.getvalue()


# --- command line ---------------------------------------------------------------------------


def _screeners(which: str) -> list[Screener]:
    chosen: list[Screener] = []
    if which in ("chain", "both"):
        from detectors.screener import PromptScreener  # noqa: PLC0415 - heavy; only when asked

        chosen.append(PromptScreener.default())
    if which in ("baseline", "both"):
        chosen.append(NaiveRegexScreener())
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m detectors.evaluate``: evaluate the chain and/or the naive baseline."""
    import argparse  # noqa: PLC0415

    from detectors.data import TEST, TRAIN  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m detectors.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a JSONL prompt set (default: the test split)")
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--screener", choices=("chain", "baseline", "both"), default="both")
    parser.add_argument("--no-mature", action="store_true", help="evaluate under a no-mature policy")
    parser.add_argument("--both-policies", action="store_true", help="add a no-mature pass")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", type=Path, help="write the report(s) as JSON here")
    args = parser.parse_args(argv)
    path = Path(args.data) if args.data else TEST if args.split == "test" else TRAIN
    reports = [run(path, s, mature_allowed=not args.no_mature, both_policies=args.both_policies,
                   batch_size=args.batch_size) for s in _screeners(args.screener)]
    for report in reports:
        print(render(report))
    if len(reports) > 1:
        print(render_comparison(reports))
    if args.json:
        args.json.write_text(to_json(reports), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
