"""Writing a file whole: the one way every part of skillspas writes its files (and makes a private folder).

Usage::

    from skillspas.schemas.files import private_folder, write_atomic
    write_atomic(out / "manifest.json", data)                      # 0600, replaces what was there
    write_atomic(folder / "bundle.json", data, mode=0o644)          # what others may read
    write_atomic(path, key_file, durable=True, overwrite=False)     # a key file: never replaced, survives power loss
    private_folder(pdf.parent)                                      # it and every folder made above it: 0700

The data goes to a temp file in the same folder, which then replaces the file by a rename: a reader, or a
process killed midway, finds the old file or the new one, never half of one. It replaces a regular file (or a
link to one) only: given a folder, a device such as ``/dev/full`` or a pipe, it refuses and leaves it as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from skillspas.schemas.errors import NOT_A_REGULAR_FILE

__all__ = ["private_folder", "write_atomic"]


def private_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` and each missing folder above it for the owner only (0700), for personal data and keys:
    ``Path.mkdir(parents=True, mode=0o700)`` gives only the last one that mode, the ones above it the umask's (often
    0755). An existing folder keeps its mode; something else in the way raises ``OSError`` as ``mkdir`` does."""
    target = Path(folder)
    missing = []
    current = target
    while not current.is_dir() and current.parent != current:  # a link to a folder is a folder
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            if not path.is_dir():  # a file in the way; a folder another process made just now is fine
                raise
    return target


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o600, durable: bool = False,
                 overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` whole (see the module). ``mode``: the file's permissions (0600: personal data and
    keys, the default); ``durable``: also fsync the file and its folder (survives power loss, costs
    milliseconds); ``overwrite=False``: ``FileExistsError`` when ``path`` exists. Any ``OSError`` names ``path``
    (what a person asked for), never the temp file."""
    target = Path(path)
    try:
        _write(target, data, mode, durable, overwrite)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(target)) from exc
    return target


def _write(path: Path, data: bytes, mode: int, durable: bool, overwrite: bool) -> None:
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, str(path))
    # The temp file is named after the process (one process writes one file at a time), written with os calls:
    # measured 59 -> 42 us a file against ``tempfile.mkstemp`` and a file object (a batch writes thousands).
    # Taken (another thread, or a killed process's leftover): mkstemp's random name.
    tmp = f"{path.parent}{os.sep}.{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        import tempfile  # seldom: imported when needed (every command's start-up is measured)

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    renamed = False
    try:
        try:
            if mode != 0o600:  # os.open's mode is cut by the umask; fchmod sets it exactly
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:  # a write may take part of the data (a full disk: the next one raises)
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, path)
            renamed = True
        else:
            os.link(tmp, path)  # fails if ``path`` exists: never a silent replace
    finally:
        if not renamed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    if durable:
        with contextlib.suppress(OSError):
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
