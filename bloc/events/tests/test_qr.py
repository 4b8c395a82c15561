"""The QR code drawings hold exactly the modules of the QR matrix for the check-in code."""

import re

from bloc.events import qr


def _grid_from_svg(svg: str) -> list[list[bool]]:
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    path = re.search(r'<path fill="#000" d="([^"]*)"', svg).group(1)
    for x, y, length in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\3z", path):
        for dx in range(int(length)):
            grid[int(y)][int(x) + dx] = True
    return grid


def _grid_from_table(html: str) -> list[list[bool]]:
    grid = []
    for row in re.findall(r"<tr>(.*?)</tr>", html):
        cells = []
        for span, colour in re.findall(r'<td colspan="(\d+)"[^>]*bgcolor="(#[0-9a-f]{6})"', row):
            cells.extend([colour == "#000000"] * int(span))
        grid.append(cells)
    return grid


def test_the_svg_draws_every_module_of_the_code_and_nothing_else():
    svg = qr.svg("K7P2QX", label="QR code of check-in code K7P2QX")
    assert _grid_from_svg(svg) == qr.modules("K7P2QX")
    assert 'role="img"' in svg and "<title>QR code of check-in code K7P2QX</title>" in svg
    assert "<script" not in svg and "href" not in svg


def test_the_quiet_zone_is_white_all_round():
    grid = qr.modules("K7P2QX")
    border = qr.QUIET_ZONE
    assert not any(any(row) for row in grid[:border] + grid[-border:])
    assert not any(any(row[:border] + row[-border:]) for row in grid)


def test_the_email_table_holds_the_same_modules_in_every_row():
    table = qr.email_table("K7P2QX", module_px=6)
    grid = _grid_from_table(table)
    assert grid == qr.modules("K7P2QX")
    assert f'width="{len(grid) * 6}"' in table
    assert "<img" not in table and "data:" not in table


def test_different_codes_draw_different_squares():
    assert qr.modules("K7P2QX") != qr.modules("K7P2QY")


def test_the_label_is_escaped():
    assert "<b>" not in qr.svg("A", label="<b>")
