"""Template tags for event pages and email: the QR code of an RSVP's check-in code."""

from django import template
from django.utils.safestring import SafeString

from bloc.events import qr

register = template.Library()


@register.simple_tag
def check_in_qr(code: str) -> SafeString:
    """Inline SVG for pages (no image request, nothing for the CSP to allow)."""
    if not code:
        return SafeString("")
    return qr.svg(code, label=f"QR code of check-in code {code}")


@register.simple_tag
def check_in_qr_email(code: str) -> SafeString:
    """A table of cells for HTML email, where SVG and data: images are widely blocked."""
    if not code:
        return SafeString("")
    return qr.email_table(code)
