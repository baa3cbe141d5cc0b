"""`modstream dev`: embedded broker, topics, a worker process and sample traffic, decisions on screen."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.markup import escape

from ops.broker import EmbeddedBroker
from ops.kafka_admin import create_topics
from ops.settings import Settings
from schemas.models import DeadLetter, GenerationCompleted, ImageRef, ModerationDecision, PromptSubmitted
from streams import topics
from streams.client import EventPublisher, Subscriber

STYLE = {"allow": "green", "review": "yellow", "block": "bold red"}


def sample_prompts() -> list[PromptSubmitted]:
    text = resources.files("ops").joinpath("samples/prompts.jsonl").read_text(encoding="utf-8")
    return [PromptSubmitted.model_validate_json(line) for line in text.splitlines() if line.strip()]


def sample_images(root: Path) -> list[ImageRef]:
    """Benign photos bundled with scikit-image, written as JPEG: what the sample generations show."""
    from skimage import data as photos  # a dev dependency, like this whole mode

    root.mkdir(parents=True, exist_ok=True)
    refs = []
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        path = root / f"{name}.jpg"
        buffer = io.BytesIO()
        Image.fromarray(getattr(photos, name)()).convert("RGB").save(buffer, "JPEG", quality=90)
        path.write_bytes(buffer.getvalue())
        refs.append(ImageRef(uri=path.resolve().as_uri(), sha256=hashlib.sha256(buffer.getvalue()).hexdigest(),
                             size_bytes=len(buffer.getvalue())))
    return refs


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


def wait_until_ready(proc: subprocess.Popen[bytes], ready_file: Path, timeout: float = 180) -> bool:
    """True once the worker ``proc`` has marked itself ready; False if it exited or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            if int(ready_file.read_text().strip() or 0) == proc.pid:
                return True
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.2)
    return False


class Traffic(threading.Thread):
    """Publishes the sample prompts round-robin at ``rate``/s, with a malformed one now and then."""

    def __init__(self, settings: Settings, rate: float, bad_every: int, images: list[ImageRef]):
        super().__init__(daemon=True, name="sample-traffic")
        self.settings, self.rate, self.bad_every, self.images = settings, rate, bad_every, images
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
                sample = samples[n % len(samples)].model_copy(update={
                    "event_id": str(uuid.uuid4()), "request_id": f"req-{n:06d}",
                    "submitted_at": datetime.now(UTC),
                })
                pub.publish(sample)
                if self.images and n % 3 == 0:  # now and then the generator reports its result
                    pub.publish(GenerationCompleted(
                        event_id=str(uuid.uuid4()), request_id=sample.request_id, user_id=sample.user_id,
                        images=[self.images[n % len(self.images)]], completed_at=datetime.now(UTC)))


def show(console: Console, event: object) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    if isinstance(event, ModerationDecision):
        action = event.action.value
        what = event.request_id if event.subject.kind.value != "image" else f"{event.request_id}/img"
        console.print(
            f"{stamp}  {what:14} {event.user_id:8} [{STYLE[action]}]{action:6}[/] "
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
    images = sample_images(data_dir / "images")
    bank = resources.files("detectors").joinpath("images/banks/sample.tsv")
    with EmbeddedBroker(port=port, log_path=data_dir / "broker.log").start() as broker:
        # The sample bank holds two benign photos' hashes, so the hash path shows in the demo.
        s = settings.model_copy(update={"broker": broker.bootstrap, "image_root": (data_dir / "images").resolve(),
                                        "hash_banks": (Path(str(bank)),)})
        create_topics(s.bootstrap, topics.specs(s))
        console.print(f"[bold]modstream dev[/]  broker {broker.bootstrap}  worker log {data_dir / 'worker.log'}")
        started = time.monotonic()
        worker = spawn_worker(s, data_dir / "worker.log")
        traffic = Traffic(s, rate, bad_every, images)
        shown = 0
        try:
            # Traffic waits for the worker (models loaded, group joined): a backlog would arrive as
            # one burst, not as the live flow this mode is there to show.
            with console.status("worker starting: loading models, joining the consumer group"):
                ready = wait_until_ready(worker, s.ready_file)
            if not ready:
                console.print(f"[red]worker not ready (exit code {worker.poll()}); see {data_dir / 'worker.log'}[/]")
                return 1
            console.print(f"worker ready in {time.monotonic() - started:.1f} s; sample traffic at {rate:g}/s")
            traffic.start()
            console.print(f"{'time':9} {'request':14} {'user':8} {'action':6} {'categories':20} reasons")
            names = [topics.MODERATION_DECISIONS.name, topics.DEADLETTER.name]
            with Subscriber(s.bootstrap, names, topic_prefix=s.topic_prefix, from_beginning=True) as sub:
                while not count or shown < count:
                    if worker.poll() is not None:
                        console.print(f"[red]worker exited with {worker.returncode}; see {data_dir / 'worker.log'}[/]")
                        return 1
                    for event in sub.poll(0.5):
                        show(console, event)
                        shown += isinstance(event, ModerationDecision)
                        if count and shown >= count:
                            break
        except KeyboardInterrupt:
            pass
        finally:
            traffic.stopping.set()
            stop_process(worker)
            console.print(f"stopped: {shown} decisions shown")
    return 0
