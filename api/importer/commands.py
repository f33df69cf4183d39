"""The commands a row becomes: registering its organisation (`RegisterOrganisation`) and importing
its term (`ImportExistingTerm`), validated as any command is (`workflow.command`, the bounds of
`workflow.bounds` on every field).

A row's fields have already been validated by `ImportRow`, whose types are the commands' own
bounds (`Name`, `Count`, `PositiveCount`, `Date`, the same literals, lists of names bounded by
`ITEMS_MAX`): what the command's validation would check again is implied by the row's, except
what `checked_commands` tests itself (the import's date, a term's length of at least one year,
R-FORM-25's unit for a grassroots union). So a validated row's commands are built without
validating them a second time; anything else goes through the commands' validation, which
reports the problem as it always does. `tests/unit/test_import_commands.py` holds both ways
equal."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from api.importer.rows import UNIT_COLUMNS, ImportRow
from events.catalogue import UnitFacts
from workflow import commands as c
from workflow.bounds import strict_date

# The facts of a row that its term's command carries as they are (all but the ids and the date).
TERM_FACTS = tuple(sorted(set(c.ImportExistingTerm.model_fields) - {"union_id", "occurred_on", "source"}))
_SOURCE = "import"
_FIELDS = c.ImportExistingTerm.model_fields


def term_command(d: ImportRow, on: dt.date) -> c.ImportExistingTerm:
    """The command importing a row's term with everything the registry says of the union."""
    given = {f: v for f in TERM_FACTS if (v := getattr(d, f)) is not None and v != ()}
    return c.ImportExistingTerm(union_id=d.org_id, occurred_on=on, source=_SOURCE, **given)


def register_command(d: ImportRow, on: dt.date) -> c.RegisterOrganisation:
    """The command registering a row's organisation."""
    return c.RegisterOrganisation(
        org_id=d.org_id, name=d.name, level=d.level, parent_id=d.parent_id, unit=d.unit(), occurred_on=on
    )


@lru_cache(maxsize=64)
def _valid_date(on: dt.date) -> bool:
    """`on` is what a command's `occurred_on` takes (`workflow.bounds.Date`), as it is."""
    try:
        return strict_date(on) == on and type(on) is dt.date
    except ValueError:
        return False


M = TypeVar("M", bound=BaseModel)


def _plain(cls: type[BaseModel]) -> bool:
    """The model's fields are set by name alone (no aliases, no extra fields kept, no post-init):
    what `_trusted` builds is then what `model_construct` builds."""
    aliased = any(f.alias is not None or f.validation_alias is not None for f in cls.model_fields.values())
    return not aliased and cls.model_config.get("extra") != "allow" and not cls.__pydantic_post_init__


_MODELS = (c.RegisterOrganisation, c.ImportExistingTerm, UnitFacts)
_LEAN = all(_plain(m) for m in _MODELS)


def _trusted(cls: type[M], values: dict[str, Any], given: set[str]) -> M:
    """`cls.model_construct(**values)` with every field in `values` and `given` the fields set,
    without its per-field work (resolving aliases and defaults) on every call."""
    if not _LEAN:
        return cls.model_construct(given, **values)
    m = cls.__new__(cls)
    object.__setattr__(m, "__dict__", values)
    object.__setattr__(m, "__pydantic_fields_set__", given)
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


# The fields in the models' order (as validation sets them, and as they are serialised).
_UNIT_FIELDS = tuple(UnitFacts.model_fields)
_REGISTER_FIELDS = tuple(c.RegisterOrganisation.model_fields)
assert set(_UNIT_FIELDS) == set(UNIT_COLUMNS)
# The term command's fields in order, each with its default (the lists' factory is `list`).
_TERM_DEFAULTS = tuple((name, f.default_factory is list, f.default) for name, f in _FIELDS.items())


def _unit(d: ImportRow) -> UnitFacts | None:
    """The row's unit: complete, its fields are UnitFacts' own types; otherwise validated."""
    # The unit's columns are UnitFacts' fields, by the same names (taken in the model's order).
    values = {f: getattr(d, f) for f in _UNIT_FIELDS}
    if any(v is None for v in values.values()):
        return d.unit()
    return _trusted(UnitFacts, values, set(_UNIT_FIELDS))


def _checked_term(d: ImportRow, on: dt.date) -> c.ImportExistingTerm:
    # The row's lists of names are tuples, the command's are lists (as its validation makes them).
    given: dict[str, Any] = {
        f: list(v) if type(v) is tuple else v for f in TERM_FACTS if (v := getattr(d, f)) is not None and v != ()
    }
    given.update(union_id=d.org_id, occurred_on=on, source=_SOURCE)
    values = {name: given.get(name, [] if is_list else default) for name, is_list, default in _TERM_DEFAULTS}
    return _trusted(c.ImportExistingTerm, values, set(given))


def checked_commands(d: ImportRow, on: dt.date) -> dict[str, c.Command]:
    """The row's commands by kind ("register", and "term" when the row has one), as
    `register_command` and `term_command` build them; raises the same ValidationError."""
    # R-FORM-25 (`RegisterOrganisation`'s own check), a term of at least a year, the date: the
    # checks of the commands the row's types do not imply.
    if not _valid_date(on) or (d.level == "grassroots" and d.unit_name is None) or (d.term_years == 0):
        built: dict[str, c.Command] = {"register": register_command(d, on)}
        if d.has_term and d.term_years is not None:
            built["term"] = term_command(d, on)
        return built
    given: dict[str, Any] = {"org_id": d.org_id, "name": d.name, "level": d.level, "parent_id": d.parent_id}
    given.update(unit=_unit(d), occurred_on=on)
    register = _trusted(c.RegisterOrganisation, {f: given[f] for f in _REGISTER_FIELDS}, set(_REGISTER_FIELDS))
    built = {"register": register}
    if d.has_term and d.term_years is not None:
        built["term"] = _checked_term(d, on)
    return built
