"""What every command's request body shares: the business date, the refusal of NUL characters,
the mapping onto its command, and the examples the OpenAPI document shows."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workflow import commands as c

UNIT_EXAMPLE: dict[str, Any] = {
    "unit_name": "江岸某科技有限公司",
    "unit_type": "enterprise",
    "employees": 120,
    "members": 0,
    "female_members": 0,
    "has_party_org": True,
}
VOTE_EXAMPLE: dict[str, Any] = {
    "seats": 3,
    "ballots_issued": 54,
    "ballots_returned": 54,
    "invalid_ballots": 0,
    "tallies": {"冯": 54, "陈": 53, "褚": 52},
}


def _nul_at(value: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(k, str) and "\x00" in k:
                return (*path, k.replace("\x00", "?"))
            found = _nul_at(v, (*path, k))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _nul_at(v, (*path, i))
            if found is not None:
                return found
    return None


def examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


class CommandRequest(BaseModel):
    """Every command body gives the business date of the fact (the congress date, the reply's date...)."""

    model_config = ConfigDict(extra="forbid")
    command: ClassVar[type[c.Command]]

    occurred_on: dt.date = Field(description="Business date of the fact (not the recording time)")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # The event store's databases cannot keep U+0000 in text (PostgreSQL refuses it): say which
        # field carries one instead of failing on write.
        where = _nul_at(data, ())
        if where is not None:
            raise ValueError(f"{'.'.join(map(str, where)) or 'body'} contains a NUL character (U+0000)")
        return data

    def to_command(self, **ids: str) -> c.Command:
        return self.command.model_validate(self.model_dump() | ids)
