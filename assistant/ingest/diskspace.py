"""A full disk during an ingest, said as such: the space it needs and the space left."""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import suppress
from pathlib import Path

from ..settings import Settings

_DISK_FULL_TEXT = ("disk is full", "no space left", "disk full", "quota exceeded")


def is_disk_full(exc: BaseException, settings: Settings) -> bool:
    """A write failed for lack of space: ENOSPC/EDQUOT, SQLite's « database or disk is
    full », or Chroma's « Error in compaction » while the data folder is (nearly) full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(current).lower()
        if any(marker in text for marker in _DISK_FULL_TEXT):
            return True
        if "compaction" in text and _free_bytes(settings) < _needed_bytes(settings, None):
            return True
        current = current.__cause__ or current.__context__
    return False


def _free_bytes(settings: Settings) -> int:
    try:
        return shutil.disk_usage(settings.data_dir).free
    except OSError:
        return 0


def _tree_bytes(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with suppress(OSError):
                total += (Path(folder) / name).stat().st_size
    return total


def _needed_bytes(settings: Settings, generation: str | None) -> int:
    """An ingest copies the served generation, then adds to the copy: its size plus a
    fifth and a few megabytes is a floor."""
    from ..backends.store.chroma_internals import store_db
    from ..backends.store.generations import generation_path

    size = 0
    if generation is not None:
        path = generation_path(settings.chroma_dir, generation)
        size = _tree_bytes(path) if generation != "." else store_db(path).stat().st_size
    return int(size * 1.2) + 16 * 1024 * 1024


def disk_full_message(settings: Settings, generation: str | None) -> str:
    mb = 1024 * 1024
    needed, free = _needed_bytes(settings, generation), _free_bytes(settings)
    return (
        f"Disque plein : l'indexation a été annulée, l'index servi n'a pas changé. Il faut "
        f"au moins {needed / mb:.0f} Mo libres dans {settings.data_dir} (copie de l'index "
        f"actuel et nouveaux passages) ; {free / mb:.1f} Mo sont libres. Libérez de la place "
        "puis relancez. / Disk full: ingest cancelled, index unchanged."
    )
