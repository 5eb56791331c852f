"""Tests for ips_data.formatting: Danish/English number, money and date formats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial

import pytest

from ips_data.formatting import (
    MISSING,
    fmt_date,
    fmt_dkk,
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_pct,
    fmt_pp,
    fmt_suppressed,
)

NAN = float("nan")


@pytest.mark.parametrize(
    ("x", "lang", "expected"),
    [
        (12345, "da", "12.345"),
        (12345, "en", "12,345"),
        (1234567, "da", "1.234.567"),
        (999, "da", "999"),
        (0, "da", "0"),
        (-12345, "da", "-12.345"),
        (-12345, "en", "-12,345"),
        (2.5, "da", "3"),  # half-up, not banker's rounding
        (1234.4, "en", "1,234"),
        (None, "da", "–"),
        (NAN, "en", "–"),
        (float("inf"), "da", "–"),
    ],
)
def test_fmt_int(x: float | None, lang: str, expected: str) -> None:
    assert fmt_int(x, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (1234.5, 1, "da", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (1234.5, 2, "da", "1.234,50"),
        (1234.5, 0, "en", "1,235"),
        (0.125, 2, "da", "0,13"),
        (-0.04, 1, "da", "0,0"),  # no negative zero
        (-1234.56, 1, "da", "-1.234,6"),
        (1_000_000.25, 2, "en", "1,000,000.25"),
        (7, 1, "da", "7,0"),
        (Decimal("2.675"), 2, "en", "2.68"),
        (None, 1, "da", "–"),
        (NAN, 2, "en", "–"),
    ],
)
def test_fmt_number(x: float | None, decimals: int, lang: str, expected: str) -> None:
    assert fmt_number(x, decimals, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("share", "decimals", "lang", "expected"),
    [
        (0.595, 1, "da", "59,5 %"),
        (0.595, 1, "en", "59.5%"),
        (0.1234, 1, "da", "12,3 %"),
        (0.125, 0, "en", "13%"),
        (1.0, 1, "da", "100,0 %"),
        (0.0, 1, "en", "0.0%"),
        (12.5, 0, "da", "1.250 %"),
        (-0.05, 1, "en", "-5.0%"),
        (None, 1, "da", "–"),
        (NAN, 1, "en", "–"),
    ],
)
def test_fmt_pct(share: float | None, decimals: int, lang: str, expected: str) -> None:
    assert fmt_pct(share, decimals, lang) == expected  # type: ignore[arg-type]


def test_fmt_pct_defaults_to_danish_one_decimal() -> None:
    assert fmt_pct(0.595) == "59,5 %"


@pytest.mark.parametrize(
    ("diff", "decimals", "lang", "expected"),
    [
        (0.13, 1, "da", "+13,0 pct.-point"),
        (0.13, 1, "en", "+13.0 pp"),
        (-0.052, 1, "da", "-5,2 pct.-point"),
        (-0.052, 1, "en", "-5.2 pp"),
        (0.0004, 1, "da", "0,0 pct.-point"),
        (-0.0004, 1, "en", "0.0 pp"),
        (0.25, 0, "en", "+25 pp"),
        (None, 1, "da", "–"),
        (NAN, 1, "en", "–"),
    ],
)
def test_fmt_pp(diff: float | None, decimals: int, lang: str, expected: str) -> None:
    assert fmt_pp(diff, decimals, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "lang", "expected"),
    [
        (72000, "da", "72.000 kr."),
        (72000, "en", "DKK 72,000"),
        (1234567.8, "da", "1.234.568 kr."),
        (-500, "en", "DKK -500"),
        (0, "da", "0 kr."),
        (None, "da", "–"),
        (NAN, "en", "–"),
    ],
)
def test_fmt_dkk(x: float | None, lang: str, expected: str) -> None:
    assert fmt_dkk(x, lang) == expected  # type: ignore[arg-type]


def test_fmt_dkk_decimals() -> None:
    assert fmt_dkk(99.5, "da", decimals=2) == "99,50 kr."


@pytest.mark.parametrize(
    ("low", "high", "formatter", "expected"),
    [
        (0.091, 0.17, fmt_pct, "(9,1 % – 17,0 %)"),
        (0.091, 0.17, partial(fmt_pct, lang="en"), "(9.1% – 17.0%)"),
        (-0.02, 0.13, fmt_pp, "(-2,0 pct.-point – +13,0 pct.-point)"),
        (1.5, 2.25, partial(fmt_number, decimals=2, lang="en"), "(1.50 – 2.25)"),
        (None, 0.17, fmt_pct, "–"),
        (0.091, NAN, fmt_pct, "–"),
    ],
)
def test_fmt_interval(low, high, formatter, expected: str) -> None:
    assert fmt_interval(low, high, formatter) == expected


@pytest.mark.parametrize(
    ("value", "n", "label", "expected"),
    [
        (None, None, "<5", "<5"),  # suppressed in the data layer
        (0.0, None, "<5", "<5"),  # never 0 for a suppressed figure
        (0.5, 3, "<5", "<5"),  # safety net: raw small n
        (0.5, 0, "<5", "<5"),
        (0.5, 4, "<3", "50,0 %"),  # label decides the threshold
        (0.5, 5, "<5", "50,0 %"),
        (None, 12, "<5", "–"),  # shown count, value genuinely missing
        (0.0, 12, "<5", "0,0 %"),
        (None, None, "–", "–"),
        (0.25, None, "–", "–"),
    ],
)
def test_fmt_suppressed(value: float | None, n: int | None, label: str, expected: str) -> None:
    assert fmt_suppressed(value, n, label, fmt_pct) == expected


def test_fmt_suppressed_count_itself() -> None:
    fmt = partial(fmt_int, lang="en")
    assert fmt_suppressed(1234, 1234, "<5", fmt) == "1,234"
    assert fmt_suppressed(None, None, "<5", fmt) == "<5"


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (date(2026, 9, 30), "da", "30. sep. 2026"),
        (date(2026, 9, 30), "en", "30 Sep 2026"),
        (date(2025, 5, 1), "da", "1. maj 2025"),
        (date(2025, 5, 1), "en", "1 May 2025"),
        (date(2024, 1, 9), "da", "9. jan. 2024"),
        (date(2024, 10, 15), "da", "15. okt. 2024"),
        (date(2024, 10, 15), "en", "15 Oct 2024"),
        (date(2024, 12, 24), "da", "24. dec. 2024"),
        (datetime(2026, 3, 2, 14, 30), "en", "2 Mar 2026"),
        (None, "da", "–"),
    ],
)
def test_fmt_date(d: date | None, lang: str, expected: str) -> None:
    assert fmt_date(d, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt_int(1, "de"),
        lambda: fmt_number(1.0, 1, "sv"),
        lambda: fmt_pct(0.1, 1, "DA"),
        lambda: fmt_pp(0.1, 1, "fr"),
        lambda: fmt_dkk(1, "no"),
        lambda: fmt_date(date(2024, 1, 1), "xx"),
        lambda: fmt_number(1.0, -1, "da"),
    ],
)
def test_bad_arguments_raise(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_missing_is_en_dash() -> None:
    assert MISSING == "\u2013"
