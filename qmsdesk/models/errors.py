"""The errors opening or using a database raises: each message is one sentence for a person."""

from __future__ import annotations

from qmsdesk.errors import UserFacingError


class DatabaseError(UserFacingError):
    """A database that cannot be opened; the message says which file and what to do."""


class DatabaseNotFound(DatabaseError):
    pass


class DatabaseRefused(DatabaseError):
    """The file is foreign, newer or damaged; it has not been touched."""


class DatabaseBusy(DatabaseError):
    """Another writer held the file's write lock for longer than the busy timeout."""


class DatabaseWriteFailed(DatabaseError):
    """The file, its folder or the disk refused a write (read-only, full, failing)."""


class DatabaseUnreachable(DatabaseError):
    """A database URL of a kind QMS Desk does not support, or a server that does not answer."""


class ConnectionLost(DatabaseError):
    """The server stopped, restarted or the network failed during a unit of work."""


class PermissionRefused(DatabaseError):
    """The server login lacks the rights for this read or write (its role)."""


class DatabaseConflict(DatabaseError):
    """The database's own rules refused a write (a unique key another writer took first);
    ``constraint`` names the constraint or index when the database said which."""

    def __init__(self, message: str, constraint: str = "") -> None:
        super().__init__(message)
        self.constraint = constraint
