"""One shape for a user action: call the rule, and on a refusal roll back and show why; otherwise commit.

A rule refuses by raising ``Refusal`` (or a package's subclass) with a Dutch message fit for the page and,
optionally, the form field it belongs to. A view wraps the one rule call in ``attempt``::

    with attempt(form) as done:
        services.approve_partnership(org, by=me)
    if done:
        flash(_("Goedgekeurd."), "success")
        return redirect(...)

On a refusal the transaction is rolled back and the message lands at ``form.<field>``, on top of the form,
or (without a form) as an error flash; ``done.refusal`` holds the exception for views that answer 409 or
render something else. Without a refusal the transaction is committed once.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from portal.extensions import db


class Refusal(ValueError):
    """A rule said no: ``str(exc)`` is the Dutch message, ``field`` the form field it belongs to (or None)."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field


class Outcome:
    """What ``attempt`` found: truthy when the action was committed."""

    def __init__(self) -> None:
        self.refusal: Refusal | None = None
        self.committed = False

    def __bool__(self) -> bool:
        return self.committed


def show_refusal(exc: Refusal, form=None) -> None:
    """Put a refusal's message at its field, on top of the form, or in an error flash."""
    message = str(exc)
    if form is None:
        flash(message, "error")
        return
    field = getattr(exc, "field", None)
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        if not isinstance(target.errors, list):  # a field that was never validated holds a tuple or dict
            target.errors = list(target.errors) if isinstance(target.errors, tuple) else []
        target.errors.append(message)
    else:
        form.form_errors.append(message)


@contextmanager
def attempt(form=None, *, commit: bool = True) -> Iterator[Outcome]:
    """Run one user action: commit it, or roll back and show the refusal (see the module text)."""
    outcome = Outcome()
    try:
        yield outcome
    except Refusal as exc:
        db.session.rollback()
        outcome.refusal = exc
        show_refusal(exc, form)
        return
    if commit:
        db.session.commit()
    outcome.committed = True
