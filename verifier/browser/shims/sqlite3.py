"""Browser build only: Pyodide's npm package has no sqlite3. skillspas's vocabulary index imports it; on
the verify path (an SP2 QR code) the index is not opened: the build ships the QR dictionary's entries."""


class Error(Exception):
    """Never raised by a query here: every connection is refused."""


class Connection:
    """Named in annotations only."""


def connect(*_args, **_kwargs):
    """Refuse: the browser build holds no vocabulary index (an OSError, as a missing index file is)."""
    raise OSError("sqlite3 is not available in the browser build")
