"""Dedupe keys: normalized email and E.164 phone."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def normalize_email(value: str | None) -> str:
    """Lower-cased, trimmed address; raises ValidationError when it is not an address."""
    text = (value or "").strip().lower()
    if not text:
        return ""
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
