"""The root of every error meant for the user's eyes (kept import-free for a fast start)."""


class UserFacingError(Exception):
    """A problem the user can act on; its message is written for them, never a traceback."""
