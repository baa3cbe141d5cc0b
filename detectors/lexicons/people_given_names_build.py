"""Rebuild the given-name, common-word and surname lists from their permissive sources.

Not run at start-up or in CI: the outputs are committed. Run by hand when the sources move:

    pip download --no-deps -d /tmp/src faker==40.54.0 names==0.3.0   # both MIT
    apt-get download wamerican-small wbritish-small                 # SCOWL, permissive notice
    (unpack them) then:
    python detectors/lexicons/people_given_names_build.py FAKER_DIR NAMES_DIR SCOWL_WORDS...
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import unicodedata
from pathlib import Path

from anyascii import anyascii

HERE = Path(__file__).parent
# Scripts whose first names anyascii cannot romanise the way people spell them in Latin
# prompts (kanji/hanzi readings, unvowelled abjads); their romanised lists are used instead.
SKIP_LOCALES = (
    "ja_",
    "zh_",
    "ko_",
    "th_",
    "ar_",
    "fa_",
    "he_",
    "hi_",
    "bn_",
    "gu_",
    "mr_",
    "ne_",
    "or_",
    "ta_",
    "si_",
    "hy_",
    "ka_",
    "ur_",
)
ATTRS = (
    "first_names",
    "first_names_male",
    "first_names_female",
    "first_names_nonbinary",
    "first_romanized_names",
    "first_romanized_names_male",
    "first_romanized_names_female",
)
CENSUS_FIRST_TOP = 1200  # per sex; the census tail is very rare spellings
TOP_SURNAMES = 1000  # surnames so common they count even where they are English words
SCOWL_NOTICE = """\
# Copyright 2000-2011 by Kevin Atkinson
# Permission to use, copy, modify, distribute and sell these word lists, the associated
# scripts, the output created from the scripts, and its documentation for any purpose is
# hereby granted without fee, provided that the above copyright notice appears in all copies
# and that both that copyright notice and this permission notice appear in supporting
# documentation. Kevin Atkinson makes no representations about the suitability of this array
# for any purpose. It is provided "as is" without express or implied warranty.
"""


def fold(name: str) -> str:
    return anyascii(unicodedata.normalize("NFKC", name)).casefold()


def faker_names(faker_dir: Path) -> set[str]:
    sys.path.insert(0, str(faker_dir))
    person = importlib.import_module("faker.providers.person")
    out: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        skip = mod.name.startswith(SKIP_LOCALES)
        for attr in (a for a in ATTRS if "romanized" in a or not skip):
            value = getattr(provider, attr, ())
            if isinstance(value, (tuple, list, dict)):  # some locales define properties
                out.update(str(n) for n in value)
    return out


def census(names_dir: Path, file: str, top: int) -> list[str]:
    lines = (names_dir / "names" / file).read_text().splitlines()
    return [line.split()[0] for line in lines[:top]]


def main(faker_dir: str, names_dir: str, *scowl: str) -> None:
    raw = faker_names(Path(faker_dir))
    raw.update(census(Path(names_dir), "dist.male.first", CENSUS_FIRST_TOP))
    raw.update(census(Path(names_dir), "dist.female.first", CENSUS_FIRST_TOP))
    given = sorted({f for f in map(fold, raw) if f.isalpha() and f.isascii() and len(f) >= 3})
    top_surnames = {s.casefold() for s in census(Path(names_dir), "dist.all.last", TOP_SURNAMES)}
    words = [w for path in scowl for w in Path(path).read_text(encoding="utf-8").splitlines()]
    common = sorted({w for w in words if w.isalpha() and w.islower() and len(w) >= 3})
    header = "# {what}. Built by people_given_names_build.py from {src}. One folded word a line.\n"
    (HERE / "people_given_names.txt").write_text(
        header.format(
            what="version 1; given names, many languages",
            src="Faker 40.54.0 person providers (MIT) and US Census 1990 first names "
            "via names 0.3.0 (MIT; data public domain)",
        )
        + "\n".join(given)
        + "\n"
    )
    (HERE / "people_common_words.txt").write_text(
        header.format(
            what="version 1; common English words (lower-case entries only)",
            src="SCOWL size 35 via Debian wamerican-small and wbritish-small 2020.12.07 (permissive SCOWL "
            "notice: Copyright 2000-2011 Kevin Atkinson, use/copy/modify/distribute "
            "granted without fee)",
        )
        + SCOWL_NOTICE
        + "\n".join(common)
        + "\n"
    )
    (HERE / "people_surnames_top.txt").write_text(
        header.format(
            what="version 1; the 1000 commonest US surnames",
            src="US Census 1990 via names 0.3.0 (MIT; data public domain)",
        )
        + "\n".join(sorted(top_surnames))
        + "\n"
    )
    print(len(given), "given names;", len(common), "common words")


if __name__ == "__main__":
    main(*sys.argv[1:])
