"""Bringing an existing registry of unions in from CSV (`unionflow import`).

The file
--------
UTF-8 (a byte-order mark is allowed), comma-separated, with a header row naming the columns; a
column may be left out of the header when no row uses it, and a column the importer does not know
is refused. One organisation per row:

==================  =========================================================================
column              meaning
==================  =========================================================================
org_id              the organisation's id (letters, digits, ``.``, ``_``, ``-``; unique)
name                its name
level               national, province, city, county, township, grassroots, federation, joint
parent_id           its direct higher-level union: in the database or anywhere in the file
                    (rows may come in any order); empty only for the root (national)
unit_name           the employing unit (grassroots, federation, joint only)
unit_type           enterprise, public_institution, government, social_organisation, other
employees           employees of the unit (integer >= 0)
members             union members (<= employees)
female_members      female members (<= members)
has_party_org       true/false (also 1/0, yes/no, 是/否): the unit has a Party organisation
term_start          the current term's start (the congress date), YYYY-MM-DD, not in the future
term_years          its length in years: one the rule profile allows (R-TERM; 3 or 5 nationally)
chair               the chair elected for that term (optional)
==================  =========================================================================

Tree rows (national, province, city, county, township) have no unit and no term. Grassroots-level
rows (grassroots, federation, joint) need the six unit columns, because the workflow requires a
grassroots-level body's unit facts (R-FORM-25); their term is optional (a union not founded yet has
none), but ``term_start`` and ``term_years`` go together.

How it is checked
-----------------
Every row is checked before anything is written, and every bad row is reported with its line, the
column and the reason (the rule ID where a rule is the reason): the row's own fields (a pydantic
model), then the rows together (duplicate ids, parents in the file or the database, which level may
sit below which: R-APPROVER as `workflow.organisations.PARENT_LEVELS` says, cycles), then the
workflow itself decides every command without writing (`WorkflowService.execute_many(dry_run=True)`:
the administrator's authority over each row's place, R-FORM-25, R-TERM, dates, a term already
there). A row whose parent is invalid is reported as skipped, with that reason.

How it is written
-----------------
Each row becomes a `RegisterOrganisation` command, and its term an `ImportExistingTerm` command,
through the workflow, so the read models (and the alerts: the imported deadlines) are updated in the
same transactions (read-your-writes). Rows are written parents first, in batches of whole rows,
each batch one transaction decided against in-memory state (`execute_many`): a few thousand events
per commit instead of one.

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
``rows`` (the columns, a row's fields and its own checks), ``checking`` (``plan_import``: the rows
together and the workflow's dry run), ``writing`` (``write_import``: the batches), ``plan`` (what the
check produces and the write reports).
"""

from api.importer.checking import default_actor_org, plan_import
from api.importer.plan import ImportInterrupted, ImportPlan, ImportReport
from api.importer.rows import COLUMNS, ImportFileError, ImportRow, RowIssue
from api.importer.writing import DEFAULT_BATCH_ROWS, write_import

__all__ = [
    "COLUMNS",
    "DEFAULT_BATCH_ROWS",
    "ImportFileError",
    "ImportInterrupted",
    "ImportPlan",
    "ImportReport",
    "ImportRow",
    "RowIssue",
    "default_actor_org",
    "plan_import",
    "write_import",
]
