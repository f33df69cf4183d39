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
        "founded_on": "The founding approval's date (R-FOUNDED); for an imported union the registry's, null when "
        "it gave none (unknown, never the term's start)",
        "last_congress_on": "The latest congress (R-ANNUAL); null when none is known (an import that gave none)",
        "founding_document_no": "The founding approval's document number",
        "founded_at_latest": "From when the union is surely founded, as coverage counts it: founded_on, else an "
        "imported term's start",
        "chair_elected_by": "Who elected the chair this term: 'congress' (直选) or 'committee'; null when not known",
        "chair_full_time": "The chair's post is full-time (R-FULLTIME); null when not known",
        "representatives": "The representatives of a representative congress",
        "committee_size": "How many sit on the committee (its names may be unknown)",
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
        "founded_on": "2019-03-20",
        "legal_person_no": None,
        "legal_person_on": None,
        "legal_person": False,
        "last_congress_on": "2019-03-01",
        "founding_document_no": "江工发〔2019〕1号",
        "founded_at_latest": "2019-03-20",
        "representatives": None,
        "committee_size": 7,
        "version": 14,
        "href": "/unions/U1",
    },
)
