"""`modstream publish`: JSONL events, validated by their pydantic model, sent as Avro."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import Progress

from ops.settings import Settings
from streams import topics
from streams.client import EventPublisher


def event_model(name: str) -> type[BaseModel]:
    """The event class called ``name`` (e.g. PromptSubmitted), among those with a topic."""
    for topic in topics.ALL:
        if topic.event.__name__ == name:
            return topic.event
    known = ", ".join(t.event.__name__ for t in topics.ALL)
    raise ValueError(f"unknown event type {name!r}; one of: {known}")


def publish_file(settings: Settings, path: Path, event_type: str) -> tuple[int, int]:
    """Publish every valid line; returns (sent, rejected). Rejections name the line, not its text."""
    model = event_model(event_type)
    console = Console(stderr=True)
    lines = path.read_text(encoding="utf-8").splitlines()
    sent = rejected = 0
    with EventPublisher(settings.bootstrap, topic_prefix=settings.topic_prefix, linger_ms=5) as publisher:
        with Progress(console=console, transient=False) as progress:
            task = progress.add_task(f"publishing {event_type}", total=len(lines))
            for number, line in enumerate(lines, start=1):
                progress.advance(task)
                if not line.strip():
                    continue
                try:
                    event = model.model_validate_json(line)
                except ValidationError as exc:
                    problem = exc.errors()[0]
                    where = ".".join(map(str, problem["loc"])) or "line"
                    console.print(f"[red]line {number}[/]: {problem['type']} at {where}")
                    rejected += 1
                    continue
                publisher.publish(event)
                sent += 1
    return sent, rejected
