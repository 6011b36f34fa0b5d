"""The one CSV dialect for every CSV coachloop writes (exports, predictions, clusters, demo).

Excel's dialect (comma, `"` quoting only where needed) with `\\n` line ends, so the files
diff cleanly and read the same in Python, pandas, spreadsheets and `csvkit`.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from _csv import Writer

__all__ = ["Dialect", "csv_writer"]


class Dialect(csv.excel):
    lineterminator = "\n"


def csv_writer(f: TextIO) -> Writer:
    """A `csv.writer` in coachloop's dialect; open `f` with `newline=""`."""
    return csv.writer(f, dialect=Dialect)
