"""The label package's refusal: a Dutch message fit for the page, optionally a list of what is missing."""


class LabelError(ValueError):
    def __init__(self, message: str, *, field: str | None = None, missing: list[str] | None = None):
        super().__init__(message)
        self.field = field
        self.missing = missing or []
