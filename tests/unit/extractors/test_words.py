"""The word list that decides look-alikes where a mailbox's letters meet its digits."""

from __future__ import annotations

from extractors.fields import well_formed
from extractors.vote import canonical, read_in_context
from extractors.words import boundary_readings, capital_i_read, letters_kept, listed, spelled


def test_the_list_holds_common_words_and_names_of_many_languages() -> None:
    for word in ("green", "river", "daniel", "campbell", "tanaka", "zhang", "sato", "brandi"):
        assert listed(word), word
    for fragment in ("greenl", "campbe", "sunl", "xqz"):
        assert not listed(fragment), fragment


def test_letters_are_spelled_by_one_word_or_by_long_words_run_together() -> None:
    assert spelled("sun") and spelled("luckyblue") and spelled("michaelhall")
    # Pieces shorter than four letters would spell almost anything.
    assert not spelled("aimeel")  # aim + eel
    assert not spelled("luckybluel")
    # Letters a look-alike run gave must end a word begun before the run.
    assert spelled("greenriver") and not spelled("greenriver", last_before=5)


def test_the_one_cut_that_spells_words_decides_and_only_that_one() -> None:
    assert letters_kept("green", "l") == 0  # green 188, not greenl 88
    assert letters_kept("campbe", "11") == 2  # campbell 519
    assert letters_kept("sun", "lll") == 0
    assert letters_kept("sat", "0") is None  # sat 0527 and sato 527 both spell
    assert letters_kept("pau", "l") is None  # pau, paul
    assert letters_kept("xqz", "l") is None  # nothing spells
    assert letters_kept("jo", "0") is None  # too short to tell


def test_boundary_readings_give_each_decided_run_letters_then_digits() -> None:
    assert boundary_readings("river_greenl88") == [(11, "1")]
    assert boundary_readings("sun.sunlll") == [(7, "111")]
    assert boundary_readings("campbe11519") == [(6, "ll")]
    # Only runs between letters and a number or the mailbox's end.
    assert boundary_readings("mi11er") == []
    assert boundary_readings("88love") == []


def test_a_capital_i_is_read_as_the_words_say_and_kept_where_they_cannot() -> None:
    assert capital_i_read("Iucky.star") == "lucky.star"
    assert capital_i_read("Ivan_smith") == "ivan_smith"
    assert capital_i_read("wiIson88") == "wilson88"
    # An initial before a name: i or l, the words cannot say.
    assert capital_i_read("Iclarke") == "Iclarke"
    assert capital_i_read("Ibrown7") == "Ibrown7"


def test_an_address_with_an_undecided_capital_i_goes_to_a_person() -> None:
    for address in ("Iclarke@gmail.com", "Ibrown@gmail.com"):
        assert read_in_context(address) == address
        assert not well_formed("email", read_in_context(address))
    assert well_formed("email", read_in_context("Iucky123@qq.com"))
    # An undecided I agrees with neither an i nor an l another look read.
    assert canonical("Isuzuki@gmail.com", "email") not in (
        canonical("isuzuki@gmail.com", "email"), canonical("lsuzuki@gmail.com", "email"))
    # A capital I the words decide is a small letter like the rest.
    assert canonical(read_in_context("SUZUKI@Gmail.com"), "email") == "suzuki@gmail.com"


def test_an_initial_then_a_family_name_counts_as_spelled() -> None:
    assert spelled("jcastro") and spelled("kbell")
    assert not spelled("sunl")  # an initial needs four letters or more after it
    assert boundary_readings("jcastr0") == [(6, "o")]
    # `hwall`: h + wall, or hwa + 11; both spell, so a person looks.
    assert boundary_readings("hwall") == []
