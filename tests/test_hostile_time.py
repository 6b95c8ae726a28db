"""Hostile and odd timestamps: every string either parses to a time or is a TimecodeError (exit 2)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clipkit.errors import TimecodeError
from clipkit.timecode import parse_end, parse_range, parse_time, to_fraction


@pytest.mark.parametrize("text", ["¹:00", "00:00:00:²", "²", "١٢:٣٠", "12:3\u0660", "9" * 5000, "1" + "0" * 4400 + "s",
                                  "f" + "9" * 5000, "12:30\x00", "\x1b[31m12", "1e5", "inf", "nan",
                                  "0x10", "12:30:00:00:00"])
def test_odd_digits_and_huge_numbers_are_timecode_errors(text):
    with pytest.raises(TimecodeError):
        parse_time(text, frame_rate=Fraction(24))


def test_full_width_digits_typed_with_an_input_method_parse():
    assert parse_time("１２：３０") == 750
    assert parse_time("１２：３０．５") == Fraction(1501, 2)
    assert parse_end("＋６", Fraction(10)) == 16


def test_non_finite_floats_from_code_are_errors():
    for v in (float("nan"), float("inf")):
        with pytest.raises(TimecodeError):
            to_fraction(v)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_time_or_a_timecode_error(text):
    try:
        t = parse_time(text, frame_rate=Fraction(24000, 1001))
    except TimecodeError:
        return
    assert isinstance(t, Fraction) and t >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789:.,+-hms f\u00b9\uff10\uff1a", max_size=20),
       st.text(alphabet="0123456789:.,+-hms f\u00b9\uff10\uff1a", max_size=20))
def test_any_range_is_a_range_or_a_timecode_error(a, b):
    try:
        r = parse_range(a, b, duration=Fraction(3600), frame_rate=Fraction(25))
    except TimecodeError:
        return
    assert 0 <= r.start < r.end <= 3600
