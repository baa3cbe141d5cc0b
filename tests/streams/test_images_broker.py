"""Generation results end to end on the real broker: benign photos pass with the real models; a
hash bank built from a benign photo, added by an event, blocks its altered copy and files a
child-safety report with the image reference. No sexual imagery anywhere: the positive path is a
hash list built from a benign image."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as skdata

from detectors.images.base import Pixels
from detectors.images.hashes import compute_hashes
from ops.broker import EmbeddedBroker
from schemas.models import (
    EnforcementAction,
    GenerationCompleted,
    HashBankOp,
    HashBankUpdate,
    HashKind,
    HotlineReport,
    ImageRef,
    ModerationDecision,
    RiskScored,
)
from streams import topics
from streams.client import EventPublisher, Subscriber
from tests.conftest import WorkerProcess, unique_settings
from tests.streams.test_escalation_broker import of
from tests.streams.test_pipeline_broker import TIMEOUT, prompt

pytestmark = pytest.mark.broker


def write(root: Path, name: str, image: Image.Image, quality: int = 90) -> ImageRef:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    blob = buffer.getvalue()
    (root / name).write_bytes(blob)
    return ImageRef(uri=(root / name).as_uri(), sha256=hashlib.sha256(blob).hexdigest(),
                    size_bytes=len(blob), width=image.width, height=image.height)


@pytest.fixture(scope="module")
def images_worker(broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    root = tmp_path_factory.mktemp("images")
    settings = unique_settings(broker, tmp_path_factory.mktemp("worker"), image_root=root, image_workers=1)
    worker = WorkerProcess(settings)
    yield worker
    worker.stop()


def generation(request_id: str, user: str, *refs: ImageRef) -> GenerationCompleted:
    return GenerationCompleted(event_id=f"gen-{uuid.uuid4().hex[:8]}", request_id=request_id, user_id=user,
                               images=refs, completed_at=datetime.now(UTC))


def collect(worker: WorkerProcess, stop: object) -> list[object]:
    s = worker.settings
    names = (topics.MODERATION_DECISIONS.name, topics.RISK_SCORES.name, topics.ENFORCEMENT_ACTIONS.name,
             topics.HOTLINE_REPORTS.name, topics.DEADLETTER.name)
    with Subscriber(s.bootstrap, names, topic_prefix=s.topic_prefix, from_beginning=True) as sub:
        return sub.collect(until=100_000, timeout=TIMEOUT * 2, stop=stop)


def image_decisions(events: list[object], request_id: str) -> list[ModerationDecision]:
    return [e for e in events if isinstance(e, ModerationDecision) and e.request_id == request_id
            and e.subject.kind.value == "image"]


def test_benign_generation_is_allowed_and_unreadable_images_fail_closed(images_worker: WorkerProcess) -> None:
    s, user = images_worker.settings, f"u-{uuid.uuid4().hex[:6]}"
    root = s.image_root
    astronaut = write(root, "astronaut.jpg", Image.fromarray(skdata.astronaut()))
    (root / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    broken = ImageRef(uri=(root / "broken.jpg").as_uri(), sha256=hashlib.sha256(b"x").hexdigest(), size_bytes=1)
    request = prompt("portrait of an astronaut in a spacesuit", user=user)
    with EventPublisher(s.bootstrap, topic_prefix=s.topic_prefix) as publisher:
        publisher.publish(request)
        publisher.publish(generation(request.request_id, user, astronaut, broken), wait=True)

    events = collect(images_worker, lambda got: len(image_decisions(got, request.request_id)) >= 2)
    decisions = {d.subject.id: d for d in image_decisions(events, request.request_id)}
    assert decisions[astronaut.sha256].action.value == "allow", images_worker.log()
    assert decisions[broken.sha256].action.value == "review"  # fail-closed, never allow
    scored = [e for e in events if isinstance(e, RiskScored) and e.subject.id == astronaut.sha256]
    assert scored and {d.name for d in scored[0].detectors} == {"hashes", "nsfw", "faces"}
    assert images_worker.alive


def test_a_hash_added_by_event_blocks_altered_copies_and_files_one_hotline_report(images_worker: WorkerProcess) -> None:
    s, user = images_worker.settings, f"u-{uuid.uuid4().hex[:6]}"
    coffee = Image.fromarray(skdata.coffee())
    known = compute_hashes(Pixels.of(coffee))
    update = HashBankUpdate(update_id=f"hbu-{uuid.uuid4().hex[:6]}", op=HashBankOp.add, kind=HashKind.pdq,
                            hash=known.pdq, bank="test-bank", label="csam", added_at=datetime.now(UTC))
    altered = write(s.image_root, "coffee-small.jpg", coffee.resize((300, 200)), quality=70)
    other = write(s.image_root, "camera.jpg", Image.fromarray(skdata.camera()).convert("RGB"))
    request = prompt("a cup of coffee on a table", user=user)
    with EventPublisher(s.bootstrap, topic_prefix=s.topic_prefix) as publisher:
        publisher.publish(update, wait=True)
        publisher.publish(request)
        publisher.publish(generation(request.request_id, user, altered, other), wait=True)

    events = collect(images_worker, lambda got: len(image_decisions(got, request.request_id)) >= 2
                     and bool(of(got, user, HotlineReport))
                     and "hotline_report" in {a.action.value for a in of(got, user, EnforcementAction)})
    decisions = {d.subject.id: d for d in image_decisions(events, request.request_id)}
    assert decisions[altered.sha256].action.value == "block", images_worker.log()
    assert decisions[other.sha256].action.value == "allow"
    (report,) = of(events, user, HotlineReport)
    assert report.incident_type.value == "child_sexual_abuse_image" and report.evidence_hold
    assert [i.sha256 for i in report.images] == [altered.sha256]
    kinds = [a.action.value for a in of(events, user, EnforcementAction)]
    assert kinds.count("hotline_report") == 1 and "suspend" in kinds and "block_generation" in kinds
