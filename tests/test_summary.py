"""A section's key points (assistant/answer/summary.py): informative units, in reading order,
within the answer's length."""

from __future__ import annotations

import numpy as np

from assistant.answer.summary import (
    POINT_CHARS,
    TOTAL_POINT_CHARS,
    head_of_list,
    information,
    summarise,
)
from assistant.models import RetrievedChunk
from assistant.textunits import Unit, split_units

GENERIC = "Zoom sur cette diversité des formes de l’engagement, qu’il convient d’articuler."
INFORMATIVE = (
    "Depuis 2010, le bénévolat associatif affiche une croissance de 16,8% avec 13,2 millions "
    "de bénévoles, selon France Bénévolat et Recherches & Solidarités."
)
OTHER = "Il reste à bien articuler entre elles les formes de l’engagement des bénévoles."


def _passage(n: int, text: str) -> RetrievedChunk:
    return RetrievedChunk(
        id=f"c{n}", text=text, source="note.txt", section="12e jour", score=0.0, rank=0
    )


def _section(texts: list[str], vectors: list[list[list[float]]] | None = None):
    """Chunks of one section, each with its packed-vector rows (title row, then sentences)."""
    chunks = []
    for n, text in enumerate(texts):
        rows = None
        if vectors is not None:
            rows = np.array([[1.0, 0.0, 0.0], *vectors[n]], dtype=np.float32)
            rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        chunks.append((_passage(n, text), rows))
    return chunks


def _units_of(passage: RetrievedChunk) -> list[Unit]:
    return split_units(passage.text)


def test_information_reads_figures_names_and_titles_not_sentence_openings():
    found = information(
        "Le Groupe La Poste a lancé en 2014 l’Alliance dynamique : 82% des réseaux. "
        "Depuis, la plateforme « Trajectoire socio-économique » aide les CPIE."
    )
    assert {"#2014", "#82%", "groupe la poste", "alliance", "cpie"} <= found
    assert "«trajectoire socio-economique" in found
    assert "le" not in found and "depuis" not in found  # capitals opening a sentence
    assert information(GENERIC) == frozenset()


def test_a_summary_point_holds_the_section_s_figures_and_names_before_its_generic_lines():
    # The generic line is the closest to the section's centre of meaning; the informative
    # one, a little further, gives the figures and names a reader should keep.
    chunks = _section(
        [f"{GENERIC} {OTHER}", INFORMATIVE],
        vectors=[[[1.0, 1.0, 0.0], [1.0, 0.9, 0.1]], [[1.0, 0.6, 0.6]]],
    )
    (point,) = summarise(chunks, _units_of, limit=1)
    assert point.unit.text == INFORMATIVE


def test_summary_points_come_in_reading_order_without_repeats():
    repeat = GENERIC.replace("Zoom sur", "Retour sur")
    chunks = _section([INFORMATIVE, f"{GENERIC} {OTHER}", repeat])
    points = summarise(chunks, _units_of, limit=4)
    texts = [p.unit.text for p in points]
    assert texts[0] == INFORMATIVE
    assert [p.passage.id for p in points] == sorted(p.passage.id for p in points)
    assert not (GENERIC in texts and repeat in texts)


def test_a_summary_stays_within_the_length_of_its_points():
    long_sentence = "En 2019, " + ", ".join(f"l’Association {i} agit" for i in range(40)) + "."
    assert len(long_sentence) > POINT_CHARS
    # Distinct sentences of ~400 characters, each naming its own figure and body.
    sentences = [
        f"En {2000 + i}, la Fondation F{i} " + " ".join(f"mot{i}x{j}" for j in range(45)) + "."
        for i in range(6)
    ]
    points = summarise(_section([long_sentence, " ".join(sentences)]), _units_of, limit=3)
    assert len(points) == 3
    assert all(len(p.unit.text) <= POINT_CHARS for p in points)
    assert sum(len(p.unit.text) for p in points) <= 3 * TOTAL_POINT_CHARS


def test_a_long_list_is_quoted_from_its_lead_in_down_to_the_items_that_fit():
    lines = ["Ces travaux ont donné lieu à :"] + [
        f"• {n} rapports de recherche-action avec le laboratoire {n} sur les territoires,"
        for n in range(12)
    ]
    (unit,) = split_units("\n".join(lines))
    cut = head_of_list(unit, 300)
    assert cut is not None and cut.incomplete
    assert cut.text.startswith(lines[0]) and lines[1] in cut.text
    assert len(cut.text) <= 300 and unit.text.startswith(cut.text)
    assert head_of_list(Unit("Une phrase.", "sentence", 0), 5) is None


def test_what_ingest_read_a_sentence_to_name_decides_over_capitalised_words():
    # Neither sentence has a capital or a digit past its opening; the reading made at ingest
    # (spaCy's entities and numbers) says the second names three bodies.
    plain = "Les acteurs de terrain se mobilisent pour la transition des territoires ruraux."
    named = "les réseaux associatifs ont rejoint la démarche aux côtés des collectivités."
    chunks = _section([f"{plain} {named.capitalize()}"])
    read = {"c0": [frozenset(), frozenset({"ademe", "cget", "france active"})]}
    (point,) = summarise(chunks, _units_of, limit=1, read=read)
    assert point.unit.text == named.capitalize()
    (point,) = summarise(chunks, _units_of, limit=1)  # no reading: the first (equal) wins
    assert point.unit.text == plain


def test_sentence_readings_travel_packed_and_come_from_the_seed(tmp_path, monkeypatch):
    from assistant.ingest import information
    from assistant.models import Chunk

    rows = [["#82", "caisse des depots"], []]
    assert information.unpack(information.pack(rows)) == [
        frozenset({"#82", "caisse des depots"}),
        frozenset(),
    ]
    assert information.unpack("i8v1:1:2:AAA") is None and information.unpack(None) is None

    text = "La Caisse des Dépôts soutient 82 projets. Ils sont suivis."
    chunk = Chunk(id="x", text=text, source="n.txt", section="S")
    seed = tmp_path / "seed.json.gz"
    sentences = {"La Caisse des Dépôts soutient 82 projets.": rows[0], "Ils sont suivis.": []}
    information.write_shipped(sentences, "m", seed)

    def no_spacy(*_args):
        raise AssertionError("the seed holds every sentence: no pipeline")

    monkeypatch.setattr(information, "read_sentences", no_spacy)
    packed = information.information_of([chunk], "m", seed)
    assert information.unpack(packed["x"]) == [frozenset(rows[0]), frozenset()]

    def unavailable(*_args):
        raise ImportError("spacy")

    monkeypatch.setattr(information, "read_sentences", unavailable)
    assert information.information_of([chunk], "other-model", seed) == {}  # read later


def test_the_shipped_sentence_readings_cover_every_sentence_of_the_note():
    """Fails after a change of cleaning, structure or chunking that changes the note's
    sentences: run scripts/seed_information.py."""
    from assistant import resources
    from assistant.ingest.changes import chunk_document
    from assistant.ingest.information import shipped
    from assistant.ingest.loading import discover, load
    from assistant.ingest.sentvectors import sentences_of
    from assistant.settings import Settings

    settings = Settings(corpus_dir=resources.shipped_corpus(), _env_file=None)
    seed = shipped(resources.shipped_information(settings.nlp_model), settings.nlp_model)
    assert seed, "scripts/seed_information.py"
    for file in discover([settings.corpus_dir], settings.corpus_dir):
        for chunk in chunk_document(load(file), settings):
            assert all(s in seed for s in sentences_of(chunk.text)), chunk.id


def test_the_indexed_note_carries_its_sentence_readings(reference_assistant):
    from assistant.ingest.information import unpack
    from assistant.ingest.sentvectors import sentences_of

    chunks = reference_assistant.retriever.chunks
    assert chunks
    for chunk in chunks:
        read = unpack(chunk.information)
        assert read is not None and len(read) == len(sentences_of(chunk.text))
