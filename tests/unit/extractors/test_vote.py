"""Two engines' readings of one zone: agreement raises confidence,
disagreement sends the field to a person, and the text is never edited
beyond reading an address's look-alikes in context."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.engines import OcrEngines, as_engines
from extractors.fields import read_field, well_formed
from extractors.ocr import FakeOcrEngine, OcrResult
from extractors.places import division_prefix
from extractors.second import compare
from extractors.template import FormTemplate
from extractors.types import EngineReading, FieldReading
from extractors.vote import (
    CONTRADICTED_CAP,
    Voted,
    agreed_score,
    canonical,
    read_in_context,
    vote,
)


def _r(text: str, confidence: float, engine: str = "a") -> EngineReading:
    return EngineReading(engine, text, confidence)


def test_agreement_beats_either_engine_alone() -> None:
    voted = vote(_r("13800138000", 0.8), _r("138 0013 8000", 0.9), "mobile", True, True)
    assert voted.agreement is True
    assert voted.text == "13800138000"
    assert voted.confidence > 0.95


def test_disagreement_on_digits_keeps_one_reading_verbatim_below_every_threshold() -> None:
    voted = vote(_r("13516218137", 0.9), _r("13546218137", 0.99), "mobile", True, True)
    assert voted.agreement is False
    assert voted.text == "13546218137"
    assert voted.confidence <= CONTRADICTED_CAP
    assert voted.candidates == ("13516218137",)


def test_a_sure_cjk_reading_may_stand_alone_in_its_own_band() -> None:
    sure = EngineReading("rapidocr", "熊桂珍", 0.99, (0.99, 0.995, 0.99))
    voted = vote(_r("能桂珍", 0.9), sure, "person_name", True, True)
    assert voted.text == "熊桂珍"
    agreed = vote(_r("熊桂珍", 0.9), sure, "person_name", True, True)
    assert CONTRADICTED_CAP < voted.confidence < agreed.confidence
    unsure = EngineReading("rapidocr", "熊桂珍", 0.9, (0.99, 0.6, 0.99))
    assert vote(_r("能桂珍", 0.9), unsure, "person_name", True, True).confidence < 0.5


def test_a_cjk_reading_that_left_out_a_character_tesseract_read_does_not_stand_alone(
) -> None:
    # RapidOCR dropped the one-stroke 一 whole, sure of the rest.
    dropped = EngineReading("rapidocr", "孙飞", 0.99, (1.0, 0.9999))
    voted = vote(_r("孙飞一", 0.9), dropped, "person_name", True, True)
    assert voted.text == "孙飞" and voted.confidence <= CONTRADICTED_CAP
    # Also where Tesseract misread the dropped glyph and another one.
    short = EngineReading("rapidocr", "华市翠湖园", 0.99, (0.9999,) * 5)
    assert vote(_r("华莹市雄湖园", 0.9), short, "chinese_text", True,
                True).confidence <= CONTRADICTED_CAP
    # A character Tesseract read in place of another, or a speck it added
    # that is no Chinese character, leaves RapidOCR's reading its band.
    for primary in ("孙干", "孙`飞"):
        assert vote(_r(primary, 0.9), dropped, "person_name", True, True).confidence > 0.99


def test_a_speck_read_as_punctuation_around_chinese_writing_is_no_content() -> None:
    speck = EngineReading("rapidocr", "中国、", 0.8, (0.99, 0.98, 0.3))
    voted = vote(_r("中国", 0.8), speck, "country", True, True)
    assert (voted.text, voted.agreement) == ("中国", True)
    assert voted.confidence > 0.99  # the speck's own doubt is no doubt about 中国
    # Either engine may hold the speck; the reading without it is kept.
    clean = EngineReading("rapidocr", "阳光花园3栋", 0.9, (0.99,) * 6)
    assert vote(_r("“阳光花园3栋。", 0.8), clean, "chinese_text", True, True).text == "阳光花园3栋"
    # Both may hold one: the value holds neither.
    both = vote(_r("联创有限公司，", 0.7),
                EngineReading("rapidocr", "联创有限公司．．·", 0.9, (0.99,) * 6 + (0.3,) * 3),
                "chinese_text", True, True)
    assert (both.text, both.agreement) == ("联创有限公司", True)
    # Inside the writing, or around Latin writing, a mark is content.
    assert vote(_r("阳光花园3栋", 0.8), EngineReading("rapidocr", "阳光·花园3栋", 0.9, (0.99,) * 7),
                "chinese_text", True, True).agreement is False
    assert canonical("Smith Jr.", "person_name") == "Smith Jr."
    # An amount's dots and commas after its last digit are specks too.
    dotted = EngineReading("rapidocr", "3.2..", 0.8, (0.99, 0.99, 0.99, 0.4, 0.4))
    amount = vote(_r("3.2", 0.9), dotted, "amount", True, False)
    assert (amount.text, amount.agreement) == ("3.2", True) and amount.confidence > 0.99
    assert vote(_r("3.25", 0.9), dotted, "amount", True, False).agreement is False


def test_agreement_on_a_weak_character_scores_lower_than_a_sure_agreement() -> None:
    weak = EngineReading("rapidocr", "吴嘉科技有限公司", 0.94, (0.99, 0.53, 0.99))
    sure = EngineReading("rapidocr", "吴嘉科技有限公司", 0.99, (0.99, 0.99, 0.99))
    first = _r("吴嘉科技有限公司", 0.85)
    assert (vote(first, weak, "chinese_text", True, True).confidence
            < vote(first, sure, "chinese_text", True, True).confidence - 0.1)


def test_latin_names_never_stand_alone() -> None:
    second = EngineReading("rapidocr", "JULIA LIM", 0.99, (0.99,) * 8)
    for tesseract in ("JULIA LIN", ""):
        voted = vote(_r(tesseract, 0.9), second, "person_name", bool(tesseract), True)
        assert voted.confidence <= CONTRADICTED_CAP, tesseract


def test_well_formed_reading_wins_over_malformed() -> None:
    voted = vote(_r("alexa73@hotmail.com", 0.8), _r("alexa73hotmail.com", 0.99), "email",
                 True, False)
    assert voted.text == "alexa73@hotmail.com"


def test_latin_names_keep_the_space_as_content() -> None:
    assert canonical("JULIA  LIM", "person_name") == "JULIA LIM"
    assert canonical("JULIA LIM", "person_name") != canonical("JULIALIM", "person_name")
    assert canonical("上海市 浦东", "chinese_text") == "上海市浦东"


def test_one_engine_seeing_nothing_is_unconfirmed() -> None:
    voted = vote(_r("", 0.0), _r("2031-05-02", 0.99), "date", False, True)
    assert voted.text == "2031-05-02"
    assert voted.agreement is False
    assert voted.confidence < 0.8


def _write(page: np.ndarray, box: tuple[int, int, int, int], text: str) -> None:
    cv2.putText(page, text, (box[0] + 20, box[3] - 30), cv2.FONT_HERSHEY_SIMPLEX, 1.8, 0, 4)


def test_text_reader_asks_the_second_engine_and_keeps_the_evidence(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("postal_code")
    _write(blank, spec.zone, "100080")
    engines = OcrEngines(FakeOcrEngine(replies=[OcrResult("100080", 0.9)]),
                         FakeOcrEngine(replies=[OcrResult("100080", 0.95)]))

    reading = read_field(blank, template.blank, spec, engines)

    assert (reading.raw, reading.agreement) == ("100080", True)
    assert reading.confidence > 0.95
    assert [r.engine for r in reading.readings] == ["tesseract", "rapidocr"]
    assert reading.crop_png is not None and reading.crop_png.startswith(b"\x89PNG")


def test_comb_reading_of_the_wrong_length_cannot_win(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("id_number")
    for cell in spec.cells:
        _write(blank, (cell[0] - 8, cell[1], cell[2], cell[3] + 6), "7")
    engines = OcrEngines(FakeOcrEngine(replies=["11010519491231002X"]),
                         FakeOcrEngine(replies=[OcrResult("1101051949123102X", 0.99)]))

    reading = read_field(blank, template.blank, spec, engines)

    assert reading.raw == "11010519491231002X"
    assert reading.agreement is False
    assert reading.confidence < 0.6


class _Guard:
    """A wrapper like the workers' deadline guard: exposes what it wraps."""

    def __init__(self, inner: OcrEngines) -> None:
        self.inner = inner

    def read_text(self, image: np.ndarray, *, lang: str, psm: int,
                  whitelist: str | None) -> OcrResult:
        return self.inner.read_text(image, lang=lang, psm=psm, whitelist=whitelist)


def test_a_wrapped_bundle_keeps_its_second_engine_and_the_wrapper() -> None:
    second = FakeOcrEngine()
    guard = _Guard(OcrEngines(FakeOcrEngine(), second))
    engines = as_engines(guard)
    assert engines.primary is guard
    assert engines.second is second


def _rapid(text: str, weakest: float = 0.99) -> EngineReading:
    """A second-engine reading with one probability per character."""
    probs = [0.99] * len(text)
    probs[len(text) // 2] = weakest
    return EngineReading("rapidocr", text, 0.97, tuple(probs))


def _addresses(primary: str, second: str, confidence: float = 0.9) -> Voted:
    """Two e-mail readings voted as the field readers vote them: each read
    in context first, then judged well formed or not."""
    return compare(_r(primary, confidence), _rapid(second), "email", well_formed)


def test_a_known_mail_domain_settles_a_look_alike_split_after_an_agreed_mailbox() -> None:
    voted = _addresses("ocean.snow287@hotmail.com", "ocean.snow287@hotmai1.com", 0.0)
    assert (voted.text, voted.agreement) == ("ocean.snow287@hotmail.com", True)
    assert voted.confidence > 0.95


def test_the_domain_rule_never_overrides_a_split_mailbox_or_an_unknown_domain() -> None:
    mailbox_split = _addresses("light_sun1@qq.com", "light_sun7@qq.com")
    assert mailbox_split.agreement is False
    assert mailbox_split.confidence <= CONTRADICTED_CAP
    unknown = _addresses("anna@exampie.cn", "anna@example.cn")
    assert unknown.agreement is False
    other_letters = _addresses("anna@qq.com", "anna@gq.com")
    assert other_letters.agreement is False


def test_a_third_model_siding_with_the_second_engine_settles_a_split() -> None:
    from extractors.vote import sided_with_second

    split = vote(_r("2020-06-14", 0.4), _rapid("2026-06-14"), "date", True, True)
    assert split.agreement is False
    settled = sided_with_second(split, _rapid("2026-06-14"), _r("2026-06-14", 0.0), "date")
    assert (settled.text, settled.agreement) == ("2026-06-14", True)
    assert settled.confidence > 0.95
    assert "2020-06-14" in settled.candidates


def test_a_third_model_siding_with_the_primary_changes_nothing() -> None:
    from extractors.vote import sided_with_second

    split = vote(_r("2020-06-14", 0.4), _rapid("2026-06-14"), "date", True, True)
    assert sided_with_second(split, _rapid("2026-06-14"), _r("2020-06-14", 0.0), "date") == split


def test_a_mobile_written_in_groups_is_well_formed() -> None:
    from extractors.fields import well_formed

    for written in ("13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678"):
        assert well_formed("mobile", written), written
    assert not well_formed("mobile", "138 1234 567")


def test_a_date_split_asks_tesseracts_other_model_and_records_its_reading(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("sign_date")
    _write(blank, spec.zone, "2026-06-14")
    by_model = {"chi_sim": "2020-06-14", "eng": "2026-06-14"}
    primary = FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(by_model[lang], 0.6))
    engines = OcrEngines(primary, FakeOcrEngine(replies=[OcrResult("2026-06-14", 0.98)]))

    reading = read_field(blank, template.blank, spec, engines)

    assert (reading.raw, reading.agreement) == ("2026-06-14", True)
    assert [r.engine for r in reading.readings] == ["tesseract", "rapidocr", "tesseract-third"]
    assert [c["lang"] for c in primary.calls] == ["chi_sim", "eng"]


def test_a_split_id_number_asks_tesseracts_other_model_on_the_comb(
    template: FormTemplate, blank: np.ndarray
) -> None:
    # Given Tesseract's eng model misreads one digit and RapidOCR does not
    spec = template.field("id_number")
    for cell in spec.cells:
        _write(blank, (cell[0] - 8, cell[1], cell[2], cell[3] + 6), "7")
    by_model = {"eng": "110105194912310021", "chi_sim": "11010519491231002X"}
    primary = FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(by_model[lang], 0.6))
    engines = OcrEngines(primary,
                         FakeOcrEngine(replies=[OcrResult("11010519491231002X", 0.99)]))

    # When the comb is read
    reading = read_field(blank, template.blank, spec, engines)

    # Then the chi_sim model, held to digits and capitals, sides with RapidOCR
    assert (reading.raw, reading.agreement) == ("11010519491231002X", True)
    assert [r.engine for r in reading.readings] == ["tesseract", "rapidocr", "tesseract-third"]
    third = primary.calls[-1]
    assert (third["lang"], third["psm"]) == ("chi_sim", 13)
    assert "M" in str(third["whitelist"])


def test_a_number_split_is_read_again_as_one_raw_line(
    template: FormTemplate, blank: np.ndarray
) -> None:
    # Given a grouped mobile that Tesseract's eng model reads 185 for 135,
    # and whose chi_sim reading is right only as a raw line (psm 13): as a
    # text line it adds a digit in a group's gap
    spec = template.field("mobile")
    _write(blank, spec.zone, "135 7175 2835")

    def tesseract(image: np.ndarray, lang: str, psm: int, wl: str | None) -> OcrResult:
        if lang == "eng":
            return OcrResult("185 7175 2835", 0.9)
        return OcrResult("13571752835" if psm == 13 else "135271752835", 0.5)

    primary = FakeOcrEngine(script=tesseract)
    engines = OcrEngines(primary, FakeOcrEngine(replies=[OcrResult("135 7175 2835", 0.99)]))

    # When the zone is read
    reading = read_field(blank, template.blank, spec, engines)

    # Then two models agree on RapidOCR's reading
    assert (reading.raw, reading.agreement) == ("135 7175 2835", True)
    assert reading.confidence > 0.95


def test_an_agreed_but_ambiguous_mailbox_is_not_settled_by_its_domain() -> None:
    # Both engines read "l" where letters meet digits, and the words cannot
    # decide: "paul67" may be "pau167"; the known domain must not carry it.
    voted = _addresses("paul67@gmail.com", "paul67@gmai1.com", 0.8)
    assert voted.confidence <= CONTRADICTED_CAP


def test_look_alikes_are_read_as_their_neighbours_say_and_only_then() -> None:
    read = {
        "b1ue486@163.com": "blue486@163.com",  # inside a word: letters
        "1ight.c1oud@qq.com": "light.cloud@qq.com",  # opening words
        "mi11er@qq.com": "miller@qq.com",
        "sun4o6@qq.com": "sun406@qq.com",  # inside a number: digits
        "peace2o@qq.com": "peace20@qq.com",  # closing one
        "lo2345@qq.com": "102345@qq.com",  # opening one
        "anna@out1ook.com": "anna@outlook.com",  # a big provider's look-alike
        "anna@sjna.com": "anna@sina.com",
        "anna@l63.com": "anna@163.com",
        "1 ight. peace529@126.com": "light.peace529@126.com",  # spaces are layout
        # Where letters meet digits, the one cut that leaves words spelled:
        "luckyl78@sina.com": "lucky178@sina.com",
        "sun1o5@qq.com": "sun105@qq.com",
        "tiger.sunlll@sina.com": "tiger.sun111@sina.com",
        "anna_campbe11519@qq.com": "anna_campbell519@qq.com",
        "starl@qq.com": "star1@qq.com",
    }
    for raw, clerk in read.items():
        assert read_in_context(raw) == clerk, raw
    # Where both cuts spell words (sat, sato; pau, paul), or no cut does, or
    # a word ends in look-alikes before a separator, nothing changes.
    for raw in ("kenji_sat0422@gmail.com", "paul12@qq.com", "xqzl88@qq.com",
                "cloudtiger110@126.com", "lily1@qq.com", "danie1-tanaka@qq.com",
                "anna@examp19.cn"):
        assert read_in_context(raw) == raw, raw


def test_look_alike_digits_touching_letters_make_a_mailbox_ambiguous() -> None:
    from extractors.fields import ambiguous_mailbox

    for mailbox in ("1ight", "mi11er", "peacel68", "snow.0cean", "hello2o", "tiger.starl",
                    "daniel", "leo", "kenji_sat0422", "car112", "danie1-tanaka"):
        assert ambiguous_mailbox(mailbox), mailbox
    # Those the words decide, read as they decide, and any without look-alikes
    # where letters meet digits.
    for mailbox in ("starlucky111", "peace168", "tiger.star1", "river100", "lucky.peace168",
                    "tiger13", "anna_miller69", "cloudriver5", "light_sun"):
        assert not ambiguous_mailbox(mailbox), mailbox


def test_an_at_sign_read_as_a_letter_is_forced_by_address_syntax() -> None:
    voted = vote(_r("moonlucky363e163.com", 0.9), _rapid("moonlucky363@163.com", 0.97),
                 "email", False, True)
    assert (voted.text, voted.agreement) == ("moonlucky363@163.com", True)
    assert voted.confidence > 0.95
    kept_primary = vote(_r("snow_happy447@yahoo.com", 0.9), _rapid("snow_happy447oyahoo.com"),
                        "email", True, False)
    assert kept_primary.text == "snow_happy447@yahoo.com" and kept_primary.agreement
    comma = vote(_r("cloud.star774@sina.com", 0.9), _rapid("cloud,star774@sina.com"),
                 "email", True, False)
    assert comma.text == "cloud.star774@sina.com" and comma.agreement


def test_address_syntax_settles_nothing_but_the_forced_signs() -> None:
    # An @ in both readings: the letter could be content.
    both_at = vote(_r("anna@qq.com", 0.9), _rapid("anna@qqa.com"), "email", True, True)
    assert both_at.agreement is False
    another_letter_too = vote(_r("tiger3@qq.com", 0.9), _rapid("tigor3aqq.com"),
                              "email", True, False)
    assert another_letter_too.agreement is False
    # The reading holding the @ must itself be well formed.
    ambiguous = vote(_r("star11@qq.com", 0.9), _rapid("star11aqq.com"), "email", False, False)
    assert ambiguous.confidence <= CONTRADICTED_CAP


def test_a_lone_one_or_zero_opening_or_splitting_letters_is_read_as_the_letter() -> None:
    for letters, digits in (("light_sun15@qq.com", "1ight_sun15@qq.com"),
                            ("james_walker133@yahoo.com", "james_wa1ker133@yahoo.com"),
                            ("green.ocean732@qq.com", "green.0cean732@qq.com"),
                            ("tiger_cloud392@outlook.com", "tiger_c1oud392@out1ook.com")):
        voted = _addresses(letters, digits)
        assert (voted.text, voted.agreement) == (letters, True), digits
        assert voted.confidence > 0.95
    # Either engine may hold the letters, or both the digits.
    assert _addresses("happy.1ight469@qq.com", "happy.light469@qq.com").text == \
        "happy.light469@qq.com"
    both = _addresses("moon.b1ue486@163.com", "moon.b1ue486@163.com")
    assert (both.text, both.agreement) == ("moon.blue486@163.com", True)


def test_where_letters_meet_digits_the_words_settle_a_split_or_leave_it() -> None:
    for letters, digits, address in (("lilyl@qq.com", "lily1@qq.com", "lily1@qq.com"),
                                     ("sun1o5@qq.com", "sun105@qq.com", "sun105@qq.com"),
                                     ("river_greenl88@qq.com", "river_green188@qq.com",
                                      "river_green188@qq.com")):
        settled = _addresses(letters, digits)
        assert (settled.text, settled.agreement) == (address, True), letters
    for letters, digits in (("paull@qq.com", "paul1@qq.com"),
                            ("kenji_sato422@qq.com", "kenji_sat0422@qq.com")):
        split = _addresses(letters, digits)
        assert split.agreement is False and split.confidence <= CONTRADICTED_CAP, letters
    # Any other difference leaves the split to a person.
    mixed = _addresses("light_sun2@qq.com", "1ight_sun1@qq.com")
    assert mixed.agreement is False


def test_an_agreed_address_at_a_known_provider_is_scored_on_its_mailbox() -> None:
    text = "snow.green979@yahoo.com"
    probs = tuple(0.5 if i == len(text) - 5 else 0.99 for i in range(len(text)))
    unsure_domain = EngineReading("rapidocr", text, 0.9, probs)
    assert vote(_r(text, 0.9), unsure_domain, "email", True, True).confidence > 0.99
    unknown = "snow.green979@yah00.cn"
    weak_unknown = EngineReading("rapidocr", unknown, 0.9,
                                 tuple(0.5 if i == len(unknown) - 5 else 0.99
                                       for i in range(len(unknown))))
    assert vote(_r(unknown, 0.9), weak_unknown, "email", True, True).confidence <= 0.875
    unsure_mailbox = EngineReading("rapidocr", text, 0.9,
                                   tuple(0.5 if i == 2 else 0.99 for i in range(len(text))))
    assert vote(_r(text, 0.9), unsure_mailbox, "email", True, True).confidence <= 0.875


def test_a_domain_one_look_alike_away_from_a_big_provider_is_malformed() -> None:
    from extractors.fields import well_formed

    for address in ("anna@outiook.com", "anna@gmall.com", "anna@yah00.com", "anna@l63.com"):
        assert not well_formed("email", address), address
    for address in ("anna@outlook.com", "anna@163.com", "anna@bank.com.cn", "a.b-c+d@live.com"):
        assert well_formed("email", address), address
    assert not well_formed("email", "anna,lee@qq.com")  # not an unquoted mailbox


def test_a_country_code_is_one_code_whatever_its_case() -> None:
    voted = vote(_r("cHN", 0.6), _rapid("CHN"), "country", True, True)
    assert voted.agreement is True and voted.confidence > 0.95


def test_a_sure_chinese_country_name_may_stand_alone_but_a_latin_code_may_not() -> None:
    cjk = vote(_r("", 0.0), EngineReading("rapidocr", "中国", 0.99, (0.999, 0.998)),
               "country", False, True)
    assert cjk.text == "中国" and cjk.confidence > 0.99
    latin = vote(_r("UK", 0.8), EngineReading("rapidocr", "LK", 0.99, (0.99, 0.99)),
                 "country", True, True)
    assert latin.confidence <= CONTRADICTED_CAP


def test_forced_characters_combine_when_they_all_favour_one_reading() -> None:
    voted = _addresses("sun.light470@gmail.com", "sun.1ight470ogmail.com")
    assert (voted.text, voted.agreement) == ("sun.light470@gmail.com", True)
    # The @ forces one reading, the dot the other: neither is right.
    split_ways = _addresses("sun,light470@gmail.com", "sun.light470ogmail.com")
    assert split_ways.agreement is False


def test_dates_agree_on_their_digits_whatever_the_separators() -> None:
    assert canonical("2006年7月18", "date") == canonical("2006年7月18日", "date")
    assert canonical("2006.07.18", "date") == canonical("2006-07-18", "date")
    assert canonical("2006年7月18日", "date") != canonical("2006年7月13日", "date")
    assert canonical("2006年07月18日", "date") != canonical("2006年7月18日", "date")
    voted = vote(_r("2006年7月18", 0.7), _rapid("2006年7月18日"), "date", True, True)
    assert voted.agreement is True and voted.confidence > 0.95
    # A comma for a dot is a misread separator; the well-formed reading is kept.
    comma = vote(_r("2044.08.19", 0.7), _rapid("2044,08.19"), "date", True, False)
    assert (comma.text, comma.agreement) == ("2044.08.19", True)
    assert canonical("2044,08.19", "date") != canonical("2044,08.18", "date")


def _name_voted(tesseract: str, rapid: str) -> Voted:
    """A Latin name's vote, RapidOCR sure of every letter."""
    letters = (0.99,) * len("".join(rapid.split()))  # RapidOCR's skip spaces
    return vote(_r(tesseract, 0.9), EngineReading("rapidocr", rapid, 0.9, letters),
                "person_name", True, False)


def _assert_tesseracts_name_kept(pairs: tuple[tuple[str, str], ...]) -> None:
    for tesseract, rapid in pairs:
        name = _name_voted(tesseract, rapid)
        assert (name.text, name.agreement) == (tesseract, True), rapid
        assert name.confidence > 0.95


def test_a_digit_rapidocr_read_in_a_latin_name_is_forced_to_tesseracts_letter() -> None:
    _assert_tesseracts_name_kept((("Oliver Martin", "01iver Martin"),
                                  ("YUKI CLARKE", "YUK1 CLARKE")))
    # Only 0 and 1, only for their look-alikes, in words written as names are,
    # with the words alike.
    for tesseract, rapid in (("Oliver Martin", "01iver Martln"), ("YUKl CLARKE", "YUK1 CLARKE"),
                             ("Olivia WiIson", "0livia Wi1son"), ("Oliver Martin", "01iverMartin"),
                             ("Olivia Wilson", "0livia W;1son")):
        assert _name_voted(tesseract, rapid).agreement is False, tesseract


def test_a_letter_rapidocr_read_in_the_other_case_is_forced_where_the_name_fixes_it() -> None:
    _assert_tesseracts_name_kept((("David Wilson", "David wilson"), ("ETHAN SMITH", "ETHAN sMITH"),
                                  ("Oscar Cox", "OScar Cox"), ("ZOE COX", "ZOE CoX")))
    # Only letters alike but for their size; only where a letter both read
    # fixes the case (`Wu` or `WU`); only readings written as names are.
    for tesseract, rapid in (("David Wilson", "David WiIson"), ("WU Lei", "Wu Lei"),
                             ("Oscar Cox", "Oscar Cux"), ("OScar Cox", "Oscar Cox"),
                             ("David Wilson", "David Wi1soN")):
        assert _name_voted(tesseract, rapid).agreement is False, tesseract


def test_a_latin_name_run_together_by_rapidocr_takes_tesseracts_word_breaks() -> None:
    second = EngineReading("rapidocr", "OLIVERPARK", 0.99, (0.99,) * 10)
    voted = vote(_r("OLIVER PARK", 0.9), second, "person_name", True, True)
    assert (voted.text, voted.agreement) == ("OLIVER PARK", True)
    assert voted.confidence > 0.95
    # Other letters, or a one-letter piece, leave it to a person.
    assert vote(_r("OLIVER PARC", 0.9), second, "person_name",
                True, True).confidence <= CONTRADICTED_CAP
    assert vote(_r("OLIVE R PARK", 0.9), second, "person_name",
                True, True).confidence <= CONTRADICTED_CAP


def test_a_big_providers_domain_joins_the_forced_characters_of_the_mailbox() -> None:
    # RapidOCR trades l for 1 in the mailbox and in the domain alike.
    for letters, digits in (("bluemoon238@foxmail.com", "b1uemoon238@foxmai1.com"),
                            ("sunriver234@foxmail.com", "sunriver234ofoxmai1.com")):
        voted = _addresses(letters, digits)
        assert (voted.text, voted.agreement) == (letters, True), digits
        assert voted.confidence > 0.95
    # Without an @ the domain is not read in context: the @ favours one
    # reading and the list of providers the other, so neither is right.
    torn = _addresses("greentiger628egmail.com", "greentiger628ogmai1.com")
    assert torn.agreement is False and torn.confidence <= CONTRADICTED_CAP
    # A domain off the list settles nothing.
    unknown = _addresses("bluemoon@examp19.cn", "bluemoon@exampl9.cn")
    assert unknown.agreement is False


def test_an_address_split_is_read_again_as_one_raw_line_in_context_keeping_the_raw_readings(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("email")
    _write(blank, spec.zone, "cloud.sun366@outlook.com")
    # As a text line (psm 7) Tesseract misreads a digit; as a raw line (13)
    # it sides with RapidOCR once both are read in context.
    by_mode = {7: "cloud.sun866@out1look.com", 13: "c1oud.sun366@outlook.com"}
    primary = FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(by_mode[psm], 0.6))
    engines = OcrEngines(primary, FakeOcrEngine(replies=[OcrResult("c1oud.sun366@out1ook.com",
                                                                   0.98)]))

    reading = read_field(blank, template.blank, spec, engines)

    assert (reading.raw, reading.agreement) == ("cloud.sun366@outlook.com", True)
    assert [(r.engine, r.text) for r in reading.readings] == [
        ("tesseract", "cloud.sun866@out1look.com"), ("rapidocr", "c1oud.sun366@out1ook.com"),
        ("tesseract-third", "c1oud.sun366@outlook.com")]
    third = primary.calls[-1]
    assert (third["lang"], third["psm"]) == ("eng", 13)


def test_a_chinese_split_asks_tesseract_again_raw_then_smaller_until_one_sides(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("address")
    _write(blank, spec.zone, "XXXXXXXXXXXX")  # ink; what is read is scripted
    full_width: list[int] = []

    def tesseract(image: np.ndarray, lang: str, psm: int, wl: str | None) -> OcrResult:
        full_width.append(image.shape[1])
        smaller = image.shape[1] < full_width[0]
        return OcrResult("翠湖园3栋1807室" if smaller else "雄湖园3栋1807室", 0.9)

    rapid = EngineReading("rapidocr", "翠湖园3栋1807室", 0.9, (0.9,) * 9)
    engines = OcrEngines(FakeOcrEngine(script=tesseract), FakeOcrEngine(
        replies=[OcrResult(rapid.text, 0.9, words=tuple((c, 0.9) for c in rapid.text))]))

    reading = read_field(blank, template.blank, spec, engines)

    assert (reading.raw, reading.agreement) == ("翠湖园3栋1807室", True)
    assert [r.engine for r in reading.readings] == [
        "tesseract", "rapidocr", "tesseract-third", "tesseract-smaller"]
    assert reading.confidence == agreed_score(0.9)
    assert "雄湖园3栋1807室" in reading.candidates


def test_a_third_address_reading_sides_with_the_second_up_to_its_forced_characters() -> None:
    from extractors.vote import sided_with_second

    second = _rapid("moon_light583@outlook.com")
    split = vote(_r("moon_light583@outlLook.com", 0.4), second, "email", True, True)
    assert split.agreement is False
    at_as_letter = sided_with_second(split, second, _r("moon_light583Goutlook.com", 0.0), "email")
    assert (at_as_letter.text, at_as_letter.agreement) == ("moon_light583@outlook.com", True)
    assert at_as_letter.confidence > 0.95
    # Any other difference leaves the split alone.
    for third in ("moon_light588Goutlook.com", "moon_light583@outlook.con"):
        assert sided_with_second(split, second, _r(third, 0.0), "email") == split, third


def test_dots_no_address_can_hold_are_specks_the_other_reading_settles() -> None:
    # Tesseract read `qq..com` (and capitals) where RapidOCR read it right.
    primary = _r("snowMoon224@qq..com", 0.8)
    assert not well_formed("email", primary.text)
    voted = vote(primary, _rapid("snowmoon224@qq.com", 0.97), "email", False, True)
    assert (voted.text, voted.agreement) == ("snowmoon224@qq.com", True)
    assert voted.confidence > 0.95
    for stray in ("moon..sun@qq.com", ".moon@qq.com", "moon.@qq.com", "moon@.qq.com",
                  "moon@qq.com."):
        assert not well_formed("email", stray), stray
        assert canonical(stray, "email") in ("moon.sun@qq.com", "moon@qq.com"), stray
    # Both with the stray dot: agreed, but malformed, so always reviewed.
    both = vote(_r("moon@qq..com", 0.9), _rapid("moon@qq..com"), "email", False, False)
    assert both.agreement and both.confidence <= CONTRADICTED_CAP
    # A dot against another character is content in doubt, not a speck.
    assert vote(_r("moon.sun@qq.com", 0.9), _rapid("moon_sun@qq.com"),
                "email", True, True).agreement is False


def _rapid_probs(text: str, probs: dict[int, float]) -> EngineReading:
    """A second-engine reading, every character at 0.99 except those given."""
    return EngineReading("rapidocr", text, 0.9,
                         tuple(probs.get(i, 0.99) for i in range(len(text))))


def test_division_names_on_the_list_are_checked_by_it() -> None:
    assert division_prefix("广东省广州市荔湾区胜利街219号") == len("广东省广州市荔湾区")
    assert division_prefix("上海市黄浦区朝阳路445号") == len("上海市黄浦区")  # a municipality
    # 岳术区 is no district of 长沙市:
    assert division_prefix("湖南省长沙市岳术区花园路") == len("湖南省长沙市")
    assert division_prefix("北京市") == 0  # a province alone vouches for nothing
    assert division_prefix("革肃省兰州市城关区") == 0
    # Names each on the list at its level, though they do not nest:
    assert division_prefix("江西省卫辉市西峰区胜利路12号") == len("江西省卫辉市西峰区")
    assert division_prefix("香港特别行政区金华市友好区") == len("香港特别行政区金华市友好区")
    assert division_prefix("江西省西峰区胜利路") == len("江西省西峰区")
    assert division_prefix("江西省卫辉市西蜂区胜利路") == len("江西省卫辉市")


def test_an_agreed_postal_address_is_scored_after_its_listed_divisions() -> None:
    address = "湖南省长沙市岳麓区花园路690号"
    unsure_district = _rapid_probs(address, {7: 0.58})  # 麓
    voted = vote(_r(address, 0.9), unsure_district, "chinese_text", True, True)
    assert voted.agreement and voted.confidence > 0.99
    unsure_street = _rapid_probs(address, {9: 0.58})  # 花, after the divisions
    assert vote(_r(address, 0.9), unsure_street, "chinese_text", True, True).confidence < 0.9
    # An employer is chinese_text too, but opens with no division: unchanged.
    employer = _rapid_probs("博远远航医药有限公司", {0: 0.58})
    assert vote(_r("博远远航医药有限公司", 0.9), employer, "chinese_text",
                True, True).confidence < 0.9


def test_a_split_inside_listed_divisions_is_settled_by_the_list_and_only_there() -> None:
    rapid = _rapid_probs("广东省广州市荔湾区胜利街219号", {6: 0.6})
    voted = vote(_r("广东省广州市萝湾区胜利街219号", 0.9), rapid, "chinese_text", True, True)
    assert (voted.text, voted.agreement) == (rapid.text, True)
    assert voted.candidates == ("广东省广州市萝湾区胜利街219号",)
    assert voted.confidence > 0.99
    # A difference after the divisions stays a split.
    street = vote(_r("广东省广州市萝湾区胜利街218号", 0.9), rapid, "chinese_text", True, True)
    assert street.agreement is False
    # RapidOCR's own division off the list (城美区): nothing is settled.
    off_list = _rapid_probs("甘肃省兰州市城美区黄河路94号", {7: 0.52})
    assert vote(_r("甘肃省兰州市城关区黄河路94号", 0.9), off_list, "chinese_text",
                True, True).agreement is False


def test_an_at_sign_both_engines_missed_is_placed_where_nothing_else_can_be() -> None:
    spaced = EngineReading("rapidocr", "Snow.blue926os ina.com", 0.9, (0.99,) * 21)  # no space p
    placed = compare(_r("Snow.blue9266sina.com", 0.8), spaced, "email", well_formed)
    assert (placed.text, placed.agreement) == ("snow.blue926@sina.com", True)
    assert placed.confidence > 0.95
    # In context: the domain is a big provider's once the @ is in (hotmai1).
    assert compare(_r("tiger5266hotmai1.com", 0.8), _rapid("tiger526ohotmai1.com"),
                   "email", well_formed).text == "tiger526@hotmail.com"


def test_a_missed_at_sign_is_placed_only_where_everything_else_holds() -> None:
    def settled(primary: str, second: str) -> bool:
        return compare(_r(primary, 0.8), _rapid(second), "email", well_formed).agreement

    assert not settled("moon96lasina.com", "moon961asina.com")  # differ, but not where @ goes
    assert not settled("moon9266sina.com", "moon926osina.cn")  # other lengths
    assert not settled("moon9266example.com", "moon926oexample.com")  # not a big provider
    assert not settled("cloud116sina.com", "cloud11osina.com")  # mailbox ambiguous (cloud11)


def test_an_at_sign_both_engines_read_alike_is_placed_where_the_known_domain_begins() -> None:
    def voted(primary: str, second: str) -> Voted:
        return compare(_r(primary, 0.8), _rapid(second), "email", well_formed)

    placed = voted("ocean.peace3920163.com", "ocean.peace392o163.com")  # o in a number: 0
    assert (placed.text, placed.agreement) == ("ocean.peace392@163.com", True)
    assert placed.confidence > 0.95
    assert voted("snowblue7ahotmai1.com", "snowblue7ahotmai1.com").text == (
        "snowblue7@hotmail.com")
    # Only a round shape can be the @, and only before a big provider's domain.
    for unplaced in ("tiger52x163.com", "tiger520example.com"):
        kept = voted(unplaced, unplaced)
        assert kept.text == unplaced and kept.confidence <= CONTRADICTED_CAP


def test_an_at_sign_read_as_two_glyphs_by_one_engine_is_read_as_one() -> None:
    def voted(primary: str, second: str) -> Voted:
        return compare(_r(primary, 0.8), _rapid(second), "email", well_formed)

    # Tesseract saw a piece beside the @; RapidOCR read it as a round letter.
    for tesseract, rapid, address in (
            ("riverstar929e@hotmail.com", "riverstar929ahotmai1.com",
             "riverstar929@hotmail.com"),
            ("peacelucky680G@hotmail.com", "peacelucky680ahotmai1.com",
             "peacelucky680@hotmail.com"),
            ("starpeace685e@outlook.com", "starpeace685@out1ook.com",
             "starpeace685@outlook.com")):
        placed = voted(tesseract, rapid)
        assert (placed.text, placed.agreement) == (address, True), tesseract
        assert placed.confidence > 0.95
    # Either engine may be the one that saw two glyphs.
    assert voted("moon.sun57@qq.com", "moon.sun57e@qq.com").text == "moon.sun57@qq.com"


def test_an_at_sign_is_read_as_one_glyph_only_where_nothing_else_differs() -> None:
    def settled(primary: str, second: str) -> bool:
        return compare(_r(primary, 0.8), _rapid(second), "email", well_formed).agreement

    assert not settled("bakerdebbie@gmail.com", "bakerdebbiagmail.com")  # a letter before
    assert not settled("river929e@example.com", "river929aexample.com")  # not a big provider
    assert not settled("river929x@hotmail.com", "river929ahotmai1.com")  # not a round piece
    assert not settled("river928e@hotmail.com", "river929ahotmai1.com")  # a digit differs
    assert not settled("river929e@hotmail.com", "river929ahotmai1.cn")  # other domains
    assert not settled("tiger7200@126.com", "tiger720@126.com")  # a digit is content


def _widening_rapid(narrow: str, wide: str) -> FakeOcrEngine:
    """A second engine that reads `wide` once the line is stretched wider."""
    widths: list[int] = []

    def read(image: np.ndarray, lang: str, psm: int, wl: str | None) -> OcrResult:
        widths.append(image.shape[1])
        text = wide if len(widths) > 1 and image.shape[1] > widths[0] else narrow
        return OcrResult(text, 0.9, words=tuple((c, 0.97) for c in text))

    return FakeOcrEngine(script=read)


def test_a_second_look_wider_that_reads_what_tesseract_read_settles_an_address(
    template: FormTemplate, blank: np.ndarray
) -> None:
    spec = template.field("email")
    _write(blank, spec.zone, "tiger.light751@sina.com")
    # RapidOCR merges the thin l into its neighbour; stretched, it does not.
    primary = FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(
        "tiger.light751@sina.com" if psm == 7 else "tiger.lighr751@sina.com", 0.6))
    second = _widening_rapid("tiger.ight751@sina.com", "tiger.light751@sina.com")

    reading = read_field(blank, template.blank, spec, OcrEngines(primary, second))

    assert (reading.raw, reading.agreement) == ("tiger.light751@sina.com", True)
    assert reading.confidence > 0.95
    assert [r.engine for r in reading.readings] == [
        "tesseract", "rapidocr", "tesseract-third", "tesseract-smaller", "tesseract-larger",
        "rapidocr-wide"]
    assert "tiger.ight751@sina.com" in reading.candidates


def _read_address(template: FormTemplate, blank: np.ndarray, written: str,
                  primary: FakeOcrEngine, second: FakeOcrEngine) -> FieldReading:
    """The e-mail zone with `written` in it, read by the two fake engines."""
    spec = template.field("email")
    _write(blank, spec.zone, written)
    return read_field(blank, template.blank, spec, OcrEngines(primary, second))


def _tesseract_reads(text: str) -> FakeOcrEngine:
    return FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(text, 0.6))


def test_a_second_look_that_reads_something_else_leaves_the_split(
    template: FormTemplate, blank: np.ndarray
) -> None:
    second = _widening_rapid("tigerblue171@sina.com", "tigerblue1710sina.com")
    reading = _read_address(template, blank, "tigerblue171@sina.com",
                            _tesseract_reads("tigerblue71@sina.com"), second)

    assert reading.readings[-1].engine == "rapidocr-wide"
    assert reading.agreement is False and reading.confidence <= CONTRADICTED_CAP


def test_an_at_sign_a_further_look_reads_as_two_glyphs_settles_a_split(
    template: FormTemplate, blank: np.ndarray
) -> None:
    # Tesseract's raw-line look sees a piece beside the @ (685e@); without
    # it, the look reads what RapidOCR read.
    by_mode = {7: "starpeace68S@outlook.com", 13: "starpeace685e@outlook.com"}
    primary = FakeOcrEngine(script=lambda image, lang, psm, wl: OcrResult(by_mode[psm], 0.6))
    rapid = "starpeace685@out1ook.com"
    second = FakeOcrEngine(replies=[OcrResult(rapid, 0.97, words=tuple((c, 0.97) for c in rapid))])

    reading = _read_address(template, blank, "starpeace685@outlook.com", primary, second)

    assert (reading.raw, reading.agreement) == ("starpeace685@outlook.com", True)
    assert [r.engine for r in reading.readings] == ["tesseract", "rapidocr", "tesseract-third"]
    assert reading.confidence > 0.95


def test_a_wider_look_with_the_at_sign_whole_settles_tesseracts_two_glyphs(
    template: FormTemplate, blank: np.ndarray
) -> None:
    second = _widening_rapid("happy.peace228ohotmai1.com", "happy.peace223@hotmai1.com")
    reading = _read_address(template, blank, "happy.peace223@hotmail.com",
                            _tesseract_reads("happy.peace223e@hotmail.com"), second)

    assert (reading.raw, reading.agreement) == ("happy.peace223@hotmail.com", True)
    assert reading.readings[-1].engine == "rapidocr-wide"


def test_an_address_is_scored_on_its_letters_whichever_their_case(
    template: FormTemplate, blank: np.ndarray
) -> None:
    text = "Greenstar219@qq.com"
    words = tuple((c, 0.49 if i == 0 else 0.99) for i, c in enumerate(text))
    either = tuple(0.97 if i == 0 else 0.99 for i in range(len(text)))  # G 0.49, g 0.48
    second = FakeOcrEngine(replies=[OcrResult(text, 0.9, words=words, either_case=either)])

    reading = _read_address(template, blank, "greenstar219@qq.com",
                            _tesseract_reads("GreenStar219@qq.com"), second)

    assert reading.agreement is True
    assert reading.readings[1].char_confidences[0] == 0.97
    assert reading.confidence == agreed_score(0.97)
