"""Portable SQL for instants: seconds since the epoch and calendar buckets, per dialect.

The store keeps instants as naive UTC (see `store.tables.UTCDateTime`), so every bucket
here is a UTC bucket: a contact belongs to the day, week (starting Monday), month and
hour in which it *started*, even when it runs past midnight.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

__all__ = ["day_of", "epoch_seconds", "hour_of", "month_of", "week_of"]


class epoch_seconds(FunctionElement[float]):
    """Seconds since 1970-01-01 UTC of a stored instant, as a float."""

    type = Float()
    inherit_cache = True
    name = "epoch_seconds"


class day_of(FunctionElement[str]):
    """`YYYY-MM-DD` of the instant."""

    type = String()
    inherit_cache = True
    name = "day_of"


class week_of(FunctionElement[str]):
    """`YYYY-MM-DD` of the Monday that starts the instant's ISO week."""

    type = String()
    inherit_cache = True
    name = "week_of"


class month_of(FunctionElement[str]):
    """`YYYY-MM` of the instant."""

    type = String()
    inherit_cache = True
    name = "month_of"


class hour_of(FunctionElement[int]):
    """Hour of day 0-23 of the instant."""

    type = Integer()
    inherit_cache = True
    name = "hour_of"


def _arg(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"((julianday({_arg(element, compiler, **kw)}) - 2440587.5) * 86400.0)"


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {_arg(element, compiler, **kw)}) AS DOUBLE PRECISION)"


@compiles(day_of, "sqlite")
def _day_sqlite(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({_arg(element, compiler, **kw)})"


@compiles(day_of, "postgresql")
def _day_pg(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(element, compiler, **kw)}, 'YYYY-MM-DD')"


@compiles(week_of, "sqlite")
def _week_sqlite(element: week_of, compiler: SQLCompiler, **kw: Any) -> str:
    # Back six days, then forward to the next Monday (or stay on it): the week's Monday.
    return f"date({_arg(element, compiler, **kw)}, '-6 days', 'weekday 1')"


@compiles(week_of, "postgresql")
def _week_pg(element: week_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(date_trunc('week', {_arg(element, compiler, **kw)}), 'YYYY-MM-DD')"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {_arg(element, compiler, **kw)})"


@compiles(month_of, "postgresql")
def _month_pg(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(element, compiler, **kw)}, 'YYYY-MM')"


@compiles(hour_of, "sqlite")
def _hour_sqlite(element: hour_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%H', {_arg(element, compiler, **kw)}) AS INTEGER)"


@compiles(hour_of, "postgresql")
def _hour_pg(element: hour_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(HOUR FROM {_arg(element, compiler, **kw)}) AS INTEGER)"


# DuckDB: the columnar snapshot (`metrics.snapshot.DuckDialect`); instants are naive UTC
# TIMESTAMPs there too.


@compiles(epoch_seconds, "duckdb")
def _epoch_duck(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST(epoch_us({_arg(element, compiler, **kw)}) AS DOUBLE) / 1000000.0)"


@compiles(day_of, "duckdb")
def _day_duck(element: day_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime({_arg(element, compiler, **kw)}, '%Y-%m-%d')"


@compiles(week_of, "duckdb")
def _week_duck(element: week_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime(date_trunc('week', {_arg(element, compiler, **kw)}), '%Y-%m-%d')"


@compiles(month_of, "duckdb")
def _month_duck(element: month_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime({_arg(element, compiler, **kw)}, '%Y-%m')"


@compiles(hour_of, "duckdb")
def _hour_duck(element: hour_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(hour({_arg(element, compiler, **kw)}) AS INTEGER)"
