"""The `modstream` command line, as a user runs it: offline scoring, and publish/tail on the broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.broker import EmbeddedBroker
from ops.cli import app
from tests.conftest import unique_settings

runner = CliRunner()


def test_help_names_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("broker", "topics", "worker", "dev", "publish", "tail", "score"):
        assert command in result.output


def test_score_writes_one_verdict_per_line_and_fails_closed_on_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "prompt": "a lighthouse at dusk", "negative_prompt": "", "class": "ignored"}),
        json.dumps({"id": "b", "prompt": "nude 12 year old girl"}),
        "{not json",
        json.dumps({"id": "c", "prompt": "nude woman, 30 years old"}),
    ]) + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["score", "--jsonl", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", None, "c"]
    assert [line["action"] for line in lines] == ["allow", "block", "review", "block"]
    assert set(lines[0]) == {"id", "action", "categories", "scores", "reasons"}
    assert "sexual/minors" in lines[1]["categories"] and lines[1]["reasons"]
    assert "line 3" in lines[2]["reasons"][0]

    mature = runner.invoke(app, ["score", "--jsonl", str(source), "--out", str(out), "--mature"])
    assert mature.exit_code == 0
    assert [json.loads(x)["action"] for x in out.read_text().splitlines()][3] == "allow"


@pytest.mark.broker
def test_topics_publish_and_tail_round_trip(broker: EmbeddedBroker, tmp_path: Path) -> None:
    s = unique_settings(broker, tmp_path)
    created = runner.invoke(app, ["topics", "create", "--broker", s.bootstrap, "--topic-prefix", s.topic_prefix,
                                 "--partitions", str(s.partitions)])
    assert created.exit_code == 0 and "exists" in created.output  # unique_settings created them already

    samples = Path(__file__).resolve().parents[2] / "ops" / "samples" / "prompts.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(samples.read_text().splitlines()[0] + "\n" + '{"event_id": "x"}\n')
    published = runner.invoke(app, ["publish", str(bad), "--broker", s.bootstrap, "--topic-prefix", s.topic_prefix])
    assert published.exit_code == 1 and "1 lines rejected" in published.output

    tailed = runner.invoke(app, ["tail", "prompts.submitted", "--broker", s.bootstrap,
                                 "--topic-prefix", s.topic_prefix, "--limit", "1"])
    assert tailed.exit_code == 0, tailed.output
    event = json.loads(tailed.output.strip().splitlines()[-1])
    assert event["type"] == "PromptSubmitted" and event["request_id"] == "req-sample-000"
