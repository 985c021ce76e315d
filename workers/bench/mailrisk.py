"""How often reading an e-mail address in context archives a wrong one.

    python -m workers.bench.mailrisk [--limit N] [--seed S]

In a plain or handwriting-like font `l`, `1` and `I` share one stroke and
`o` and `0` one ring; both engines can read the same wrong one, so their
agreement does not catch it. `extractors.vote.read_in_context` reads such
characters as their neighbours and the word list say, and
`extractors.fields.well_formed` sends what stays in doubt to a person.
This measures the rule on mailboxes shaped as people's are: Faker's
`en_US` given and family names in the four shapes its `user_name` makes
(`lastfirst`, `firstlast`, `first##`, an initial then the family name),
each read every way its look-alikes allow (up to five of them per
mailbox), as if both engines read it so. Every reading is counted as
right (archived as written), flagged (sent to a person) or WRONG
(archived, but not what was written): the last is the risk.

Faker is only a source of realistic names here (the `samples` extra).
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from collections.abc import Iterator

from extractors.fields import well_formed
from extractors.vote import read_in_context

# What each character may be read as, itself included.
TWINS = {"l": "l1I", "o": "o0", "1": "1l", "0": "0o"}
MAX_SPOTS = 5
DOMAIN = "gmail.com"


def mailboxes(rng: random.Random, limit: int | None) -> list[tuple[str, str]]:
    """(shape, mailbox) pairs from Faker's en_US name lists."""
    from faker.providers.person.en_US import Provider as Names

    given = sorted({n.lower() for n in (*Names.first_names_male, *Names.first_names_female)})
    family = sorted(n.lower() for n in Names.last_names)
    letters = "abcdefghijklmnopqrstuvwxyz"
    boxes = {("initial", letter + name) for name in family for letter in letters}
    boxes |= {("first##", f"{name}{n:02d}") for name in given for n in range(100)}
    for _ in range(20_000):
        first, last = rng.choice(given), rng.choice(family)
        boxes |= {("firstlast", first + last), ("lastfirst", last + first)}
    ordered = sorted(boxes)
    return rng.sample(ordered, limit) if limit and limit < len(ordered) else ordered


def readings(mailbox: str, rng: random.Random) -> Iterator[str]:
    """Every way the look-alikes of `mailbox` may be read (five at most)."""
    spots = [i for i, ch in enumerate(mailbox) if ch in TWINS]
    if len(spots) > MAX_SPOTS:
        spots = sorted(rng.sample(spots, MAX_SPOTS))
    for combo in itertools.product(*(TWINS[mailbox[i]] for i in spots)):
        chars = list(mailbox)
        for i, ch in zip(spots, combo, strict=True):
            chars[i] = ch
        yield "".join(chars)


def outcome(mailbox: str, reading: str) -> str:
    text = read_in_context(f"{reading}@{DOMAIN}")
    if not well_formed("email", text):
        return "flagged"
    return "right" if text.lower().partition("@")[0] == mailbox else "WRONG"


Tally = Counter[tuple[str, str]]  # (shape, outcome) -> readings
Misread = tuple[str, str]  # (mailbox, reading)


def measure(boxes: list[tuple[str, str]], rng: random.Random) -> tuple[Tally, list[Misread]]:
    tally: Tally = Counter()
    wrong: list[Misread] = []
    for shape, mailbox in boxes:
        for reading in readings(mailbox, rng):
            result = outcome(mailbox, reading)
            tally[shape, result] += 1
            if result == "WRONG":
                wrong.append((mailbox, reading))
    return tally, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only N mailboxes, sampled")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally, wrong = measure(mailboxes(rng, args.limit), rng)
    for shape in sorted({s for s, _ in tally}):
        counts = {r: tally[shape, r] for r in ("right", "flagged", "WRONG")}
        print(f"{shape:10} " + "  ".join(f"{r} {n}" for r, n in counts.items()))
    total = sum(tally.values())
    print(f"all        {len(wrong)} WRONG of {total} readings ({len(wrong) / max(1, total):.4%})")
    for mailbox, reading in wrong[:20]:
        print(f"  {mailbox} read {reading}")


if __name__ == "__main__":
    main()
