"""How numbers read on the report page: fixed digits, intervals, percentages; empty for missing values."""

from __future__ import annotations

from typing import Any

import pandas as pd


def missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def number(value: Any, digits: int = 0, thousands: bool = False) -> str:
    return "" if missing(value) else f"{float(value):{',' if thousands else ''}.{digits}f}"


def interval(low: Any, high: Any, digits: int = 0, signed: bool = False) -> str:
    """"950–1080"; signed: "+12 to +80" (a dash would read as a minus sign)."""
    if missing(low) or missing(high):
        return ""
    if signed:
        return f"{signed_number(low, digits)} to {signed_number(high, digits)}"
    return f"{float(low):.{digits}f}–{float(high):.{digits}f}"


def percent(share: Any, digits: int = 0) -> str:
    return "" if missing(share) else f"{100 * float(share):.{digits}f}%"


def signed_number(value: Any, digits: int = 0) -> str:
    """"+12", "-3", "+0" (never "-0" for a value that rounds to zero)."""
    return "" if missing(value) else f"{round(float(value), digits) + 0.0:+.{digits}f}"
