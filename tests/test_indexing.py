"""Incremental ingest against a real embedded Chroma store."""

from assistant.backends.store import open_store
from assistant.ingest.indexing import ingest

from .conftest import make_settings


def _records(settings):
    store = open_store(settings)
    return {r["id"]: r for r in store.iter_records()}


def test_incremental_ingest_adds_skips_updates_and_removes(tmp_path, small_corpus):
    settings = make_settings(tmp_path / "data", small_corpus)
    first = ingest(settings)
    assert sorted(first.added) == ["budget.md", "gouvernance.txt"]
    records = _records(settings)
    assert first.chunks_total == len(records) > 0
    sections = {r["metadata"]["section"] for r in records.values()}
    assert {"Budget de l'association", "Bénévolat"} <= sections

    second = ingest(settings)
    assert sorted(second.unchanged) == ["budget.md", "gouvernance.txt"]
    assert second.chunks_written == 0 and not second.changed

    (small_corpus / "gouvernance.txt").write_text(
        "Le conseil d'administration se réunit six fois par an.\n", encoding="utf-8"
    )
    third = ingest(settings)
    assert third.updated == ["gouvernance.txt"]
    texts = " ".join(r["text"] for r in _records(settings).values())
    assert "six fois" in texts and "quatre fois" not in texts  # no stale chunk

    (small_corpus / "budget.md").unlink()
    fourth = ingest(settings)
    assert fourth.removed == ["budget.md"]
    assert {r["metadata"]["source"] for r in _records(settings).values()} == {"gouvernance.txt"}


def test_duplicates_and_bad_files_are_skipped_with_a_reason(tmp_path, small_corpus):
    (small_corpus / "copie.md").write_bytes((small_corpus / "budget.md").read_bytes())
    (small_corpus / "vide.txt").write_text("", encoding="utf-8")
    (small_corpus / "casse.pdf").write_bytes(b"%PDF-1.7 broken")
    settings = make_settings(tmp_path / "data", small_corpus)
    summary = ingest(settings)
    reasons = {s.source: s.reason for s in summary.skipped}
    assert "doublon" in reasons["copie.md"] or "doublon" in reasons.get("budget.md", "")
    assert "vide" in reasons["vide.txt"]
    assert "PDF" in reasons["casse.pdf"]
    assert "ignoré : casse.pdf" in summary.render()


def test_interrupted_ingest_is_completed_by_the_next_run(tmp_path, small_corpus):
    settings = make_settings(tmp_path / "data", small_corpus)
    ingest(settings)
    store = open_store(settings)
    # Simulate a run killed after writing part of a file: drop one chunk of budget.md.
    victim = next(r["id"] for r in store.iter_records() if r["metadata"]["source"] == "budget.md")
    # Readers work on a private copy (issue 21): the damage is done to the generation itself.
    from assistant.backends.store import collection_name, generation_path
    from assistant.backends.store.client import close, persistent_client

    client = persistent_client(generation_path(settings.chroma_dir, store.generation))
    client.get_collection(collection_name(settings)).delete(ids=[victim])
    close(client)
    store.close()
    summary = ingest(settings)
    assert summary.updated == ["budget.md"]
    assert summary.chunks_written == 1
    assert victim in _records(settings)


def test_missing_path_is_a_clear_error(tmp_path):
    import pytest

    from assistant.ingest.indexing import IngestError

    settings = make_settings(tmp_path / "data")
    with pytest.raises(IngestError, match="introuvable"):
        ingest(settings, [tmp_path / "nope"])


def test_a_second_ingest_on_the_same_data_folder_is_refused(tmp_path, small_corpus):
    import pytest

    from assistant.ingest.indexing import IngestError, writer_lock

    settings = make_settings(tmp_path / "data", small_corpus)
    with writer_lock(settings), pytest.raises(IngestError, match="déjà en cours"):
        ingest(settings)
    assert ingest(settings).added  # the lock is released afterwards


def test_pdf_parser_runs_in_a_bounded_child_process(tmp_path, monkeypatch):
    import pytest

    from assistant.ingest import pdfworker
    from assistant.ingest.loading import LoadError

    from .pdfs import make_pdf

    pdf = make_pdf(tmp_path / "ok.pdf", [["Page une."], ["Page deux."]])
    assert [p.strip() for p in pdfworker.parse_in_child(pdf)] == ["Page une.", "Page deux."]
    with pytest.raises(LoadError, match="interrompue"):
        pdfworker.parse_in_child(pdf, timeout=0.001)
    monkeypatch.setattr(pdfworker, "MEMORY_LIMIT_MB", 20)  # far too little for pypdf
    with pytest.raises(LoadError, match="mémoire"):
        pdfworker.parse_in_child(pdf)


def test_a_change_of_text_processing_re_reads_unchanged_files(tmp_path, small_corpus, monkeypatch):
    """An index built by an older cleaning/chunking must not keep serving its passages."""
    from assistant.ingest import changes

    settings = make_settings(tmp_path / "data", small_corpus)
    ingest(settings)
    assert ingest(settings).chunks_written == 0
    monkeypatch.setattr(changes, "PROCESSING_VERSION", changes.PROCESSING_VERSION + 1)
    again = ingest(settings)
    assert sorted(again.updated) == ["budget.md", "gouvernance.txt"]
    bigger = make_settings(tmp_path / "data", small_corpus, chunk_size=1200)
    assert sorted(ingest(bigger).updated) == ["budget.md", "gouvernance.txt"]
