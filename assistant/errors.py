"""The one base class of the project's own errors.

Every error the assistant raises on purpose derives from :class:`AssistantError`, and its
message says what happened and what to do. So the CLI turns any of them into one line and
exit code 1, and the chat shows the message when it is meant for the person asking
(``public``) or a generic notice otherwise (paths and server names stay in the log).
Each subclass also keeps the built-in base it had (``ValueError``, ``RuntimeError``), so
code that caught those still does.
"""

from __future__ import annotations


class AssistantError(Exception):
    """An expected failure with a message written for a person."""

    #: Whether ``str(exc)`` may be shown to a chat user (it holds no path or host name).
    public: bool = False


class LoadError(AssistantError):
    """A file that cannot be ingested, with a reason a person can act on."""


class IngestError(AssistantError, RuntimeError):
    """Nothing could be ingested (bad path…); the message says why."""
