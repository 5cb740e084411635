"""hot_sql.PooledRead (a read request's caller and store context on PostgreSQL, without a session): whatever the
statement ends with, its connection goes back to the pool, and one whose state is unknown is not reused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from bosonline.hot_sql import Hot
from bosonline.principals import principal_in_store_pooled
from bosonline.runtime import Runtime
from tests.core.test_db_pool import Seen


async def test_a_connection_in_an_unknown_state_is_given_back_and_not_reused(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    if rt.db.engine.dialect.name != "postgresql":
        pytest.skip("PooledRead serves PostgreSQL only (SQLite reads through the ORM)")
    seen = Seen()
    pool = rt.db.engine.sync_engine.pool
    for name in ("checkout", "checkin", "connect", "close"):
        event.listen(pool, name, getattr(seen, name))
    assert await principal_in_store_pooled(rt.db.engine, 1, "no-such-session", None) == []
    assert seen.in_use == 0

    for failure in (OSError("connection reset by peer"), RuntimeError("not the driver's")):

        async def broken(*_: Any, failure: Exception = failure) -> Any:
            raise failure

        connects = seen.connects
        monkeypatch.setattr(Hot, "_send", staticmethod(broken))
        with pytest.raises(type(failure)):
            await principal_in_store_pooled(rt.db.engine, 1, "no-such-session", None)
        assert seen.in_use == 0, failure  # given back, not left checked out
        monkeypatch.undo()
        assert await principal_in_store_pooled(rt.db.engine, 1, "no-such-session", None) == []
        assert seen.connects == connects + 1, failure  # the connection of unknown state was not reused
