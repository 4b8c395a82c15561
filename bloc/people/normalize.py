"""Dedupe keys: normalized email and E.164 phone."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

#: the longest address SMTP can carry (RFC 5321: a 256-octet path, less its angle brackets), and
#: the length of every email column
MAX_EMAIL_LENGTH = 254


def normalize_email(value: str | None) -> str:
    """Lower-cased, trimmed address; raises ValidationError when it is not an address (or is
    longer than any address can be)."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValidationError(
            f"Longer than {MAX_EMAIL_LENGTH} characters, the most an email address can have.",
            code="max_length",
        )
    validate_email(text)
    return text


def normalize_phone(value: str | None, region: str | None = None) -> str:
    """E.164 form (+12125550100); raises ValidationError when it is not a valid number."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, region or settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Not a phone number.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("Not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
