"""The rule profiles the generated procedures pin, and the pools names are drawn from."""

from __future__ import annotations

from typing import Any

# The national default profile as the workflow pins it (workflow/profiles/national.json).
NATIONAL_PROFILE: dict[str, Any] = {
    "name": "national",
    "version": 1,
    "term_years_allowed": [3, 5],
    "extension_max_months": 6,
    "vacancy_months": 3,
    "form_threshold": 25,
    "members_meeting_max": 100,
    "representative_bands": [
        {"max_members": 200, "min_rate": "0.30", "max_rate": "1"},
        {"max_members": 500, "min_rate": "0.20", "max_rate": "0.25"},
        {"max_members": 1000, "min_rate": "0.10", "max_rate": "0.20"},
        {"max_members": 3000, "min_rate": "0.06", "max_rate": "0.10"},
        {"max_members": None, "min_rate": "0.05", "max_rate": "1"},
    ],
    "representative_minimum": 30,
    "committee_size_bands": [
        {"max_members": 24, "min_seats": 3, "max_seats": 5},
        {"max_members": 200, "min_seats": 3, "max_seats": 7},
        {"max_members": 1000, "min_seats": 7, "max_seats": 15},
        {"max_members": 5000, "min_seats": 15, "max_seats": 21},
        {"max_members": 10000, "min_seats": 21, "max_seats": 29},
        {"max_members": 50000, "min_seats": 29, "max_seats": 37},
        {"max_members": None, "min_seats": 37, "max_seats": 45},
    ],
    "odd_committee_size_required": False,
    "women_committee_threshold": 10,
    "fulltime_chair_employees": 200,
    "prep_group_min": 3,
    "prep_group_max": 7,
    "candidate_surplus_rate": "0.05",
    "chair_competitive_unit_types": ["enterprise"],
    "notice_working_days": 5,
    "enterprise_chair_notice_days": 7,
    "shortfall_policy": "supplementary_vote",
    "holidays": [],
    "term_due_reminder_months": 2,
    "approval_reply_days": 15,
    "annual_congress_months": 12,
    "prep_stalled_months": 6,
    "legal_person_days": 60,
}
# A stricter local profile (local/practice settings of RULES.md), so that windows vary by procedure.
LOCAL_PROFILE: dict[str, Any] = {
    **NATIONAL_PROFILE,
    "name": "beijing",
    "version": 2,
    "women_committee_threshold": 25,
    "candidate_surplus_rate": "0.10",
    "term_due_reminder_months": 3,
    "approval_reply_days": 10,
    "prep_stalled_months": 4,
    "legal_person_days": 30,
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌春林海燕"
UNIT_TYPES = ("enterprise",) * 7 + ("public_institution", "government", "social_organisation")
