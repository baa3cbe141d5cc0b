"""modstream detectors: prompt screening rules, the chain that runs them, and the policy.

    from detectors import PromptScreener, PromptInput, Screening
    screener = PromptScreener.default()
    screening = screener.screen(PromptInput(request_id="r1", prompt="a red fox in snow"))
"""

from detectors.base import (
    Action,
    Assessment,
    Category,
    DetectorFailure,
    DetectorResult,
    Evidence,
    PromptInput,
    Screening,
    Verdict,
)
from detectors.policy import Policy
from detectors.screener import PromptScreener

__all__ = [
    "Action",
    "Assessment",
    "Category",
    "DetectorFailure",
    "DetectorResult",
    "Evidence",
    "Policy",
    "PromptInput",
    "PromptScreener",
    "Screening",
    "Verdict",
]
