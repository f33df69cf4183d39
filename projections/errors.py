"""What goes wrong on the read side. Each error says what stopped and what to do about it."""

from __future__ import annotations


class ProjectionError(Exception):
    """Base of the projections' errors."""


class UnknownEvent(ProjectionError):
    """A projection met an event type it has no rule for. It stops rather than skip the event: a
    read model that silently ignored part of the log would be wrong without anyone knowing."""

    def __init__(self, projection: str, event_type: str, position: int, stream_id: str) -> None:
        self.projection = projection
        self.event_type = event_type
        self.position = position
        self.stream_id = stream_id
        super().__init__(
            f"projection {projection!r} does not know event type {event_type!r} "
            f"(position {position}, stream {stream_id!r}); it stopped at the event before. Teach the "
            "projection this event type (handle or ignore it explicitly), then run catch-up"
        )


class CorruptHistory(ProjectionError):
    """An event that does not fit what the projection knows of its stream (a step for a procedure
    never opened, a step its kind does not have). Never skipped."""


class ProjectionOutdated(ProjectionError):
    """The stored read model was built by other projection logic than this code's: rebuild it."""
