"""One writer per data folder: the ingest lock shared by the ingest and the index commands."""

from __future__ import annotations

from contextlib import contextmanager

from ..errors import IngestError
from ..settings import Settings


@contextmanager
def writer_lock(settings: Settings):
    """One ingest at a time per data folder: Chroma's embedded store has a single writer.

    An advisory ``flock``: released by the kernel when the process dies, even by SIGKILL."""
    import fcntl

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "ingest.lock"
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestError(
                "Une indexation est déjà en cours sur ce dossier de données ; réessayez "
                "quand elle sera finie. / An ingest is already running."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
