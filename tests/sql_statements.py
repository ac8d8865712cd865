"""Test helper: count the SQL statements SQLAlchemy sends to SQLite (bulk-write tests)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements() -> Iterator[Counter[str]]:
    """SQL statements sent to SQLite meanwhile, by their first word."""
    seen: Counter[str] = Counter()

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen[statement.split(None, 1)[0].upper()] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)
