"""The errors a service raises for the caller to show: validation, conflict, not found."""

from __future__ import annotations

from qmsdesk.errors import UserFacingError


class ServiceError(UserFacingError):
    """A problem the user can act on; the message is written for them."""


class ValidationError(ServiceError):
    """One or more fields are invalid: ``errors`` maps field name -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


class ConflictError(ServiceError):
    """The record changed elsewhere since it was loaded; nothing was saved."""


class NotFoundError(ServiceError):
    pass


class BatchValidationError(ValidationError):
    """Records saved together break rules: ``by_record`` maps each one's position in the
    batch to its field -> message; ``errors`` holds the first one's (all of a single save)."""

    def __init__(self, by_record: dict[int, dict[str, str]]) -> None:
        self.by_record = {index: dict(errors) for index, errors in sorted(by_record.items())}
        super().__init__(next(iter(self.by_record.values()), {}))
