"""Create or upgrade the schema with Alembic: explicitly (`unionflow db upgrade`, or `serve` on an
empty database), never at import time.

Each layer that owns tables ships its own Alembic version directory as a branch (`events` here;
read models add theirs), and `upgrade` takes every branch to its head."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import Revision
from sqlalchemy.engine import Engine

_extra_version_locations: list[str] = []


def add_version_location(package_dir: str) -> None:
    """Let another layer (e.g. projections) add its migrations branch, as a filesystem path."""
    if package_dir not in _extra_version_locations:
        _extra_version_locations.append(package_dir)


def _config() -> Config:
    cfg = Config()
    here = resources.files("events") / "migrations"
    cfg.set_main_option("script_location", str(here))
    locations = [str(here / "versions"), *_extra_version_locations]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    return cfg


def upgrade(engine: Engine) -> list[str]:
    """Upgrade every branch to its head; returns the revisions now current."""
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    return applied_revisions(engine)


def applied_revisions(engine: Engine) -> list[str]:
    """Every applied revision as ``branch@revision``, dependencies included: Alembic stores only the
    tips, so a branch that depends on another's revision hides it from `current_revisions`."""
    current = current_revisions(engine)
    if not current:
        return []
    script = ScriptDirectory.from_config(_config())
    out = []
    for rev in script.revision_map.iterate_revisions(tuple(current), "base"):
        # The branch label sits on a branch's first revision; later ones inherit it.
        labelled: Revision | None = rev
        while labelled is not None and not labelled.branch_labels:
            down = labelled.down_revision
            labelled = script.get_revision(down) if isinstance(down, str) else None
        branch = min(labelled.branch_labels) if labelled is not None else None
        out.append(f"{branch}@{rev.revision}" if branch else rev.revision)
    return sorted(out)


def current_revisions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(MigrationContext.configure(conn).get_current_heads())


def pending(engine: Engine) -> bool:
    """True when some migration of some branch has not been applied (e.g. an empty database).

    Alembic records only the tips: a branch that `depends_on` another's revision is stored in its
    place, so "applied" means every revision is the current one or below it, dependencies
    included."""
    script = ScriptDirectory.from_config(_config())
    current = current_revisions(engine)
    applied = (
        {rev.revision for rev in script.revision_map.iterate_revisions(tuple(current), "base")} if current else set()
    )
    return any(rev.revision not in applied for rev in script.walk_revisions())
