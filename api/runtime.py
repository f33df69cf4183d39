"""Wiring: one engine, one event store with the event catalogue, the rule profiles and the
workflow service. The composition root shared by the HTTP app and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from api import register_migrations
from api.accounts import AccountStore
from api.settings import Settings, database_url
from api.throttle import Throttle
from api.tokens import TokenStore
from events import EventRegistry, EventStore, make_engine
from events import migrate as migrations
from events.catalogue import CATALOGUE
from projections import Projections, queries
from projections import register_migrations as register_projection_migrations
from workflow.profile import ProfileRegistry, load_profile
from workflow.service import Clock, WorkflowService
from workflow.state import ProfileAssignment


def build_registry() -> EventRegistry:
    registry = EventRegistry()
    registry.include(CATALOGUE)
    return registry


def build_profiles(directory: str | Path | None = None) -> ProfileRegistry:
    """The national default, plus every `*.json` profile in the profiles directory (a setting:
    $UNIONFLOW_PROFILES_DIR), each a local profile such as Beijing's, with its name and version."""
    profiles = ProfileRegistry.with_defaults()
    directory = directory or Settings().profiles_dir
    if directory:
        for path in sorted(Path(directory).glob("*.json")):
            profiles.register(load_profile(path))
    return profiles


class RegionsFromRegister:
    """The workflow's `RegionLookup` over the register: the profile assigned nearest above an
    organisation in one statement, rather than a fold of each ancestor's stream. The
    register is kept in each command's own transaction (read-your-writes), so an assignment is
    seen by the next opening."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def profile_assignment(self, org_id: str) -> ProfileAssignment | None:
        found = queries.profile_assignment(self.engine, org_id)
        return ProfileAssignment(found.org_id, found.name, found.version) if found is not None else None


def zone_clock(zone: ZoneInfo) -> Clock:
    """Today in the deployment's time zone: the business day of a union office in Beijing, whatever
    the time zone of the server's clock (UTC, often) says."""
    return lambda: dt.datetime.now(zone).date()


@dataclass
class Runtime:
    engine: Engine
    store: EventStore
    service: WorkflowService
    tokens: TokenStore
    accounts: AccountStore
    throttle: Throttle
    zone: ZoneInfo = field(default_factory=lambda: Settings().zone)  # the pages show times in it

    @classmethod
    def open(cls, url: str | None = None, *, clock: Clock | None = None) -> Runtime:
        settings = Settings()
        zone = settings.zone
        url = database_url(url)
        pool = (
            {}
            if url.startswith("sqlite")
            else {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size}
        )
        engine = make_engine(url, **pool)
        store = EventStore(engine, build_registry())
        # Read-your-writes: the read models are updated inside each command's own transaction.
        read_models = Projections(engine)
        tokens = TokenStore(engine, cache_seconds=settings.token_cache_seconds)
        return cls(
            engine=engine,
            store=store,
            service=WorkflowService(
                store,
                build_profiles(),
                clock=clock or zone_clock(zone),
                listener=read_models.listener,
                regions=RegionsFromRegister(engine),
            ),
            tokens=tokens,
            accounts=AccountStore(engine, tokens),
            throttle=Throttle(engine),
            zone=zone,
        )

    def upgrade(self) -> list[str]:
        """Every branch to its head: the event store's, the read models' and the api's (tokens,
        accounts, sessions)."""
        register_migrations()
        register_projection_migrations()
        return migrations.upgrade(self.engine)

    def pending(self) -> bool:
        """True when some migration of some layer (events, projections, api) is not applied."""
        register_migrations()
        register_projection_migrations()
        return migrations.pending(self.engine)

    def readiness_problem(self) -> str | None:
        try:
            if self.pending():
                return "the database schema is not current: run `unionflow db upgrade`"
        except Exception as exc:
            return f"the database is not reachable: {exc.__class__.__name__}"
        return None
