"""Chat profiles and starters: two audiences, questions the corpus really answers."""

from __future__ import annotations

import pytest

from assistant.chat.profiles import LEADER, PROFILES, TRAINER, chainlit_profiles, get_profile
from assistant.resources import chat_assets

ICONS = chat_assets() / "public" / "icons"
STARTERS = [(p.name, p.detail, s) for p in PROFILES for s in p.starters if s.kind == "question"]


def test_two_profiles_short_and_full():
    assert [p.name for p in PROFILES] == [LEADER, TRAINER]
    assert get_profile(LEADER).detail == "short"
    assert get_profile(TRAINER).detail == "full"
    assert get_profile(None) is get_profile("inconnu") is get_profile(LEADER)
    assert sum(p.default for p in PROFILES) == 1


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_each_profile_has_a_welcome_and_4_to_6_starters(profile):
    assert profile.description.startswith("### Bienvenue")
    assert 4 <= len(profile.starters) <= 6
    labels = [s.label for s in profile.starters]
    assert len(set(labels)) == len(labels)
    for starter in profile.starters:
        assert (ICONS / starter.icon).is_file()
    assert (ICONS / profile.icon).is_file()


def test_chainlit_profiles_carry_their_starters():
    profiles = chainlit_profiles()
    assert [p.name for p in profiles] == [LEADER, TRAINER]
    leader = profiles[0]
    assert leader.default and leader.icon == "/public/icons/leader.svg"
    assert [s.message for s in leader.starters] == [s.question for s in PROFILES[0].starters]


@pytest.mark.parametrize(
    ("profile", "detail", "starter"), STARTERS, ids=[f"{p}:{s.label}" for p, _, s in STARTERS]
)
def test_starters_are_answered_with_citations(reference_assistant, profile, detail, starter):
    answer = reference_assistant.answer(starter.question, detail=detail)
    assert not answer.abstained, (starter.question, answer.answer)
    assert answer.citations, starter.question
    assert all(c.source.endswith(".txt") for c in answer.citations)


def test_trainer_profile_offers_a_session_sheet():
    from assistant.chat.sheets import sheet_request

    sheets = [s for s in get_profile(TRAINER).starters if s.kind == "sheet"]
    assert len(sheets) == 1 and sheet_request(sheets[0].question) == ""
    assert all(s.kind == "question" for s in get_profile(LEADER).starters)
    assert sheet_request("Prépare-moi une fiche de séance sur le 12e jour") == "le 12e jour"
    assert sheet_request("Quels sont les trois leviers ?") is None


def test_a_thread_left_on_the_topic_question_takes_its_topic_on_resume():
    from assistant.chat.session import left_on
    from assistant.chat.sheets import ASKED_TOPIC

    def step(kind, at, meta_kind=None):
        return {"type": kind, "createdAt": at, "metadata": {"kind": meta_kind} if meta_kind else {}}

    asked = [
        step("assistant_message", "2026-11-30T10:00:02", "answer"),
        step("user_message", "2026-11-30T10:00:03"),
        step("assistant_message", "2026-11-30T10:00:04", ASKED_TOPIC),
    ]
    assert left_on(asked) == ASKED_TOPIC
    # Steps come back in any order; the last one said decides.
    assert left_on(list(reversed(asked))) == ASKED_TOPIC
    assert left_on([*asked, step("assistant_message", "2026-11-30T10:01:00", "sheet")]) == "sheet"
    assert left_on([step("user_message", "2026-11-30T10:00:00")]) == ""
