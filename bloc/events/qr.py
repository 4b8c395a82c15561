"""QR codes of RSVP check-in codes, drawn as inline SVG (pages) or an HTML table (email).

The QR code holds the bare check-in code, so a hardware scanner at the door types the code and
Enter into the host's scan field, and a phone's camera reads the same code. Nothing is fetched
from anywhere: inline SVG needs no img-src, and a table of cells shows in email clients that
block images (most block data: URIs and remote images by default).
"""

import qrcode
import qrcode.constants
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

QUIET_ZONE = 4  # modules of white around the code; scanners need it


def modules(text: str) -> list[list[bool]]:
    """The QR matrix for `text` including the quiet zone; True is a dark module."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    qr.add_data(text)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def _runs(row: list[bool]) -> list[tuple[int, int, bool]]:
    """(start, length, dark) for each run of same-coloured modules in a row."""
    runs: list[tuple[int, int, bool]] = []
    start = 0
    for x in range(1, len(row) + 1):
        if x == len(row) or row[x] != row[start]:
            runs.append((start, x - start, row[start]))
            start = x
    return runs


def svg(text: str, *, label: str, size_px: int = 192) -> SafeString:
    """An accessible inline SVG of the QR code, with a white background so it scans in dark mode."""
    grid = modules(text)
    n = len(grid)
    path = "".join(
        f"M{x},{y}h{length}v1h-{length}z"
        for y, row in enumerate(grid)
        for x, length, dark in _runs(row)
        if dark
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{label}" '
        'width="{size}" height="{size}" viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
        '<title>{label}</title><rect width="{n}" height="{n}" fill="#fff"/>'
        '<path fill="#000" d="{path}"/></svg>',
        label=label,
        size=size_px,
        n=n,
        path=path,
    )


def email_table(text: str, *, module_px: int = 6) -> SafeString:
    """The QR code as a table of coloured cells: it shows in email even with images blocked.

    The first row (quiet zone, all white) has one cell per module so every client sizes the
    columns alike; later rows merge runs of one colour with colspan to keep the message small.
    """
    grid = modules(text)
    n = len(grid)
    cell = '<td colspan="{}" width="{}" height="{}" bgcolor="{}" style="{}"></td>'
    style = f"padding:0;height:{module_px}px;line-height:{module_px}px;font-size:0"

    def row_cells(runs: list[tuple[int, int, bool]]) -> SafeString:
        return format_html_join(
            "",
            cell,
            (
                (length, length * module_px, module_px, "#000000" if dark else "#ffffff", style)
                for _start, length, dark in runs
            ),
        )

    sizing = [(x, 1, dark) for x, dark in enumerate(grid[0])]
    rows = [row_cells(sizing), *(row_cells(_runs(row)) for row in grid[1:])]
    return format_html(
        '<table role="presentation" width="{}" cellpadding="0" cellspacing="0" border="0" '
        'bgcolor="#ffffff" style="border-collapse:collapse">{}</table>',
        n * module_px,
        format_html_join("", "<tr>{}</tr>", ((r,) for r in rows)),
    )
