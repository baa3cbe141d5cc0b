"""rules.sexual: obfuscated positives are found, hard negatives stay clean, and policy
allows adult content only where mature content is allowed."""

from __future__ import annotations

import pytest

from detectors.sexual import find_sexual_terms, sexual_matches
from detectors.prepared import prepare
from detectors.base import PromptInput

from ._rules import action, screen

EXPLICIT = [
    "nude woman on a beach",
    "NuDe woman",
    "n u d e woman",
    "n.u.d.e woman",
    "n-u-d-e woman",
    "nuuuude woman",
    "ｎｕｄｅ woman",
    "n\u200bu\u200bd\u200be woman",
    "nսde woman",  # Armenian look-alike
    "ѕех scene",  # Cyrillic look-alikes
    "s3x",
    "p0rn",
    "p*rn",
    "n@k3d",
    "nood",
    "wearing nothing",
    "without clothes",
    "no clothes",
    "(no clothes:1.3)",
    "[dressed:undressed:0.5]",
    "{red|nude} painting",
    "a woman, <lora:nsfw_pose_v2:0.8>",
    "topless",
    "hentai",
    "desnuda",
    "sem roupa",
    "toute nue",
    "nackt",
    "голая",
    "обнажённая",
    "ヌード",
    "全裸",
    "裸体",
    "色情",
]

HARD_NEGATIVES = [
    "a naked flame on a gas stove",
    "galaxy visible to the naked eye",
    "nude-toned heels on marble",
    "nude lipstick swatches",
    "nude colour palette",
    "breast cancer awareness ribbon",
    "grilled chicken breast with herbs",
    "the sex of a bird, field guide",
    "sex determination in reptiles diagram",
    "bare trees in winter",
    "strip mall at dusk",
    "comic strip panel",
    "adult supervision required sign",
    "rolling hills of the Essex countryside",
    "Scunthorpe town centre",
    "a glass of water in class",
    "Dick Van Dyke as a chimney sweep",
    "blue tits at a bird feeder",
    "cum laude diploma",
    "naked mole rat in a burrow",
    "topless convertible car on a coastal road",
    "explicit lyrics sticker",
    "bare feet on warm sand",
    "裸足で砂浜を歩く",
    "hieroglyph ヒエログリフ",
]


@pytest.mark.parametrize("prompt", EXPLICIT)
def test_explicit_blocks_unless_mature(prompt: str) -> None:
    assert action(prompt) == "block"
    assert action(prompt, mature=True) == "allow"


@pytest.mark.parametrize("prompt", HARD_NEGATIVES)
@pytest.mark.parametrize("mature", [False, True])
def test_hard_negatives_allow(prompt: str, mature: bool) -> None:
    result = screen(prompt, mature=mature)
    assert result.verdict.action.value == "allow", result.verdict.reasons
    assert not result.assessment.scores


@pytest.mark.parametrize(("prompt", "verdict"), [("sexy woman", "allow"), ("sexy lingerie, seductive", "review"), ("woman in a bikini", "allow")])
def test_sexualised_and_suggestive(prompt: str, verdict: str) -> None:
    assert action(prompt) == verdict
    assert action(prompt, mature=True) == "allow"


def test_negative_prompt_sexual_terms_are_exclusions() -> None:
    assert action("portrait of a woman", negative="nude, nsfw, porn") == "allow"


def test_find_sexual_terms_is_shared_and_pure() -> None:
    found = find_sexual_terms("n.u.d.e, nude lipstick, lingerie")
    assert [(m.term, m.section) for m in found] == [("nude", "explicit"), ("lingerie", "sexualised")]
    assert find_sexual_terms("a red fox") == []


def test_sexual_matches_cover_networks_not_negative() -> None:
    item = PromptInput(request_id="r", prompt="a cat", negative_prompt="nude", lora_ids=("hentai_style",))
    assert [(f, m.term) for f, m in sexual_matches(prepare(item))] == [("lora", "hentai")]


def test_reason_names_detector_and_term_not_prompt() -> None:
    result = screen("secret words here, nude")
    assert result.verdict.reasons == ("sexual/adult: rules.sexual matched explicit 'nude'",)
    assert "secret" not in str(result.model_dump())
