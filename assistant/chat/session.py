"""What one chat session keeps: its conversation, its rate limit, its upload count.

Stored in the Chainlit user session as a plain object (not JSON), so Chainlit does not
copy it into the thread's metadata; a resumed thread rebuilds it from its messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .conversation import Conversation
from .runtime import RateLimiter


@dataclass
class SessionState:
    rate: RateLimiter
    conversation: Conversation = field(default_factory=Conversation)
    uploads: int = 0
    # The chat asked for a sheet's topic: the next message is that topic. Kept here, not in
    # the page (Chainlit's AskUserMessage), because a reconnection clears the page's pending
    # question and the reply would then be answered as an ordinary question.
    awaiting_sheet_topic: bool = False

    @classmethod
    def new(cls, questions_per_minute: int, conversation: Conversation | None = None):
        return cls(
            rate=RateLimiter(questions_per_minute), conversation=conversation or Conversation()
        )


def kind_of(step: dict) -> str:
    """What one of our persisted messages is (« answer », « sheet »…), from its metadata."""
    return (step.get("metadata") or {}).get("kind") or ""


def left_on(steps: list[dict]) -> str:
    """The kind of a thread's last assistant message: a thread left on « Sur quel thème… ? »
    takes its topic from the next message when the trainer comes back to it."""
    said = [s for s in steps if s.get("type") == "assistant_message"]
    if not said:
        return ""
    return kind_of(max(said, key=lambda s: s.get("createdAt") or ""))
