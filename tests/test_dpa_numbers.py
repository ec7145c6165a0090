"""Tolerant number parsing: every style users paste, and what is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renaksi_xl.dpa.numbers import (
    format_number,
    format_rupiah,
    parse_number,
    parse_target,
    round_half_up,
    round_rupiah,
    same_amount,
)
from renaksi_xl.dpa.samples import styled


@pytest.mark.parametrize(
    "text, value",
    [
        ("Rp 1.250.000,00", 1250000),
        ("Rp1.250.000", 1250000),
        ("Rp. 500.000,-", 500000),
        ("IDR 2.000", 2000),
        ("1,250,000.00", 1250000),
        ("1.250.000", 1250000),
        ("1,250,000", 1250000),
        ("1250000", 1250000),
        (" 1 250 000 ", 1250000),
        ("1.250", 1250),  # a thousands group, in both conventions
        ("2,5", 2.5),
        ("2.5", 2.5),
        ("0,75", 0.75),
        ("12.345.678,90", 12345678.9),
        ("12,345,678.90", 12345678.9),
        ("(1.000)", -1000),
        ("-1.000", -1000),
        ("Rp (1.500.000,00)", -1500000),
        (1250000, 1250000),
        (1250000.0, 1250000),
        (2.5, 2.5),
        (None, None),
        ("", None),
        ("-", None),
    ],
)
def test_parse_number_styles(text, value):
    if value is None and text not in (None, "", "-"):
        with pytest.raises(ValueError):
            parse_number(text)
        return
    result = parse_number(text)
    assert result == value
    if isinstance(value, int):
        assert isinstance(result, int)


@pytest.mark.parametrize(
    "text",
    [
        "lima juta",
        "1.25.000",
        "12,34,567",
        "Rp",
        "100%",
        "1.250.000,00,00",
        "1..250",
        True,
        "3 Dokumen",
        "#VALUE!",
    ],
)
def test_parse_number_refuses_text(text):
    with pytest.raises(ValueError):
        parse_number(text)


@given(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from(["number", "id_text", "en_text", "id_plain", "rp_dash"]),
)
def test_every_written_style_reads_back(value, style):
    assert parse_number(styled(value, style)) == value


@pytest.mark.parametrize(
    "text, target, unit",
    [
        ("3 Dokumen", 3, "Dokumen"),
        ("100 %", 100, "%"),
        ("100%", 100, "%"),
        ("52 Orang/bulan", 52, "Orang/bulan"),
        ("1.250 Orang", 1250, "Orang"),
        ("2,5 Km", 2.5, "Km"),
        (12, 12, None),
        ("", None, None),
    ],
)
def test_parse_target(text, target, unit):
    assert parse_target(text) == (target, unit)


def test_parse_target_refuses_text_without_number():
    with pytest.raises(ValueError):
        parse_target("Terlaksana")


def test_rounding_is_half_up_in_whole_rupiah():
    assert round_rupiah(2.5) == 3
    assert round_rupiah(3.5) == 4
    assert round_rupiah(1234567.49) == 1234567
    assert round_rupiah(0.1 + 0.2) == 0
    assert round_half_up(12.345, 2) == 12.35
    assert same_amount(100.001, 100) and not same_amount(100.01, 100)


def test_formats_are_indonesian():
    assert format_rupiah(1250000) == "Rp 1.250.000"
    assert format_rupiah(1250000.5) == "Rp 1.250.000,50"
    assert format_rupiah(-1000) == "-Rp 1.000"
    assert format_number(1250) == "1.250"
    assert format_number(2.5) == "2,5"


# --------------------------------------------------------------------------- issue 16: no guessing
@pytest.mark.parametrize(
    "text, grouped, decimal",
    [
        ("12345.678", "12.345.678", "12.345,678"),
        ("1250000.500", "1.250.000.500", "1.250.000,500"),
        ("1234,567", "1.234.567", "1.234,567"),
        ("Rp 1250000,500", "1.250.000.500", "1.250.000,500"),
    ],
)
def test_a_three_digit_fraction_after_an_ungrouped_integer_is_ambiguous(text, grouped, decimal):
    """Before: '12345.678' read as 12345678 and '1250000.500' as 1250000500 (a guess)."""
    from renaksi_xl.dpa.numbers import AmbiguousNumber, ambiguity_hint

    with pytest.raises(AmbiguousNumber) as caught:
        parse_number(text)
    message = str(caught.value)
    assert "tidak jelas" in message and f"ribuan ({grouped})" in message and f"desimal ({decimal})" in message
    assert ambiguity_hint(caught.value) == " " + message
    assert ambiguity_hint(ValueError("x")) == ""


@pytest.mark.parametrize(
    "text",
    [
        "1234.567.890",  # a first group of four digits
        "1234,567,890",
        "1234.567,00",
        "1234,567.00",
        "12345.678.000",
        "1.250.0000",  # a group of four digits
        "1,250,0000",
        "1.2500.000",
        "1.25.000,00",
    ],
)
def test_digit_groups_of_the_wrong_length_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("999.999", 999999),
        ("1.000", 1000),
        ("100,000", 100000),
        ("0.500", 0.5),  # no thousands group after a leading 0: a half in both conventions
        ("0,500", 0.5),
        ("12345.67", 12345.67),  # a two-digit fraction is a fraction
        ("12345,6789", 12345.6789),
        ("1.250.000,0000", 1250000),
        ("123.456.789.012", 123456789012),
    ],
)
def test_unambiguous_forms_are_still_read(text, value):
    assert parse_number(text) == value


def test_nan_and_infinite_floats_are_not_numbers_and_blank_rounds_to_zero():
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError):
            parse_number(bad)
    assert round_rupiah(None) == 0 and round_rupiah(0.49) == 0 and round_rupiah(-0.5) == -1
