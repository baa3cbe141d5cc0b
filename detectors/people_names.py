"""Likely personal names that are on no list: "Jessica Miller", "photo of Jessica", "@handle".

A light heuristic over the prompt as written (case matters). A pair counts when the first word
is a capitalised given name and the second a capitalised word that reads as a surname: not a
common English word unless it is one of the 1000 commonest surnames ("Brown", "Smith"), and
not a place or brand. Given names that are everyday words ("Will", "Amber", "Paris") need a
surname that is no word at all. Names after an artist credit ("by", "style of") are skipped:
a style is not a depicted person.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from detectors.errors import LexiconError
from detectors.people_cue_patterns import ARTIST_CREDIT, HANDLE, PHOTO_OF, TITLE
from detectors.people_lexicon import LEXICONS, lexicon_lines, load_words
from detectors.people_tokens import Token, fold_word

__all__ = ["NameFinder", "NameHit"]

# Handles that name a site or a crowd, not a person.
_NOT_PEOPLE_HANDLES = frozenset(
    "everyone here channel all artstation deviantart pixiv midjourney stablediffusion civitai "
    "twitter instagram tiktok youtube reddit discord admin mods moderators".split()
)
_WORD_LISTS = (
    "people_given_names.txt",
    "people_common_words.txt",
    "people_surnames_top.txt",
    "people_ambiguous.txt",
    "people_not_persons.txt",
    "people_surnames_world.txt",
)
_MAX_GAP = 2  # characters allowed between the two words of a name (" ", ". ")
# Words that start titled figures of history, myth and fiction ("Lady Godiva", "Saint Joan"),
# never a given name in a prompt.
_TITLE_WORDS = frozenset(
    "lady lord queen king princess prince saint sir dame pope emperor empress count countess duke duchess "
    "baron baroness captain doctor professor general agent sister brother father mother uncle aunt".split()
)
_TITLES = frozenset("mrs ms miss mr mme mlle frau herr sra srta sr dr".split())  # as in people_cues.TITLE
# Titles that are also common nouns ("nackte Frau am Strand": a naked woman at the beach): a
# surname after them must be capitalised and 3+ letters.
_NOUN_TITLES = frozenset("frau herr".split())
# Nationality words start place and thing names ("French Riviera", "English Channel", "Swiss
# Alps"), never a person's name in a prompt, though a few are given names somewhere.
_DEMONYMS = frozenset(
    "american african arabian asian australian austrian belgian brazilian british canadian chinese czech danish "
    "dutch egyptian english european finnish french german greek hungarian indian irish italian japanese korean "
    "mexican nordic norwegian persian polish portuguese roman russian scottish spanish swedish swiss thai "
    "turkish ukrainian welsh".split()
)
_ARTWORK = re.compile(r"\s+by\s+\S", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NameHit:
    term: str  # the name as written (capped by Evidence)
    start: int
    end: int
    kind: str  # "pair" | "initial" | "title" | "photo_of" | "handle"
    tokens: int = 1


class NameFinder:
    """Finds likely names; word lists load once from ``lexicons/`` (or the given folder)."""

    def __init__(self, folder: Path = LEXICONS) -> None:
        given, common, surnames, ambiguous, _, world = (folder / name for name in _WORD_LISTS)
        self.given, self.common = load_words(given), load_words(common)
        self.surnames, self.ambiguous = load_words(surnames) | load_words(world), load_words(ambiguous)
        self.not_persons = _load_phrases(folder / "people_not_persons.txt")
        # The word lists change behaviour as much as code: their digest goes into the version.
        digest = hashlib.sha256()
        for name in _WORD_LISTS:
            digest.update((folder / name).read_bytes())
        self.digest = digest.hexdigest()[:8]

    def is_everyday(self, word: str) -> bool:
        """A folded word that is more often something else than a name."""
        return word in self.common or word in self.ambiguous

    def plausible_name(self, folds: list[str]) -> bool:
        """True when ``folds`` are a name or words in their own right (so not a misspelling)."""
        if len(folds) == 1:
            return folds[0] in self.given or self.is_everyday(folds[0])
        if all(self.is_everyday(f) for f in folds):
            return True
        return len(folds) == 2 and folds[0] in self.given and folds[1] in self.surnames

    def find(self, text: str, tokens: list[Token], skip: set[int]) -> list[NameHit]:
        """Name pairs, "photo of <given name>" and handles; tokens in ``skip`` are listed people."""
        hits: list[NameHit] = []
        i = 0
        while i < len(tokens):
            # ``_at`` finds nothing unless the token is a given name or follows a title: most
            # tokens of a prompt, answered here without the call.
            if not (tokens[i].fold in self.given or (i > 0 and tokens[i - 1].fold in _TITLES)):
                i += 1
                continue
            hit = None if i in skip else self._at(text, tokens, i, skip)
            if hit:
                hits.append(hit)
                i += hit.tokens
            else:
                i += 1
        for m in HANDLE.finditer(text):
            handle = m.group(1).lower().strip("._")
            if handle not in _NOT_PEOPLE_HANDLES and any(c.isalpha() for c in handle):
                hits.append(NameHit(m.group(), m.start(), m.end(), "handle"))
        return hits

    def _at(self, text: str, tokens: list[Token], i: int, skip: set[int]) -> NameHit | None:
        first = tokens[i]
        titled = i > 0 and tokens[i - 1].fold in _TITLES and TITLE.search(text, tokens[i - 1].start, first.start)
        if titled and tokens[i - 1].fold in _NOUN_TITLES and not (_capitalised(first.raw) and len(first.fold) > 2):
            titled = False
        if first.cjk or first.fold in _DEMONYMS or not (titled or first.fold in self.given):
            return None  # (cheap tests before any regex)
        if ARTIST_CREDIT.search(text, max(0, first.start - 80), first.start):
            return None
        if titled and self._surname("", first, " ", titled=True):
            return NameHit(first.raw, first.start, first.end, "title")
        if first.fold not in self.given or len(first.fold) < 3 or first.fold in _TITLE_WORDS:
            return None
        following = []
        for j in range(i + 1, min(i + 3, len(tokens))):
            if j in skip:
                break
            following.append(tokens[j])
        if (
            following
            and _capitalised(first.raw)
            and self._surname(first.fold, following[0], _gap(text, first, following[0]))
        ):
            last = following[0]
            if len(following) > 1 and self._surname(first.fold, following[1], _gap(text, last, following[1])):
                last = following[1]  # "Ana Lucía Ramírez": a second surname
            if _ARTWORK.match(text, last.end):  # "Olympia Dukakis by Manet": a work's title
                return None
            return NameHit(
                text[first.start : last.end], first.start, last.end, "pair", 3 if last is not following[0] else 2
            )
        if (
            following
            and _capitalised(first.raw)
            and not self.is_everyday(first.fold)
            and _initial(text, first, following[0])
        ):
            return NameHit(text[first.start : following[0].end + 1], first.start, following[0].end + 1, "initial", 2)
        if not PHOTO_OF.search(text, max(0, first.start - 24), first.start) or self.is_everyday(first.fold):
            return None
        if following and _capitalised(following[0].raw) and _gap(text, first, following[0]) == " ":
            return None  # "photo of Jessica Rabbit": a two-word name this finder turned down
        if following and f"{first.fold} {following[0].fold}" in self.not_persons:
            return None  # "photo of Joan of Arc"
        if _ARTWORK.match(text, first.end):
            return None  # "photo of Olympia by Manet"
        return NameHit(first.raw, first.start, first.end, "photo_of")

    def _surname(self, given: str, token: Token, gap: str, titled: bool = False) -> bool:
        word = token.fold
        if len(gap) > _MAX_GAP or gap.strip(" .") or token.cjk or not (titled or _capitalised(token.raw)):
            return False
        if len(word) < 2 or not word.isalpha() or word in self.ambiguous or f"{given} {word}" in self.not_persons:
            return False
        if self.is_everyday(given):  # "Will Power", "Rose Garden", "Paris Fashion"
            return word not in self.common and word not in self.given
        return word not in self.common or word in self.surnames


def _initial(text: str, given: Token, token: Token) -> bool:
    """ "Ariana G." - a given name and a surname initial."""
    return (
        len(token.raw) == 1
        and token.raw.isupper()
        and _gap(text, given, token) == " "
        and text[token.end : token.end + 1] == "."
    )


def _gap(text: str, left: Token, right: Token) -> str:
    return text[left.end : right.start]


def _capitalised(raw: str) -> bool:
    """ "Jessica", "McAdams", "O" - not "JESSICA" (shouting), not "jessica"."""
    return raw[:1].isupper() and (len(raw) == 1 or any(c.islower() for c in raw[1:]))


def _load_phrases(path: Path) -> frozenset[str]:
    phrases = set()
    for number, line in lexicon_lines(path):
        words = [fold_word(w) for w in line.split()]
        if len(words) < 2 or not all(words):
            raise LexiconError(path, number, "expected a phrase of 2+ words")
        phrases.add(" ".join(words[:2]))
    return frozenset(phrases)
