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

    @classmethod
    def new(cls, questions_per_minute: int, conversation: Conversation | None = None):
        return cls(
            rate=RateLimiter(questions_per_minute), conversation=conversation or Conversation()
        )
