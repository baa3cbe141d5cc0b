"""Text normalisation: the views of one text that lexicons and age patterns are matched on.

``normalize(text)`` is pure and cached on the text, so every detector that asks for the same
text gets the same object and the work is done once per prompt. It returns a ``Normalized``:

* ``native``: NFKC (full-width forms fold), case-folded, invisible characters (format ``Cf``,
  controls, variation selectors, tag characters, fillers) removed, ``ё`` read as ``е``,
  whitespace runs collapsed, split letters joined in any script (``г . о . л . а . я``). The original script stays: Russian, Japanese and Chinese terms
  match here, as do Latin terms with diacritics kept on purpose (``niña``).
* ``plain``: Latin views that keep digits, for age and grade patterns and for Latin terms:
  the ``anyascii`` transliteration, then a confusable skeleton (Cyrillic/Greek/Armenian
  look-alikes mapped to the Latin letter they imitate, from Unicode's confusables data as
  shipped by ``confusable_homoglyphs``), split letters joined (``n u d e``, ``n.u.d.e``,
  ``n-u-d-e``) and letter runs collapsed (``nuuuude`` -> ``nude`` and ``teeeen`` -> ``teen``).
* ``leet``: the same with leetspeak read as letters inside tokens that hold a letter
  (``s3x``, ``p0rn``, ``l0l1``); pure numbers are never rewritten, so ages survive in ``plain``.
* Emoji read as words in the Latin views: ``🍆`` -> ``eggplant emoji`` (its CLDR-style name
  from ``anyascii``, then "emoji"), so a lexicon names an emoji without naming the fruit; a few
  whose name misleads are overridden (``🔞`` reads "nsfw", not "underage").
* ``masked``: single-character censoring (``p*rn``, ``n#ked``, ``l!ngerie``) turned into ``*``,
  which lexicons match through their one-vowel-masked variants.

Views are deduplicated and only computed when the text could differ, so plain ASCII prompts
cost two passes. Match spans index the view they were found in, not the raw prompt. Each text
is cut at ``MAX_FIELD_CHARS`` first; ``truncated`` says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import regex
from anyascii import anyascii

from detectors.errors import DetectorError

__all__ = ["LEET_AMBIGUOUS", "MAX_FIELD_CHARS", "Normalized", "ensure_ready", "fold", "native_form", "normalize"]

#: Characters of one field screened; the rest is ignored and flagged (the stream refuses
#: anything longer than its own limit, 16 384 by default, before it gets here).
MAX_FIELD_CHARS = 16_384

# ``regex`` for Unicode properties; the stdlib ``re`` (2-3x faster on these) for the patterns
# made of explicit ASCII classes, which both engines read the same way: the Latin-view passes.

# Invisible or format characters that render as nothing: Cf (zero-width, bidi, soft hyphen,
# tags block), controls other than whitespace, variation selectors, combining grapheme joiner,
# Hangul and braille fillers that users paste as "blank" letters.
_INVISIBLE = regex.compile(
    r"[\p{Cf}\p{Co}\p{Cs}\x00-\x08\x0e-\x1f\x7f-\x9f\u034f\u115f\u1160\u17b4\u17b5"
    r"\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\U000e0000-\U000e0fff]+"
)
_SPACES = regex.compile(r"[^\S\n]+")
_NEWLINES = regex.compile(r"\s*\n\s*")
# The same three for ASCII text (most prompts, every Latin view), where they mean the same:
# no ASCII character is Cf/Co/Cs, and ``\s`` is one set in both engines.
_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]+")
_ASCII_SPACES = re.compile(r"[^\S\n]+", re.ASCII)
_ASCII_NEWLINES = re.compile(r"\s*\n\s*", re.ASCII)
_COMBINING = regex.compile(r"\p{Mn}+")
_RUSSIAN = str.maketrans({"ё": "е"})

# Letters split by one repeated separator: "n u d e", "n.u.d.e", "p . o . r . n", "n-u-d-e".
# The separator must repeat identically, so "t.e.e.n b.o.y" joins to "teen boy" and a double
# space keeps words apart. Linear: each position tries a fixed, small set of separators.
_SPLIT = re.compile(
    r"(?<![a-z0-9])[a-z0-9@$](?P<sep> ?[.\-_*~/+·•] ?| )[a-z0-9@$](?:(?P=sep)[a-z0-9@$])+(?![a-z0-9])"
)
_SEPARATORS = re.compile(r"[ .\-_*~/+·•]")
# The same in any script, for the native view ("г . о . л . а . я").
_SPLIT_NATIVE = regex.compile(
    r"(?<!\w)\w(?P<sep> ?[.\-_*~/+·•] ?| )\w(?:(?P=sep)\w)+(?!\w)"
)
_RUN3 = re.compile(r"([a-z])\1{2,}")
_HAS_LETTER = regex.compile(r"[a-z]")
# "1", "!" and "|" stay ambiguous (i or l): they all become "1", and lexicons add variants of
# each term with any of its i/l written as "1" (``l0l1`` -> ``lol1``, ``3xp11c1t`` -> ``exp11c1t``).
_LEET = str.maketrans("0345789!|@$+", "oeastbg11ast")
# Tokens are whole runs of [a-z0-9@$!|+]; only those holding a character ``_LEET`` rewrites can
# change, so only those are matched: the Python callback stays off plain words, most of a prompt.
_LEET_CANDIDATE = re.compile(r"(?<![a-z0-9@$!|+])[a-z0-9@$!|+]*[0345789!|@$+][a-z0-9@$!|+]*")
LEET_AMBIGUOUS = "1"
# One censoring character standing for a letter: inside a word or at its end ("nud*").
_MASK = re.compile(r"(?<=[a-z])[*#!@?.](?=[a-z])|(?<=[a-z])[*#!@](?![a-z0-9])|(?<![a-z0-9])[*#](?=[a-z]{2})")
_MASK_CHARS = regex.compile(r"[*#!@?.]")
# Pictographs (and the keycap/regional symbols anyascii also names ":...:"); skin tones fold away.
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\U0001F1E6-\U0001F1FF]")
_EMOJI_NAME = regex.compile(r":([a-z0-9_+\-]{1,40}):")
#: Emoji whose ``anyascii`` name says something else than what they mean in a prompt.
_EMOJI_WORDS = {"\U0001F51E": "nsfw"}  # "no one under 18": adult content, not a minor
_NO_CONFUSABLE = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH", "KANGXI", "IDEOGRAPHIC")


@dataclass(frozen=True, slots=True)
class Normalized:
    """The views of one text; see the module docstring for what each view holds."""

    native: str
    plain: tuple[str, ...]
    leet: tuple[str, ...] = ()
    masked: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def latin(self) -> tuple[str, ...]:
        """Every Latin view, the ones Latin lexicon terms are matched on."""
        return self.plain + self.leet + self.masked


def ensure_ready() -> None:
    """Load the confusables data now (detectors call this at construction: fail early)."""
    _confusable_table()


@cache
def _confusable_table() -> dict[int, str]:
    """Non-ASCII look-alikes -> the ASCII letter or digit they imitate (built once)."""
    try:
        raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    except (ModuleNotFoundError, OSError) as exc:
        raise DetectorError(
            "Unicode confusables data missing: install confusable-homoglyphs==3.3.1 (MIT)"
        ) from exc
    graph: dict[str, list[str]] = {k: [h["c"] for h in v] for k, v in json.loads(raw).items()}
    table: dict[int, str] = {}
    for char in graph:
        if len(char) != 1 or char.isascii() or unicodedata.name(char, "").startswith(_NO_CONFUSABLE):
            continue
        target = _ascii_lookalike(char, graph)
        if target:
            table[ord(char)] = target
    return table


def _ascii_lookalike(char: str, graph: dict[str, list[str]]) -> str | None:
    """Breadth-first over the homoglyph graph (depth 2), preferring letters to digits."""
    frontier, seen = [char], {char}
    for _ in range(2):
        found = [c for c in (n for f in frontier for n in graph.get(f, ())) if len(c) == 1 and c.isascii()]
        letters = [c for c in found if c.isalpha()]
        if letters or any(c.isdigit() for c in found):
            return (letters or [c for c in found if c.isdigit()])[0]
        frontier = [n for f in frontier for n in graph.get(f, ()) if n not in seen and len(n) == 1]
        seen.update(frontier)
    return None


def _clean(text: str) -> str:
    """NFKC with invisible characters removed; case and spacing kept (confusables need the
    case, split-letter joining needs double spaces as word breaks)."""
    if text.isascii():  # NFKC leaves ASCII as it is
        return _ASCII_INVISIBLE.sub("", text)
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def native_form(text: str) -> str:
    """The ``native`` view of ``text``: what non-Latin lexicon terms are compared with."""
    return _native(_clean(text))


def _native(cleaned: str) -> str:
    return _collapse(unicodedata.normalize("NFKC", cleaned.casefold())).translate(_RUSSIAN).strip()


def fold(text: str) -> str:
    """ASCII transliteration, lower-cased, word separators ``_``/``-`` read as spaces."""
    text = _clean(text)
    return _tidy(anyascii(_COMBINING.sub("", text)).lower() if not text.isascii() else text.lower())


def _emoji_word(m: regex.Match[str]) -> str:
    char = m.group()
    if char in _EMOJI_WORDS:
        return f" {_EMOJI_WORDS[char]} emoji "
    name = _EMOJI_NAME.fullmatch(anyascii(char))
    return f" {name.group(1).replace('_', ' ')} emoji " if name else f" {char} "


def _ascii(text: str) -> str:
    """``anyascii`` transliteration, lower-cased, emoji read as words."""
    if text.isascii():
        return text.lower()
    return anyascii(_COMBINING.sub("", _EMOJI.sub(_emoji_word, text))).lower()


def _join_split_letters(text: str) -> str:
    return _SPLIT.sub(lambda m: _SEPARATORS.sub("", m.group()), text)


def _leet(text: str) -> str:
    def token(m: re.Match[str]) -> str:
        word = m.group()
        core = word.rstrip("!+")  # a trailing "!" is punctuation, not an "i"
        if core.isalpha() or not _HAS_LETTER.search(core):
            return word  # nothing to read, or a pure number (an age must survive)
        return core.translate(_LEET) + word[len(core) :]

    return _LEET_CANDIDATE.sub(token, text)


def _unique(views: list[str], skip: tuple[str, ...] = ()) -> tuple[str, ...]:
    out: list[str] = []
    for view in views:
        if view and view not in out and view not in skip:
            out.append(view)
    return tuple(out)


def normalize(text: str, limit: int = MAX_FIELD_CHARS) -> Normalized:
    """All views of ``text`` (cut at ``limit``); cached, so share it, don't copy it.

    >>> normalize("ｎ.ｕ.ｄ.ｅ").plain[-1]
    'nude'
    """
    # Cached on the cut text and the flag, not on ``limit``: the rules (parsed prompt, a high
    # limit) and the model (raw prompt, the default) usually pass the same short text.
    return _normalize(text[:limit], len(text) > limit)


@lru_cache(maxsize=1024)
def _normalize(text: str, truncated: bool) -> Normalized:
    cleaned = _clean(text)
    native = _native(cleaned)
    if not native.isascii():  # Latin split letters are joined in the Latin views
        native = _SPLIT_NATIVE.sub(lambda m: _SEPARATORS.sub("", m.group()), native)
    raw_ascii = _ascii(cleaned)
    skeleton = raw_ascii
    if not cleaned.isascii():
        skeleton = _ascii(cleaned.translate(_confusable_table()))
    joined = _join_split_letters(skeleton)
    runs = joined if _RUN3.search(joined) is None else None
    once = joined if runs is not None else _RUN3.sub(r"\1", joined)
    twice = joined if runs is not None else _RUN3.sub(r"\1\1", joined)
    # The five stages are mostly one string (plain ASCII: all five): tidy each string once.
    tidied: dict[str, str] = {}

    def tidy(view: str) -> str:
        if view not in tidied:
            tidied[view] = _tidy(view)
        return tidied[view]

    plain = _unique([tidy(raw_ascii), tidy(skeleton), tidy(joined), tidy(once), tidy(twice)])
    leet_once = _leet(once)
    leet_twice = leet_once if twice == once else _leet(twice)
    leet = _unique([tidy(leet_once), tidy(leet_twice)], skip=plain)
    masked: tuple[str, ...] = ()
    if _MASK_CHARS.search(once):  # cheap test first: most prompts hold no censoring character
        masked = _unique([tidy(_MASK.sub("*", once))], skip=plain + leet)
    return Normalized(native=native, plain=plain, leet=leet, masked=masked, truncated=truncated)


def _tidy(view: str) -> str:
    """Word separators to spaces and whitespace collapsed, the form lexicon terms take too."""
    # Each "_"/"-" becomes a space: a run of them is a run of spaces, which collapses to one.
    return _collapse(view.replace("_", " ").replace("-", " ")).strip()


def _collapse(text: str) -> str:
    """Whitespace runs to one space; a line break and the whitespace around it to one newline."""
    if not text.isascii():
        return _NEWLINES.sub("\n", _SPACES.sub(" ", text))
    text = _ASCII_SPACES.sub(" ", text)  # stdlib re: about twice as fast as regex on these
    return _ASCII_NEWLINES.sub("\n", text) if "\n" in text else text
