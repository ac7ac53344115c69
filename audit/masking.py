"""Masking of personal data for anything a report prints.

Names, phone numbers and ID numbers (DATA_CONTRACT.md: "never printed
unmasked") are shown only in masked form, and free text (contact notes, rule
evidence, reject values) has every run of seven or more digits masked, since
a note may quote a phone or ID number. Every function is idempotent: masking
an already masked value returns it unchanged.

    >>> mask_phone("13812341234")
    '138****1234'
    >>> mask_name("张三"), mask_name("John Smith")
    ('张*', 'J*** S****')
    >>> mask_id("110105194912311234")
    '110***********1234'
"""

from __future__ import annotations

import re
from typing import Any

_MASKABLE = re.compile(r"[0-9Xx*]")
# A number-like run in free text: digits (and '*' left by earlier masking) joined by
# at most two separators (space, dash, dot, parentheses), an optional leading '+', an
# optional X check digit (PRC ID numbers). A shorter run glued to ASCII letters is an
# identifier (CT000001234, EV00000047), not personal data; 11 digits or more glued to
# letters ("Tel13812341234") are masked all the same.
_NUMBER_RUN = re.compile(
    r"(?<![A-Za-z0-9_*])\+?\(?[0-9*](?:[ ().-]{0,2}[0-9*]){5,}[Xx]?(?![A-Za-z0-9_*:])"
    r"|(?<=[A-Za-z])[0-9*]{11,}[Xx]?(?![0-9*])"
)
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}")
_DECIMAL_AMOUNT = re.compile(r"\d+\.\d{1,2}")
MIN_DIGITS = 7


def _mask_positions(text: str, keep_head: int, keep_tail: int) -> str:
    """Replace maskable characters (digits, X, *) by '*' except the first/last few."""
    positions = [m.start() for m in _MASKABLE.finditer(text)]
    hidden = positions[keep_head : len(positions) - keep_tail if keep_tail else None]
    chars = list(text)
    for i in hidden:
        chars[i] = "*"
    return "".join(chars)


def _digit_mask(text: str) -> str:
    n = len(_MASKABLE.findall(text))
    if n >= 11:
        return _mask_positions(text, 3, 4)
    if n >= 5:
        return _mask_positions(text, 2, 2)
    return _mask_positions(text, 0, 0)


def mask_phone(value: Any) -> str:
    """138****1234; keeps the first three and last four digits of long numbers."""
    if value is None:
        return ""
    return _digit_mask(str(value).strip())


def mask_id(value: Any) -> str:
    """110***********1234 for an 18-character PRC ID number; same rule for others."""
    if value is None:
        return ""
    text = str(value).strip()
    if not _MASKABLE.search(text):  # an ID made of letters: keep only its first character
        return text[:1] + "*" * max(0, len(text) - 1)
    return _digit_mask(text)


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3400" <= ch <= "\u4dbf"


def mask_name(value: Any) -> str:
    """张* for Chinese names (first character kept); J*** S**** for Latin names."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if _is_cjk(text[0]):
        return text[0] + "*" * (len(text) - 1)
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in text.split())


def redact(value: Any) -> str:
    """Free text with every run of seven or more digits masked (dates and amounts kept)."""
    if value is None:
        return ""
    text = str(value)

    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = len(_MASKABLE.findall(run))
        if digits < MIN_DIGITS:
            return run
        if _DATE_LIKE.fullmatch(run) or _DECIMAL_AMOUNT.fullmatch(run):
            return run
        return _digit_mask(run)

    return _NUMBER_RUN.sub(replace, text)


# Columns a report query may return that hold personal data or free text, and how
# each is masked before it reaches a template. The report refuses a query result
# with a personal column (the names in schema.PERSONAL_COLUMNS) not listed here.
COLUMN_MASKS = {
    "phone": mask_phone,
    "phone_number": mask_phone,
    "id_number": mask_id,
    "customer_name": mask_name,
    "collector_name": mask_name,
    "name": mask_name,  # collectors.name; a report query aliases agency names as agency_name
    "note": redact,
    "evidence": redact,
    "detail": redact,
    "value": redact,
    "reason": redact,
    "example_value": redact,
}
