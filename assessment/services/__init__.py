"""Use cases: documented functions that change the database and flush; the request (or CLI command) commits.

They raise ``ServiceError`` subclasses for what the user can fix; views map these back onto their forms.
"""


class ServiceError(Exception):
    """A problem the user can fix; ``field`` names the form field it belongs to, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ServiceError):
    """Someone else saved the same thing since this user loaded it."""


class NotAllowed(ServiceError):
    """The action is not possible in the object's current state (a locked sheet, a closed cycle, ...)."""
