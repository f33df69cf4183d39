"""workflow.profile: the national default, validation, JSON round trip, loading and the registry."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from workflow.profile import (
    NATIONAL_DEFAULT,
    SHIPPED_PROFILES_DIR,
    ProfileConflict,
    ProfileError,
    ProfileRegistry,
    RuleProfile,
    UnknownProfile,
    load_profile,
)


def national_json() -> dict[str, Any]:
    return NATIONAL_DEFAULT.model_dump(mode="json")


def with_changes(**changes: Any) -> dict[str, Any]:
    return national_json() | changes


def test_national_default_carries_rules_md_defaults() -> None:
    """The defaults are the numbers of RULES.md (R-TERM, R-EXTENSION, R-CANDIDATES, R-WOMEN, ...)."""
    p = NATIONAL_DEFAULT
    assert (p.name, p.version) == ("national", 1)
    assert p.term_years_allowed == frozenset({3, 5})
    assert p.extension_max_months == 6
    assert p.candidate_surplus_rate == Decimal("0.05")
    assert p.women_committee_threshold == 10
    assert p.representative_minimum == 30
    assert (p.form_threshold, p.members_meeting_max) == (25, 100)
    assert (p.prep_group_min, p.prep_group_max) == (3, 7)
    assert (p.notice_working_days, p.enterprise_chair_notice_days) == (5, 7)
    assert p.chair_competitive_unit_types == frozenset({"enterprise"})
    assert p.fulltime_chair_employees == 200
    assert p.vacancy_months == 3
    assert p.shortfall_policy == "supplementary_vote"
    assert p.odd_committee_size_required is False
    assert (p.term_due_reminder_months, p.approval_reply_days) == (2, 15)
    assert (p.annual_congress_months, p.prep_stalled_months, p.legal_person_days) == (12, 6, 60)
    assert p.holidays == frozenset()
    assert [(b.max_members, b.min_rate, b.max_rate) for b in p.representative_bands] == [
        (200, Decimal("0.30"), Decimal("1")),
        (500, Decimal("0.20"), Decimal("0.25")),
        (1000, Decimal("0.10"), Decimal("0.20")),
        (3000, Decimal("0.06"), Decimal("0.10")),
        (None, Decimal("0.05"), Decimal("1")),
    ]
    assert [(b.max_members, b.min_seats, b.max_seats) for b in p.committee_size_bands] == [
        (24, 3, 5),
        (200, 3, 7),
        (1000, 7, 15),
        (5000, 15, 21),
        (10000, 21, 29),
        (50000, 29, 37),
        (None, 37, 45),
    ]


def test_profile_is_frozen() -> None:
    """Procedures pin (name, version), so a profile must not change after creation."""
    with pytest.raises(ValidationError):
        NATIONAL_DEFAULT.extension_max_months = 8  # type: ignore[misc]


def test_json_dump_round_trips_through_model_validate() -> None:
    """Profiles are embedded in events as model_dump(mode="json") and read back with model_validate."""
    custom = RuleProfile.model_validate(
        with_changes(
            name="beijing",
            women_committee_threshold=25,
            candidate_surplus_rate="0.10",
            holidays=["2024-10-01", "2024-05-01"],
            term_years_allowed=[5, 3, 4],
        )
    )
    dumped = custom.model_dump(mode="json")
    assert json.loads(json.dumps(dumped)) == dumped  # plain JSON types only
    assert RuleProfile.model_validate(dumped) == custom
    assert RuleProfile.model_validate(NATIONAL_DEFAULT.model_dump(mode="json")) == NATIONAL_DEFAULT


def test_json_dump_sorts_sets_so_event_payloads_are_stable() -> None:
    custom = RuleProfile.model_validate(
        with_changes(holidays=["2024-10-01", "2024-01-01", "2024-05-01"], term_years_allowed=[5, 4, 3])
    )
    dumped = custom.model_dump(mode="json")
    assert dumped["holidays"] == ["2024-01-01", "2024-05-01", "2024-10-01"]
    assert dumped["term_years_allowed"] == [3, 4, 5]


def test_rate_given_as_json_number_is_read_exactly() -> None:
    """R-CANDIDATES: a rate written as 0.1 in a JSON file becomes Decimal('0.1'), not a binary float."""
    profile = RuleProfile.model_validate(with_changes(candidate_surplus_rate=0.1))
    assert profile.candidate_surplus_rate == Decimal("0.1")


def test_shipped_national_json_equals_national_default() -> None:
    """workflow/profiles/national.json is the national default, written out in full (no field is
    left to a code default, so the file alone documents the profile)."""
    path = SHIPPED_PROFILES_DIR / "national.json"
    assert load_profile(path) == NATIONAL_DEFAULT
    assert set(json.loads(path.read_text(encoding="utf-8"))) == set(RuleProfile.model_fields)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_years_allowed": [3, 6]}, "term_years_allowed"),  # R-TERM: 3..5 only
        ({"term_years_allowed": [2]}, "term_years_allowed"),
        ({"term_years_allowed": []}, "term_years_allowed"),
        ({"candidate_surplus_rate": "1.5"}, "candidate_surplus_rate"),
        ({"shortfall_policy": "coin_toss"}, "shortfall_policy"),
        ({"prep_group_min": 8}, "prep_group_max"),  # R-PREP-GROUP: min above max
        ({"women_committee_threshold": 0}, "women_committee_threshold"),
        ({"extension_max_month": 6}, "extension_max_month"),  # misspelt: extra fields forbidden
        ({"version": 0}, "version"),
    ],
)
def test_invalid_settings_are_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        RuleProfile.model_validate(with_changes(**changes))
    assert field in str(excinfo.value)


def test_prep_group_min_above_max_is_refused() -> None:
    with pytest.raises(ValidationError, match="prep_group_max"):
        RuleProfile.model_validate(with_changes(prep_group_min=5, prep_group_max=4))


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "at least one band"),
        (
            [{"max_members": 500, "min_rate": "0.2", "max_rate": "0.25"}],
            "open-ended",
        ),
        (
            [
                {"max_members": 500, "min_rate": "0.2", "max_rate": "0.25"},
                {"max_members": 200, "min_rate": "0.3", "max_rate": "1"},
                {"max_members": None, "min_rate": "0.05", "max_rate": "1"},
            ],
            "strictly increase",
        ),
        (
            [
                {"max_members": 200, "min_rate": "0.3", "max_rate": "1"},
                {"max_members": 200, "min_rate": "0.2", "max_rate": "0.25"},
                {"max_members": None, "min_rate": "0.05", "max_rate": "1"},
            ],
            "strictly increase",
        ),
        (
            [
                {"max_members": None, "min_rate": "0.3", "max_rate": "1"},
                {"max_members": None, "min_rate": "0.05", "max_rate": "1"},
            ],
            "only the last band",
        ),
        ([{"max_members": None, "min_rate": "0.3", "max_rate": "0.2"}], "min_rate > max_rate"),
    ],
)
def test_representative_bands_must_be_ordered_non_overlapping_and_open_ended_r_rep_bands(
    bands: list[dict[str, Any]], message: str
) -> None:
    """R-REP-BANDS: bands are keyed by increasing upper bounds and end open-ended, so every member
    count falls in exactly one band."""
    with pytest.raises(ValidationError, match=message):
        RuleProfile.model_validate(with_changes(representative_bands=bands))


def test_committee_bands_are_validated_r_committee_size() -> None:
    bands = [
        {"max_members": 200, "min_seats": 3, "max_seats": 7},
        {"max_members": 100, "min_seats": 7, "max_seats": 15},
        {"max_members": None, "min_seats": 15, "max_seats": 21},
    ]
    with pytest.raises(ValidationError, match="strictly increase"):
        RuleProfile.model_validate(with_changes(committee_size_bands=bands))
    with pytest.raises(ValidationError, match="min_seats > max_seats"):
        RuleProfile.model_validate(
            with_changes(committee_size_bands=[{"max_members": None, "min_seats": 9, "max_seats": 7}])
        )


def test_load_profile_bad_field_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(with_changes(term_years_allowed=[3, 7])), encoding="utf-8")
    with pytest.raises(ProfileError) as excinfo:
        load_profile(path)
    assert "bad.json" in str(excinfo.value)
    assert "term_years_allowed" in str(excinfo.value)
    assert "3..5" in str(excinfo.value)


def test_load_profile_nested_band_error_names_the_path(tmp_path: Path) -> None:
    data = national_json()
    data["committee_size_bands"][1]["min_seats"] = "three"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"committee_size_bands\.1\.min_seats"):
        load_profile(path)


def test_load_profile_invalid_json_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x",\n  oops}', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.json: not valid JSON \(line 2"):
        load_profile(broken)
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "absent.json")


def test_registry_get_and_latest() -> None:
    v2 = RuleProfile.model_validate(with_changes(version=2, candidate_surplus_rate="0.10"))
    registry = ProfileRegistry([NATIONAL_DEFAULT, v2])
    assert registry.get("national", 1) is NATIONAL_DEFAULT
    assert registry.get("national", 2) == v2
    assert registry.latest("national") == v2
    assert ("national", 2) in registry
    assert len(registry) == 2


def test_registry_unknown_profile_is_a_clear_error() -> None:
    registry = ProfileRegistry.with_defaults()
    with pytest.raises(UnknownProfile, match=r"'beijing' version 1 .*known: national v1"):
        registry.get("beijing", 1)
    with pytest.raises(UnknownProfile, match="'national' version 9"):
        registry.get("national", 9)
    with pytest.raises(UnknownProfile, match="beijing"):
        registry.latest("beijing")


def test_registry_refuses_different_content_under_same_name_and_version() -> None:
    """A pinned (name, version) must keep meaning the same rules."""
    registry = ProfileRegistry.with_defaults()
    changed = RuleProfile.model_validate(with_changes(extension_max_months=8))
    with pytest.raises(ProfileConflict, match="'national' version 1"):
        registry.register(changed)
    assert registry.get("national", 1).extension_max_months == 6


def test_registry_accepts_identical_re_registration() -> None:
    registry = ProfileRegistry.with_defaults()
    same = RuleProfile.model_validate(national_json())
    registry.register(same)
    registry.register(load_profile(SHIPPED_PROFILES_DIR / "national.json"))
    assert len(registry) == 1


def test_holidays_parse_from_iso_strings() -> None:
    profile = RuleProfile.model_validate(with_changes(holidays=["2024-10-01"]))
    assert profile.holidays == frozenset({date(2024, 10, 1)})
