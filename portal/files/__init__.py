"""Where uploaded files live, behind one small interface: ``put``, ``open``, ``delete``.

``FILE_STORAGE`` chooses the backend:

- ``local`` (default): files under ``UPLOAD_FOLDER`` on this machine (one app server, or a shared mount);
- ``database``: the table ``stored_file`` (bytea on PostgreSQL), which every app server sees.

Files follow the transaction of the action that writes or deletes them, on both backends: a file put by an
action that is rolled back is gone again, and a deleted file disappears only when the deletion commits. In the
database that is the transaction itself; on disk the session's commit and rollback hooks below do it.
Keys are relative paths such as ``label/17/<uuid>``; a key that leaves the folder is refused.
"""
import io
import os

from flask import current_app
from sqlalchemy import delete as sql_delete
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.extensions import db

BACKENDS = ("local", "database")
_WRITTEN = "files_written"
_DOOMED = "files_doomed"


class FileMissing(LookupError):
    """No file under this key (or a key that points outside the storage)."""


def backend() -> str:
    name = current_app.config.get("FILE_STORAGE", "local")
    if name not in BACKENDS:
        raise RuntimeError(f"FILE_STORAGE={name!r}: use one of {', '.join(BACKENDS)}")
    return name


def _path(key: str) -> str:
    root = os.path.realpath(current_app.config["UPLOAD_FOLDER"])
    path = os.path.realpath(os.path.join(root, key))
    if not path.startswith(root + os.sep):
        raise FileMissing(key)
    return path


def put(key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` as part of the current transaction."""
    if backend() == "database":
        from portal.files.models import StoredFile

        db.session.add(StoredFile(key=key, data=data, size=len(data)))
        db.session.flush()
        return
    path = _path(key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    db.session.info.setdefault(_WRITTEN, []).append(path)


def open_file(key: str):
    """A binary file object with the contents; FileMissing when there is none."""
    if backend() == "database":
        from portal.files.models import StoredFile

        data = db.session.scalar(select(StoredFile.data).where(StoredFile.key == key))
        if data is None:
            raise FileMissing(key)
        return io.BytesIO(data)
    try:
        return open(_path(key), "rb")  # noqa: SIM115 - the caller (send_file) closes it
    except (FileNotFoundError, IsADirectoryError):
        raise FileMissing(key) from None


def delete(key: str) -> None:
    """Remove the file when the current transaction commits."""
    if backend() == "database":
        from portal.files.models import StoredFile

        db.session.execute(sql_delete(StoredFile).where(StoredFile.key == key))
        return
    try:
        db.session.info.setdefault(_DOOMED, []).append(_path(key))
    except FileMissing:
        pass


def _unlink(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@event.listens_for(Session, "after_commit")
def _files_after_commit(session):
    for path in session.info.pop(_DOOMED, []):
        _unlink(path)
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _files_after_rollback(session):
    for path in session.info.pop(_WRITTEN, []):
        _unlink(path)
    session.info.pop(_DOOMED, None)
