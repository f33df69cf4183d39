"""A served app's start-up objects are moved out of the garbage collector's sight (`api.main.settled`),
so that a full collection in a serving process does not walk them while requests wait."""

from __future__ import annotations

import gc

from fastapi import FastAPI

from api.main import settled


def test_what_a_served_process_built_before_serving_is_no_longer_walked_by_the_collector() -> None:
    built_at_start = [{"route": "/unions/{id}"}]  # a container, so the collector tracks it
    assert any(o is built_at_start for o in gc.get_objects())
    app = FastAPI()
    try:
        assert settled(app) is app
        assert gc.get_freeze_count() > 0
        assert not any(o is built_at_start for o in gc.get_objects())
        made_later = [{"request": 1}]  # what requests make afterwards is collected as before
        assert any(o is made_later for o in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(o is built_at_start for o in gc.get_objects())
