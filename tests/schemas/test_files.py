"""One way to write a file (``schemas.files.write_atomic``): whole or not at all, and never over a device,
folder or pipe; one way to lock a folder (``folder_lock``)."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from skillspas.schemas import files
from skillspas.schemas.files import write_atomic


@pytest.fixture(autouse=True, params=["unnamed first", "named temp file"])
def way(request, monkeypatch):
    """Every rule holds both where a new file is written without a name first (Linux) and where not."""
    if request.param == "named temp file":
        monkeypatch.setattr(files, "_TMPFILE", None)
    return request.param


def test_a_file_is_written_whole_for_its_owner_only_by_default(tmp_path):
    path = write_atomic(tmp_path / "a.json", b"{}")
    assert path.read_bytes() == b"{}" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temp file left


def test_a_mode_is_set_exactly_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        path = write_atomic(tmp_path / "bundle.json", b"{}", mode=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_an_existing_file_is_replaced_and_a_link_to_one_replaced_as_a_link(tmp_path):
    (tmp_path / "target").write_bytes(b"old")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    write_atomic(tmp_path / "link", b"new")
    assert (tmp_path / "link").read_bytes() == b"new" and not (tmp_path / "link").is_symlink()
    assert (tmp_path / "target").read_bytes() == b"old"  # never written through the link


@pytest.mark.parametrize("kind", ["folder", "pipe", "link to a pipe"])
def test_what_is_not_a_regular_file_is_never_replaced(tmp_path, kind):
    path = tmp_path / "out"
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(tmp_path / "fifo")
        path = tmp_path / "fifo" if kind == "pipe" else path
        if kind == "link to a pipe":
            path.symlink_to(tmp_path / "fifo")
    with pytest.raises(OSError) as caught:
        write_atomic(path, b"data")
    assert caught.value.filename == str(path)
    assert path.is_dir() if kind == "folder" else stat.S_ISFIFO(path.stat().st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_without_overwrite_an_existing_file_is_kept(tmp_path):
    (tmp_path / "key.json").write_bytes(b"old key")
    with pytest.raises(FileExistsError):
        write_atomic(tmp_path / "key.json", b"new key", durable=True, overwrite=False)
    assert (tmp_path / "key.json").read_bytes() == b"old key"
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]


def test_an_error_names_the_file_asked_for_not_its_temp_file(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        write_atomic(tmp_path / "missing-folder" / "manifest.json", b"{}")
    assert caught.value.filename == str(tmp_path / "missing-folder" / "manifest.json")


def test_a_temp_file_left_by_a_killed_process_does_not_stop_the_next_write(tmp_path):
    (tmp_path / f".a.json.{os.getpid()}.tmp").write_bytes(b"half")
    write_atomic(tmp_path / "a.json", b"whole")
    assert (tmp_path / "a.json").read_bytes() == b"whole"


def test_a_new_file_has_no_name_in_its_folder_until_it_is_whole(tmp_path, monkeypatch, way):
    seen: list[list[str]] = []
    fill = files._fill

    def watched(fd, data, mode, durable):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        fill(fd, data, mode, durable)
    monkeypatch.setattr(files, "_fill", watched)
    write_atomic(tmp_path / "diploma.json", b"{}", durable=True)
    assert (tmp_path / "diploma.json").read_bytes() == b"{}"
    if way == "unnamed first":  # a process killed while writing leaves nothing behind, not even a temp file
        assert seen == [[]]
    else:
        assert len(seen) == 1 and seen[0][0].startswith(".diploma.json.") and seen[0][0].endswith(".tmp")


def test_without_proc_a_new_file_is_written_by_a_named_temp_file_from_then_on(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "_TMPFILE", os.O_TMPFILE)  # Linux, with or without the fixture's choice
    link = os.link

    def no_proc(source, *args, **kwargs):
        if str(source).startswith("/proc/"):
            raise FileNotFoundError(2, "No such file or directory", source)
        return link(source, *args, **kwargs)
    monkeypatch.setattr(os, "link", no_proc)
    monkeypatch.setattr(os.path, "isdir", lambda path: False)
    write_atomic(tmp_path / "a.json", b"whole")
    assert (tmp_path / "a.json").read_bytes() == b"whole" and files._TMPFILE is None
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_private_folder_and_every_folder_made_above_it_are_the_owners_only_whatever_the_umask(tmp_path):
    """``Path.mkdir(parents=True, mode=0o700)`` gives the folders above the last one the umask's mode (0755)."""
    from skillspas.schemas.files import private_folder

    (tmp_path / "kept").mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        made = private_folder(tmp_path / "kept" / "a" / "b" / "c")
        again = private_folder(made)  # there already: nothing to do
    finally:
        os.umask(old)
    assert made == again and made.is_dir()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (made, made.parent, made.parent.parent)}
    assert modes == {"c": 0o700, "b": 0o700, "a": 0o700}
    assert stat.S_IMODE((tmp_path / "kept").stat().st_mode) == 0o755  # an existing folder keeps its mode


def test_a_private_folder_is_refused_where_a_file_is_in_the_way(tmp_path):
    from skillspas.schemas.files import private_folder

    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OSError):
        private_folder(tmp_path / "file" / "sub")
    with pytest.raises(FileExistsError):
        private_folder(tmp_path / "file")


def _entered_from_another_thread(folder) -> str:
    """``entered`` when another thread takes ``folder``'s lock ``.lock``, else the folder its refusal names."""
    from skillspas.schemas.files import folder_lock

    said: list[str] = []

    def take() -> None:
        try:
            with folder_lock(folder, name=".lock"):
                said.append("entered")
        except BlockingIOError as exc:
            said.append(exc.filename)

    thread = threading.Thread(target=take)
    thread.start()
    thread.join(timeout=30)
    return said[0]


def test_a_folder_lock_refuses_everyone_else_and_lets_the_thread_that_holds_it_enter_again(tmp_path):
    """The ``batch`` command holds its --out, and ``issue_rows`` inside it enters again: one run. Another process
    is refused as another thread is (a lock file opened anew): tests/service/test_service_batch*.py."""
    from skillspas.schemas.files import folder_lock

    with folder_lock(tmp_path, name=".lock") as path:
        with folder_lock(tmp_path, name=".lock"):
            assert _entered_from_another_thread(tmp_path) == str(tmp_path)
        assert _entered_from_another_thread(tmp_path) == str(tmp_path)  # still held: the outer block runs
    assert _entered_from_another_thread(tmp_path) == "entered"
    assert path == tmp_path / ".lock" and stat.S_IMODE(path.stat().st_mode) == 0o600  # kept: harmless


def test_a_folder_lock_whose_file_is_a_link_is_refused_not_followed(tmp_path):
    from skillspas.schemas.files import folder_lock

    (tmp_path / ".lock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError), folder_lock(tmp_path, name=".lock"):
        pass
    assert not (tmp_path / "elsewhere").exists()


def test_a_folder_lock_without_fcntl_as_on_windows_locks_nothing(tmp_path, monkeypatch):
    from skillspas.schemas.files import folder_lock

    monkeypatch.setattr(files, "_fcntl", None)
    with folder_lock(tmp_path, name=".lock"):
        assert _entered_from_another_thread(tmp_path) == "entered"
