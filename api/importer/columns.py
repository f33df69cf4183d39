"""The registry's columns, once: each column's name, the Chinese header accepted beside it (and
other spellings registries use), what it holds, and the Chinese values accepted for its choices.
Both readers (CSV and .xlsx) map a header through `HEADERS`, the row model reads values through
`VALUES`, and `unionflow import --help` lists `COLUMN_TABLE` (`columns_help`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    chinese: str  # the Chinese header
    meaning: str
    also: tuple[str, ...] = ()  # other headers accepted for it


COLUMN_TABLE: tuple[Column, ...] = (
    Column("org_id", "组织编号", "the organisation's id (letters, digits, . _ -; unique)", ("编号",)),
    Column("name", "名称", "its name", ("组织名称", "工会名称")),
    Column("level", "层级", "national, province, city, county, township, grassroots, federation, joint (or 全国...)"),
    Column("parent_id", "上级组织", "its direct higher-level union (in the database or the file); empty for the root"),
    Column("unit_name", "单位名称", "the employing unit (grassroots, federation, joint only)"),
    Column("unit_type", "单位类型", "enterprise, public_institution, government, social_organisation, other (企业...)"),
    Column("employees", "职工人数", "employees of the unit (integer >= 0)"),
    Column("members", "会员人数", "union members (<= employees)"),
    Column("female_members", "女会员人数", "female members (<= members)"),
    Column(
        "has_party_org",
        "有党组织",
        "the unit has a Party organisation: true/false, yes/no, 是/否",
        ("是否有党组织",),
    ),
    Column("term_start", "届期开始", "the current term's start (its congress), not in the future", ("本届开始",)),
    Column("term_years", "届期年限", "the term's length in years (R-TERM: 3 or 5 nationally)"),
    Column("chair", "主席", "the chair in office"),
    Column("founded_on", "成立日期", "the founding approval's date (if empty: unknown)", ("建会日期",)),
    Column("founding_document_no", "成立批复文号", "the founding approval's document number", ("建会批复文号",)),
    Column("congress_type", "大会类型", "members_meeting (会员大会) or representative_congress (会员代表大会)"),
    Column("representatives", "代表人数", "a representative congress's delegates (R-REP-BANDS)", ("会员代表人数",)),
    Column("committee", "委员", "the committee's members, separated by 、 , ; or spaces", ("委员名单",)),
    Column("committee_size", "委员人数", "how many sit on the committee (R-COMMITTEE-SIZE)"),
    Column("vice_chairs", "副主席", "the vice-chairs, separated like the committee"),
    Column("chair_elected_by", "主席产生方式", "congress (直选: by the congress) or committee (委员会选举)"),
    Column("chair_full_time", "主席专职", "the chair's post is full-time (R-FULLTIME): 是/否", ("专职主席",)),
    Column("last_congress_on", "最近一次大会", "the last congress, yearly or electoral (R-ANNUAL)", ("最近大会日期",)),
    Column("extension_deadline", "延期至", "an approved extension in force: its new deadline (R-EXTENSION)"),
    Column("extension_document_no", "延期批复文号", "the extension's approval document number"),
    Column("legal_person_no", "法人登记证号", "the legal-person registration's number", ("法人证书编号",)),
    Column("legal_person_on", "法人登记日期", "the legal-person registration's date"),
)

COLUMNS = tuple(c.name for c in COLUMN_TABLE)
REQUIRED_COLUMNS = ("org_id", "name", "level", "parent_id")
UNIT_COLUMNS = ("unit_name", "unit_type", "employees", "members", "female_members", "has_party_org")
# What a union's current term brings: the term itself, then what the registry knows of the union.
TERM_COLUMNS = COLUMNS[COLUMNS.index("term_start") :]

# Every header accepted, as written (English names, Chinese headers and their other spellings).
HEADERS: dict[str, str] = {h: c.name for c in COLUMN_TABLE for h in (c.name, c.chinese, *c.also)}

# Chinese (and other) values accepted for a column's choices.
VALUES: dict[str, dict[str, str]] = {
    "level": {
        "全国": "national",
        "省": "province",
        "省级": "province",
        "市": "city",
        "市级": "city",
        "县": "county",
        "区县": "county",
        "县级": "county",
        "乡镇": "township",
        "街道": "township",
        "基层": "grassroots",
        "基层工会": "grassroots",
        "工会联合会": "federation",
        "联合会": "federation",
        "联合基层工会": "joint",
    },
    "unit_type": {
        "企业": "enterprise",
        "事业单位": "public_institution",
        "机关": "government",
        "社会组织": "social_organisation",
        "其他": "other",
    },
    "congress_type": {"会员大会": "members_meeting", "会员代表大会": "representative_congress"},
    "chair_elected_by": {
        "直选": "congress",
        "大会直选": "congress",
        "大会选举": "congress",
        "委员会选举": "committee",
        "委员会": "committee",
    },
}


def columns_help() -> str:
    """The columns as `unionflow import --help` lists them (markdown)."""
    lines = [
        "**Columns** (English name or Chinese header; a column may be left out when no row uses it):",
        "",
    ]
    lines += [f"* `{c.name}` {c.chinese}: {c.meaning}" for c in COLUMN_TABLE]
    return "\n".join(lines)
