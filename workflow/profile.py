"""Rule profiles: every configurable number of RULES.md in one frozen, versioned value.

A procedure pins ``(name, version)`` of its profile in its first event and keeps using exactly that
profile, so a registered profile never changes: a new setting means a new version. Profiles are
embedded in events and audit bundles as ``model_dump(mode="json")``, which round-trips through
``RuleProfile.model_validate``; sets are dumped sorted so the JSON is stable.

Sureness follows RULES.md: each field's description says whether its default is **law**,
**national**, **local/practice** (one locality or common practice) or **inferred** (a sensible
default nobody wrote down).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from workflow.calendar import WorkingCalendar

SHIPPED_PROFILES_DIR = Path(__file__).parent / "profiles"

ShortfallPolicy = Literal["supplementary_vote", "reduce_seats"]
AtLeastOne = Annotated[int, Field(ge=1)]


class ProfileError(ValueError):
    """A profile file or registration is unusable; the message names the file and field."""


class UnknownProfile(ProfileError, LookupError):
    """No profile is registered under the requested (name, version)."""


class ProfileConflict(ProfileError):
    """A different profile is already registered under the same (name, version)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Band(_Frozen):
    """One row of a table by member count: it applies to unions with at most ``max_members``
    members (``None``: no upper bound)."""

    max_members: int | None = Field(ge=1)

    def range_error(self) -> str | None:
        """The row's own range reversed, as the profile's validation reports it; None when in order."""
        raise NotImplementedError


class RepresentativeBand(_Band):
    """One row of the R-REP-BANDS table: unions with at most ``max_members`` members (``None``:
    no upper bound) elect between ``min_rate`` and ``max_rate`` of their members as
    representatives. Bands are read in order; the first one that fits applies."""

    min_rate: Decimal = Field(gt=0, le=1)
    max_rate: Decimal = Field(gt=0, le=1)

    def range_error(self) -> str | None:
        if self.min_rate > self.max_rate:
            return f"representative band up to {self.max_members}: min_rate > max_rate"
        return None


class CommitteeSizeBand(_Band):
    """One row of the R-COMMITTEE-SIZE table: unions with at most ``max_members`` members
    (``None``: no upper bound) elect a committee of ``min_seats``..``max_seats``."""

    min_seats: int = Field(ge=1)
    max_seats: int = Field(ge=1)

    def range_error(self) -> str | None:
        if self.min_seats > self.max_seats:
            return f"committee band up to {self.max_members}: min_seats > max_seats"
        return None


def _bands_in_order(bands: tuple[Any, ...], what: str) -> None:
    """Bands are keyed by their inclusive upper bound, so strictly increasing bounds with a final
    open-ended band means non-overlapping and covering every member count."""
    if not bands:
        raise ValueError(f"{what}: at least one band is required")
    bounds = [b.max_members for b in bands]
    if bounds[-1] is not None:
        raise ValueError(f"{what}: the last band must be open-ended (max_members null)")
    closed = bounds[:-1]
    if None in closed:
        raise ValueError(f"{what}: only the last band may be open-ended")
    if any(a >= b for a, b in pairwise(closed)):
        raise ValueError(f"{what}: max_members must strictly increase, got {closed}")


# R-REP-BANDS defaults (practice). "≥ 30 %" and "5 %" state only a floor, so those bands are
# capped at 100 % (inferred); "never fewer than 30" is `representative_minimum`.
DEFAULT_REPRESENTATIVE_BANDS: tuple[RepresentativeBand, ...] = (
    RepresentativeBand(max_members=200, min_rate=Decimal("0.30"), max_rate=Decimal("1")),
    RepresentativeBand(max_members=500, min_rate=Decimal("0.20"), max_rate=Decimal("0.25")),
    RepresentativeBand(max_members=1000, min_rate=Decimal("0.10"), max_rate=Decimal("0.20")),
    RepresentativeBand(max_members=3000, min_rate=Decimal("0.06"), max_rate=Decimal("0.10")),
    RepresentativeBand(max_members=None, min_rate=Decimal("0.05"), max_rate=Decimal("1")),
)

# R-COMMITTEE-SIZE defaults (national, Election Regs §8; the > 50,000 band is inferred).
DEFAULT_COMMITTEE_SIZE_BANDS: tuple[CommitteeSizeBand, ...] = (
    CommitteeSizeBand(max_members=24, min_seats=3, max_seats=5),
    CommitteeSizeBand(max_members=200, min_seats=3, max_seats=7),
    CommitteeSizeBand(max_members=1000, min_seats=7, max_seats=15),
    CommitteeSizeBand(max_members=5000, min_seats=15, max_seats=21),
    CommitteeSizeBand(max_members=10000, min_seats=21, max_seats=29),
    CommitteeSizeBand(max_members=50000, min_seats=29, max_seats=37),
    CommitteeSizeBand(max_members=None, min_seats=37, max_seats=45),
)


class RuleProfile(_Frozen):
    """The configurable settings of RULES.md. Defaults are the national default profile; each
    setting's docstring (its description) names its rule and sureness."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str = Field(min_length=1)
    """Profile name, e.g. 'national' or 'beijing'."""
    version: AtLeastOne
    """Bumped for every change; procedures pin (name, version)."""

    # §5 Terms
    term_years_allowed: frozenset[int] = frozenset({3, 5})
    """R-TERM (law): term lengths a union may choose. Law §16 says 3 or 5; the Charter allows 3 to
    5, so any subset of {3, 4, 5} is accepted."""
    extension_max_months: NonNegativeInt = 6
    """R-EXTENSION: longest approved delay of a re-election (local)."""
    vacancy_months: AtLeastOne = 3
    """R-VACANCY (national): by-election of a departed chair within this."""

    # §2 Form of organisation and congress type
    form_threshold: AtLeastOne = 25
    """R-FORM-25 (law): from this many members a committee is required."""
    members_meeting_max: AtLeastOne = 100
    """R-CONGRESS-TYPE (law): up to this many members a members' meeting is required."""
    representative_bands: tuple[RepresentativeBand, ...] = DEFAULT_REPRESENTATIVE_BANDS
    """R-REP-BANDS (practice): representatives as a share of members, by member count."""
    representative_minimum: AtLeastOne = 30
    """R-REP-BANDS (practice): never fewer representatives than this."""
    committee_size_bands: tuple[CommitteeSizeBand, ...] = DEFAULT_COMMITTEE_SIZE_BANDS
    """R-COMMITTEE-SIZE (national; last band inferred): committee seats by member count."""
    odd_committee_size_required: bool = False
    """R-COMMITTEE-SIZE: RULES.md says committees are odd-sized 'in practice' only, so this is off
    by default (practice); a locality may turn it on."""
    women_committee_threshold: AtLeastOne = 10
    """R-WOMEN (national): from this many female members a women workers' committee is formed, below
    it one women workers' member. Beijing uses 25 (local)."""
    fulltime_chair_employees: AtLeastOne = 200
    """R-FULLTIME (law): from this many employees a full-time chair is expected (warning)."""

    # §3 Founding
    prep_group_min: AtLeastOne = 3
    """R-PREP-GROUP (national): smallest group."""
    prep_group_max: AtLeastOne = 7
    """R-PREP-GROUP (national): largest group."""

    # §4 Elections
    candidate_surplus_rate: Decimal = Field(default=Decimal("0.05"), ge=0, le=1)
    """R-CANDIDATES (national, read in a summary): committee candidates exceed seats by at least
    this share and at least one. Many localities use 0.10 (local)."""
    chair_competitive_unit_types: frozenset[str] = frozenset({"enterprise"})
    """R-CHAIR-COMPETITIVE (national): unit types whose chair election needs more candidates than
    seats; elsewhere an unopposed chair is allowed."""
    notice_working_days: NonNegativeInt = 5
    """R-NOTICE (national): full working days between posting the candidate list and the congress
    (see workflow.calendar for the counting convention)."""
    enterprise_chair_notice_days: NonNegativeInt = 7
    """R-NOTICE (national): calendar days from posting an enterprise chair candidate list to the
    congress (congress date − posting date ≥ this)."""
    shortfall_policy: ShortfallPolicy = "supplementary_vote"
    """R-SHORTFALL (practice): fewer winners than seats leads to a supplementary vote, or to fewer
    seats when R-COMMITTEE-SIZE still holds."""
    holidays: frozenset[date] = frozenset()
    """Local holidays on top of China's official calendar, skipped when counting working days
    (R-NOTICE)."""
    working_days: frozenset[date] = frozenset()
    """Local working days (for example a weekend made a working day) on top of China's official
    calendar (R-NOTICE)."""
    calendar_years: frozenset[int] = frozenset()
    """Years whose official arrangement the calendar package does not carry yet and this profile
    declares complete through `holidays` and `working_days` (R-NOTICE)."""

    # §6 Alert windows
    term_due_reminder_months: NonNegativeInt = 2
    """A-TERM-DUE: months before the deadline the reminder starts."""
    approval_reply_days: AtLeastOne = 15
    """A-APPROVAL-PENDING (local): days the higher union has to reply."""
    annual_congress_months: AtLeastOne = 12
    """A-NO-ANNUAL-CONGRESS (law, R-ANNUAL): months between congresses."""
    prep_stalled_months: AtLeastOne = 6
    """A-PREP-STALLED (inferred): months from prep group to congress."""
    legal_person_days: AtLeastOne = 60
    """A-LEGAL-PERSON (local): days from approval to registration."""

    @field_validator("term_years_allowed")
    @classmethod
    def _terms_within_charter(cls, value: frozenset[int]) -> frozenset[int]:
        # R-TERM: the Charter allows 3 to 5 years; nothing outside that is lawful anywhere.
        if not value:
            raise ValueError("at least one term length is required")
        if not value <= {3, 4, 5}:
            raise ValueError(f"term lengths must be within 3..5 years (R-TERM), got {sorted(value)}")
        return value

    @field_validator("representative_bands", "committee_size_bands")
    @classmethod
    def _bands_valid(cls, value: tuple[_Band, ...], info: ValidationInfo) -> tuple[_Band, ...]:
        _bands_in_order(value, info.field_name or "")
        for band in value:
            if error := band.range_error():
                raise ValueError(error)
        return value

    @model_validator(mode="after")
    def _local_days_consistent(self) -> Self:
        both = self.holidays & self.working_days
        if both:
            raise ValueError(f"dates both a holiday and a working day: {', '.join(map(str, sorted(both)))}")
        odd = sorted(y for y in self.calendar_years if not 1949 <= y <= 2200)
        if odd:
            raise ValueError(f"calendar_years must be years from 1949 to 2200, got {odd}")
        return self

    @model_validator(mode="after")
    def _prep_group_range(self) -> Self:
        if self.prep_group_max < self.prep_group_min:
            raise ValueError(f"prep_group_max ({self.prep_group_max}) is below prep_group_min ({self.prep_group_min})")
        return self

    @property
    def calendar(self) -> WorkingCalendar:
        """The working days R-NOTICE counts: the official calendar with this profile's days."""
        return WorkingCalendar(self.holidays, self.working_days, self.calendar_years)

    def pinned(self) -> dict[str, Any]:
        """The fields of a procedure's first event that pin this profile to it (by name and
        version, and the whole settings, so later changes to the profile cannot reach it)."""
        return {"profile_name": self.name, "profile_version": self.version, "profile": self.model_dump(mode="json")}

    @field_serializer(
        "term_years_allowed",
        "chair_competitive_unit_types",
        "holidays",
        "working_days",
        "calendar_years",
        when_used="json",
    )
    def _sorted_set(self, value: frozenset[Any]) -> list[Any]:
        # Sorted so that the JSON embedded in events and audit bundles does not depend on hashing.
        return sorted(value)


NATIONAL_DEFAULT = RuleProfile(name="national", version=1)


def load_profile(path: str | Path) -> RuleProfile:
    """Read a profile from a JSON file. Raises :class:`ProfileError` naming the file and, for an
    invalid setting, the field (e.g. ``term_years_allowed: term lengths must be within 3..5``)."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"profile {path}: cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ProfileError(f"profile {path}: not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    try:
        return RuleProfile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
        )
        raise ProfileError(f"profile {path}: {problems}") from exc


class ProfileRegistry:
    """Profiles by (name, version). Registration is append-only: the same (name, version) may be
    registered again only with identical content, because procedures already pinned to it must
    keep evaluating exactly the same rules."""

    def __init__(self, profiles: Iterable[RuleProfile] = ()) -> None:
        self._profiles: dict[tuple[str, int], RuleProfile] = {}
        for profile in profiles:
            self.register(profile)

    @classmethod
    def with_defaults(cls) -> Self:
        """A registry holding :data:`NATIONAL_DEFAULT`."""
        return cls([NATIONAL_DEFAULT])

    def register(self, profile: RuleProfile) -> RuleProfile:
        key = (profile.name, profile.version)
        existing = self._profiles.get(key)
        if existing is not None and existing != profile:
            raise ProfileConflict(
                f"profile {profile.name!r} version {profile.version} is already registered with "
                "different settings; publish the change as a new version"
            )
        self._profiles[key] = profile
        return profile

    def get(self, name: str, version: int) -> RuleProfile:
        try:
            return self._profiles[(name, version)]
        except KeyError:
            known = ", ".join(f"{n} v{v}" for n, v in sorted(self._profiles)) or "none"
            raise UnknownProfile(f"no rule profile {name!r} version {version} is registered (known: {known})") from None

    def latest(self, name: str) -> RuleProfile:
        """The highest registered version of ``name``: what a new procedure pins."""
        versions = [v for n, v in self._profiles if n == name]
        if not versions:
            raise UnknownProfile(f"no rule profile named {name!r} is registered")
        return self._profiles[(name, max(versions))]

    def __contains__(self, key: object) -> bool:
        return key in self._profiles

    def __len__(self) -> int:
        return len(self._profiles)
