"""Indexing progress in the chat (issue 13 item 5): passages done out of the total and the
time left, for the first start's corpus index and for uploads."""

from __future__ import annotations

import threading
import time

from assistant.chat.progress import IndexProgress, duration_text, progress_text
from assistant.chat.runtime import ChatRuntime
from assistant.chat.storage import LocalStorageClient

from .conftest import make_settings


def test_durations_read_naturally():
    assert duration_text(0.4) == "0 s"
    assert duration_text(45) == "45 s"
    assert duration_text(185) == "3 min 05 s"
    assert duration_text(3720) == "1 h 02 min"


def test_progress_lines():
    assert progress_text(0, 133, None) == "0/133 passages, estimation du temps restant…"
    assert progress_text(40, 133, 35.2) == "40/133 passages, environ 35 s restantes"
    assert progress_text(133, 133, 0.0) == "133/133 passages, enregistrement de l'index"


def test_time_left_is_the_pace_so_far_times_what_remains():
    progress = IndexProgress()
    assert progress.text() is None and progress.seconds_left() is None
    progress.update(0, 100)
    assert progress.started is not None
    assert progress.seconds_left() is None  # no pace before the first batch
    progress.update(25, 100)
    assert progress.seconds_left(now=progress.started + 10) == 30.0
    assert progress.text().startswith("25/100 passages, environ ")


def test_the_first_start_reports_its_progress(tmp_path):
    """A real first start on a corpus the seed does not know: while the runtime builds the
    index, its status and progress line count the passages up to the total."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sections = [
        f"# Partie {n}\n\nLa structure numéro {n} mobilise {n * 7} bénévoles pour l'action {n}.\n"
        for n in range(40)
    ]
    (corpus / "note.md").write_text("\n".join(sections), encoding="utf-8")
    settings = make_settings(tmp_path / "data", corpus)
    runtime = ChatRuntime(settings, LocalStorageClient(tmp_path / "files", "k" * 48))
    seen: list[tuple[int, int, str]] = []
    builder = threading.Thread(target=runtime.assistant)
    builder.start()
    while builder.is_alive():
        status, progress = runtime.status(), runtime.index_progress
        if "indexed" in status and progress is not None:
            seen.append((status["indexed"], status["passages"], progress.text() or ""))
        time.sleep(0.02)
    builder.join()
    runtime.close()
    assert runtime.ready and runtime.index_progress is None
    assert seen, "no progress seen while the index was built"
    totals = {total for _, total, _ in seen}
    assert totals == {40}
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and done[0] < 40
    assert any("/40 passages" in text for _, _, text in seen)
    assert any("restantes" in text for d, _, text in seen if 0 < d < 40)
