"""How fast does ``skillspas verify`` start? Cold wall time of the installed command on an 8-skill
credential, next to ``python -c pass``, ``python -c "import skillspas.issuer.cli"`` and the whole command
(every sub-command's imports: what ``verify`` used to load) in the same run, and the packages the verify loads
(from ``-X importtime``). The machine's load average is printed with it: other work on the cores inflates
every row alike, so compare the rows, and the best (minimum) over the runs; the CPU time (user + sys) of
the best run is printed too (less sensitive to load), and each row's ratio to ``python -c pass``.
"Cold" is a new process, with the bytecode written (as an installed wheel has it: the commands run
without ``PYTHONDONTWRITEBYTECODE``, after one warm-up run) and the compiled contexts stored in the cache
folder by that first run; "nothing stored" runs each time with an empty cache folder (pyld then processes
the contexts, as every verify did before they were stored).

Run: ``.venv/bin/python benchmarks/cli.py [runs]`` (default 7 runs each; the median and best are printed).
Target (issue 18): ``skillspas verify`` of an 8-skill credential <= 0.2 s wall, cold, on an idle machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credentials import ob3_credential  # noqa: E402
from skillspas.issuer.sign import sign  # noqa: E402
from skillspas.keys import LocalSigner, generate  # noqa: E402

SKILLSPAS = Path(sys.executable).with_name("skillspas")
WATCHED = ("fastapi", "sqlalchemy", "uvicorn", "fpdf", "PIL", "zxingcpp", "segno", "rich", "pydantic", "pyld",
           "requests", "urllib3", "jsonschema", "referencing", "cryptography", "typer")


def _wall(command: list[str], runs: int, env: dict[str, str], fresh_cache: bool = False) -> tuple[float, float, float]:
    """Median and best wall time, and the CPU time of the best run (after one warm-up run)."""
    subprocess.run(command, capture_output=True, check=False, env=env)
    times = []
    for _ in range(runs):
        if fresh_cache:
            shutil.rmtree(env["SKILLSPAS_CACHE_DIR"], ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime))
    best = min(times)
    return statistics.median(t for t, _ in times), best[0], best[1]


def _imports(command: list[str]) -> dict[str, float]:
    """Cumulative import ms of the watched top-level packages in one cold run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run([sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=False, env=env)
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        name = name.strip()
        if name in WATCHED:
            found[name] = max(found.get(name, 0.0), int(cumulative) / 1000)
    return found


def main(runs: int = 7) -> None:
    """Print the table."""
    signer = LocalSigner(generate("ed25519"))
    folder = Path(tempfile.mkdtemp(prefix="skillspas-cli-bench-"))
    credential = folder / "diploma-8.json"
    credential.write_text(json.dumps(sign(ob3_credential(8, signer.controller), signer)), "utf-8")
    verify = [str(SKILLSPAS), "verify", str(credential), "--trust-issuer", signer.controller]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SKILLSPAS_CACHE_DIR"] = os.environ.get("SKILLSPAS_CACHE_DIR") or str(folder / "cache")
    empty = {**env, "SKILLSPAS_CACHE_DIR": str(folder / "empty-cache")}
    rows = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
        ("import skillspas.issuer.cli", [sys.executable, "-c", "import skillspas.issuer.cli"]),
        ("whole command (every import)", [sys.executable, "-c", "from skillspas.issuer.cli import app"]),
        ("skillspas verify (8 skills)", verify),
        ("  the same, nothing stored", verify),
        ("skillspas vocab search koken", [str(SKILLSPAS), "vocab", "search", "koken"]),
    ]
    print("load average (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(f"{'command':32} {'median s':>9} {'best s':>8} {'x pass':>7} {'cpu s':>7} {'x pass':>7}")
    baseline = (0.0, 0.0)
    for name, command in rows:
        fresh = "nothing stored" in name
        median, best, cpu = _wall(command, runs, empty if fresh else env, fresh_cache=fresh)
        baseline = baseline if baseline[0] else (best, cpu)
        print(f"{name:32} {median:9.3f} {best:8.3f} {best / baseline[0]:7.1f} {cpu:7.3f} {cpu / baseline[1]:7.1f}")
    entry = ["-c", "import sys; from skillspas.issuer.cli import main; sys.argv[0] = 'skillspas'; main()",
             "verify", str(credential), "--trust-issuer", signer.controller]
    os.environ["SKILLSPAS_CACHE_DIR"] = env["SKILLSPAS_CACHE_DIR"]  # the contexts stored above
    loaded = _imports(entry)
    print("verify imports (cumulative ms, one cold run): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in sorted(loaded.items(), key=lambda item: -item[1])))
    print("not loaded: " + ", ".join(name for name in WATCHED if name not in loaded))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
