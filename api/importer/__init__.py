"""Bringing an existing registry of unions in (`unionflow import`): a CSV file or an .xlsx workbook.

The file
--------
A CSV file (UTF-8, a byte-order mark allowed, comma-separated) or an .xlsx workbook (its first
sheet; dates may be date cells), with a header row naming the columns by their English name or
their Chinese header; a column may be left out of the header when no row uses it, and a column
the importer does not know is refused. One organisation per row; a row's number in the reports is
its line in the CSV file, or its row in the sheet. The columns (`api.importer.columns`, which
`unionflow import --help` lists and both readers use):

=====================  ============  ==============================================================
column                 Chinese       meaning
=====================  ============  ==============================================================
org_id                 组织编号      the organisation's id (letters, digits, ``.``, ``_``, ``-``; unique)
name                   名称          its name
level                  层级          national, province, city, county, township, grassroots,
                                     federation, joint (or 全国, 省, 市, 县, 乡镇, 基层, 工会联合会,
                                     联合基层工会)
parent_id              上级组织      its direct higher-level union: in the database or anywhere in
                                     the file (rows may come in any order); empty only for the root
unit_name              单位名称      the employing unit (grassroots, federation, joint only)
unit_type              单位类型      enterprise, public_institution, government,
                                     social_organisation, other (or 企业, 事业单位, 机关, 社会组织, 其他)
employees              职工人数      employees of the unit (integer >= 0)
members                会员人数      union members (<= employees)
female_members         女会员人数    female members (<= members)
has_party_org          有党组织      true/false (also 1/0, yes/no, 是/否): the unit has a Party organisation
term_start             届期开始      the current term's start (the congress date), not in the future
term_years             届期年限      its length in years: one the rule profile allows (R-TERM)
chair                  主席          the chair in office
founded_on             成立日期      the founding approval's date (R-FOUNDED); empty: unknown
founding_document_no   成立批复文号  the founding approval's document number
congress_type          大会类型      members_meeting (会员大会) or representative_congress (会员代表大会)
representatives        代表人数      a representative congress's representatives (R-REP-BANDS)
committee              委员          the committee's members, separated by 、 , ; or spaces
committee_size         委员人数      how many sit on the committee (R-COMMITTEE-SIZE; 1: a single
                                     chair, R-FORM-25)
vice_chairs            副主席        the vice-chairs, separated like the committee
chair_elected_by       主席产生方式  congress (直选, by the congress directly) or committee (委员会选举)
chair_full_time        主席专职      the chair's post is full-time (R-FULLTIME): 是/否
last_congress_on       最近一次大会  the last congress, yearly or electoral (R-ANNUAL)
extension_deadline     延期至        an approved extension in force: its new deadline (R-EXTENSION)
extension_document_no  延期批复文号  the extension's approval document number
legal_person_no        法人登记证号  the legal-person registration's number
legal_person_on        法人登记日期  the legal-person registration's date
=====================  ============  ==============================================================

Dates are YYYY-MM-DD (also 2019/3/1, 2019.3.1, 2019年3月1日, or a date cell). Tree rows (national,
province, city, county, township) have no unit and no term. Grassroots-level rows (grassroots,
federation, joint) need the six unit columns, because the workflow requires a grassroots-level
body's unit facts (R-FORM-25); their term is optional (a union not founded yet has none), but
``term_start`` and ``term_years`` go together, and every column after them describes the union in
its current term, so it needs the term. Every column after ``chair`` is optional: what a row leaves
empty stays unknown (never the term's start as the founding date or the last congress; see
`workflow.imported` and api/README.md, "Imported unions").

How it is checked
-----------------
Every row is checked before anything is written, and every bad row is reported with its line, the
column and the reason (the rule ID where a rule is the reason): the row's own fields (a pydantic
model), then the rows together (duplicate ids, parents in the file or the database, which level may
sit below which: R-APPROVER as `workflow.organisations.PARENT_LEVELS` says, cycles), then the
workflow itself decides every command without writing (`WorkflowService.execute_many(dry_run=True)`:
the administrator's authority over each row's place, R-FORM-25, R-TERM, dates, a term already
there, and each of the registry's facts under the same guards as the workflow's own steps:
R-CONGRESS-TYPE, R-REP-BANDS, R-COMMITTEE-SIZE, R-ELECTED, R-EXTENSION, DATE-ORDER, the refusal
naming the column). A row whose parent is invalid is reported as skipped, with that reason.

How it is written
-----------------
Each row becomes a `RegisterOrganisation` command, and its term an `ImportExistingTerm` command,
decided once by the workflow during the check (the dry run keeps what each would append); the
write appends those decisions through the store's batched append (`EventStore.append_many`: the
one write path, hash chains and all), with the read models (and the alerts: the imported
deadlines) updated in bulk in the same transactions (read-your-writes). Rows are written parents
first, then in tree order (whatever the file's order), in batches of whole rows, a few thousand
events per commit instead of one: a batch's unions are neighbours, so their rows in the read
models, which are kept by the union's path, change a few neighbouring pages. The decisions
stand while the database is as the check saw it: a row's stream written since fails its append
(expected version), and a stream the decisions read (a parent in the database, its ancestors)
is compared with the version read before each batch; either way the rest of the rows are decided
again as they are written, as `execute_many` decides any batch, and a refusal stops the write
("the database changed since the check").

Atomicity: resumable, not one transaction. A failure while writing leaves the batches committed
before it (each complete: a union and its term are always in the same batch) and is reported with
the rows written so far; running the same import again resumes, because a row already in the
database with the same facts (and the same term) is recognised and skipped, while one with
different facts is refused (ORG-EXISTS). Why not one transaction: every append holds the log's lock
(events/store.py) until commit, so a 100,000-row import in one transaction would stop every other
command for its whole duration (on SQLite they give up after 30 s with "store busy"), and its events
and read-model rows would all be held at once. Every event of one import carries the same
correlation id (``import-`` and the start of the file's SHA-256), so an auditor finds them together.

The modules
-----------
``columns`` (the columns, their Chinese headers and values, the help), ``reading`` (the CSV and
.xlsx readers), ``rows`` (a row's fields and its own checks), ``commands`` (the commands a row
becomes, built once from its validated fields), ``checking`` (``plan_import``: the rows together and
the workflow's dry run), ``writing`` (``write_import``: the batches), ``plan`` (what the check
produces and the write reports), ``collector`` (the garbage collector during both phases).
"""

from api.importer.checking import default_actor_org, plan_import
from api.importer.columns import COLUMN_TABLE, COLUMNS, HEADERS, columns_help
from api.importer.plan import ImportInterrupted, ImportPlan, ImportReport
from api.importer.reading import ImportFileError
from api.importer.rows import ImportRow, RowIssue
from api.importer.writing import DEFAULT_BATCH_ROWS, write_import

__all__ = [
    "COLUMNS",
    "COLUMN_TABLE",
    "DEFAULT_BATCH_ROWS",
    "HEADERS",
    "ImportFileError",
    "ImportInterrupted",
    "ImportPlan",
    "ImportReport",
    "ImportRow",
    "RowIssue",
    "columns_help",
    "default_actor_org",
    "plan_import",
    "write_import",
]
