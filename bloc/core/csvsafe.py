"""CSV cells that spreadsheets will not execute (OWASP "CSV injection")."""

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def safe_cell(value: Any) -> str:
    """Text for a CSV cell; values a spreadsheet would read as a formula get a leading quote."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
