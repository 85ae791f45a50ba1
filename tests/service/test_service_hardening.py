"""The service's own files and connections: the SQLite database is private whatever the umask or folder,
and a client that stalls while sending its body is answered 408 and let go."""

from __future__ import annotations

import os
import stat

from skillspas.issuer.store import open_store


def test_the_sqlite_database_and_its_wal_files_are_private_in_a_folder_that_existed_before(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    old_umask = os.umask(0o022)
    try:
        store = open_store(f"sqlite:///{folder / 'skillspas.db'}")
        with store.transaction() as session:
            session.execute(__import__("sqlalchemy").text("SELECT 1"))
        files = sorted(folder.glob("skillspas.db*"))
        assert {f.name for f in files} >= {"skillspas.db", "skillspas.db-wal", "skillspas.db-shm"}
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, (file.name, oct(file.stat().st_mode))
        store.dispose()
    finally:
        os.umask(old_umask)


def test_an_existing_world_readable_database_is_made_private_when_opened(tmp_path):
    database = tmp_path / "skillspas.db"
    open_store(f"sqlite:///{database}").dispose()
    database.chmod(0o644)
    open_store(f"sqlite:///{database}").dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
