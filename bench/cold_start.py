"""Cold start of `bosonline serve`: from spawning the process to its first 200, this code against a baseline.

    .venv/bin/python bench/cold_start.py [--baseline main] [--runs 5] [--database-url postgresql+asyncpg://...]
                                         [--no-bytecode]

For each case (SQLite with one worker; with --database-url also PostgreSQL with one and two workers) it spawns
`bosonline serve` `--runs` times per version, alternating baseline and this code so that both see the same load,
and times three answers on a fresh process:
- `/health`: polled from the spawn until it answers 200 (the server listens);
- `/public/regions?q=…`: asked right after, a route that needs the region index;
- `/public/regions/{code}` on another spawn (a look-up), polled from the spawn like /health.
It prints the median of each, the ratio this/baseline, and PASS/FAIL against the 2 s goal of issue 15.

Each version runs as its `bosonline` command (a script importing its `[project.scripts]` entry point, as pip writes
it: the worker processes of `--workers 2` run it again). Both versions run from copies exported into a temporary
directory (the baseline from `git archive`, this code from
the working tree), against a database migrated beforehand, so no spawn applies migrations. Both copies are compiled
to bytecode first, as `make run` (`make bytecode`) and `pip install` in a deployment do; `--no-bytecode` leaves
them as they are, so that with PYTHONDONTWRITEBYTECODE=1 (as on this project's machines) every spawn compiles the
package's modules again (~0.3 s). Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 2.0
SEARCH = "/public/regions?q=sleman"
LOOKUP = "/public/regions/34.04.01"
SPAWN_TIMEOUT = 90.0


@dataclass(frozen=True)
class Case:
    name: str
    database_url: str | None
    workers: int


@dataclass(frozen=True)
class Version:
    src: Path  # on PYTHONPATH
    script: Path  # the `bosonline` command, as pip writes it for this version's entry point


def export(ref: str | None, into: Path, *, bytecode: bool) -> Version:
    """The package's source at `ref` (None: the working tree) under `into`/src, and its `bosonline` command."""
    src = into / "src"
    if ref is None:
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    else:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "src", "pyproject.toml"], check=True, capture_output=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(into, filter="data")
    if bytecode:
        compileall.compile_dir(src, quiet=1)
    return Version(src, console_script(into))


def console_script(into: Path) -> Path:
    """`bosonline` as pip writes the console script of `[project.scripts]`: a file that imports the entry point.
    A file, not `python -c`: `serve --workers N` spawns its workers with multiprocessing, which runs the parent's
    script again in each of them (and so imports what it imports)."""
    entry = tomllib.loads((into / "pyproject.toml").read_text())["project"]["scripts"]["bosonline"]
    module, function = entry.split(":")
    script = into / "bin" / "bosonline"
    script.parent.mkdir()
    script.write_text(
        f"import sys\nfrom {module} import {function}\nif __name__ == '__main__':\n    sys.exit({function}())\n"
    )
    return script


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process and its living descendants have used: unlike the wall time, it
    hardly depends on what else the machine is doing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return total


def get(url: str, timeout: float) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def environment(version: Version, data_dir: Path, case: Case) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOSONLINE_", "PROMETHEUS_"))}
    env.update(PYTHONPATH=str(version.src), BOSONLINE_DATA_DIR=str(data_dir), BOSONLINE_LOG_LEVEL="WARNING")
    if case.database_url:
        env["BOSONLINE_DATABASE_URL"] = case.database_url
    return env


def command(version: Version, *args: str) -> list[str]:
    # `bosonline` as the console script does it, from the copy on PYTHONPATH (it comes before the editable install).
    return [sys.executable, str(version.script), *args]


def spawn(version: Version, data_dir: Path, case: Case, first: str) -> dict[str, tuple[float, float]]:
    """(wall seconds, CPU seconds of the server's processes) from spawning `serve` to a 200 on `first` (polled),
    and, when `first` is /health, to a 200 on the region search asked right after it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        command(version, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(case.workers)),
        env=environment(version, data_dir, case),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its uvicorn worker processes are stopped with it
    )
    try:
        while get(base + first, timeout=SPAWN_TIMEOUT) != 200:
            if process.poll() is not None or time.perf_counter() - started > SPAWN_TIMEOUT:
                raise RuntimeError(f"{case.name}: serve did not answer {first} (exit {process.returncode})")
            time.sleep(0.005)
        answered = {first: (time.perf_counter() - started, tree_cpu(process.pid))}
        if first == "/health":
            status = get(base + SEARCH, timeout=SPAWN_TIMEOUT)
            if status != 200:
                raise RuntimeError(f"{case.name}: {SEARCH} answered {status}")
            answered[SEARCH] = (time.perf_counter() - started, tree_cpu(process.pid))
        return answered
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def own_database(case: Case, version: str) -> Case:
    """`case` on a database of `version`'s own (`<database>_<version>`, created when missing): a schema migrated by
    one version cannot be served by the other, which does not know its newest revision."""
    if case.database_url is None:
        return case
    url = make_url(case.database_url)
    name = f"{url.database}_{version}"

    async def create() -> None:
        server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        connection = await asyncpg.connect(server)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return Case(case.name, url.set(database=name).render_as_string(hide_password=False), case.workers)


def migrate(version: Version, data_dir: Path, case: Case) -> None:
    subprocess.run(
        command(version, "migrate"), env=environment(version, data_dir, case), check=True, capture_output=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="PostgreSQL (asyncpg) URL: adds the PostgreSQL cases")
    parser.add_argument(
        "--bytecode",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="compile both copies first, as `make run` and pip install do (default; --no-bytecode: leave them as they are)",
    )
    parser.add_argument("--only-postgresql", action="store_true", help="skip the SQLite case")
    args = parser.parse_args()

    cases = [] if args.only_postgresql else [Case("sqlite, --workers 1", None, 1)]
    if args.database_url:
        cases += [
            Case("postgresql, --workers 1", args.database_url, 1),
            Case("postgresql, --workers 2", args.database_url, 2),
        ]
    labels = {"/health": "/health", SEARCH: "region search after it", LOOKUP: "region look-up"}
    with tempfile.TemporaryDirectory(prefix="bosonline-cold-") as tmp:
        root = Path(tmp)
        versions = {
            "baseline": export(args.baseline, root / "baseline", bytecode=args.bytecode),
            "this": export(None, root / "this", bytecode=args.bytecode),
        }
        bytecode = (
            "compiled"
            if args.bytecode
            else f"as the environment does (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})"
        )
        print(f"baseline {args.baseline}, {args.runs} spawns per version and case, bytecode {bytecode}")
        print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs); medians in seconds")
        print(
            f"{'case':24} {'answer':23} {'wall: base':>10} {'this':>6} {'ratio':>5} {'goal':>4}  {'cpu: base':>9} {'this':>5} {'ratio':>5}"
        )
        for number, case in enumerate(cases):
            data_dirs = {name: root / f"data-{name}-{number}" for name in versions}
            own = {name: own_database(case, name) for name in versions}
            for name, version in versions.items():
                data_dirs[name].mkdir()
                migrate(version, data_dirs[name], own[name])
            samples: dict[str, dict[str, list[tuple[float, float]]]] = {
                name: {key: [] for key in labels} for name in versions
            }
            for _ in range(args.runs):
                for name, version in versions.items():
                    for first in ("/health", LOOKUP):
                        for key, sample in spawn(version, data_dirs[name], own[name], first).items():
                            samples[name][key].append(sample)
            for key, label in labels.items():
                wall = [statistics.median(w for w, _ in samples[name][key]) for name in versions]
                cpu = [statistics.median(c for _, c in samples[name][key]) for name in versions]
                verdict = "PASS" if wall[1] <= GOAL_SECONDS else "FAIL"
                print(
                    f"{case.name:24} {label:23} {wall[0]:10.2f} {wall[1]:6.2f} {wall[1] / wall[0]:5.2f} {verdict}"
                    f"  {cpu[0]:9.2f} {cpu[1]:5.2f} {cpu[1] / cpu[0]:5.2f}"
                )
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
