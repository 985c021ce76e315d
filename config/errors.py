"""The one error tree of dossier.

Three branches, because the system reacts to each differently:

- `RejectedInput`: the file itself is bad (not a form, unreadable, too big).
  Never retried; the file is quarantined with `reason` beside it.
- `TransientFailure`: something outside the file failed (database, broker,
  disk, a timeout). Retried with backoff; the document is not lost.
- `ConfigurationError`: the installation is wrong (missing Tesseract,
  invalid rules file). Raised at start-up so the operator fixes it before
  any document is touched.

Low confidence, duplicates and "needs review" are results, not errors.
Code recognises errors by class and `code`, never by message text.
"""

from __future__ import annotations


class DossierError(Exception):
    """Root of every error dossier raises on purpose."""

    exit_code = 3
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def reason(self) -> str:
        return str(self)


class RejectedInput(DossierError):
    """The input file cannot be processed as it is; quarantine it."""

    exit_code = 1
    code = "rejected_input"


class TransientFailure(DossierError):
    """A dependency failed; retrying later is expected to succeed."""

    exit_code = 75  # EX_TEMPFAIL
    code = "transient"


class ConfigurationError(DossierError):
    """The installation or its configuration is wrong; fix and restart."""

    exit_code = 78  # EX_CONFIG
    code = "configuration"
