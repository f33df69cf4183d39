"""What every command's request body shares: the business date, the refusal of NUL characters and
the mapping onto its command; and how a body is derived from its command (`body_of`)."""

from __future__ import annotations

from copy import copy
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from workflow import commands as c
from workflow.bounds import Date


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


class CommandRequest(BaseModel):
    """Every command body gives the business date of the fact (the congress date, the reply's date...)."""

    model_config = ConfigDict(extra="forbid")
    command: ClassVar[type[c.Command]]

    occurred_on: Date = Field(description="Business date of the fact (not the recording time)")

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
        # The body's values as they are (its nested values are of the command's own types, already
        # validated with the body), so that only the command's own checks run again: its bounds
        # on every field (`workflow.command.Command`) and its validators.
        return self.command.model_validate({**self.__dict__, **ids})


# What the URL and the bearer token give, never the body.
FROM_THE_URL = frozenset({"union_id", "procedure_id"})


def body_of(command: type[c.Command], name: str) -> type[CommandRequest]:
    """The request body of `command`: its fields but those the URL gives, validated as the command
    validates them, with the command's own examples for the OpenAPI document."""
    fields: dict[str, Any] = {
        key: (info.annotation, copy(info))
        for key, info in command.model_fields.items()
        if key not in FROM_THE_URL and key not in CommandRequest.model_fields
    }
    body = create_model(
        name,
        __base__=CommandRequest,
        __module__=__name__,
        __doc__=command.__doc__,
        __cls_kwargs__={"json_schema_extra": {"examples": command.examples}},
        **fields,
    )
    body.command = command
    return body
