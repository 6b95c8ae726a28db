from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clipkit.errors import TimecodeError
from clipkit.timecode import format_srt, format_time, parse_end, parse_range, parse_time, slug_time


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("12:30", Fraction(750)),
        ("1:02:03.5", Fraction(3723) + Fraction(1, 2)),
        ("750", Fraction(750)),
        ("750.5", Fraction(1501, 2)),
        ("750ms", Fraction(3, 4)),
        ("90s", Fraction(90)),
        ("00:12:30,500", Fraction(1501, 2)),
        ("00:12:30.500", Fraction(1501, 2)),
        ("1h2m3.5s", Fraction(7447, 2)),
        ("2m", Fraction(120)),
        (" 0:00.1 ", Fraction(1, 10)),
        (".5", Fraction(1, 2)),
    ],
)
def test_parses_every_typed_form_exactly(text, seconds):
    assert parse_time(text) == seconds


def test_frame_numbers_and_smpte_need_the_rate():
    assert parse_time("f1500", frame_rate=Fraction(24000, 1001)) == Fraction(1500 * 1001, 24000)
    assert parse_time("00:00:01:12", frame_rate=Fraction(24)) == Fraction(3, 2)
    with pytest.raises(TimecodeError, match="frame rate"):
        parse_time("f1500")
    with pytest.raises(TimecodeError, match="HH:MM:SS:FF"):
        parse_time("00:12:30:12")


@pytest.mark.parametrize(
    "text, why",
    [
        ("12:75", "seconds must be below 60"),
        ("1:75:00", "minutes must be below 60"),
        ("-5", "negative"),
        ("", "empty"),
        ("abc", "unknown format"),
        ("12:3x", "not a number"),
        ("1,2,3", "comma"),
        ("+6", "relative"),
    ],
)
def test_bad_timestamps_say_why(text, why):
    with pytest.raises(TimecodeError, match=why):
        parse_time(text)


def test_relative_end_counts_from_the_start():
    start = parse_time("12:30")
    assert parse_end("+6", start) == Fraction(756)
    assert parse_end("+6s", start) == Fraction(756)
    assert parse_end("+0:06.5", start) == Fraction(1513, 2)
    assert parse_end("12:36", start) == Fraction(756)


def test_range_checks_order_and_bounds():
    r = parse_range("12:30", "+6", duration=Fraction(2700))
    assert (r.start, r.end, r.duration) == (750, 756, 6)
    with pytest.raises(TimecodeError, match="not after the start"):
        parse_range("12:36", "12:30")
    with pytest.raises(TimecodeError, match="not after the start"):
        parse_range("12:30", "12:30")
    with pytest.raises(TimecodeError, match="past the end of the file"):
        parse_range("44:00", "46:00", duration=Fraction(2700))
    with pytest.raises(TimecodeError, match="start .* past the end"):
        parse_range("46:00", "+5", duration=Fraction(2700))


def test_formats():
    assert format_time(Fraction(750)) == "12:30"
    assert format_time(Fraction(1501, 2)) == "12:30.5"
    assert format_time(Fraction(3723)) == "1:02:03"
    assert format_srt(Fraction(1501, 2)) == "00:12:30,500"
    assert slug_time(Fraction(1501, 2)) == "12-30.5"


millis = st.integers(min_value=0, max_value=10 * 3600 * 1000)


@given(millis)
def test_format_parse_round_trip(ms):
    t = Fraction(ms, 1000)
    assert parse_time(format_time(t)) == t
    assert parse_time(format_srt(t)) == t
    assert parse_time(f"{ms}ms") == t


@given(millis, millis)
def test_parsing_is_monotonic(a, b):
    ta, tb = Fraction(a, 1000), Fraction(b, 1000)
    assert (parse_time(format_time(ta)) <= parse_time(format_time(tb))) == (ta <= tb)
    assert (parse_time(format_srt(ta)) < parse_time(format_srt(tb))) == (ta < tb)


def test_the_duration_as_shown_is_a_valid_end_and_the_hint_is_one():
    duration = Fraction(23797, 10000)  # 2.3797 s, shown as 0:02.38
    assert parse_range("0", "0:02.38", duration=duration).end == duration  # typed back as shown: the end
    assert parse_range("0", "2.3797", duration=duration).end == duration
    with pytest.raises(TimecodeError) as err:
        parse_range("0", "2.4", duration=duration)
    assert "(0:02.379)" in err.value.message and "end at 0:02.379 or earlier" in err.value.hint
    hinted = err.value.hint.split("end at ")[1].split(" ")[0]
    assert parse_range("0", hinted, duration=duration).end <= duration  # the hint itself is accepted


def test_a_time_that_is_neither_text_nor_a_number_is_a_timecode_error(tmp_path):
    """``clipkit.gif(path, "0", out_path)`` (the output given where END goes) ran parse_time → to_fraction →
    parse_time … until Python's RecursionError; a path, None or a list as a time is a TimecodeError saying so."""
    for bad in (tmp_path / "out.gif", [12, 30], object()):
        with pytest.raises(TimecodeError, match="is not a time"):
            parse_time(bad)
        with pytest.raises(TimecodeError, match="is not a time"):
            parse_range("0", bad)
