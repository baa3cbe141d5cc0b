"""`modstream dev`: embedded broker, topics, a worker process and sample traffic, decisions on screen."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ops.broker import EmbeddedBroker
from ops.kafka_admin import create_topics
from ops.settings import Settings
from schemas.models import DeadLetter, ModerationDecision, PromptSubmitted
from streams import topics
from streams.client import EventPublisher, Subscriber

STYLE = {"allow": "green", "review": "yellow", "block": "bold red"}


def sample_prompts() -> list[PromptSubmitted]:
    text = resources.files("ops").joinpath("samples/prompts.jsonl").read_text(encoding="utf-8")
    return [PromptSubmitted.model_validate_json(line) for line in text.splitlines() if line.strip()]


def spawn_worker(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    """A `modstream worker` child process with ``settings``, logging to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings.as_env()}
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "worker"], env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Traffic(threading.Thread):
    """Publishes the sample prompts round-robin at ``rate``/s, with a malformed one now and then."""

    def __init__(self, settings: Settings, rate: float, bad_every: int):
        super().__init__(daemon=True, name="sample-traffic")
        self.settings, self.rate, self.bad_every = settings, rate, bad_every
        self.stopping = threading.Event()

    def run(self) -> None:
        samples = sample_prompts()
        with EventPublisher(self.settings.bootstrap, topic_prefix=self.settings.topic_prefix) as pub:
            for n in itertools.count(1):
                if self.stopping.wait(1.0 / self.rate):
                    return
                if self.bad_every and n % self.bad_every == 0:
                    pub.publish_raw(topics.PROMPTS_SUBMITTED.name, b"\x00\x00\x00\x00\x01not avro")
                    continue
                sample = samples[n % len(samples)]
                pub.publish(sample.model_copy(update={
                    "event_id": str(uuid.uuid4()), "request_id": f"req-{n:06d}",
                    "submitted_at": datetime.now(UTC),
                }))


def show(console: Console, event: object) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    if isinstance(event, ModerationDecision):
        action = event.action.value
        console.print(
            f"{stamp}  {event.request_id:12} {event.user_id:8} [{STYLE[action]}]{action:6}[/] "
            f"{escape(','.join(event.categories) or '-'):20} {escape('; '.join(event.reasons))}",
            no_wrap=True, overflow="ellipsis",
        )
    elif isinstance(event, DeadLetter):
        console.print(f"{stamp}  [magenta]dead letter[/] {event.source_topic}@{event.source_offset} "
                      f"stage={event.stage} {event.error_type}: {escape(event.error)}",
                      no_wrap=True, overflow="ellipsis")


def run_dev(settings: Settings, *, rate: float, count: int, port: int | None, bad_every: int) -> int:
    """Runs until Ctrl-C, or until ``count`` decisions were shown; returns an exit code."""
    console = Console(highlight=False)
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    with EmbeddedBroker(port=port, log_path=data_dir / "broker.log").start() as broker:
        s = settings.model_copy(update={"broker": broker.bootstrap})
        create_topics(s.bootstrap, topics.specs(s))
        console.print(f"[bold]modstream dev[/]  broker {broker.bootstrap}  worker log {data_dir / 'worker.log'}")
        worker = spawn_worker(s, data_dir / "worker.log")
        traffic = Traffic(s, rate, bad_every)
        shown = 0
        try:
            traffic.start()
            console.print(f"{'time':9} {'request':12} {'user':8} {'action':6} {'categories':20} reasons")
            names = [topics.MODERATION_DECISIONS.name, topics.DEADLETTER.name]
            with Subscriber(s.bootstrap, names, topic_prefix=s.topic_prefix, from_beginning=True) as sub:
                while not count or shown < count:
                    if worker.poll() is not None:
                        console.print(f"[red]worker exited with {worker.returncode}; see {data_dir / 'worker.log'}[/]")
                        return 1
                    for event in sub.poll(0.5):
                        show(console, event)
                        shown += isinstance(event, ModerationDecision)
        except KeyboardInterrupt:
            pass
        finally:
            traffic.stopping.set()
            stop_process(worker)
            console.print(f"stopped: {shown} decisions shown")
    return 0
