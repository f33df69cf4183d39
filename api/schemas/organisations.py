"""The register: an organisation as `GET /organisations` lists it."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import UNIT_EXAMPLE, example


class Organisation(BaseModel):
    """A register entry (`projections.queries.UnionRecord`)."""

    model_config = example(
        {
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
            "chair_elected_by": "congress",
            "chair_full_time": False,
            "representatives": None,
            "committee_size": 7,
            "version": 14,
            "href": "/unions/U1",
        }
    )

    org_id: str
    parent_id: str | None
    path: str = Field(description="Materialised path: the ancestors' ids and its own, each followed by '/'")
    depth: int
    name: str
    level: str
    registered_on: dt.date
    unit_name: str | None
    unit_type: str | None
    employees: int | None
    members: int | None
    female_members: int | None
    has_party_org: bool | None
    form: str | None
    congress_type: str | None
    committee: list[str]
    chair: str | None
    vice_chairs: list[str]
    acting_chair: str | None
    funds_review: list[str]
    funds_review_director: str | None
    women_director: str | None
    term_number: int
    term_start: dt.date | None
    term_years: int | None
    term_end: dt.date | None
    extension_until: dt.date | None = Field(description="The approved extension's end (R-EXTENSION), if any")
    deadline: dt.date | None = Field(description="Term end, or the approved extension's end")
    founded_on: dt.date | None = Field(
        description="The founding approval's date (R-FOUNDED); for an imported union the registry's, null when "
        "it gave none (unknown, never the term's start)"
    )
    legal_person_no: str | None
    legal_person_on: dt.date | None
    legal_person: bool
    last_congress_on: dt.date | None = Field(
        description="The latest congress (R-ANNUAL); null when none is known (an import that gave none)"
    )
    founding_document_no: str | None = Field(description="The founding approval's document number")
    founded_at_latest: dt.date | None = Field(
        description="From when the union is surely founded, as coverage counts it: founded_on, else an imported "
        "term's start"
    )
    chair_elected_by: str | None = Field(
        description="Who elected the chair this term: 'congress' (直选) or 'committee'; null when not known"
    )
    chair_full_time: bool | None = Field(description="The chair's post is full-time (R-FULLTIME); null when not known")
    representatives: int | None = Field(description="The representatives of a representative congress")
    committee_size: int | None = Field(description="How many sit on the committee (its names may be unknown)")
    version: int = Field(description="The union stream's version this record reflects")
    href: str
