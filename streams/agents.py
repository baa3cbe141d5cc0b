"""The moderation flow, top to bottom: each agent reads one topic and writes named topics.

    prompts.submitted    ─screen_prompts──> risk.scores, moderation.decisions, user.signals,
                                            enforcement.actions (block_generation for a block)
    generations.completed ─screen_generations [prompt_context]─> risk.scores, moderation.decisions,
                                                        user.signals, enforcement.actions
    user.signals         ─escalate_user [user_state]─> enforcement.actions, enforcement.reversals,
                                                        safety.hotline_reports
    reports.filed        ─triage_reports [report_index]─> review.queue
    review.verdicts      ─apply_verdicts──> user.signals
    hashbank.updates     ─update_hash_bank [hash_bank, global]─> every worker's image screener
    (anything undecodable or failing) ──> deadletter

Agents stay thin: decode at the edge, call pure code (detectors, streams.events, escalation,
reports), encode, send. Prompt screening may run in a process pool beside the loop
(``streams.screening``, ``Settings.screen_workers``). A message that cannot be handled goes to
``deadletter`` and is acked; the worker keeps running. Logs carry ids and reasons, never prompt text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from pydantic import BaseModel

from detectors import PromptScreener, Screening
from detectors.base import Action
from ops.metrics import Metrics
from ops.settings import Settings
from detectors.images.base import ImageContext, ImageScreening
from detectors.images.errors import ImageError
from schemas.models import (
    GenerationCompleted,
    HashBankUpdate,
    PromptSubmitted,
    ReportFiled,
    ReviewVerdict,
    SubjectKind,
    UserSignal,
)
from streams import escalation, events, reports, topics
from streams.app import table_options
from streams.images import ImageStage
from streams.pipeline import OversizedInput, Pipeline, ScreeningError, current
from streams.screening import ScreeningStage

log = logging.getLogger("modstream.agents")
Sink = Callable[[topics.TopicDef, BaseModel], Awaitable[None]]


def build(app: faust.App, settings: Settings, screening: PromptScreener | ScreeningStage, metrics: Metrics,
          sink: Sink | None = None, images: ImageStage | None = None) -> Pipeline:
    """Register every agent and table on ``app``; returns the shared pipeline.

    A bare ``PromptScreener`` screens in the event loop's process (agent tests do).
    """
    if not isinstance(screening, ScreeningStage):
        screening = ScreeningStage(screening)
    screener = screening.screener
    p = Pipeline(app, settings, screening, metrics, escalation.EscalationPolicy.load(settings.escalation_policy), sink)

    def table(name: str, kind: Callable[..., Any] = app.Table, **kwargs: object) -> Any:
        options = table_options(settings, topics.table_ttl_s(settings, name))
        return kind(name, default=None, key_type=str, partitions=settings.partitions, options=options, **kwargs)

    user_state = table("user_state")
    # Keyed by request id like prompts and generations, so co-partitioned with both.
    prompt_context = table("prompt_context")  # forgets after Settings.prompt_context_ttl_s
    report_index = table("report_index")
    # Read by every worker whatever its partitions: reviews' memory, and users' current risk.
    false_positives = table("false_positives", app.GlobalTable)
    user_risk = table("user_risk", app.GlobalTable)

    async def bank_changed(event: faust.EventT) -> None:  # another worker's update, or recovery
        if images is not None and event.value:
            images.apply(HashBankUpdate.model_validate(event.value))

    hash_bank = table("hash_bank", app.GlobalTable, on_changelog_event=bank_changed)

    @app.on_before_shutdown.connect
    async def close_pools(app: faust.App, **_: object) -> None:  # after the consumer stopped
        p.screening.close()
        if images is not None:
            images.close()

    # With a pool, two actors: one emits its batch's decisions while the pool screens the other's.
    # Each acks its events only after deciding them; the one table write is per key, order-free.
    @app.agent(p.topic[topics.PROMPTS_SUBMITTED.name], name="screen_prompts",
               concurrency=2 if p.screening.workers else 1)
    async def screen_prompts(stream: faust.StreamT) -> None:
        stage = "screen_prompts"
        async for batch in stream.take_events(settings.screen_batch_size, settings.screen_batch_window_s):
            accepted: list[tuple[faust.EventT, PromptSubmitted]] = []
            for event in batch:
                prompt = await p.decode(stage, event, PromptSubmitted)
                if prompt is None:
                    continue
                if max(len(prompt.prompt), len(prompt.negative_prompt)) > settings.max_prompt_chars:
                    # Oversized text is refused, not screened: block it and keep the bytes.
                    exc = OversizedInput(f"prompt longer than {settings.max_prompt_chars} characters")
                    await p.dead_letter(stage, exc, event)
                    rejected = events.rejected(f"input rejected: {exc}", screener.policy.version, prompt.request_id)
                    with current(event):
                        await decide(prompt, rejected, None, None)
                    continue
                accepted.append((event, prompt))
            if not accepted:
                continue
            started = time.perf_counter()
            wall = time.time()
            waited = [max(wall - event.message.timestamp, 0.0) for event, _ in accepted]
            for seconds in waited:
                metrics.prompt_queued.observe(seconds)
            screened = await p.screening.screen([events.prompt_input(pr) for _, pr in accepted], lag_s=max(waited))
            metrics.screen_seconds.observe(time.perf_counter() - started)
            metrics.batch_size.observe(len(accepted))
            for (event, prompt), done in zip(accepted, screened, strict=True):
                try:
                    if done.error is not None:
                        raise ScreeningError(done.error)
                    screening, simhash = done.screening, done.simhash
                    overturned = set(false_positives.get(done.digest) or ()) if done.digest else set()
                    screening = events.remembered_false_positive(screening, overturned)
                    if screening.verdict.action == Action.ALLOW:
                        simhash = None  # a remembered false positive is compared like any allow
                    with current(event):
                        await decide(prompt, screening, done.digest, simhash)
                    metrics.prompt_decided.observe(max(time.time() - event.message.timestamp, 0.0))
                except Exception as exc:  # a bug here must cost one dead letter, not the worker
                    await p.dead_letter(stage, exc, event)

    async def decide(prompt: PromptSubmitted, screening: Screening, digest: str | None, simhash: int | None) -> None:
        risk = events.risk_scored(prompt, screening)
        decision = events.moderation_decision(prompt, screening, risk.event_id, content_hash=digest, fingerprint=simhash)
        await p.send(topics.RISK_SCORES, risk)
        await p.send_decision(decision)
        signal = events.user_signal(prompt, decision, risk)
        if signal is not None:
            await p.send(topics.USER_SIGNALS, signal)
        prompt_context[prompt.request_id] = {"scores": risk.scores, "mature": prompt.mature_content_allowed}
        p.count_decision("screen_prompts", decision, screening.assessment.failures)

    @app.agent(p.topic[topics.GENERATIONS_COMPLETED.name], name="screen_generations", concurrency=2)
    async def screen_generations(stream: faust.StreamT) -> None:
        stage = "screen_generations"
        async for event in stream.events():
            generation = await p.decode(stage, event, GenerationCompleted)
            if generation is None or images is None:
                continue
            known = prompt_context.get(generation.request_id) or {}
            contexts = [ImageContext(request_id=generation.request_id, user_id=generation.user_id, image_index=i,
                                     mature_content_allowed=bool(known.get("mature", False)),
                                     prompt_scores=known.get("scores"))
                        for i in range(len(generation.images))]
            results = await asyncio.gather(*(images.screen(ref, ctx) for ref, ctx in zip(generation.images, contexts, strict=True)),
                                           return_exceptions=True)
            for index, result in enumerate(results):
                if isinstance(result, BaseException):
                    if not isinstance(result, ImageError):
                        log.error("image screening failed: %s", type(result).__name__)
                    await p.dead_letter(stage, result, event)
                    reason = f"image {index} unreadable ({type(result).__name__}); held for review"
                    result = events.image_rejected(generation.request_id, reason, images.screener.policy.version)
                await decide_image(generation, index, result)

    async def decide_image(generation: GenerationCompleted, index: int, screening: ImageScreening) -> None:
        risk = events.image_risk_scored(generation, index, screening)
        decision = events.image_decision(generation, index, screening, risk.event_id)
        await p.send(topics.RISK_SCORES, risk)
        await p.send_decision(decision)
        signal = events.image_signal(generation, index, screening, decision, risk)
        if signal is not None:
            await p.send(topics.USER_SIGNALS, signal)
        p.count_decision("screen_generations", decision, screening.assessment.failures)

    @app.agent(p.topic[topics.HASH_BANK_UPDATES.name], name="update_hash_bank")
    async def update_hash_bank(stream: faust.StreamT) -> None:
        stage = "update_hash_bank"
        async for event in stream.events():
            update = await p.decode(stage, event, HashBankUpdate)
            if update is None:
                continue
            # This worker now; every other worker (and any restart) through the changelog.
            if images is not None:
                images.apply(update)
            hash_bank[f"{update.kind.value}:{update.bank}:{update.hash}"] = update.model_dump(mode="json")
            metrics.events.labels(stage, update.op.value).inc()

    @app.agent(p.topic[topics.USER_SIGNALS.name], name="escalate_user")
    async def escalate_user(stream: faust.StreamT) -> None:
        stage = "escalate_user"
        async for event in stream.events():
            signal = await p.decode(stage, event, UserSignal)
            if signal is None:
                continue
            try:
                stored = user_state.get(signal.user_id)
                state = escalation.UserState.model_validate(stored) if stored else escalation.UserState(user_id=signal.user_id)
                new_state, plans = escalation.apply(p.policy, state, signal)
            except Exception as exc:
                await p.dead_letter(stage, exc, event)
                continue
            for plan in plans:  # issued before the state is saved: a replay re-issues the same ids
                await p.issue(plan, signal, state)
            for digest, category in escalation.overturned_content(new_state, signal):
                false_positives[digest] = sorted(set(false_positives.get(digest) or ()) | {category})
            user_state[signal.user_id] = new_state.model_dump(mode="json")
            user_risk[signal.user_id] = round(escalation.points(p.policy, new_state, signal.occurred_at), 3)
            metrics.events.labels(stage, "folded").inc()

    @app.agent(p.topic[topics.REPORTS_FILED.name], name="triage_reports")
    async def triage_reports(stream: faust.StreamT) -> None:
        stage = "triage_reports"
        async for event in stream.events():
            report = await p.decode(stage, event, ReportFiled)
            if report is None:
                continue
            key = f"{report.subject.kind.value}:{report.subject.id}"
            stored = report_index.get(key)
            state = reports.SubjectReports.model_validate(stored) if stored else reports.SubjectReports()
            risk = float(user_risk.get(report.subject.id) or 0.0) if report.subject.kind == SubjectKind.user else 0.0
            new_state, task = reports.triage(state, report, risk)
            if task is None:
                metrics.events.labels(stage, "duplicate").inc()
                continue
            await p.send(topics.REVIEW_QUEUE, task)
            report_index[key] = new_state.model_dump(mode="json")
            metrics.events.labels(stage, "queued").inc()

    @app.agent(p.topic[topics.REVIEW_VERDICTS.name], name="apply_verdicts")
    async def apply_verdicts(stream: faust.StreamT) -> None:
        stage = "apply_verdicts"
        async for event in stream.events():
            verdict = await p.decode(stage, event, ReviewVerdict)
            if verdict is None:
                continue
            signal = events.verdict_signal(verdict)
            if signal is not None:
                await p.send(topics.USER_SIGNALS, signal)
            metrics.events.labels(stage, verdict.outcome.value).inc()

    return p
