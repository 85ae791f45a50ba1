"""Open the issuer database: SQLite (WAL, ``BEGIN IMMEDIATE``) or PostgreSQL (psycopg 3; asyncpg on the
service's event loop: ``Store.on_loop``), migrated.

Usage::

    store = open_store("sqlite:////var/lib/skillspas/skillspas.db")   # applies alembic migrations
    with store.transaction() as session:
        session.add(...)

Migrations ship as package data (``store/migrations``) and are applied at startup, under a lock,
so two processes starting at once do not both migrate.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import re
import select
import sqlite3
import stat
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.util import await_, greenlet_spawn

from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.files import private_folder

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["Store", "open_store", "MIGRATIONS"]

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 0x736B696C  # "skil": one advisory lock id for schema migrations
_HELD: contextvars.ContextVar[tuple[Store, Connection] | None] = contextvars.ContextVar("skillspas_store_held", default=None)
"""The connection ``Store.checkout`` holds in this thread (or task), and its store."""
_T = TypeVar("_T")


class Store:
    """An engine and its session factory; ``transaction()`` commits or rolls back as a unit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._compiled: dict[tuple[str, ClauseElement | str], tuple[str, tuple[str, ...]]] = {}
        self._loop_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = (
            weakref.WeakKeyDictionary())

    @property
    def is_postgres(self) -> bool:
        """True on PostgreSQL (row locks with ``SELECT ... FOR UPDATE`` take effect)."""
        return self.engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any exception (on the
        connection ``checkout`` holds, if any)."""
        held = _HELD.get()
        if held is not None and held[0] is self:
            with Session(bind=held[1], expire_on_commit=False) as session, session.begin():
                yield session
            return
        with self.sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def checkout(self) -> Iterator[None]:
        """Every ``transaction`` in this block (in this thread) uses one pooled connection: one checkout
        and one liveness ping for a request's several short transactions, not one each."""
        held = _HELD.get()
        if held is not None and held[0] is self:
            yield
            return
        with self.engine.connect() as connection:
            token = _HELD.set((self, connection))
            try:
                yield
            finally:
                _HELD.reset(token)

    async def on_loop(self, function: Callable[..., _T], *args: Any) -> _T:
        """``function(*args)`` as in ``checkout`` (its ``transaction``s and ``one_statement``s on one pooled
        connection), run on this event loop with the database I/O awaited: PostgreSQL only (``is_postgres``).

        Why: the service's hot path in a worker thread spent a quarter of its CPU handing the GIL between
        that thread and the event loop (perf: futex waits and wake-ups; issue 18). Here the same code runs
        in a greenlet on the loop (SQLAlchemy's asyncio bridge, asyncpg): while one request waits for PostgreSQL
        the loop serves the others, and no thread is involved. asyncpg, not psycopg's async connection: a
        ``one_statement`` costs this process 50-80 us of CPU through it against 145-200 through psycopg's
        (measured, issue 18); the threads keep psycopg."""
        loop = asyncio.get_running_loop()
        engine = self._loop_engines.get(loop)
        if engine is None:
            from sqlalchemy.ext.asyncio import create_async_engine

            engine = self._loop_engines[loop] = create_async_engine(
                self.engine.url.set(drivername="postgresql+asyncpg"), echo=self.engine.echo,
                connect_args={"prepared_statement_cache_size": 0}, **_POSTGRES_OPTIONS)
            event.listen(engine.sync_engine, "checkout", _ping_asyncpg)
            event.listen(engine.sync_engine, "handle_error", _on_error)
        return await greenlet_spawn(self._holding, engine.sync_engine, function, args)

    def _holding(self, engine: Engine, function: Callable[..., _T], args: tuple[Any, ...]) -> _T:
        """``on_loop``'s greenlet: the checkout (and its ping), ``function`` and the return to the pool in one,
        not AsyncEngine's connect, ``run_sync`` and close in three (~100 us of CPU a request: issue 18). asyncpg's
        own socket errors at connecting (a server that is down) pass SQLAlchemy unwrapped: ``database_unavailable``."""
        try:
            connection = engine.connect()
        except OSError as exc:
            raise _unavailable(exc, engine.url) from exc
        with connection:
            token = _HELD.set((self, connection))
            try:
                return function(*args)
            finally:
                _HELD.reset(token)

    def one_statement(self, statement: ClauseElement | str, params: dict[str, Any]) -> list[tuple[Any, ...]] | None:
        """Run one statement as a transaction of its own on the PostgreSQL connection ``checkout`` holds,
        through its driver directly (psycopg's, or on ``on_loop``'s connection asyncpg's): no BEGIN and COMMIT
        round trips, no SQLAlchemy execution machinery (the service's hot path; a statement, Core or text with
        ``%(name)s`` parameters, is compiled once per driver). Its rows (tuples); None when nothing was run: on
        SQLite, outside ``checkout`` or inside a ``transaction`` (take the general path)."""
        held = _HELD.get()
        if held is None or held[0] is not self or not self.is_postgres or held[1].in_transaction():
            return None
        dialect = held[1].dialect
        compiled = self._compiled.get((dialect.driver, statement))
        if compiled is None:
            compiled = self._compiled[(dialect.driver, statement)] = _compile(statement, dialect)
        if dialect.driver == "asyncpg":
            return self._asyncpg_statement(held[1], compiled[0], [params[name] for name in compiled[1]])
        driver: Any = held[1].connection.dbapi_connection
        driver.autocommit = True  # a local switch: the connection is idle (the ping leaves no transaction)
        try:
            with driver.cursor() as cursor:  # plain tuples: psycopg's named tuples cost more than the statement
                cursor.execute(compiled[0], params)
                return cursor.fetchall() if cursor.description is not None else []
        except Exception as exc:
            if driver.broken or driver.closed:
                held[1].invalidate()  # not back into the pool
            if _lost(exc):
                raise _unavailable(exc, self.engine.url) from exc
            raise
        finally:
            if not (driver.broken or driver.closed):
                driver.autocommit = False

    @staticmethod
    def _asyncpg_statement(connection: Connection, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        """``one_statement`` on asyncpg's connection itself (SQLAlchemy's adapter, idle, has no transaction
        open: asyncpg runs the statement in autocommit); any error but PostgreSQL's refusal of the statement
        (a lost connection, a cancelled wait) invalidates the connection, never back into the pool."""
        driver: Any = connection.connection.driver_connection
        try:
            return [tuple(row) for row in await_(driver.fetch(sql, *args))]
        except Exception as exc:
            from asyncpg import PostgresError

            if not isinstance(exc, PostgresError) or driver.is_closed():
                connection.invalidate()
            if _lost(exc):
                raise _unavailable(exc, connection.engine.url) from exc
            raise
        except BaseException:  # a cancelled request (asyncio.CancelledError): its reply may still be on the way
            connection.invalidate()
            raise

    def dispose(self) -> None:
        """Close every pooled connection (``on_loop``'s: ``dispose_loop`` on their loop)."""
        self.engine.dispose()

    async def dispose_loop(self) -> None:
        """Close the pooled connections ``on_loop`` opened on this event loop (the service's shutdown)."""
        engine = self._loop_engines.pop(asyncio.get_running_loop(), None)
        if engine is not None:
            await engine.dispose()


def _sqlite_engine(url: str, echo: bool) -> Engine:
    """SQLite with WAL, foreign keys and immediate write transactions (no SQLITE_BUSY upgrades). A database file
    opens read-write only, never created by a connection (``open_store`` made it): one that is gone is
    ``database_unavailable``, not a new empty database; and a pooled connection whose file is no longer at its path
    (its folder removed or moved) is replaced at checkout, as PostgreSQL's dead connections are (``_same_file``):
    SQLite in WAL mode goes on reading and writing a removed file, and what it wrote would be lost."""
    database = make_url(url).database
    file = None
    if database and database != ":memory:" and not database.startswith("file:"):
        file = Path(database).expanduser().resolve()
        _private_file(file)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 60, "check_same_thread": False})
    event.listen(engine, "handle_error", _on_error)

    @event.listens_for(engine, "do_connect")
    def _read_write(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if file is not None:
            cargs[0], cparams["uri"] = file.as_uri() + "?mode=rw", True

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # pysqlite's own BEGIN handling is turned off so that every transaction is BEGIN IMMEDIATE
        # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()
        if file is not None:
            record.info["file"] = _identity(file)

    @event.listens_for(engine, "checkout")
    def _same_file(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if file is not None and record.info.get("file") != _identity(file):
            raise DisconnectionError("the database file is no longer at its path")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _identity(file: Path) -> tuple[int, int] | None:
    """The file at ``file`` (device and inode), None when there is none: one ``stat``, about a microsecond."""
    try:
        found = file.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _private_file(database: Path) -> None:
    """Create the database file 0600 (whatever the umask or the folder's mode), or make an existing
    one of ours 0600; SQLite gives its -wal and -shm files the database file's mode."""
    private_folder(database.parent)
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    for file in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):  # not ours to change: leave it
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(0o600)


def _engine(url: str, echo: bool) -> Engine:
    """Build the engine for ``url``; ``postgresql://`` means psycopg 3; ``invalid_option`` (nl/en) for another
    database, or for a URL SQLAlchemy cannot read or has no driver for (its own words are English only)."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, echo)
        if parsed.get_backend_name() == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, echo=echo, connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
                                   **_POSTGRES_OPTIONS)
            event.listen(engine, "checkout", _ping)
            event.listen(engine, "handle_error", _on_error)
            return engine
    except (ArgumentError, ValueError):  # e.g. sqlite://file.db, a port that is no number, an unknown +driver
        given = shown(_PASSWORD.sub(r"\1***@", url), 60, quoted=True)
        raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is not a database URL "
                              "(sqlite:///FILE or postgresql://USER@HOST/DB)",
                              nl=f"{given} is geen database-URL (sqlite:///BESTAND of "
                              "postgresql://GEBRUIKER@HOST/DB)") from None
    backend = shown(parsed.get_backend_name(), 40, quoted=True)
    raise localized_error(ErrorCode.INVALID_OPTION, en=f"unsupported database {backend}: use sqlite or postgresql",
                          nl=f"database {backend} wordt niet ondersteund: gebruik sqlite of postgresql")


_PASSWORD: Final = re.compile(r"(://[^/@:]*:)[^/]*@")
"""A URL's password (``://user:PASSWORD@``), never shown."""


_POSTGRES_OPTIONS: dict[str, Any] = {"pool_size": 10, "max_overflow": 20}
"""The pool options of both engines on PostgreSQL (the threads' and ``Store.on_loop``'s). The threads' engine
plans every statement anew (``plan_cache_mode=force_custom_plan``): psycopg prepares a statement run five times,
and PostgreSQL's cached generic plan for a batch's ``IN (...)`` of 500 keys, made while the table was nearly
empty, scanned the whole table per chunk (a 10,000-row re-run: 6.2 s; with custom plans 0.9 s). ``on_loop``'s
keeps PostgreSQL's plan cache for ``one_statement`` (asyncpg's own statement cache): planning its reservation
and completion anew on every run cost the database 0.3-0.4 ms of CPU per credential (issue 18); those
statements find their rows through unique keys only, so a generic plan made on a nearly empty table stays
right. SQLAlchemy's statements there (the rare transactional fallbacks) are prepared afresh each time
(``prepared_statement_cache_size=0``): PostgreSQL plans a statement's first runs for their values."""


def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``pool_pre_ping`` that leaves no transaction open (psycopg would BEGIN before its SELECT 1, and
    ``Store.one_statement`` needs an idle connection), asked only of a connection with something to read:
    an idle connection has nothing to read unless the server closed it or said something (a terminated
    backend, a restart), so a poll of its socket (no round trip) finds those, and they get one autocommit
    round trip; a dead connection is replaced (the pool retries on ``DisconnectionError``). Why: a round trip
    on every checkout was one of five per issued credential (issue 18)."""
    try:
        if not _has_input(record.driver_connection.fileno()):
            return
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SELECT 1")
        finally:
            dbapi_connection.autocommit = False
    except Exception as exc:
        raise DisconnectionError(str(exc)) from exc


def _ping_asyncpg(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``_ping`` for ``Store.on_loop``'s asyncpg connections. asyncpg reads its socket on the event loop as data
    arrives, so a connection the server closed while it was idle is mostly known closed already (no round trip);
    what arrived since the loop last ran is still on the socket: then one round trip (``;``), outside any
    transaction, finds whether the connection still works. A dead one is replaced (``DisconnectionError``)."""
    driver = record.driver_connection
    try:
        if driver.is_closed():
            raise DisconnectionError("the connection was closed")
        transport = getattr(driver, "_transport", None)  # asyncpg keeps its transport private: else a round trip
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is None or _has_input(sock.fileno()):
            await_(driver.execute(";"))
    except DisconnectionError:
        raise
    except Exception as exc:
        raise DisconnectionError(str(exc)) from exc


_PARAMETER = re.compile(r"%%|%\((\w+)\)s")


def _compile(statement: ClauseElement | str, dialect: Any) -> tuple[str, tuple[str, ...]]:
    """``statement`` as SQL text for ``dialect``'s driver and its parameters' names in the order the driver
    takes them: psycopg takes ``%(name)s`` and a dict (no names); asyncpg ``$1``, ``$2`` and a list (a name used
    twice is one ``$n``)."""
    if not isinstance(statement, str):
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        return str(compiled), tuple(compiled.positiontup or ())
    if dialect.driver != "asyncpg":
        return statement, ()
    names: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return "%"
        return f"${names.setdefault(match.group(1), len(names) + 1)}"

    return _PARAMETER.sub(number, statement), tuple(names)


def _has_input(fd: int) -> bool:
    """Whether ``fd`` has something to read (or was closed by its peer) now, without waiting. ``poll``, not
    ``select``: a busy service's sockets are numbered above 1023, which ``select`` refuses."""
    if not hasattr(select, "poll"):  # Windows: its select takes any socket
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def migrate(engine: Engine) -> None:
    """Apply every alembic migration up to head, under a lock."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str, *, echo: bool = False, upgrade: bool = True) -> Store:
    """Open (and by default migrate) the database at ``url``; ``database_unavailable`` when it cannot be reached."""
    engine = _engine(url, echo)
    try:
        if upgrade:
            migrate(engine)
        else:
            engine.connect().close()
    except OperationalError as exc:
        engine.dispose()
        raise _unavailable(exc, engine.url) from None
    except SkillspasError:
        engine.dispose()
        raise
    return Store(engine)


_SQLSTATE_LOST: Final = frozenset({"08", "53", "57", "58"})
"""PostgreSQL's SQLSTATE classes of a server that cannot serve now: connection exception, insufficient resources,
operator intervention (a shutdown, a restart, a cancelled statement), system error."""
_SQLITE_LOST: Final = frozenset({"PERM", "BUSY", "LOCKED", "READONLY", "IOERR", "CORRUPT", "FULL", "CANTOPEN", "NOLFS",
                                 "NOTADB"})
"""SQLite's primary result codes (``SQLITE_IOERR_SHORT_READ`` is ``IOERR``) of a database file it cannot use now; not
``SQLITE_ERROR`` (a statement SQLite refuses: a bug, as ``no such table`` would be)."""


def _lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or used now (a server down or restarting, a lost
    connection, a database file that is gone), rather than that it refused a statement: SQLAlchemy's error by the
    driver's, a socket's error, a SQLite result code, a PostgreSQL SQLSTATE class; else (a driver's error before any
    server answered) PEP 249's ``OperationalError`` or ``InterfaceError``."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or (exc.orig is not None and _lost(exc.orig))
    if isinstance(exc, (OSError, DisconnectionError)):
        return True
    if isinstance(exc, sqlite3.Error):  # its OperationalError is also a statement's error
        return (exc.sqlite_errorname or "").partition("_")[2].partition("_")[0] in _SQLITE_LOST
    state = getattr(exc, "sqlstate", None)
    if isinstance(state, str) and state:
        return state[:2] in _SQLSTATE_LOST
    return any(kind.__name__ in ("OperationalError", "InterfaceError") for kind in type(exc).__mro__)


def _on_error(context: ExceptionContext) -> None:
    """SQLAlchemy's ``handle_error``: a database that cannot be reached or used now raises ``database_unavailable``
    (the connection is not put back into the pool, unless SQLite is only busy), wherever the statement or the
    connect was; a statement's own error stays as it is."""
    if context.is_pre_ping or not _lost(context.original_exception):
        return
    if not _busy(context.original_exception):
        context.is_disconnect = True
    raise _unavailable(context.original_exception, context.engine.url if context.engine is not None else None)


def _busy(exc: BaseException) -> bool:
    """SQLite's busy or locked: another writer held the database for longer than the busy timeout."""
    return isinstance(exc, sqlite3.Error) and (exc.sqlite_errorname or "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _unavailable(exc: BaseException, url: URL | None = None) -> Exception:
    """``database_unavailable`` with the driver's first line (it names host and port, never the URL's password; a
    password it would repeat is masked all the same)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    line = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    if url is not None and url.password:
        line = line.replace(str(url.password), "***")
    reason = shown(line, 200)
    if isinstance(cause, sqlite3.Error):  # a file, not a server: busy, or not usable as a database (damaged, other)
        if _busy(cause):
            return localized_error(ErrorCode.DATABASE_UNAVAILABLE,
                                   en=f"the database is busy ({reason}): another skillspas process is writing to it; try "
                                      "again when it has finished",
                                   nl=f"de database is bezet ({reason}): een ander skillspas-proces schrijft erin; "
                                      "probeer het opnieuw als dat klaar is")
        where = shown(str(url.database), 200) if url is not None and url.database else "the database file"
        return localized_error(ErrorCode.DATABASE_UNAVAILABLE,
                               en=f"{where} cannot be used as the database ({reason}); check --database-url "
                                  "(SKILLSPAS_DATABASE_URL) or --data-dir, and if the file is damaged, put back a backup",
                               nl=f"{where} is niet te gebruiken als database ({reason}); controleer --database-url "
                                  "(SKILLSPAS_DATABASE_URL) of --data-dir, en zet een reservekopie terug als het bestand "
                                  "beschadigd is")
    return localized_error(ErrorCode.DATABASE_UNAVAILABLE,
                           en=f"the database cannot be reached ({reason}); check --database-url (SKILLSPAS_DATABASE_URL) "
                              "and that the database server runs",
                           nl=f"de database is niet bereikbaar ({reason}); controleer --database-url "
                              "(SKILLSPAS_DATABASE_URL) en of de databaseserver draait")
