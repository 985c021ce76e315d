"""Common words and names, to read look-alikes where a mailbox's letters
meet its digits.

In many hands and fonts 1 and l, 0 and o share a shape, so where a word
meets a number in a mailbox (`greenl88`, `sunlll@`) the shape cannot say
which side a look-alike belongs to, and neither can either OCR engine: a
clerk decides by the words. `letters_kept` does the same: of the ways to
cut the run between the word and the number, the one that leaves a word
spelled with listed words is taken, when there is exactly one (`green` +
`188`; `daniel` + `88`). Two (`sat` + `0527` or `sato` + `527`) or none
leave the run as read, and the mailbox goes to a person
(`fields.ambiguous_mailbox`).

The list is `config/reference/mail_words.txt`: the words of three letters
or more in wordfreq's large English list, names of many languages
included, down to about one use in 30 million words (see README). The
larger the list, the safer: a name missing from it (`brandi`) whose
look-alike neighbour is listed (`bran` + `dill`) is the way a wrong
reading could pass.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

WORDS_FILE = Path(__file__).resolve().parents[1] / "config" / "reference" / "mail_words.txt"
# A mailbox's letters are one listed word (MIN_WORD letters or more) or
# listed words of MIN_PIECE letters or more run together: shorter pieces
# would spell almost anything (`aimeel` = `aim` + `eel`), and a last piece
# of three letters made two cuts spell where one was right (`sunsunl`).
MIN_WORD = 3
MIN_PIECE = 4
_AS_LETTERS = str.maketrans({"1": "l", "I": "l", "0": "o"})
# The look-alikes of an address (1 0 l I o O), and their digit readings:
# also what `vote.read_in_context` reads inside a number.
AS_DIGITS = str.maketrans({"l": "1", "I": "1", "o": "0", "O": "0"})
LOOKALIKE_RUN = re.compile("[01lIoO]+")
_LETTERS_BEFORE = re.compile("[A-Za-z]+$")


@cache
def _word_hashes() -> np.ndarray:
    """The listed words' 64-bit hashes, sorted: 1.3 MB for 159,000 words,
    where a set of the words themselves would hold over 10 MB in every
    worker process."""
    with WORDS_FILE.open(encoding="utf-8") as lines:
        hashes = np.fromiter((_hash(line.rstrip("\n")) for line in lines
                              if not line.startswith("#")), dtype=np.uint64)
    hashes.sort()
    return hashes


def preload() -> None:
    """Read the list now (about 0.2 s), at worker start, rather than in the
    middle of the first e-mail a worker reads."""
    _word_hashes()


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def listed(word: str) -> bool:
    """Is `word` (lower case) on the list?"""
    hashes, wanted = _word_hashes(), np.uint64(_hash(word))
    at = int(np.searchsorted(hashes, wanted))
    return at < len(hashes) and hashes[at] == wanted


def spelled(letters: str, last_before: int | None = None) -> bool:
    """Is `letters` one listed word of MIN_WORD letters or more, or listed
    words of MIN_PIECE letters or more run together (the last starting
    before `last_before`, if given), either after an initial when what
    follows has MIN_PIECE letters or more (`jcastro`, `hwall`: a mailbox is
    often a given name's first letter and a family name)?"""
    letters = letters.lower()
    if _words_run_together(letters, last_before):
        return True
    after_initial = None if last_before is None else last_before - 1
    return len(letters) > MIN_PIECE and _words_run_together(letters[1:], after_initial)


def _words_run_together(letters: str, last_before: int | None) -> bool:
    if len(letters) >= MIN_WORD and listed(letters):
        return True
    ends = [True] + [False] * len(letters)  # ends[i]: letters[:i] is such words
    for end in range(MIN_PIECE, len(letters) + 1):
        starts = range(end - MIN_PIECE + 1)
        if end == len(letters) and last_before is not None:
            starts = range(min(last_before, end - MIN_PIECE + 1))
        ends[end] = any(ends[start] and listed(letters[start:end]) for start in starts)
    return ends[-1]


_WORD = re.compile("[A-Za-z]+")


def capital_i_read(mailbox: str) -> str:
    """`mailbox` with each word's capital I read as the words say. Written
    by hand or in a plain font a capital I is one stroke, like a small l,
    and an address is read in small letters: `Iucky` is `lucky`, `Isabel`
    is `isabel`. Where both readings are a listed word (or an initial and
    one), or neither is (`Iclarke`: l or i and `clarke`), the I stays, and
    `fields.ambiguous_mailbox` sends the address to a person."""
    return _WORD.sub(lambda word: _i_or_l(word.group()), mailbox)


def _i_or_l(word: str) -> str:
    if "I" not in word:
        return word
    readings = [word.replace("I", letter) for letter in "il"]
    spelling = [r for r in readings if _one_word(r.lower())]
    return spelling[0] if len(spelling) == 1 else word


def _one_word(letters: str) -> bool:
    """A listed word, or an initial and one: not words run together, which
    a list this long spells out of too many strings (`paiva`+`rado`)."""
    return (len(letters) >= MIN_WORD and listed(letters)) or (
        len(letters) > MIN_PIECE and listed(letters[1:]))


@lru_cache(maxsize=4096)  # an address is read in context several times
def letters_kept(word: str, run: str) -> int | None:
    """How many characters of the look-alike `run` after `word` are letters
    (the rest being the number's digits): the one count that leaves the
    word spelled, or None when no count or several do. Letters taken from
    the run must end a word that starts before it: a word made of
    look-alikes only (`loo` in `happyloo`) is as much a number (`100`)."""
    if len(word) < MIN_WORD:
        return None  # too short to tell a word (`jo`) from a fragment
    counts = [k for k in range(len(run) + 1)
              if spelled(word + run[:k].translate(_AS_LETTERS), len(word) if k else None)]
    return counts[0] if len(counts) == 1 else None


def boundary_readings(mailbox: str) -> list[tuple[int, str]]:
    """Where a mailbox's look-alike runs sit between letters and a number
    (or the mailbox's end) and the words decide them: each run's start and
    its reading, letters then digits (`greenl88` → (5, "1"))."""
    readings = []
    for run in LOOKALIKE_RUN.finditer(mailbox):
        after = mailbox[run.end():run.end() + 1]
        word = _LETTERS_BEFORE.search(mailbox[:run.start()])
        if word is None or not (after == "" or after.isdigit()):
            continue
        kept = letters_kept(word.group(), run.group())
        if kept is not None:
            text = run.group()
            readings.append((run.start(), text[:kept].translate(_AS_LETTERS)
                             + text[kept:].translate(AS_DIGITS)))
    return readings
