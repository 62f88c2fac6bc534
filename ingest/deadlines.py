"""Deadline cells of the action programme read into dates: "Quý II/2026" is due 2026-06-30.

A module of its own because both sides of the registry use it: the builder reads cells with `parse_deadline`, the
reader rebuilds `Deadline` from the stored JSON.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ingest.normalize import fold, normalize
from ingest.patterns import YEAR

_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER = re.compile(r"quý\s+((?:[IV]{1,3}\s*,\s*)*[IV]{1,3})(?:\s*(?:/|năm|\s)\s*(20\d\d))?", re.IGNORECASE)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(20\d\d)", re.IGNORECASE)


@dataclass
class Deadline:
    """A deadline cell as written plus what can be read from it; `due` is the last day it allows."""

    text: str
    year_from: int | None = None
    year_to: int | None = None
    quarter: int | None = None
    month: int | None = None
    recurring: bool = False
    yearly: bool = False
    done: bool = False
    due: str | None = None


def parse_deadline(text: str) -> Deadline:
    """"Quý II/2026" -> year 2026, quarter 2, due 2026-06-30; "Thực hiện thường xuyên; hằng năm" -> flags only."""
    text = normalize(text)
    folded = fold(text)
    years = [int(y) for y in YEAR.findall(text)]
    deadline = Deadline(
        text=text,
        year_from=min(years) if years else None,
        year_to=max(years) if years else None,
        recurring="thuong xuyen" in folded,
        yearly="hang nam" in folded,
        done="da hoan thanh" in folded,
    )
    quarters = [(_ROMAN_QUARTER[re.split(r"\s*,\s*", q.upper())[-1]], int(y) if y else None) for q, y in _QUARTER.findall(text)]
    months = [(int(m), int(y)) for m, y in _MONTH.findall(text) if 1 <= int(m) <= 12]
    if deadline.year_to is not None:
        at_end = [q for q, y in quarters if y == deadline.year_to]
        deadline.quarter = at_end[-1] if at_end else None
        month_end = [m for m, y in months if y == deadline.year_to]
        deadline.month = month_end[-1] if month_end else None
        year = deadline.year_to
        if deadline.month:
            deadline.due = dt.date(year, deadline.month, calendar.monthrange(year, deadline.month)[1]).isoformat()
        elif deadline.quarter:
            last_month = deadline.quarter * 3
            deadline.due = dt.date(year, last_month, calendar.monthrange(year, last_month)[1]).isoformat()
        else:
            deadline.due = dt.date(year, 12, 31).isoformat()
    elif quarters:
        deadline.quarter = quarters[-1][0]
    return deadline
