"""A conversation exported as Markdown with its references; rebuilt from a stored thread."""

from __future__ import annotations

from datetime import datetime

from assistant.chat.conversation import Conversation, Exchange, answer_metadata
from assistant.chat.export import ATTRIBUTION, conversation_markdown, export_filename
from assistant.models import Answer, Citation, Turn

MOMENT = datetime(2026, 3, 14, 9, 30)


def sample() -> Conversation:
    conversation = Conversation()
    conversation.add(
        Exchange(
            question="Quels sont les trois leviers ?",
            answer="D'après le corpus : richesses humaines, ressources financières et "
            "alliances stratégiques. [1]",
            citations=[
                {
                    "marker": 1,
                    "source": "rameau-2019.txt",
                    "section": "3e jour – Les 3 leviers",
                    "page": 12,
                    "quotes": ["Les modèles socio-économiques sont composés de 3 leviers."],
                    "chunk_id": "c1",
                }
            ],
            profile="Formateur·rice",
        )
    )
    conversation.add(
        Exchange(
            question="Et la recette des crêpes ?",
            answer="Je ne trouve pas cette information dans le corpus.",
            abstained=True,
        )
    )
    return conversation


def test_markdown_has_questions_answers_and_references():
    markdown = conversation_markdown(sample(), exported_at=MOMENT)
    assert markdown.startswith("# Conversation avec l’assistant RAMEAU\n")
    assert "_Exportée le 14/03/2026 à 09:30._" in markdown
    assert "## Question 1 — profil Formateur·rice" in markdown
    assert "> Quels sont les trois leviers ?" in markdown
    assert "alliances stratégiques. [1]" in markdown
    assert "- **[1]** rameau-2019.txt, p. 12 — *3e jour – Les 3 leviers*" in markdown
    assert "  > « Les modèles socio-économiques sont composés de 3 leviers. »" in markdown
    assert "## Question 2\n" in markdown
    assert markdown.count("### Références") == 1
    assert markdown.rstrip().endswith(f"_{ATTRIBUTION}_")


def test_export_is_sanitised():
    conversation = Conversation()
    conversation.add(
        Exchange(
            question="<script>alert(1)</script>",
            answer="Voir ![x](https://evil.example/p.png) et [clic](javascript:alert(1)) [1]",
            citations=[
                {
                    "marker": 1,
                    "source": "a<b>.md",
                    "section": "![s](https://e.example/s.png)",
                    "page": None,
                    "quotes": ["<img src=x>"],
                    "chunk_id": "c",
                }
            ],
        )
    )
    markdown = conversation_markdown(conversation, exported_at=MOMENT)
    assert "![" not in markdown and "<script" not in markdown and "<img" not in markdown
    assert "javascript:" not in markdown and "<b>" not in markdown


def test_empty_conversation_and_file_name():
    assert "Aucune question" in conversation_markdown(Conversation(), exported_at=MOMENT)
    assert export_filename(MOMENT) == "conversation-rameau-2026-03-14-0930.md"


def test_conversation_gives_history_and_is_rebuilt_from_steps():
    answer = Answer(
        question="Quels sont les trois leviers ?",
        answer="Trois leviers. [1]",
        citations=[
            Citation(marker=1, source="a.txt", section="S", page=None, quote="q1", chunk_id="c"),
            Citation(marker=1, source="a.txt", section="S", page=None, quote="q2", chunk_id="c"),
        ],
    )
    meta = answer_metadata(answer, "Dirigeant·e associatif·ve", "Trois leviers. [1]")
    assert meta["citations"][0]["quotes"] == ["q1", "q2"]
    steps = [
        {
            "id": "3",
            "type": "assistant_message",
            "createdAt": "2026-01-01T10:00:02Z",
            "output": "Trois leviers. [1]\n\n**Sources**…",
            "metadata": meta,
        },
        {
            "id": "1",
            "type": "user_message",
            "createdAt": "2026-01-01T10:00:00Z",
            "output": "Quels sont les trois leviers ?",
            "metadata": {},
        },
        {"id": "2", "type": "retrieval", "createdAt": "2026-01-01T10:00:01Z", "output": "…"},
        {
            "id": "4",
            "type": "assistant_message",
            "createdAt": "2026-01-01T10:00:03Z",
            "output": "Voici la conversation exportée",
            "metadata": {"kind": "export"},
        },
    ]
    conversation = Conversation.from_steps(steps)
    assert len(conversation.exchanges) == 1
    assert conversation.history() == [
        Turn(role="user", content="Quels sont les trois leviers ?"),
        Turn(role="assistant", content="Trois leviers. [1]"),
    ]
    assert conversation.history(limit=1) == [Turn(role="assistant", content="Trois leviers. [1]")]
    assert "Quels sont les trois leviers ?" in conversation_markdown(conversation)
