"""Small F-7 spreadsheets for tests, written with openpyxl."""

from io import BytesIO
from typing import Any

from openpyxl import Workbook

HEADER = [
    "Notice Date",
    "Employer Name",
    "Employer City",
    "Employer State",
    "Union Name",
    "Union Local",
    "NAICS Code",
    "Bargaining Unit Size",
    "Contract Expiration Date",
    "Health Care",
]


def f7_workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
