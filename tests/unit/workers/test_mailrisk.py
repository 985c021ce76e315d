"""The e-mail risk bench counts each reading once, as right, flagged or WRONG."""

from __future__ import annotations

import random

from workers.bench.mailrisk import measure, outcome, readings


def test_each_look_alike_is_read_every_way_it_may_be() -> None:
    assert sorted(readings("lo", random.Random(1))) == sorted(
        ["lo", "l0", "1o", "10", "Io", "I0"])
    assert list(readings("abc", random.Random(1))) == ["abc"]


def test_a_reading_is_right_flagged_or_wrong() -> None:
    assert outcome("lucky", "1ucky") == "right"  # a 1 opening letters is an l
    assert outcome("lbrown", "Ibrown") == "flagged"  # l or i before a name: a person
    tally, wrong = measure([("initial", "lbrown"), ("first##", "emma12")], random.Random(1))
    # lbrown: l, 1 or I times o or 0; only the I leaves l or i in doubt.
    # emma12: 1 or l, and the word emma says which.
    assert tally == {("initial", "right"): 4, ("initial", "flagged"): 2,
                     ("first##", "right"): 2}
    assert wrong == []
