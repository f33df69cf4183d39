"""The api layer's Alembic branch (label ``api``): its own tables, beside the event store's."""
