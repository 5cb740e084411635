"""`bosonline serve | worker | migrate | createadmin | demo | rotate-keys`."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import secrets
import signal
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from bosonline.config import Settings

if TYPE_CHECKING:
    from bosonline.db import Database

app = typer.Typer(
    help="bosonline: back end for Indonesian online sellers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def _exit_with(message: str, cause: BaseException) -> NoReturn:
    err_console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1) from cause


def _migrate(settings: Settings, *, only_if_behind: bool = False) -> str | None:
    """Applies pending migrations; `only_if_behind`: when the database is at the latest revision already, as read
    without Alembic (`schema_revision`), nothing more is done, and Alembic is not even imported (`serve`'s start)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bosonline.db import Database
    from bosonline.schema_revision import RevisionsUnclear, current_revision, head_revision

    async def run() -> str | None:
        db = Database.connect(settings.effective_database_url)
        try:
            if only_if_behind:
                try:
                    current = await current_revision(db)
                    if current == head_revision():
                        return current
                except RevisionsUnclear:
                    pass  # Alembic decides
            from bosonline.migrate import upgrade

            await upgrade(db)
            return await current_revision(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except (OSError, SQLAlchemyError) as exc:  # unreachable server, bad credentials, unwritable SQLite file
        url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
        _exit_with(f"cannot migrate the database {url}: {exc}", exc)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(min=1, max=65535, envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="HTTP worker processes (use PostgreSQL for >1).")] = 1,
    migrate: Annotated[bool, typer.Option(help="Apply pending migrations before serving.")] = True,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-For from FORWARDED_ALLOW_IPS (behind a load balancer).")
    ] = True,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run the background worker (follow-up sends, webhook deliveries) inside each server process. Default: on, unless "
            "BOSONLINE_RUN_WORKER=0. Use --no-worker when separate `bosonline worker` processes do the work.",
        ),
    ] = None,
) -> None:
    """Serve the API (docs at /docs), after applying pending migrations."""
    import uvicorn

    if worker is not None:  # the app factory reads it from the environment, in every server process
        os.environ["BOSONLINE_RUN_WORKER"] = "1" if worker else "0"
    settings = Settings()
    if workers > 1 and settings.effective_database_url.startswith("sqlite"):
        raise typer.BadParameter("several workers need PostgreSQL (BOSONLINE_DATABASE_URL)", param_hint="--workers")
    settings.effective_secret_key  # noqa: B018 - generate it once, before several workers race for it

    def checks() -> None:
        if migrate:
            # The collector off meanwhile: what this makes (SQLAlchemy's modules, mostly) lives as long as the
            # process, a collection would only walk it (bosonline.asgi builds the app the same way).
            gc.disable()
            try:
                revision = _migrate(settings, only_if_behind=True)
            finally:
                gc.enable()
            console.print(f"[green]database at revision {revision}[/green]")
        from bosonline.serve_checks import check_and_announce  # lazy: with several workers, after they started

        check_and_announce(settings, host=host, port=port, workers=workers)

    from bosonline.serving import serving

    # JSON logs for uvicorn too, the metrics directory of several workers, the checks (with several workers, while
    # they import the app).
    with serving(settings, workers=workers, checks=checks) as logging_options:
        uvicorn.run(
            "bosonline.asgi:create_app",  # the app imported and built with the garbage collector off
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=proxy_headers,
            access_log=False,  # our middleware logs each request with its request id
            **logging_options,
        )


class _SchemaNotReady(Exception):
    pass


def _require_database_file(url: str, create_with: str) -> None:
    """SQLite: the database file must exist already (`create_with`: the commands that create it)."""
    from sqlalchemy.engine import make_url

    from bosonline.db import is_sqlite

    if is_sqlite(url) and not Path(make_url(url).database or "").exists():
        raise _SchemaNotReady(f"the database does not exist yet: run {create_with} first")


async def _require_latest_revision(db: Database) -> None:
    from bosonline.schema_revision import current_revision, head_revision

    current, head = await current_revision(db), head_revision()
    if current != head:
        raise _SchemaNotReady(
            f"the database is at revision {current or 'none'}, not {head}: run `bosonline migrate` first"
        )


def _run_on_schema(settings: Settings, doing: str, work: Coroutine[Any, Any, T]) -> T:
    """Runs `work`; a schema not ready (_SchemaNotReady) or an unreachable database ends the command (exit 1)
    with `cannot <doing>: …`."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return asyncio.run(work)
    except _SchemaNotReady as exc:
        _exit_with(f"cannot {doing}: {exc}", exc)
    except (OSError, SQLAlchemyError) as exc:
        url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
        _exit_with(f"cannot {doing}: database {url} unreachable: {exc}", exc)


async def _work(settings: Settings, *, once: bool) -> int:
    from bosonline.logging import configure_logging
    from bosonline.wiring import AppWorker, build_runtime

    _require_database_file(settings.effective_database_url, "`bosonline migrate` (or `bosonline serve`)")
    configure_logging(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    try:
        await _require_latest_revision(runtime.db)
        async with AppWorker(runtime) as background:
            if once:
                await background.sweep()
                return await background.run_once()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            console.print(
                f"worker running (polling every {settings.worker_poll_seconds:g} s); stop with Ctrl+C or SIGTERM"
            )
            await background.run(stop)
            console.print("worker stopped")
            return 0
    finally:
        await runtime.db.dispose()


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one cycle of every job, then exit (cron, checks).")] = False,
) -> None:
    """Run the background worker (follow-up sends, webhook deliveries) until SIGINT/SIGTERM, finishing the cycle in progress.

    Does not migrate: the schema must be at the latest revision (`bosonline migrate`). On PostgreSQL run as many as
    needed, next to `bosonline serve --no-worker`; on SQLite exactly one worker runs (serve's embedded one, or this).
    """
    settings = Settings()
    handled = _run_on_schema(settings, "start the worker", _work(settings, once=once))
    if once:
        console.print(f"worker cycle done: {handled} handled")


async def _rotate_keys(settings: Settings, batch_size: int) -> tuple[int, list[tuple[int, int]]]:
    """Re-seal every wa_integrations.credentials with the first encryption key, `batch_size` rows per transaction
    (locked while re-sealed: an edit through the API waits). Returns (re-sealed, unreadable (id, store id))."""
    from sqlalchemy import bindparam, select, update

    from bosonline.db import Database
    from bosonline.kit.crypto import SecretBox
    from bosonline.models import WaIntegration

    url = settings.effective_database_url
    _require_database_file(url, "`bosonline migrate`")
    box = SecretBox(settings.effective_encryption_keys)
    table = WaIntegration.__table__
    reseal = update(table).where(table.c.id == bindparam("_id")).values(credentials=bindparam("_new"))
    db = Database.connect(url, pool_size=1)
    resealed, unreadable = 0, []
    try:
        await _require_latest_revision(db)
        last_id = 0
        while True:
            async with db.session() as session:
                batch = (
                    await session.execute(
                        select(table.c.id, table.c.store_id, table.c.credentials)
                        .where(table.c.id > last_id)
                        .order_by(table.c.id)
                        .limit(batch_size)
                        .with_for_update()
                    )
                ).all()
                if not batch:
                    break
                last_id = batch[-1].id
                params = []
                for row in batch:
                    try:
                        params.append({"_id": row.id, "_new": box.rotate(row.credentials)})
                    except ValueError:
                        unreadable.append((row.id, row.store_id))
                if params:
                    await session.execute(reseal, params)
                await session.commit()
                resealed += len(params)
    finally:
        await db.dispose()
    return resealed, unreadable


@app.command("rotate-keys")
def rotate_keys(
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows re-sealed per transaction.")] = 500,
) -> None:
    """Re-encrypt every WhatsApp integration's stored credentials with the first encryption key.

    Key rotation: put the new key first in BOSONLINE_ENCRYPTION_KEYS and keep the old ones after it (the first
    encrypts, all decrypt), restart, run this, then the old keys can be removed. Rows that no configured key can
    decrypt are reported and left as they are (their credentials must be entered again). Safe to run again and
    while the server runs.
    """
    settings = Settings()
    resealed, unreadable = _run_on_schema(settings, "rotate keys", _rotate_keys(settings, batch_size))
    for integration_id, store_id in unreadable:
        err_console.print(
            f"WhatsApp integration {integration_id} (store {store_id}): no configured key can decrypt its "
            "credentials; left as it is (enter them again with Edit WhatsApp Integration)",
            style="yellow",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        f"re-sealed {resealed} WhatsApp integration credentials with the first key; {len(unreadable)} unreadable",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


async def _read_revision(settings: Settings) -> str | None:
    """The database's revision, None when it was never migrated (an SQLite file that does not exist is not
    created)."""
    from sqlalchemy.engine import make_url

    from bosonline.db import Database, is_sqlite
    from bosonline.migrate import current_revision

    url = settings.effective_database_url
    if is_sqlite(url) and not Path(make_url(url).database or "").exists():
        return None
    db = Database.connect(url, pool_size=1)
    try:
        return await current_revision(db)
    finally:
        await db.dispose()


def _print_revisions(current: str | None, *, show_current: bool, show_history: bool) -> None:
    from bosonline.migrate import head_revision, history

    head = head_revision()
    try:
        revisions = history(current)
    except KeyError:
        _exit_with(
            f"the database is at revision {current}, which this release does not know (its latest is {head}): "
            "it was migrated by a newer bosonline",
            LookupError(current),
        )
    if show_current:
        pending = sum(not revision.applied for revision in revisions)
        if not pending:
            console.print(f"database at revision {current} (head)", markup=False, highlight=False)
        else:
            console.print(
                f"database at revision {current or 'none (not migrated)'}; head is {head}: {pending} pending "
                f"migration{'s' if pending > 1 else ''} (`bosonline migrate` applies them)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    if show_history:
        for revision in revisions:
            state = "applied" if revision.applied else "pending"
            head_mark = "  (head)" if revision.head else ""
            console.print(
                f"{revision.id}  {revision.created:<10}  {state}  {revision.description}{head_mark}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )


@app.command()
def migrate(
    current: Annotated[
        bool,
        typer.Option("--current", help="Print the database's revision and whether it is the latest; apply nothing."),
    ] = False,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="List every migration (revision, date, description, applied or pending); apply nothing."
        ),
    ] = False,
) -> None:
    """Apply pending database migrations (SQLite or PostgreSQL), or with --current/--history only report them."""
    settings = Settings()
    if current or history:
        revision = _run_on_schema(settings, "read the database's revision", _read_revision(settings))
        _print_revisions(revision, show_current=current, show_history=history)
        return
    revision = _migrate(settings)
    console.print(f"[green]database at revision {revision}[/green]")


@app.command()
def createadmin(
    email: Annotated[str, typer.Option(help="Email of the platform admin.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.", prompt=True, hide_input=True)],
    name: Annotated[str, typer.Option(help="Display name.")] = "Platform Admin",
) -> None:
    """Create a platform admin, or promote the existing account with this email."""
    from bosonline.admin_bootstrap import create_platform_admin

    settings = Settings()
    _migrate(settings)
    try:
        created = asyncio.run(create_platform_admin(settings, email=email, password=password, name=name))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"[green]{'created' if created else 'promoted'} platform admin {email.lower()}[/green]")


@app.command()
def backup(
    destination: Annotated[
        Path, typer.Argument(file_okay=False, help="Directory that receives a new bosonline-<UTC time> folder.")
    ],
) -> None:
    """Copy an SQLite deployment safely, while it runs: the database (SQLite's online backup, integrity-checked)
    and the secret and encryption key files. PostgreSQL: use pg_dump (README, Backups and keys)."""
    import sqlite3
    from datetime import UTC, datetime

    from bosonline.backup import BackupRefused, backup_sqlite

    try:
        made = backup_sqlite(Settings(), destination, datetime.now(UTC))
    except (BackupRefused, OSError, sqlite3.Error) as exc:
        _exit_with(f"cannot back up: {exc}", exc)
    console.print(
        f"backed up {', '.join(made.files)} into {made.directory}", markup=False, highlight=False, soft_wrap=True
    )
    for variable in made.keys_in_environment:
        console.print(
            f"{variable} is set in the environment: keep a copy of it with the deployment's configuration, "
            "the backup cannot be used without it",
            style="yellow",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _browsable_origin(settings: Settings, host: str, port: int) -> str:
    """Where a browser on this machine reaches `serve --host host --port port` (or the configured public origin)."""
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    if host in ("", "0.0.0.0", "::"):  # every interface: this machine's own name for it
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@app.command()
def demo(
    host: Annotated[
        str, typer.Option(envvar="HOST", help="Host `serve` listens on (for the printed URLs).")
    ] = "0.0.0.0",
    port: Annotated[
        int, typer.Option(min=1, max=65535, envvar="PORT", help="Port `serve` listens on (for the printed URLs).")
    ] = 8000,
) -> None:
    """Create a demo store to click through (products and stock, a bank account, a checkout form, follow-up
    templates, orders in several states) and print its URLs and logins. Once per database."""
    from bosonline.demo import CS_EMAIL, OWNER_EMAIL, DemoExists, create_demo

    settings = Settings()
    _migrate(settings)
    password = secrets.token_urlsafe(9)
    try:
        made = asyncio.run(create_demo(settings, password=password))
    except DemoExists as exc:
        _exit_with(
            f"the demo store already exists in this database ({OWNER_EMAIL}): log in with the password printed when "
            "it was created, or set BOSONLINE_DATA_DIR to an empty directory for a new one",
            exc,
        )
    except RuntimeError as exc:
        _exit_with(f"cannot create the demo store: {exc}", exc)
    origin = _browsable_origin(settings, host, port)
    login = json.dumps({"email": OWNER_EMAIL, "password": password})

    def url(path: str) -> str:
        return path if path.startswith(("http://", "https://")) else origin + path

    lines = [
        f"Demo store ready: {made.store_name} (id {made.store_id})",
        f"  buyer page   {url(made.buyer_page)}",
        f"  API docs     {origin}/docs",
        f"  owner login  {OWNER_EMAIL} / {password}",
        f"  CS login     {CS_EMAIL} / {password}",
        "  orders",
        *(f"    {o.number}  {o.status:<9}  {o.payment:<13}  {url(o.page)}" for o in made.orders),
        f"Serve it with `bosonline serve --host {host} --port {port}`, then log in:",
        f"curl -s -X POST {origin}/auth/login -H 'content-type: application/json' -d '{login}'",
    ]
    for line in lines:  # soft_wrap: one line each, so that a URL or the curl can be copied whatever the width
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def main() -> None:
    app()
