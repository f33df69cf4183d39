"""What a command wrote: the events, the union's new version (also the ETag) and links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import example


class RecordedEventOut(BaseModel):
    type: str = Field(description="The event's stored type name (past tense)")
    version: int = Field(description="Its version in the union's stream")
    position: int = Field(description="Its position in the whole log")
    occurred_on: dt.date = Field(description="Business date")
    recorded_at: dt.datetime = Field(description="When the store recorded it")
    data: dict[str, Any] = Field(description="The event's content, with the rule evidence that allowed it")


class CommandAccepted(BaseModel):
    """What a command wrote. The union's new version is also the response's ETag."""

    model_config = example(
        {
            "union_id": "U1",
            "procedure_id": "U1:founding-1",
            "version": 9,
            "events": [
                {
                    "type": "CongressHeld",
                    "version": 9,
                    "position": 1234,
                    "occurred_on": "2019-03-01",
                    "recorded_at": "2019-03-02T09:15:00Z",
                    "data": {
                        "procedure_id": "U1:founding-1",
                        "due": 80,
                        "present": 54,
                        "evidence": [{"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54}],
                    },
                }
            ],
            "links": {"union": "/unions/U1", "procedure": "/procedures/U1:founding-1"},
        }
    )

    union_id: str
    procedure_id: str | None = Field(description="The procedure the command opened or moved, if any")
    version: int
    events: list[RecordedEventOut]
    links: dict[str, str]
