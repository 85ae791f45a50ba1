"""Writing a file whole: the one way every part of skillspas writes its files (and makes and locks a folder).

Usage::

    from skillspas.schemas.files import folder_lock, private_folder, write_atomic
    write_atomic(out / "manifest.json", data)                      # 0600, replaces what was there
    write_atomic(folder / "bundle.json", data, mode=0o644)          # what others may read
    write_atomic(path, key_file, durable=True, overwrite=False)     # a key file: never replaced, survives power loss
    private_folder(pdf.parent)                                      # it and every folder made above it: 0700
    with folder_lock(out, name=".skillspas-batch.lock"):             # one run at a time writes into out
        ...

The data goes to a temp file in the same folder, which then replaces the file by a rename: a reader, or a
process killed midway, finds the old file or the new one, never half of one. Where the file system can (Linux:
``O_TMPFILE``), a new file is first written as a file without a name and then given its name (``linkat``): a
process killed midway leaves nothing behind at all, and a new file costs one change of the folder instead of
two (a name made, then renamed), which two processes writing one folder (a batch's workers) wait for each other
to make. Measured with ``benchmarks/files.py`` (ext4, 10,000 files of 5.4 KB, three rounds of one run): two
processes 0.52-0.66 -> 0.41-0.51 s, one process 0.71-0.89 -> 0.70-0.74 s (plain files: 0.24-0.26 and 0.31-0.41 s).

It replaces a regular file (or a link to one) only: given a folder, a device such as ``/dev/full`` or a pipe, it
refuses and leaves it as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from skillspas.schemas.errors import NOT_A_REGULAR_FILE

try:
    import fcntl as _imported_fcntl
except ImportError:  # Windows: no flock; folder_lock then locks nothing
    _fcntl: ModuleType | None = None
else:
    _fcntl = _imported_fcntl

__all__ = ["folder_lock", "private_folder", "sync_folder", "write_atomic"]


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


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Sync ``folder`` to the disk: the names of the files made in it survive power loss (``write_atomic``'s
    ``durable``; a file appended to, once it is made). A file system that cannot sync a folder is left as it is."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_held: dict[tuple[int, int, int], int] = {}
"""The locks ``folder_lock`` holds, by (thread, device, inode) of the lock file: their file descriptors."""


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str], *, name: str) -> Iterator[Path]:
    """Hold an exclusive lock on the existing ``folder`` while the block runs, so that one process at a time writes
    into it: ``fcntl.flock`` (exclusive, never waiting) on the file ``name`` in it (made 0600 and kept: it is empty and
    harmless). A second process (or thread) that asks while it is held gets ``BlockingIOError`` (``EWOULDBLOCK``)
    naming ``folder``, before it does anything; the caller words the refusal. Yields the lock file's path.

    The lock belongs to the process that holds the file open, and the system lets it go when that process ends,
    however it ends (also killed with SIGKILL): a killed run never leaves a stale lock. A child forked while it is
    held (a batch's worker) closes its copy at once, so a worker that outlives its killed parent keeps no lock. The
    thread that holds it may ask again (``issue_rows`` inside the ``batch`` command that took it): the inner block
    runs under the outer's lock. Without ``fcntl`` (Windows) the block runs without a lock."""
    path = Path(folder) / name
    if _fcntl is None:
        yield path
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, str(path))
        key = (threading.get_ident(), status.st_dev, status.st_ino)
        if key in _held:  # this thread holds it already: one run
            os.close(fd)
            fd = -1
            yield path
            return
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BlockingIOError(exc.errno, exc.strerror, str(folder)) from None
        _held[key] = fd
        try:
            yield path
        finally:
            if _held.pop(key, None) is None:  # a forked child leaving the block: _forget_locks closed its copy
                fd = -1
    finally:
        if fd >= 0:
            os.close(fd)  # lets the lock go (a forked child closed its copy: _forget_locks)


def _forget_locks() -> None:
    """In a forked child: close the parent's lock files, whose locks stay the parent's (their last copy closes them)."""
    for fd in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks)


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
    if not _written_unnamed(path, data, mode, durable, overwrite):
        _write_named(path, data, mode, durable, overwrite)


_TMPFILE: int | None = getattr(os, "O_TMPFILE", None)
"""Linux's flag for a file without a name (None elsewhere, or after ``/proc`` was found missing)."""


def _written_unnamed(path: Path, data: bytes, mode: int, durable: bool, overwrite: bool) -> bool:
    """Write a new file as one without a name, then name it; False (nothing written) where that cannot be done:
    no ``O_TMPFILE`` on this file system, no ``/proc``, or a file to replace (a link cannot replace one)."""
    global _TMPFILE
    if _TMPFILE is None:
        return False
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fd = os.open(".", _TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600, dir_fd=folder)
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):  # this file system (or kernel) cannot
                return False
            raise
        try:
            _fill(fd, data, mode, durable)
            # linkat(AT_SYMLINK_FOLLOW) names the open file; it fails if the name exists: never a silent replace
            os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder, follow_symlinks=True)
        except FileExistsError:
            if not overwrite:
                raise
            return False  # replacing a file: by a rename (below)
        except FileNotFoundError:
            if os.path.isdir("/proc/self/fd"):
                raise
            _TMPFILE = None  # no /proc (a container without it): named temp files from now on
            return False
        finally:
            os.close(fd)
        if durable:
            with contextlib.suppress(OSError):  # a file system that cannot sync a folder (as below)
                os.fsync(folder)
    finally:
        os.close(folder)
    return True


def _fill(fd: int, data: bytes, mode: int, durable: bool) -> None:
    """Set a new file's mode and write ``data`` into it whole (and to the disk: ``durable``)."""
    if mode != 0o600:  # os.open's mode is cut by the umask; fchmod sets it exactly
        os.fchmod(fd, mode)
    view = memoryview(data)
    while view:  # a write may take part of the data (a full disk: the next one raises)
        view = view[os.write(fd, view):]
    if durable:
        os.fsync(fd)


def _write_named(path: Path, data: bytes, mode: int, durable: bool, overwrite: bool) -> None:
    """Write a temp file beside ``path``, then rename it to ``path`` (link it: ``overwrite=False``)."""
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
            _fill(fd, data, mode, durable)
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
        sync_folder(path.parent)
