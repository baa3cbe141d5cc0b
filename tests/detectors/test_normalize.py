"""Normalisation golden cases: one row per obfuscation kind, and what must survive."""

from __future__ import annotations

import pytest

from detectors.normalize import MAX_FIELD_CHARS, normalize

# (kind, input, a string that some Latin view must equal or contain)
GOLDEN = [
    ("fullwidth", "ｎｕｄｅ　ｇｉｒｌ", "nude girl"),
    ("fullwidth digits", "１０　ｙｒｓ　ｏｌｄ", "10 yrs old"),
    ("case", "NuDe GiRl", "nude girl"),
    ("zero width", "n\u200bu\u200cd\u200de\u2060", "nude"),
    ("bom and soft hyphen", "n\ufeffu\u00add\u00ade", "nude"),
    ("variation selector", "n\ufe0fu\ufe0fde", "nude"),
    ("tag characters", "nu\U000e0041de", "nude"),
    ("bidi controls", "\u202enude\u202c", "nude"),
    ("cyrillic look-alikes", "ѕех", "sex"),
    ("cyrillic capitals", "ТЕЕN", "teen"),
    ("greek look-alikes", "κιd", "kid"),
    ("armenian look-alikes", "ոսde", "nude"),
    ("math alphabet", "𝐧𝐮𝐝𝐞", "nude"),
    ("accents folded", "Mädchen desnúda", "madchen desnuda"),
    ("zalgo marks", "n\u0336u\u0336d\u0336e\u0336", "nude"),
    ("spaced letters", "n u d e", "nude"),
    ("dotted letters", "n.u.d.e", "nude"),
    ("dashed letters", "n-u-d-e", "nude"),
    ("underscored letters", "n_u_d_e", "nude"),
    ("starred letters", "n*u*d*e", "nude"),
    ("spaced dots", "p . o . r . n", "porn"),
    ("spaced words keep their break", "e l e m e n t a r y  s c h o o l", "elementary school"),
    ("dotted words keep their break", "t.e.e.n b.o.y", "teen boy"),
    ("repeated letters", "nuuuude", "nude"),
    ("repeated letters kept double", "teeeeen", "teen"),
    ("leet digits", "s3x p0rn", "sex porn"),
    ("leet symbols", "n@k3d pu$$y", "naked pussy"),
    ("leet 7 and 4", "3xp7ic1t", "exptic1t"),
    ("ambiguous one", "l0l1", "lol1"),
    ("leet nine", "str1ppin9", "str1pping"),
    ("censoring", "p*rn n#ked", "p*rn n*ked"),
    ("censoring by bang", "l!ngerie", "l*ngerie"),
    ("word separators", "no_clothes nude-toned", "no clothes nude toned"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_obfuscations_normalise(kind: str, text: str, expected: str) -> None:
    views = normalize(text).latin
    assert any(expected in v for v in views), (kind, views)


@pytest.mark.parametrize(
    ("text", "native"),
    [
        ("РЕБЁНОК", "ребенок"),  # ё read as е, case folded
        ("９歳の少女", "9歳の少女"),
        ("Straße", "strasse"),
        ("a\u200bb  c\n\n d", "ab c\nd"),
    ],
)
def test_native_view_keeps_script(text: str, native: str) -> None:
    assert normalize(text).native == native


def test_ages_survive_leet() -> None:
    views = normalize("12yo s3x 1girl")
    assert any("12yo" in v for v in views.plain)
    assert any("sex" in v for v in views.leet)


def test_plain_ascii_costs_one_view() -> None:
    views = normalize("a red fox in the snow, watercolor")
    assert views.plain == ("a red fox in the snow, watercolor",)
    assert views.leet == () and views.masked == ()


def test_long_text_is_cut_and_flagged() -> None:
    views = normalize("a" * (MAX_FIELD_CHARS + 10))
    assert views.truncated
    assert len(views.native) == MAX_FIELD_CHARS
    assert not normalize("short").truncated


def test_initials_are_harmless() -> None:
    assert "jrr tolkien" not in normalize("J. R. R. Tolkien").latin
