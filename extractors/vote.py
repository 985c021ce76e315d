"""Two independent readings of one zone, turned into one reading whose
confidence means something.

Two engines with different models rarely make the *same* mistake, so
agreement (after undoing layout differences only: spaces, full-width
forms, case of e-mail, dots no address can hold) is the strongest
evidence a reading is right, and disagreement is the strongest evidence
it may be wrong. Whether the text has the shape its field type needs
counts as a third, independent check.
The chosen text is one engine's reading, word for word, with two
exceptions that a clerk makes too: an e-mail address is read in context
first (`read_in_context`): 1 or 0 inside a word of letters is the l or o
it stands for, l or o inside a number the digit, and a look-alike of a big
provider's domain that provider's; and an @ that both engines read as
other characters, where nothing else can be (`at_sign_both_missed`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractors.places import division_prefix
from extractors.types import EngineReading
from extractors.words import AS_DIGITS, LOOKALIKE_RUN, boundary_readings, capital_i_read

# Scores of text fields, from the doubt about RapidOCR's weakest character
# (1 - its probability), which rules.yaml's thresholds are calibrated on:
#   agreement            1 - doubt × AGREE_DOUBT: two engines agreeing
#                        shrink the doubt, but a weak character still shows
#                        (both read 吴 for 昊 at 0.53 on a shared example)
#   second engine alone  1 - doubt × ALONE_DOUBT, only for CJK text
#   anything else        at most CONTRADICTED_CAP: always reviewed
AGREE_DOUBT = 0.25
ALONE_DOUBT = 2.0
CONTRADICTED_CAP = 0.5

# Which engine to believe when they disagree, by field type (measured on the
# labelled tuning sets, seeds 101 and 202: RapidOCR reads CJK and
# handwriting-like Kai far better, and digits somewhat better; on e-mail
# addresses, once both are read in context, RapidOCR was right in 13 of 27
# splits and Tesseract in 3). A split is always reviewed: this only decides
# which reading the reviewer sees first.
PREFER_SECOND = frozenset({"person_name", "chinese_text", "country", "date", "email",
                           "date_or_longterm", "mobile", "digits", "amount", "id_number"})
# Where the second engine's own reading may stand when Tesseract disagrees:
# Chinese writing, which Tesseract misreads far more often than RapidOCR and
# where RapidOCR's weakest-character probability separated right from wrong
# on the tuning set (a country name must also be one the rules know).
# Digits, dates and e-mail never stand alone: a wrong digit there reads as
# confidently as a right one.
MAY_STAND_ALONE = frozenset({"person_name", "chinese_text", "country"})
# The big mail providers of mainland China and abroad. A domain that differs
# from one of these by look-alike characters only (hotmai1, out1ook, yaho0)
# is read as that provider's (`read_in_context`).
KNOWN_MAIL_DOMAINS = frozenset({
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn",
    "sohu.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "gmail.com", "outlook.com",
    "hotmail.com", "live.com", "msn.com", "yahoo.com", "icloud.com", "me.com",
})
_LOOKALIKES = str.maketrans({"1": "l", "i": "l", "j": "l", "|": "l", "0": "o"})
_KNOWN_BY_SHAPE = {d.translate(_LOOKALIKES): d for d in KNOWN_MAIL_DOMAINS}
# A digit read where a word goes → the letter it is mistaken for (the other
# way round is `words.AS_DIGITS`).
_AS_LETTERS = str.maketrans({"1": "l", "0": "o"})
_ADDRESS_SEPARATORS = "._-+@"
# What both engines read an @ as, when they read it alike (canonical, so
# lower case): round shapes.
AT_LOOKALIKES = frozenset("0oae6")
# What Tesseract reads beside an @ it splits into two glyphs (canonical):
# round letters only, as a digit there may be content the other engine
# dropped (RapidOCR's decoder merges a doubled digit: 7200 read 720).
AT_PIECES = frozenset("aeog")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Digits RapidOCR reads in Latin names, and the letters each stands for.
# In a Latin name, what RapidOCR may have read for the letter Tesseract
# read: a digit that looks like it, or the letter in the other case where
# capital and small letter differ only in size (`David wilson`).
_SAME_SHAPE_CASES = "cosuvwxz"
_NAME_LOOKALIKES = {"0": "Oo", "1": "lIi",
                    **{c: c.upper() for c in _SAME_SHAPE_CASES},
                    **{c.upper(): c for c in _SAME_SHAPE_CASES}}
# Chinese writing never opens or closes a form's field with punctuation,
# nor an amount ends with a dot or comma: there, a mark is a speck of the
# scan (中国、 or 中国· where the other engine read 中国, 3.2.. where it read
# 3.2; rough scans of seed 7001 had three of each).
SPECKS_AROUND = frozenset({"chinese_text", "person_name", "country"})
SPECKS_AFTER = frozenset({"amount"})
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Voted:
    text: str
    confidence: float
    agreement: bool
    candidates: tuple[str, ...]


def tidy(text: str) -> str:
    """Undo OCR layout artefacts only: line breaks and spaces OCR puts
    between CJK characters. Everything else stays as read."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)


def canonical(text: str, field_type: str) -> str:
    """The reading with layout differences undone, for comparison only."""
    out = []
    for ch in text:
        code = ord(ch)
        out.append(chr(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else ch)
    joined = "".join(out)
    if field_type == "person_name" and re.search(r"[A-Za-z]", joined):
        # Latin names keep one space between words: that space is content.
        return " ".join(joined.split())
    flat = re.sub(r"\s+", "", joined)
    start, end = _content_span(flat, field_type)
    flat = flat[start:end]
    if field_type == "email":
        # A capital I left after reading in context is undecided, an i or
        # an l (`words.capital_i_read`): it is neither, and matches only an I.
        return without_stray_dots("".join(c if c == "I" else c.lower() for c in flat))
    if field_type == "country":
        return flat.upper()  # CHN and chn are one code
    if field_type in ("date", "date_or_longterm"):
        # The digits are the date; which separator, and whether the 日 that
        # closes it was seen, are not (2006年7月18 is 2006年7月18日). A comma
        # is a dot misread: no date style writes one.
        return re.sub(r"[年月/.,]", "-", flat).removesuffix("日")
    if field_type == "mobile":
        return re.sub(r"[-()+]", "", flat)
    return flat


def _is_speck(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P" or unicodedata.category(ch) == "Sk"


def _content_span(flat: str, field_type: str) -> tuple[int, int]:
    """Where a reading without spaces holds content: all of it but the
    specks at its ends (`SPECKS_AROUND`, `SPECKS_AFTER`)."""
    if field_type in SPECKS_AFTER:
        return 0, len(flat.rstrip(".,"))
    if field_type not in SPECKS_AROUND or not _CJK.search(flat):
        return 0, len(flat)
    start = next((i for i, ch in enumerate(flat) if not _is_speck(ch)), len(flat))
    end = len(flat) - next((i for i, ch in enumerate(reversed(flat)) if not _is_speck(ch)), 0)
    return start, max(start, end)


def has_end_specks(text: str, field_type: str) -> bool:
    flat = "".join(text.split())
    return _content_span(flat, field_type) != (0, len(flat))


def without_end_specks(text: str, field_type: str) -> str:
    """A reading as read, but for the specks at its ends (see
    `SPECKS_AROUND`): both engines may add one (`有限公司，` and
    `有限公司．．·`), and the value must not keep either."""
    flat = "".join(text.split())
    start, end = _content_span(flat, field_type)
    if (start, end) == (0, len(flat)):
        return text
    kept, seen = [], 0
    for ch in text:
        if ch.isspace():
            kept.append(ch)
            continue
        if start <= seen < end:
            kept.append(ch)
        seen += 1
    return "".join(kept).strip()


def without_stray_dots(address: str) -> str:
    """An address without the dots none can hold: a second dot in a row, a
    dot at either end or beside the @. OCR makes them of specks (Tesseract
    read `qq..com` where RapidOCR read `qq.com`); writing never does."""
    kept = re.sub(r"\.{2,}", ".", address).strip(".")
    return re.sub(r"\.?@\.?", "@", kept)


def has_stray_dots(address: str) -> bool:
    return without_stray_dots(address) != address


def agreed_score(weakest: float) -> float:
    """The score of two agreeing readings, from the probability of
    RapidOCR's weakest character that nothing else checks."""
    return round(1 - (1 - weakest) * AGREE_DOUBT, 4)


def sureness(reading: EngineReading) -> float:
    """The weakest character's probability when the engine gives one: a
    single unsure character is what makes a reading wrong."""
    if reading.char_confidences:
        return min(reading.char_confidences)
    return reading.confidence


def vote(primary: EngineReading, second: EngineReading, field_type: str,
         primary_ok: bool, second_ok: bool) -> Voted:
    """One reading from two. `*_ok` say whether each text has its type's shape."""
    a, b = canonical(primary.text, field_type), canonical(second.text, field_type)
    if a and a == b:
        # Same content: keep the well-formed spelling, the primary's by
        # default, without specks at its ends.
        text = primary.text if primary_ok or not second_ok else second.text
        text = without_end_specks(text, field_type)
        score = _agreement_score(second, field_type)
        if not (primary_ok or second_ok):
            score = round(score * CONTRADICTED_CAP, 4)
        return Voted(text, score, True, ())
    if field_type == "email":
        settled = _by_forced_characters(primary, second, primary_ok, second_ok)
        if settled is not None:
            return settled
    if field_type == "chinese_text":
        listed = _split_inside_listed_division(primary, second, second_ok)
        if listed is not None:
            return listed
    if field_type == "person_name" and primary_ok:
        spaced = _spaced_by_primary(primary, second) or _lookalikes_in_latin_name(primary, second)
        if spaced is not None:
            return spaced
    chosen, other = _preferred(primary, second, field_type, primary_ok, second_ok)
    chosen_ok = primary_ok if chosen is primary else second_ok
    candidates = (other.text,) if other.text else ()
    if (chosen is second and chosen_ok and _may_stand_alone(field_type, chosen.text)
            and not _cjk_dropped(primary.text, second.text, field_type)):
        score = max(0.0, 1 - (1 - sureness(chosen)) * ALONE_DOUBT)
        return Voted(without_end_specks(chosen.text, field_type), round(score, 4), False,
                     candidates)
    score = CONTRADICTED_CAP * min(1.0, sureness(chosen))
    return Voted(chosen.text, round(score, 4), False, candidates)


def _spaced_by_primary(primary: EngineReading, second: EngineReading) -> Voted | None:
    """A Latin name read letter for letter alike, where RapidOCR ran the
    words together (`OLIVERPARK`) and Tesseract kept them apart (`OLIVER
    PARK`): the letters agree, and only Tesseract says where the words
    part. Its reading is kept when every word has at least two letters (a
    stray one-letter piece may be a split inside a word: a person looks)."""
    words = primary.text.split()
    if len(words) < 2 or " " in second.text.strip() or not _LATIN.search(primary.text):
        return None
    if "".join(words).upper() != second.text.strip().upper():
        return None
    if any(len(word) < 2 for word in words):
        return None
    return Voted(primary.text, agreed_score(sureness(second)), True, (second.text,))


def _lookalikes_in_latin_name(primary: EngineReading, second: EngineReading) -> Voted | None:
    """A Latin name RapidOCR read as Tesseract did, word for word and
    letter for letter, but for a 0 or 1 where Tesseract read the letter it
    looks like (`01iver Martin`, `YUK1 CLARKE`), or a letter whose capital
    and small forms differ only in size read in the other case (`David
    wilson`): a name holds no digits, and how a name is written (a capital
    then small letters, or all capitals) fixes the case, so those
    characters are forced to Tesseract's letters and two engines agree on
    the rest. Each forced letter's case must follow from a letter both
    engines read (the first letter of a word is always a capital): in `WU`
    against `Wu` nothing says which. Tesseract's reading (well formed) is
    kept, scored on RapidOCR's other characters."""
    words, others = primary.text.split(), second.text.split()
    if not _LATIN.search(primary.text) or [len(w) for w in words] != [len(w) for w in others]:
        return None
    a, b = "".join(words), "".join(others)
    forced = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if not forced or any(a[i] not in _NAME_LOOKALIKES.get(b[i], "") for i in forced):
        return None
    if not all(_case_fits(word) for word in words):
        return None
    if not all(_case_decided(word, start, forced) for word, start in _word_starts(words)):
        return None
    probs = second.char_confidences
    if len(probs) != len(b):
        return None
    kept = [p for i, p in enumerate(probs) if i not in forced]
    return Voted(primary.text, agreed_score(min(kept, default=0.0)), True, (second.text,))


def _word_starts(words: list[str]) -> list[tuple[str, int]]:
    """Each word with the index of its first letter in the words run together."""
    starts, at = [], 0
    for word in words:
        starts.append((word, at))
        at += len(word)
    return starts


def _case_decided(word: str, start: int, forced: list[int]) -> bool:
    """Does every forced letter of `word` (at `start` in the run-together
    name) have its case fixed: a word's first letter, or one after a
    letter the engines agreed on past the first?"""
    inside = {i - start for i in forced if start <= i < start + len(word)}
    agreed_after_first = any(j not in inside and word[j].isalpha() for j in range(1, len(word)))
    return all(i == 0 or agreed_after_first for i in inside)


def _case_fits(word: str) -> bool:
    """Is a Latin name's word written as names are, all capitals or a
    capital then small letters? Where Tesseract's letter stands for
    RapidOCR's 1, only that says whether it is the I of `YUKI` or the l of
    `Wilson`: `YUKl` or `WiIson` is a misread."""
    return word.isupper() or (word[:1].isupper() and (word[1:].islower() or not word[1:]))


def _agreement_score(second: EngineReading, field_type: str) -> float:
    """Two readings agree: the score, from the second engine's weakest
    character (of the mailbox, for an address at a big provider; after the
    division names, for a postal address that opens with listed ones)."""
    weakest = None
    if field_type == "email":
        weakest = _mailbox_sureness(second)
    elif field_type == "chinese_text":
        weakest = _after_division_sureness(second)
    if weakest is None:
        weakest = _sureness_without_specks(second, field_type)
    return agreed_score(sureness(second) if weakest is None else weakest)


def _sureness_without_specks(second: EngineReading, field_type: str) -> float | None:
    """RapidOCR's weakest character of its reading without the specks at
    its ends; None when it has none or nothing is left."""
    flat = "".join(second.text.split())
    probs = second.char_confidences
    if not has_end_specks(flat, field_type) or len(probs) != len(flat):
        return None
    start, end = _content_span(flat, field_type)
    kept = probs[start:end]
    return min(kept) if kept else None


def _after_division_sureness(second: EngineReading) -> float | None:
    """RapidOCR's weakest character after the province, city and district
    its reading opens with, when those are on the list of divisions (which
    checks them letter for letter); None when there is nothing to skip."""
    text = canonical(second.text, "chinese_text")
    return _sureness_after(second, text, division_prefix(text))


def _sureness_after(second: EngineReading, text: str, listed: int) -> float | None:
    """RapidOCR's weakest character of `text` (its canonical reading) after
    the first `listed` characters; None when that skips nothing or all."""
    probs = _aligned_probs(second, text)
    if probs is None or not 0 < listed < len(text):
        return None
    return min(probs[listed:])


def _split_inside_listed_division(primary: EngineReading, second: EngineReading,
                                  second_ok: bool) -> Voted | None:
    """Two readings of a postal address that differ only inside the
    division names RapidOCR's opens with, which are on the list, where
    Tesseract's are not (荔湾区 against 萝湾区): the list settles those
    characters, and both engines agree on everything after them."""
    a, b = canonical(primary.text, "chinese_text"), canonical(second.text, "chinese_text")
    if not second_ok or len(a) != len(b) or a == b:
        return None
    listed = division_prefix(b)
    last_diff = max(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    if last_diff >= listed or division_prefix(a) > last_diff:
        return None
    weakest = _sureness_after(second, b, listed)
    if weakest is None:
        return None
    return Voted(second.text, agreed_score(weakest), True, (primary.text,))


def _mailbox_sureness(second: EngineReading) -> float | None:
    """For an agreed address at one of the big providers, RapidOCR's weakest
    character before the @: the domain is checked letter for letter by the
    list (a misread domain is not on it), so only the mailbox can still be
    wrong. None when the domain is not on the list."""
    text = canonical(second.text, "email")
    probs = _aligned_probs(second, text)
    box, at, domain = text.partition("@")
    if probs is None or not at or not box or domain not in KNOWN_MAIL_DOMAINS:
        return None
    return min(probs[: len(box)])


def lookalike_of_known_domain(domain: str) -> bool:
    """Is `domain` not a big provider's but one look-alike away from one
    (`outiook.com`, `hotmai1.com`, `gmall.com`)? Such a domain is a misread,
    even when both engines agree on it."""
    return _provider_looked_like(domain) is not None


def _provider_looked_like(domain: str) -> str | None:
    """The big provider whose domain `domain` imitates by look-alikes, or
    None (also for a provider's own domain)."""
    domain = domain.lower()
    if domain in KNOWN_MAIL_DOMAINS:
        return None
    return _KNOWN_BY_SHAPE.get(domain.translate(_LOOKALIKES))


def _kind(ch: str) -> str:
    """letter, digit, edge (a separator, or nothing: the text's end) or other."""
    if ch == "" or ch in _ADDRESS_SEPARATORS:
        return "edge"
    if ch.isdigit():
        return "digit"
    return "letter" if ch.isalpha() else "other"


def _by_forced_characters(primary: EngineReading, second: EngineReading,
                          primary_ok: bool, second_ok: bool) -> Voted | None:
    """Two readings of an address that agree character for character except
    where the character is forced, all in favour of the same reading:

    - by syntax: the `@` of one read as a letter by the other (which then
      has no `@` at all: `tiger3a126.com`), or a `.` read as `,` (never
      legal outside quotes);
    - by the list of big providers: after the @, look-alikes only, and one
      reading's domain is on the list (`foxmail.com` against `foxmai1.com`).

    The reading holding the forced characters is kept verbatim if well
    formed, scored on RapidOCR's weakest character elsewhere (in the
    mailbox only when its domain is a big provider's, as for agreement)."""
    a, b = canonical(primary.text, "email"), canonical(second.text, "email")
    probs = _aligned_probs(second, b)
    if probs is None or len(a) != len(b) or a == b:
        return None
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    at = _shared_at(a, b)
    by_domain = _known_domain_winner(a[at + 1:], b[at + 1:]) if at is not None else None
    winners = {_forced_winner(a, b, i) or (by_domain if at is not None and i > at else None)
               for i in diffs}
    if winners == {"a"}:
        chosen, chosen_ok, other, text = primary, primary_ok, second, a
    elif winners == {"b"}:
        chosen, chosen_ok, other, text = second, second_ok, primary, b
    else:
        return None
    if not chosen_ok:
        return None
    box, _, domain = text.partition("@")
    judged = range(len(box)) if domain in KNOWN_MAIL_DOMAINS else range(len(text))
    kept = [probs[i] for i in judged if i not in diffs]
    return Voted(chosen.text, agreed_score(min(kept, default=0.0)), True, (other.text,))


def at_sign_both_missed(primary: EngineReading, second: EngineReading) -> Voted | None:
    """Two readings without an `@`, each engine having read it as another
    character, with a big provider's domain after that character (read in
    context): an address has exactly one @, and the list checks the domain
    letter for letter, so the @ can only be there. Two cases:

    - the readings differ in that one character only
      (`snow.blue9266sina.com`, `snow.blue926osina.com`): both engines agree
      on every other character;
    - the readings are the same, and that character is one of the round
      shapes an @ is read as (`ocean.peace3920163.com` from both): the
      domain's start fixes the place. The other way to read it, a real
      character there and an @ neither engine saw at all, did not happen
      once in 1,000 generated forms (seed 7001), where both engines read
      the @ as another character 12 times, 5 of them alike.

    RapidOCR's reading is taken with that character as an `@`, scored on
    its mailbox like any agreed address at a big provider. The caller
    still checks the result's shape."""
    a, b = canonical(primary.text, "email"), canonical(second.text, "email")
    probs = _aligned_probs(second, b)
    if probs is None or len(a) != len(b) or "@" in a + b:
        return None
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if diffs:
        places = diffs if len(diffs) == 1 else []
    else:
        places = [i for i, ch in enumerate(b) if ch in AT_LOOKALIKES]
    # Each place with the @ put there, read in context, kept if the domain
    # after it is a big provider's.
    placed = [(at, address) for at in places
              if (address := read_in_context(f"{b[:at]}@{b[at + 1:]}")).partition("@")[2]
              in KNOWN_MAIL_DOMAINS]
    if len(placed) != 1 or placed[0][0] == 0:
        return None
    at, address = placed[0]
    return Voted(address, agreed_score(min(probs[:at])), True, (primary.text, second.text))


def at_read_as_two(first: EngineReading, second: EngineReading) -> Voted | None:
    """Two readings of an address (`second` is RapidOCR's, with its
    per-character probabilities) that are one once an @ read as two glyphs
    by one of them is read as one: a round piece before the @, right after
    a digit (`riverstar929e@`, `peacelucky680G@`, seen in fonts with a
    heavy @), where the other reading has the @ alone (`929@`) or as one
    round letter and no @ at all (`929a`). Both engines agree on every
    other character, and the domain is a big provider's. A mailbox really
    ending in a digit and such a letter (`929e@`) would need the other
    engine to have merged two glyphs into one. On seed 7001 this settled 4
    split addresses, each rightly.

    Scored on RapidOCR's mailbox without the piece, like any agreed
    address at a big provider."""
    a, b = canonical(first.text, "email"), canonical(second.text, "email")
    probs = _aligned_probs(second, b)
    if probs is None:
        return None
    for two, one in ((a, b), (b, a)):
        at = two.find("@")
        if at < 2 or two[at - 1] not in AT_PIECES or not two[at - 2].isdigit():
            continue
        joined = two[:at - 1] + two[at:]
        if "@" not in one and len(one) == len(joined) and one[at - 1] in AT_LOOKALIKES:
            one = read_in_context(f"{one[:at - 1]}@{one[at:]}")
        if one == joined and joined.partition("@")[2] in KNOWN_MAIL_DOMAINS:
            return Voted(joined, agreed_score(min(probs[:at - 1])), True,
                         (first.text, second.text))
    return None


def _shared_at(a: str, b: str) -> int | None:
    """Where the @ of two equally long readings is: in both at one place, or
    in one of them only (the other read it as a letter)."""
    places = {text.index("@") for text in (a, b) if "@" in text}
    return places.pop() if len(places) == 1 else None


def _known_domain_winner(a_domain: str, b_domain: str) -> str | None:
    """"a" or "b" when the two domains differ by look-alikes only and just
    that one is a big provider's."""
    if a_domain.translate(_LOOKALIKES) != b_domain.translate(_LOOKALIKES):
        return None
    known = [name for name, domain in (("a", a_domain), ("b", b_domain))
             if domain in KNOWN_MAIL_DOMAINS]
    return known[0] if len(known) == 1 else None


def _forced_winner(a: str, b: str, i: int) -> str | None:
    """Which reading ("a" or "b") the character at i is forced to, if any."""
    for mine, theirs, name in ((a, b, "a"), (b, a, "b")):
        if mine[i] == "." and theirs[i] == ",":
            return name
        if mine[i] == "@" and "@" not in theirs:
            return name  # its only possible place
    return None


def read_in_context(address: str) -> str:
    """An e-mail reading with its look-alikes read as their neighbours say,
    as a clerk reads handwriting where 1 and l, 0 and o share a shape (both
    engines read `b1ue` and `out1ook` in such fonts). A run of look-alikes
    (1 0 l I o O) is judged by the nearest other character on each side:

    - a letter after it, and a letter, a separator or nothing before it: it
      opens or splits a word, so letters (`c1oud`, `1ight`, `mi11er`);
    - a digit before it, and a digit, a separator or nothing after it, or
      a separator or nothing before and a digit after: it sits in a number,
      so digits (`4o6`, `12l@`, `l63.com`);
    - a domain one look-alike away from a big provider's and from no other
      is the provider's (`hotmai1.com`, `outiook.com`, `sjna.com`): nobody
      gives a bank a mail domain made to look like Hotmail's.

    Where a word meets a number or ends the mailbox (`luckyl78`,
    `sunlll`), the shape cannot tell, and the words do: of the ways to cut
    the look-alikes between letters and digits, the only one that leaves
    the letters spelled by listed words is taken (`lucky178`, `sun111`;
    `words.letters_kept`). Where both cuts spell (`sat0422`, `sato422`) or
    none does, or a word ends in look-alikes before a separator
    (`danie1-`), nothing changes here, and `fields.ambiguous_mailbox`
    sends the address to a person. (Before the words decided, a number
    merely starting with 0 or 1 after letters was taken as read, and both
    engines reading `sato688` as `sat0688` passed.) Spaces, never part of
    an address, are dropped first; every other character is kept."""
    address = "".join(address.split())
    out = list(address)
    for run in LOOKALIKE_RUN.finditer(address):
        before = _kind(address[run.start() - 1] if run.start() > 0 else "")
        after = _kind(address[run.end()] if run.end() < len(address) else "")
        if after == "letter" and before in ("letter", "edge"):
            table = _AS_LETTERS
        elif (before == "digit" and after in ("digit", "edge")) or (
                before == "edge" and after == "digit"):
            table = AS_DIGITS
        else:
            continue
        out[run.start():run.end()] = run.group().translate(table)
    box, at, domain = "".join(out).partition("@")
    for start, reading in boundary_readings(box):
        box = box[:start] + reading + box[start + len(reading):]
    box = capital_i_read(box)
    provider = _provider_looked_like(domain) if at else None
    return box + at + (provider or domain)


def _aligned_probs(second: EngineReading, text: str) -> tuple[float, ...] | None:
    """RapidOCR's per-character probabilities, if they line up one to one
    with `text`, its e-mail reading made canonical (no spaces)."""
    if not second.char_confidences or len(second.char_confidences) != len(text):
        return None
    return second.char_confidences


def sided_with_second(voted: Voted, second: EngineReading, third: EngineReading,
                      field_type: str) -> Voted:
    """After a split vote, a third Tesseract reading (its other model, or
    another segmentation of the line) that agrees with the second engine
    makes two independent engines agree: scored as
    agreement, on the second engine's weakest character. A third reading
    that sides with the primary changes nothing: the primary's two models
    share one engine and its preprocessing, so they are not independent.
    In an address the third may differ only where the second's character is
    forced (its `@` read as a letter, `,` for `.`)."""
    if not third.text or not _sides_with(second.text, third.text, field_type):
        return voted
    others = tuple(c for c in voted.candidates if c != second.text)
    if voted.text != second.text:
        others = (voted.text, *others)
    return Voted(second.text, _agreement_score(second, field_type), True, others)


def sided_with_primary(voted: Voted, primary: EngineReading, second_look: EngineReading,
                       field_type: str) -> Voted:
    """After a split vote, the second engine's second look at the zone
    (`second.WIDER`) that reads what the primary read makes two engines
    agree: the primary's reading, scored as agreement on the second
    look's weakest character (of the mailbox, at a big provider)."""
    if not primary.text or canonical(primary.text, field_type) != canonical(
            second_look.text, field_type):
        return voted
    others = tuple(dict.fromkeys(c for c in (voted.text, *voted.candidates)
                                 if c and c != primary.text))
    return Voted(primary.text, _agreement_score(second_look, field_type), True, others)


def _sides_with(second: str, third: str, field_type: str) -> bool:
    b, t = canonical(second, field_type), canonical(third, field_type)
    if b == t:
        return True
    if field_type != "email" or len(b) != len(t):
        return False
    return all(_forced_winner(b, t, i) == "a" for i, (x, y) in enumerate(zip(b, t, strict=True))
               if x != y)


def _cjk_dropped(primary: str, second: str, field_type: str) -> bool:
    """May RapidOCR have read nothing where Tesseract read a Chinese
    character (its reading holds fewer of them)? Its decoder can drop a
    glyph whole, a rare one above all, and still be sure of the rest, and
    no probability of its own shows a glyph it left out: 孙飞一 read 孙飞 at
    0.9999 (seed 9039), 华蓥市 read 华市 at 0.9997 where Tesseract misread
    the 蓥 and another character (seed 9061). Such a reading does not stand
    alone; Tesseract's further looks may still side with it (Tesseract adds
    strokes of noise too: 阳光人花园)."""
    a, b = canonical(primary, field_type), canonical(second, field_type)
    return len(_CJK.findall(a)) > len(_CJK.findall(b))


def _may_stand_alone(field_type: str, text: str) -> bool:
    # Latin names are excluded: there a dropped space changes the value and
    # the recogniser is not sure of spaces.
    return field_type in MAY_STAND_ALONE and bool(_CJK.search(text)) and not _LATIN.search(text)


def _preferred(primary: EngineReading, second: EngineReading, field_type: str,
               primary_ok: bool, second_ok: bool) -> tuple[EngineReading, EngineReading]:
    """Well-formed beats malformed; otherwise the type's better engine."""
    if primary_ok != second_ok:
        return (primary, second) if primary_ok else (second, primary)
    if field_type == "person_name" and _LATIN.search(primary.text + second.text):
        return primary, second  # RapidOCR drops the spaces of Latin names
    if field_type in PREFER_SECOND:
        return second, primary
    return primary, second
