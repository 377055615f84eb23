"""A passage cut by the chunk boundary: the sentence that gives the figure asked opens the
next chunk (« … le Fonds a lancé, dès 2017, des travaux d'envergure. » | « Après une étude …
de plus de 2 000 associations … »), which shares too few words with the question to be
ranked. Retrieval reads the next chunk of the best passages' section after the ranked ones,
and a figure question is answered from it."""

from assistant.answer.answering import Assistant
from assistant.search.query import understand

from .conftest import corpus_of

FILLER = (
    "Les réseaux associatifs partagent leurs pratiques lors de rencontres régionales, où les "
    "responsables comparent leurs démarches et leurs outils de pilotage au fil des années. "
)

NOTE = (
    "# Les études du Fonds de coopération\n\n"
    + FILLER * 3
    + "\n\nPour se doter d'une vision systémique de la question, le Fonds de coopération de "
    "la jeunesse a lancé, dès 2017, des travaux d'envergure sur les modèles socio-économiques. "
    "Ces travaux ont été suivis de près par les têtes de réseau et les pouvoirs publics.\n\n"
    "Après une étude réalisée sur les pratiques de plus de 2 000 adhérents agréés par le "
    "Fonds, il a mené "
    "quatre recherches-actions pilotées par des laboratoires complémentaires.\n\n"
    "En juin 2019, les équipes de recherche sont venues rendre compte des résultats lors de "
    "l'assemblée générale.\n\n"
    "# Le MOOC\n\n"
    "Le MOOC sur les modèles socio-économiques donne la parole à plus de 20 dirigeants de "
    "structures associatives, avec l'apport académique d'une école.\n\n"
    "# Les partenariats\n\n"
    "Une association sur trois développe des partenariats avec des entreprises de son "
    "territoire, le plus souvent à l'initiative des associations elles-mêmes.\n"
)

QUESTION = (
    "Le Fonds de coopération, il s'est appuyé sur combien d'adhérents pour ses travaux sur "
    "les modèles socio-économiques ?"
)


def _settings(tmp_path, **overrides):
    return corpus_of(tmp_path, {"etudes.md": NOTE}, chunk_size=300, chunk_overlap=0, **overrides)


def test_the_next_chunk_of_a_best_passage_is_read_after_the_ranked_ones(tmp_path):
    settings = _settings(tmp_path, top_k=2)
    retriever = Assistant(settings).retriever
    retrieval = retriever.search(understand(QUESTION, []))
    ranked = [p for p in retrieval.passages if p.continues is None]
    continued = [p for p in retrieval.passages if p.continues is not None]
    assert len(ranked) == 2
    assert continued, [p.text[:60] for p in retrieval.passages]
    by_id = {p.id: p for p in ranked}
    for passage in continued:
        # After the ranked passages, the next chunk of the passage it continues, in its
        # section, scored as that passage.
        parent = by_id[passage.continues]
        assert passage.rank > max(p.rank for p in ranked)
        assert (passage.source, passage.section) == (parent.source, parent.section)
        assert passage.ordinal == parent.ordinal + 1
        assert passage.score == parent.score
        assert passage.id not in by_id
    # Every ranked passage is read once: no continuation repeats a ranked passage.
    assert len({p.id for p in retrieval.passages}) == len(retrieval.passages)


def test_no_continuation_when_turned_off(tmp_path):
    settings = _settings(tmp_path, top_k=2, continued_passages=0)
    retrieval = Assistant(settings).retriever.search(understand(QUESTION, []))
    assert all(p.continues is None for p in retrieval.passages)
    assert len(retrieval.passages) == 2


def test_a_figure_in_the_next_chunk_answers(tmp_path):
    settings = _settings(tmp_path, top_k=2)
    answer = Assistant(settings).answer(QUESTION)
    assert not answer.abstained, answer.answer
    assert "2 000 adhérents" in answer.citations[0].quote, answer.answer
    # The quoted chunk is among the passages the answer was read from (a valid citation).
    assert any("2 000 adhérents" in p.text for p in answer.retrieved)
