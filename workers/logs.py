"""Logging set-up. Log lines carry document ids and codes, never
personal data: nothing in dossier logs a field value on purpose, and a
filter masks anything shaped like an ID number, a mobile number or an
e-mail address that slips in anyway (an exception text, a file name)."""

from __future__ import annotations

import logging
import re

from validators.masking import mask_email, mask_id_number, mask_mobile

# Long digit runs first, so an 18-character ID is not taken for a mobile.
_PATTERNS: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), mask_id_number),
    (re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])"), mask_id_number),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), mask_mobile),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), mask_email),
)


def mask_personal(text: str) -> str:
    for pattern, mask in _PATTERNS:
        text = pattern.sub(lambda m, mask=mask: mask(m.group(0)), text)  # type: ignore[misc]
    return text


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's final message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_personal(
                logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        return True


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s",
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
