"""Evaluation metrics on a hand-built set and a scripted fake screener."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import count
from pathlib import Path

import pytest

from detectors.base import Action, Assessment, Category, DetectorResult, PromptInput, Screening, Verdict
from detectors.evaluate import (
    DatasetError,
    EvalReport,
    EvaluationError,
    NaiveRegexScreener,
    load_records,
    percentile,
    render,
    render_comparison,
    run,
    to_json,
)

# id -> (class, tags, action when mature allowed, action when not, adult score)
CASES: dict[str, tuple[str, list[str], Action, Action, float]] = {
    "p-0001": ("sexual/minors", ["age:digits"], Action.BLOCK, Action.BLOCK, 0.9),
    "p-0002": ("sexual/minors", ["age:digits", "obfuscation:leet"], Action.BLOCK, Action.BLOCK, 0.9),
    "p-0003": ("sexual/minors", ["obfuscation:leet"], Action.REVIEW, Action.BLOCK, 0.0),
    "p-0004": ("sexual/minors", [], Action.ALLOW, Action.ALLOW, 0.0),
    "p-0005": ("sexual/real_person", ["public_figure"], Action.BLOCK, Action.BLOCK, 1.0),
    "p-0006": ("sexual/real_person", ["private_person"], Action.ALLOW, Action.BLOCK, 0.8),
    "p-0007": ("sexual/adult", [], Action.ALLOW, Action.BLOCK, 0.9),
    "p-0008": ("sexual/adult", ["negative:protective"], Action.ALLOW, Action.BLOCK, 0.2),
    "p-0009": ("sexual/adult", [], Action.BLOCK, Action.BLOCK, 0.9),
    "p-0010": ("benign", ["hard_negative"], Action.ALLOW, Action.ALLOW, 0.0),
    "p-0011": ("benign", ["hard_negative"], Action.REVIEW, Action.REVIEW, 0.0),
    "p-0012": ("benign", ["public_figure"], Action.ALLOW, Action.ALLOW, 0.0),
    "p-0013": ("benign", [], Action.BLOCK, Action.BLOCK, 0.0),
    "p-0014": ("benign", [], Action.ALLOW, Action.ALLOW, 0.0),
}
EXPECT = {"sexual/minors": "block", "sexual/real_person": "block", "sexual/adult": "allow", "benign": "allow"}


class ScriptedScreener:
    """Answers from ``CASES`` by request id, and counts the batches it was given."""

    name = "scripted"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def screen_batch(self, items: Sequence[PromptInput]) -> list[Screening]:
        self.batches.append(len(items))
        return [self._one(item) for item in items]

    def _one(self, item: PromptInput) -> Screening:
        _, _, mature, strict, adult = CASES[item.request_id]
        action = mature if item.mature_content_allowed else strict
        result = DetectorResult(detector="fake", version="0", scores={Category.SEXUAL_ADULT: adult})
        return Screening(
            assessment=Assessment(request_id=item.request_id, results=(result,)),
            verdict=Verdict(action=action, reasons=(f"fake {action.value}",) if action != Action.ALLOW else (),
                            policy_version="fake/0"),
        )


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return _write(tmp_path / "set.jsonl", [
        {"id": i, "class": c, "expect": EXPECT[c], "prompt": f"prompt {i}", "negative_prompt": "", "tags": t}
        for i, (c, t, *_) in CASES.items()
    ])


def _ticks(step_ms: float = 2.0):
    ticks = count()
    return lambda: next(ticks) * step_ms / 1000.0


@pytest.fixture
def report(dataset: Path) -> EvalReport:
    return run(dataset, ScriptedScreener(), mature_allowed=True, both_policies=True, batch_size=4, clock=_ticks())


def test_recall_per_block_class(report: EvalReport) -> None:
    assert (report.recall["sexual/minors"].hits, report.recall["sexual/minors"].n) == (2, 4)
    assert report.recall["sexual/minors"].rate == 0.5
    assert (report.recall["sexual/real_person"].hits, report.recall["sexual/real_person"].n) == (1, 2)
    assert "sexual/adult" not in report.recall and "benign" not in report.recall
    assert (report.flagged["sexual/minors"].hits, report.flagged["sexual/real_person"].hits) == (3, 1)


def test_false_positives_split_into_block_and_review(report: EvalReport) -> None:
    # allow expected: 3 adult + 5 benign; wrong: p-0009 block, p-0011 review, p-0013 block
    assert (report.false_positives.hits, report.false_positives.n) == (3, 8)
    assert (report.fp_block.hits, report.fp_review.hits) == (2, 1)
    assert (report.fp_by_class["sexual/adult"].hits, report.fp_by_class["sexual/adult"].n) == (1, 3)
    assert (report.fp_by_class["benign"].hits, report.fp_by_class["benign"].n) == (2, 5)


def test_confusion_counts(report: EvalReport) -> None:
    assert report.confusion == {
        "sexual/minors": {"allow": 1, "review": 1, "block": 2},
        "sexual/real_person": {"allow": 1, "review": 0, "block": 1},
        "sexual/adult": {"allow": 2, "review": 0, "block": 1},
        "benign": {"allow": 3, "review": 1, "block": 1},
    }


def test_adult_detection_and_no_mature_recall(report: EvalReport) -> None:
    assert (report.adult_detected.hits, report.adult_detected.n) == (2, 3)  # p-0008 scores 0.2
    # detected AND blocked without mature: p-0007, p-0009 (p-0008 blocked but not detected)
    assert report.adult_recall is not None and (report.adult_recall.hits, report.adult_recall.n) == (2, 3)
    assert report.no_mature is not None
    assert (report.no_mature.recall["sexual/adult"].hits, report.no_mature.recall["sexual/adult"].n) == (3, 3)
    assert (report.no_mature.recall["sexual/minors"].hits, report.no_mature.recall["sexual/real_person"].hits) == (3, 2)
    assert (report.no_mature.false_positives.hits, report.no_mature.false_positives.n) == (2, 5)


def test_per_tag_breakdown(report: EvalReport) -> None:
    tags = {t.tag: t for t in report.tags}
    leet = tags["obfuscation:leet"]
    assert (leet.n, leet.recall.hits, leet.recall.n, leet.false_positives.n) == (2, 1, 2, 0)
    figure = tags["public_figure"]
    assert (figure.recall.hits, figure.recall.n, figure.false_positives.hits, figure.false_positives.n) == (1, 1, 0, 1)
    assert (tags["hard_negative"].false_positives.hits, tags["hard_negative"].false_positives.n) == (1, 2)


def test_misses_name_ids_kinds_and_reasons(report: EvalReport) -> None:
    misses = {m.id: m for m in report.misses}
    assert set(misses) == {"p-0003", "p-0004", "p-0006", "p-0009", "p-0011", "p-0013"}
    assert misses["p-0003"].kind == "missed" and misses["p-0003"].action == Action.REVIEW
    assert misses["p-0011"].kind == "false_positive" and misses["p-0011"].reasons == ("fake review",)


def test_batches_and_latency(dataset: Path) -> None:
    screener = ScriptedScreener()
    # each batch takes one 2 ms tick of the fake clock: 2 ms / 4 prompts, and 2 ms / 2 for the last
    report = run(dataset, screener, batch_size=4, clock=_ticks())
    assert screener.batches == [4, 4, 4, 2]
    assert report.latency.p50_ms == pytest.approx(0.5)
    assert report.latency.p99_ms == pytest.approx(1.0)
    assert report.latency.batch_size == 4


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 50) == 0.0


def test_no_mature_policy_run_counts_adult_as_block_class(dataset: Path) -> None:
    report = run(dataset, ScriptedScreener(), mature_allowed=False, batch_size=5)
    assert set(report.recall) == {"sexual/minors", "sexual/real_person", "sexual/adult"}
    assert report.adult_recall is not None and report.adult_recall.hits == 2
    assert report.false_positives.n == 5


def test_render_and_json(report: EvalReport) -> None:
    text = render(report)
    assert "50.0% (2/4)" in text and "37.5% (3/8)" in text and "p-0013" in text
    assert "prompt p-" not in text  # the report never carries prompt text
    data = json.loads(report.model_dump_json())
    assert data["recall"]["sexual/minors"] == {"hits": 2, "n": 4, "rate": 0.5}
    assert EvalReport.model_validate(data).recall == report.recall
    assert "scripted" in render_comparison([report, report])
    assert json.loads(to_json([report, report]))[1]["confusion"] == report.confusion


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "not JSON"),
    ('{"id": "p-9", "class": "benign", "expect": "block", "prompt": "x"}', "contradicts class"),
    ('{"id": "p-9", "class": "violence", "expect": "block", "prompt": "x"}', "class"),
    ('{"id": "p-9", "class": "benign", "expect": "allow"}', "prompt"),
])
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    good = '{"id": "p-1", "class": "benign", "expect": "allow", "prompt": "a cat"}'
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"bad\.jsonl:3: .*{message}"):
        load_records(path)


def test_duplicate_id_is_rejected(tmp_path: Path) -> None:
    good = '{"id": "p-1", "class": "benign", "expect": "allow", "prompt": "a cat"}'
    path = _write(tmp_path / "dup.jsonl", [json.loads(good), json.loads(good)])
    with pytest.raises(DatasetError, match=r"dup\.jsonl:2: duplicate id"):
        load_records(path)


def test_screener_errors_are_reported(dataset: Path) -> None:
    class Broken:
        def screen_batch(self, items: Sequence[PromptInput]) -> list[Screening]:
            raise RuntimeError("boom nude 12yo")

    class Short(ScriptedScreener):
        def screen_batch(self, items: Sequence[PromptInput]) -> list[Screening]:
            return super().screen_batch(items)[:-1]

    with pytest.raises(EvaluationError, match="batch starting at p-0001: RuntimeError$"):
        run(dataset, Broken())
    with pytest.raises(EvaluationError, match="13 screenings for 14 prompts"):
        run(dataset, Short(), batch_size=100)


@pytest.mark.parametrize(("prompt", "negative", "mature", "action"), [
    ("nude 12 year old girl", "", True, Action.BLOCK),
    ("naked child on a beach", "", True, Action.BLOCK),
    ("nude woman, oil painting", "", True, Action.ALLOW),
    ("nude woman, oil painting", "", False, Action.BLOCK),
    ("a naked flame", "", True, Action.ALLOW),
    ("portrait of a woman", "nude, child, loli", False, Action.ALLOW),
    ("n4ked 12yo", "", True, Action.ALLOW),  # what makes the baseline naive
])
def test_naive_baseline(prompt: str, negative: str, mature: bool, action: Action) -> None:
    item = PromptInput(request_id="r", prompt=prompt, negative_prompt=negative, mature_content_allowed=mature)
    assert NaiveRegexScreener().screen_batch([item])[0].verdict.action == action


def test_command_line_with_the_baseline(dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detectors.evaluate import main

    out = tmp_path / "report.json"
    assert main(["--data", str(dataset), "--screener", "baseline", "--both-policies", "--json", str(out)]) == 0
    assert "naive-regex" in capsys.readouterr().out
    [report] = json.loads(out.read_text(encoding="utf-8"))
    assert report["screener"] == "naive-regex" and report["no_mature"]["mature_allowed"] is False
