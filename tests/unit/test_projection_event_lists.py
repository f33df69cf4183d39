"""An event type added to the catalogue is unknown to every projection until one says what it does
with it: the projections stop on it with UnknownEvent rather than skip it (see projections.base).
That every type of today's catalogue is handled or ignored by every projection is checked in
tests/integration/projections/test_runner.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Adds an event type to the catalogue before the projections are imported, then lists the
# projections that claim to know it.
_NEW_EVENT_TYPE = """
import json
import events.catalogue as catalogue
from events import DomainEvent, EventRegistry

class BrandNewHappened(DomainEvent):
    event_type = "BrandNewHappened"
    note: str

registry = EventRegistry()
registry.include(catalogue.CATALOGUE)
registry.register(BrandNewHappened)
catalogue.CATALOGUE = registry

from projections.checkpoints import CLASSES
from projections.tree import Tree

print(json.dumps(sorted(name for name, cls in CLASSES.items() if "BrandNewHappened" in cls(Tree()).known())))
"""


def test_a_new_event_type_is_unknown_to_every_projection() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _NEW_EVENT_TYPE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout) == []
