"""Who runs this Bloc: the organization's name, logo, colour and "about", from settings.

Every page's header shows the name and logo; the public home shows the "about". The colour
is served as a small stylesheet (``/brand.css``): the Content-Security-Policy allows no inline
styles. A colour that would make links or button text hard to read is adjusted for contrast.
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static

DEFAULT_COLOR = "#b3122e"
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
#: WCAG AA for normal text.
_MIN_CONTRAST = 4.5


@dataclass(frozen=True)
class Organization:
    name: str
    about: str
    logo_url: str
    #: The accent (links, buttons, the header's rule): readable on white, so white on it too.
    color: str


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(color: str) -> str:
    """The colour itself, or the closest darker shade readable as text on a white page."""
    rgb = _rgb(color)
    for _ in range(40):
        if contrast(_hex(rgb), "#ffffff") >= _MIN_CONTRAST:
            break
        rgb = (int(rgb[0] * 0.92), int(rgb[1] * 0.92), int(rgb[2] * 0.92))
    return _hex(rgb)


def normalize_color(value: str) -> str:
    """``#rrggbb`` in lower case, or the default colour for anything else."""
    match = _HEX.match((value or "").strip())
    return f"#{match.group(1).lower()}" if match else DEFAULT_COLOR


def logo_url(value: str) -> str:
    """An absolute https address as it is; otherwise a path under the static files."""
    value = (value or "").strip()
    if not value:
        return ""
    if urlsplit(value).scheme in ("https", "http"):
        return value
    return static(value)


def logo_origin(value: str) -> str:
    """The origin a logo on another server comes from (for the CSP's img-src), or ""."""
    parts = urlsplit((value or "").strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@functools.cache
def _build(name: str, about: str, logo: str, color: str) -> Organization:
    return Organization(
        name=name.strip() or "Bloc",
        about=about.strip(),
        logo_url=logo_url(logo),
        color=readable_on_white(normalize_color(color)),
    )


def organization() -> Organization:
    """The organization as configured (BLOC_ORG_* settings), worked out once per value."""
    return _build(
        str(getattr(settings, "BLOC_ORG_NAME", "Bloc")),
        str(getattr(settings, "BLOC_ORG_ABOUT", "")),
        str(getattr(settings, "BLOC_ORG_LOGO", "")),
        str(getattr(settings, "BLOC_ORG_COLOR", DEFAULT_COLOR)),
    )


def brand_css() -> str:
    org = organization()
    return f":root {{ --accent:{org.color}; }}\n"
