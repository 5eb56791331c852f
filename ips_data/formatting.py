"""Danish (default) and English number, percentage, money and date formatting.

Used by the UI and by exports. No dependency on the system locale (which is
not installed): separators and month names are defined here.

Conventions:

* Danish: ``.`` groups thousands, ``,`` is the decimal mark, ``"59,5 %"``
  (space before the percent sign), ``"72.000 kr."``, ``"30. sep. 2026"``.
* English: ``"12,345.6"``, ``"59.5%"``, ``"DKK 72,000"``, ``"30 Sep 2026"``.
* Negative numbers use the ASCII hyphen-minus ``"-"`` everywhere (UI and
  exports alike), which keeps exported text machine-readable.
* Rounding is half-up on the decimal value as written (0.125 -> "12,5 %",
  2.5 -> "3"), not on its binary float approximation.
* ``None``, NaN and infinities are rendered as an en dash ``"–"``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "MISSING",
    "Lang",
    "fmt_date",
    "fmt_dkk",
    "fmt_int",
    "fmt_interval",
    "fmt_number",
    "fmt_pct",
    "fmt_pp",
    "fmt_suppressed",
]

Lang = Literal["da", "en"]
Number = int | float | Decimal

MISSING = "–"
"""Shown for a missing value (None/NaN); an en dash."""

_DA_MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.")
_DA_MONTHS += ("nov.", "dec.")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS: dict[str, tuple[str, ...]] = {"da": _DA_MONTHS, "en": _EN_MONTHS}
_DA_SEPARATORS = str.maketrans({",": ".", ".": ","})


def _check_lang(lang: str) -> None:
    if lang not in ("da", "en"):
        raise ValueError(f"lang must be 'da' or 'en', not {lang!r}")


def _to_decimal(x: Number | None) -> Decimal | None:
    """Exact decimal of a finite number as written, or None when missing."""
    if x is None:
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, numbers.Integral):  # int, bool, numpy integers: exact
        return Decimal(int(x))
    xf = float(x)
    if math.isnan(xf) or math.isinf(xf):
        return None
    # repr() is the shortest round-trip form, so 0.595 stays 0.595 (not 0.59499...).
    return Decimal(repr(xf))


def _render(d: Decimal, decimals: int, lang: Lang, *, sign: bool = False) -> str:
    """Round half-up to ``decimals`` and render with language separators."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, not {decimals}")
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # no "-0,0"
    text = f"{q:{'+' if sign and q != 0 else ''},.{decimals}f}"
    return text.translate(_DA_SEPARATORS) if lang == "da" else text


def fmt_number(x: Number | None, decimals: int = 1, lang: Lang = "da") -> str:
    """1234.5 -> "1.234,5" (da) / "1,234.5" (en); None/NaN -> "–"."""
    _check_lang(lang)
    d = _to_decimal(x)
    return MISSING if d is None else _render(d, decimals, lang)


def fmt_int(x: Number | None, lang: Lang = "da") -> str:
    """12345 -> "12.345" (da) / "12,345" (en); floats are rounded half-up."""
    return fmt_number(x, 0, lang)


def fmt_pct(share: Number | None, decimals: int = 1, lang: Lang = "da") -> str:
    """A share (0-1) as a percentage: 0.595 -> "59,5 %" (da) / "59.5%" (en)."""
    _check_lang(lang)
    d = _to_decimal(share)
    if d is None:
        return MISSING
    text = _render(d * 100, decimals, lang)
    return f"{text} %" if lang == "da" else f"{text}%"


def fmt_pp(diff: Number | None, decimals: int = 1, lang: Lang = "da") -> str:
    """A difference of shares in percentage points, signed.

    0.13 -> "+13,0 pct.-point" (da) / "+13.0 pp" (en); -0.05 -> "-5,0 ...".
    A difference that rounds to zero gets no sign: "0,0 pct.-point".
    """
    _check_lang(lang)
    d = _to_decimal(diff)
    if d is None:
        return MISSING
    text = _render(d * 100, decimals, lang, sign=True)
    return f"{text} pct.-point" if lang == "da" else f"{text} pp"


def fmt_dkk(x: Number | None, lang: Lang = "da", *, decimals: int = 0) -> str:
    """Danish kroner: 72000 -> "72.000 kr." (da) / "DKK 72,000" (en)."""
    _check_lang(lang)
    d = _to_decimal(x)
    if d is None:
        return MISSING
    text = _render(d, decimals, lang)
    return f"{text} kr." if lang == "da" else f"DKK {text}"


def fmt_interval(
    low: Number | None, high: Number | None, formatter: Callable[[Number], str]
) -> str:
    """A confidence interval: ``"(9,1 % – 17,0 %)"`` using ``formatter`` per end.

    Returns "–" when either end is missing (a half interval is not shown).
    """
    if _to_decimal(low) is None or _to_decimal(high) is None:
        return MISSING
    assert low is not None and high is not None
    return f"({formatter(low)} – {formatter(high)})"


_LABEL_THRESHOLD = re.compile(r"^\s*<\s*(\d+)\s*$")


def fmt_suppressed(
    value: Number | None,
    n: Number | None,
    policy_label: str,
    formatter: Callable[[Number], str],
) -> str:
    """Format a person-based figure, showing ``policy_label`` when suppressed.

    A figure is suppressed when its count ``n`` is missing (the data layer
    nulls suppressed counts) or, if the label has the form ``"<k"``, when
    ``n < k`` (a safety net for figures that skipped the data layer). A
    suppressed figure is always shown as the label (e.g. "<5"), never as 0 or
    blank, even if a value was passed. A shown count with a missing value
    gives "–".
    """
    n_dec = _to_decimal(n)
    match = _LABEL_THRESHOLD.match(policy_label)
    if n_dec is None or (match is not None and n_dec < int(match.group(1))):
        return policy_label
    if _to_decimal(value) is None:
        return MISSING
    assert value is not None
    return formatter(value)


def fmt_date(d: date | None, lang: Lang = "da") -> str:
    """A date (or datetime): "30. sep. 2026" (da) / "30 Sep 2026" (en).

    The day is not zero-padded ("1. sep. 2026"). None -> "–".
    """
    _check_lang(lang)
    if d is None:
        return MISSING
    month = _MONTHS[lang][d.month - 1]
    return f"{d.day}. {month} {d.year}" if lang == "da" else f"{d.day} {month} {d.year}"
