"""The label package's refusal: a Dutch message fit for the page, optionally a list of what is missing."""
from portal.actions import Refusal


class LabelError(Refusal):
    def __init__(self, message: str, *, field: str | None = None, missing: list[str] | None = None,
                 conflict: bool = False):
        super().__init__(message, field)
        self.missing = missing or []
        # True when someone else changed the object first (the page answers 409 and shows the new state).
        self.conflict = conflict
