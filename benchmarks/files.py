"""How fast does ``write_atomic`` write a batch's files? New files written whole, unnamed first (``O_TMPFILE`` +
``linkat``, the default on Linux) against the named temp file + rename it uses elsewhere (the way every file was
written before), with plain ``open``/``write``/``close`` as the file system's floor -- all in the same run, in one
process and in two processes writing one folder (a batch's two workers).

    .venv/bin/python benchmarks/files.py [--files 10000] [--size 5400] [--dir /tmp] [--rounds 2]

The rounds alternate the ways, so each sees the same state of the disk. On this project's machines the root file
system is ext4 without a journal, whose inode allocator skips inodes deleted in the last minutes one by one
(see ``benchmarks/batch.py``): every way is slower after many deletions (a test run's, this script's own), which the
plain files show. Not a test: prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from skillspas.schemas import files
from skillspas.schemas.files import write_atomic

WAYS = ("plain", "named temp file", "unnamed first")


def _write(way: str, folder: str, numbers: range, size: int) -> float:
    """Seconds to write ``numbers`` files of ``size`` bytes into ``folder`` the way ``way`` says."""
    data = b"x" * size
    files._TMPFILE = None if way == "named temp file" else getattr(os, "O_TMPFILE", None)  # this process only
    start = time.perf_counter()
    if way == "plain":
        for number in numbers:
            handle = os.open(f"{folder}/{number:06d}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(handle, data)
            os.close(handle)
    else:
        for number in numbers:
            write_atomic(Path(folder) / f"{number:06d}.json", data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=5_400, help="bytes a file (an 8-skill diploma: about 5,400)")
    parser.add_argument("--dir", default=None, help="where the folders are made (default: the temp folder)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="skillspas-files-", dir=args.dir))
    print(f"{args.files} files of {args.size} bytes in {root}; load average {os.getloadavg()[0]:.2f}")
    try:
        with ProcessPoolExecutor(2) as pool:
            for round_ in range(1, args.rounds + 1):
                for way in WAYS:
                    one = root / f"{round_}-{way}-1"
                    one.mkdir()
                    alone = pool.submit(_write, way, str(one), range(args.files), args.size).result()
                    two = root / f"{round_}-{way}-2"
                    two.mkdir()
                    start = time.perf_counter()
                    halves = [pool.submit(_write, way, str(two), range(k, args.files, 2), args.size) for k in (0, 1)]
                    for half in halves:
                        half.result()
                    both = time.perf_counter() - start
                    print(f"  round {round_}  {way:16s} 1 process {alone:5.2f} s   2 processes, one folder {both:5.2f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
