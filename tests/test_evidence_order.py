"""The evidence that the passages answer is read from the scored units as a set (maxima over
them), not from the first one: how selection orders the units does not move the decision
to abstain."""

from assistant.answer.answering import Assistant
from assistant.answer.evidence import judge
from assistant.answer.selection import score_units
from assistant.ingest.indexing import ingest
from assistant.search.query import understand

from .conftest import make_settings

NOTE = (
    "# Ressources des associations\n\n"
    "Les subventions publiques ont représenté 20 % des ressources des associations en 2017, "
    "contre 34 % en 2005.\n\n"
    "Le mécénat des entreprises s'est développé auprès des associations de proximité.\n\n"
    "Les cotisations des adhérents restent une ressource stable pour les petites "
    "associations.\n"
)


def test_the_order_of_the_units_does_not_move_the_confidence(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "ressources.md").write_text(NOTE, encoding="utf-8")
    settings = make_settings(tmp_path / "data", folder)
    ingest(settings)
    assistant = Assistant(settings)
    model = settings.embedding_model
    for question in (
        "Quelle part des ressources des associations viennent des subventions publiques ?",
        "Les cotisations des adhérents sont-elles une ressource stable ?",
    ):
        query = understand(question, [])
        retrieval = assistant.retriever.search(query)
        scored = score_units(query, retrieval)
        assert len(scored) >= 3
        # The best-scored unit last, the worst first.
        reordered = list(reversed(scored))
        as_ranked = judge(query, retrieval, scored, model)
        other_order = judge(query, retrieval, reordered, model)
        assert other_order.confidence == as_ranked.confidence
        assert other_order.coverage == as_ranked.coverage
