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


def _stalled_request(app, path: str) -> tuple[list[dict], float]:
    """Send ``app`` the start of a JSON body and then nothing; what it answered, and after how long."""
    import anyio

    sent: list[dict] = []
    calls = 0

    async def receive() -> dict:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b'{"verifiableCredential": {', "more_body": True}
        await anyio.sleep(30)  # a client that stalls: never reached past the deadline
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"content-length", b"100000")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}

    async def main() -> float:
        start = anyio.current_time()
        with anyio.fail_after(5):
            await app(scope, receive, send)
        return anyio.current_time() - start

    return sent, anyio.run(main)


import pytest  # noqa: E402


@pytest.mark.parametrize("path", ["/credentials/verify", "/verifier/api/verify"], ids=["API route", "verifier page"])
def test_a_client_that_stalls_while_sending_its_body_gets_408_request_timeout(tmp_path, path):
    import json
    import warnings

    from skillspas.issuer.service.app import create_app
    from skillspas.issuer.settings import Settings

    settings = Settings(data_dir=tmp_path, body_read_timeout=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(settings)
    sent, took = _stalled_request(app, path)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 408
    body = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    assert body["code"] == "request_timeout" and body["messageNl"]
    assert took < 3
