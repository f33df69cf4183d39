"""The register: an organisation as `GET /organisations` lists it."""

from __future__ import annotations

from api.schemas.common import UNIT_EXAMPLE, record_body
from projections.queries import UnionRecord

Organisation = record_body(
    UnionRecord,
    "Organisation",
    "A register entry (`projections.queries.UnionRecord`).",
    described={
        "path": "Materialised path: the ancestors' ids and its own, each followed by '/'",
        "extension_until": "The approved extension's end (R-EXTENSION), if any",
        "deadline": "Term end, or the approved extension's end",
        "version": "The union stream's version this record reflects",
    },
    item={
        "org_id": "U1",
        "parent_id": "JA",
        "path": "ACFTU/HB/WH/JA/U1/",
        "depth": 4,
        "name": "U1 工会",
        "level": "grassroots",
        "registered_on": "2018-01-01",
        **UNIT_EXAMPLE,
        "form": "committee",
        "congress_type": "members_meeting",
        "committee": ["赵", "钱", "孙", "李", "周", "吴", "郑"],
        "chair": "赵",
        "vice_chairs": ["钱"],
        "acting_chair": None,
        "funds_review": ["冯", "陈", "褚"],
        "funds_review_director": "冯",
        "women_director": "孙",
        "term_number": 1,
        "term_start": "2019-03-01",
        "term_years": 5,
        "term_end": "2024-03-01",
        "extension_until": None,
        "deadline": "2024-03-01",
        "founded_on": "2019-03-01",
        "legal_person_no": None,
        "legal_person_on": None,
        "legal_person": False,
        "last_congress_on": "2019-03-01",
        "version": 14,
        "href": "/unions/U1",
    },
)
