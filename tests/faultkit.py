"""Fault scenarios on loopback: the platform served by gunicorn as in production, under a
steady load, while a worker is killed, PostgreSQL restarts, or Redis goes away.

Used by ``tests/test_faults.py`` (short runs with assertions) and ``benchmarks/faults.py``
(longer runs, figures in ``benchmarks/results/faults.json``). Everything runs on this
machine: a throwaway PostgreSQL cluster (``initdb`` into a temporary folder, its own port
and socket folder; the shared server is never touched), a throwaway ``redis-server``, and
gunicorn on free loopback ports. Every loop is bounded in time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# A test key (signs nothing real) and the base64 of a 32-byte Ed25519 seed.
SECRET = "live-" + "Vb3Nc4Hd5Jf6Gt0Ws8Ey1Ru2Ti3Oo4Pa5Sd6Fg7Hh8Jk9q8Zr1x7Kp2Lm9"
SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
# Signs of a stack trace, and the checkout's own path (never shown to a visitor).
TRACE_MARKS = ("Traceback", 'File "', "django.", "site-packages", str(ROOT), "Exception Value")
# What the 503 page and the API's 503 answer say (English: the load sends no language).
UNAVAILABLE_PAGE_TITLE = "Briefly unavailable"
UNAVAILABLE_API_CODE = '"code": "unavailable"'

# The schema the scenarios' pages need: organisations, sessions and the search index.
MIGRATE = """
import django
from django.core.management import call_command
django.setup()
for app in ("people", "sessions", "search"):
    call_command("migrate", app, interactive=False, verbosity=0)
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of `make run` in production mode, with a database under ``folder``
    unless ``extra`` names another. No TLS on loopback: no HTTPS redirect, and static
    files without a manifest (no collectstatic needed)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "DEBUG", "PYTEST", "REDIS_", "RATE_LIMIT"))
    }
    env.update(
        IPCOOP_ENV="production",
        DJANGO_SETTINGS_MODULE="ipcoop.settings",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        IPCOOP_SIGNING_KEY=SIGNING_KEY,
        DATABASE_URL=f"sqlite:///{folder / 'faults.sqlite3'}",
        IPCOOP_VAR_DIR=str(folder),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        STATIC_MANIFEST="0",
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str], timeout: float = 120) -> None:
    """Make the scenarios' tables in the database ``env`` names (a subprocess)."""
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{done.stdout}\n{done.stderr}")


# --- gunicorn ------------------------------------------------------------------------


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """(status, headers, body) of one GET on loopback."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


class Gunicorn:
    """The platform served as `make run` serves it, on a free loopback port.

    The access log has the worker's process id first on each line, so a scenario can
    tell when a new worker answers."""

    def __init__(self, env: dict[str, str], folder: Path, *, workers: int = 2) -> None:
        self.env = env
        self.folder = folder
        self.workers = workers
        self.port = free_port()
        self.access_log = folder / f"access-{self.port}.log"
        self.error_log = folder / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        command = [
            str(BIN / "gunicorn"),
            "ipcoop.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(p)s %(s)s %(r)s",
            "--error-logfile",
            str(self.error_log),
            "--forwarded-allow-ips",
            "127.0.0.1",
            # Its own control socket, so that a server already running here is not disturbed.
            "--control-socket",
            str(self.folder / f"gunicorn-{self.port}.ctl"),
        ]
        # The application's own log (Django writes to stderr) goes to the same file.
        with self.error_log.open("a") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        # Each worker loads the URLs, views and API on its first request: a scenario starts
        # once every worker has answered (requests side by side reach each of them).
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log()}")
            pids = self.worker_pids()
            if len(pids) == self.workers and all(self.served_by(pid) for pid in pids):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{self.log()}")
            self.knock(len(pids) or 1)
            time.sleep(0.1)

    def knock(self, count: int) -> None:
        """``count`` health checks side by side."""

        def one() -> None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                get(self.port, "/healthz", timeout=5)

        knocks = [threading.Thread(target=one) for _ in range(count)]
        for knock in knocks:
            knock.start()
        for knock in knocks:
            knock.join()

    def log(self) -> str:
        return self.error_log.read_text() if self.error_log.exists() else ""

    def worker_pids(self) -> set[int]:
        """The master's child processes (its workers), read from /proc."""
        assert self.process is not None
        return children_of(self.process.pid)

    def served_by(self, pid: int) -> bool:
        """Whether worker ``pid`` has answered a request (its "<pid>" is in the access log)."""
        prefix = f"<{pid}> "
        with contextlib.suppress(FileNotFoundError), self.access_log.open() as lines:
            return any(line.startswith(prefix) for line in lines)
        return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def children_of(parent: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The fields after the command name (which may hold spaces): state, ppid, ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent and fields[0] != "Z":
                children.add(int(entry.name))
    return children


# --- load ----------------------------------------------------------------------------


@dataclass
class Answer:
    started: float  # seconds since the load began
    seconds: float  # how long the answer took
    path: str
    status: int  # 0: no HTTP answer (connection refused or reset, timeout)
    error: str = ""
    retry_after: str | None = None
    body: str = ""  # kept for answers other than 200

    @property
    def ended(self) -> float:
        return self.started + self.seconds

    @property
    def shows_trace(self) -> bool:
        return any(mark in self.body for mark in TRACE_MARKS)

    @property
    def explains_unavailable(self) -> bool:
        """A 503 with Retry-After and the page (or the API's error) that says so."""
        return (
            self.status == 503
            and bool(self.retry_after)
            and (UNAVAILABLE_PAGE_TITLE in self.body or UNAVAILABLE_API_CODE in self.body)
        )


@dataclass
class Load:
    """Threads that each send one request after another (a new connection each time, as
    sync workers close it), round the paths, until stopped or ``limit`` seconds passed."""

    port: int
    paths: list[tuple[str, dict[str, str]]]
    threads: int = 4
    pause: float = 0.01
    timeout: float = 10.0
    limit: float = 120.0
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self.t0 = 0.0

    def now(self) -> float:
        return time.monotonic() - self.t0

    def start(self) -> Load:
        self.t0 = time.monotonic()
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, args=(n,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> list[Answer]:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)
        with self._lock:
            return sorted(self.answers, key=lambda answer: answer.started)

    def _run(self, n: int) -> None:
        turn = n
        while not self._stop.is_set() and self.now() < self.limit:
            path, headers = self.paths[turn % len(self.paths)]
            turn += 1
            answer = self._one(path, headers)
            with self._lock:
                self.answers.append(answer)
            if answer.status == 0:
                time.sleep(0.05)  # no server: do not spin
            self._stop.wait(self.pause)

    def _one(self, path: str, headers: dict[str, str]) -> Answer:
        started = self.now()
        try:
            status, response_headers, body = get(self.port, path, headers, timeout=self.timeout)
        except (OSError, http.client.HTTPException) as error:
            return Answer(started, self.now() - started, path, 0, error=type(error).__name__)
        return Answer(
            started,
            self.now() - started,
            path,
            status,
            retry_after=response_headers.get("Retry-After"),
            body="" if status == 200 else body[:4000],
        )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def latency(answers: list[Answer]) -> dict[str, float]:
    """Milliseconds: median, 95th percentile and slowest."""
    seconds = [answer.seconds for answer in answers]
    return {
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "max_ms": round(max(seconds, default=0.0) * 1000, 1),
    }


def tally(answers: list[Answer]) -> dict[str, object]:
    statuses: dict[str, int] = {}
    for answer in answers:
        key = str(answer.status) if answer.status else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
    errors = sum(1 for answer in answers if answer.status == 0 or answer.status >= 500)
    return {
        "requests": len(answers),
        "statuses": dict(sorted(statuses.items())),
        "errors": errors,
        "error_rate": round(errors / len(answers), 4) if answers else 0.0,
        **latency(answers),
    }


# --- throwaway PostgreSQL and Redis --------------------------------------------------


def postgres_bin() -> Path | None:
    """The folder of initdb/pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def missing_postgres() -> str | None:
    """Why a throwaway cluster cannot be made here, or None."""
    if postgres_bin() is None:
        return "initdb not found (install PostgreSQL's server package)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: postgres refuses to run as root"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the cluster as"
    return None


def missing_redis() -> str | None:
    return None if shutil.which("redis-server") else "redis-server not found"


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free loopback port."""

    def __init__(self) -> None:
        bin_dir = postgres_bin()
        assert bin_dir is not None, missing_postgres()
        self.bin = bin_dir
        self.port = free_port()
        # Directly under the temporary directory: the postgres user must reach it.
        self.folder = Path(tempfile.mkdtemp(prefix="ipcoop-faults-pg-"))
        self.data = self.folder / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, user="postgres", group="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/ipcoop"

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")

    def create(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "ipcoop")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        try:
            self.create()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()


class ThrowawayRedis:
    """A redis-server of its own on a free loopback port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="ipcoop-faults-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def freeze(self) -> None:
        """Redis hangs: it keeps its port but answers nothing (SIGSTOP)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def __enter__(self) -> ThrowawayRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.thaw()
        self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the three scenarios -------------------------------------------------------------

# Pages that read the database; one carries a session cookie, so the session and the
# signed-in user are looked up by the middleware before any view runs.
DATABASE_PATHS = [
    ("/cooperation/", {}),
    ("/api/v1/offices", {}),
    ("/", {"Cookie": "sessionid=faultkit0000000000000000000000000"}),
]
# Pages that use the cache (the search rate limit, sessions read from Redis) as well as
# the database.
CACHE_PATHS = [
    ("/search/?q=patent", {}),
    ("/api/v1/search?q=patent", {}),
    ("/cooperation/", {}),
    ("/", {"Cookie": "sessionid=faultkit0000000000000000000000000"}),
]


def wait_until(condition, timeout: float, step: float = 0.02) -> float | None:
    """Seconds until ``condition()`` held, or None when ``timeout`` passed first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


def worker_kill(
    folder: Path, env: dict[str, str], *, workers: int = 3, before: float = 2, after: float = 5
) -> dict[str, object]:
    """Kill -9 one of ``workers`` sync workers under load: how many requests failed, and
    how soon the master had ``workers`` again and the new one answered."""
    with Gunicorn(env, folder, workers=workers) as server:
        load = Load(server.port, DATABASE_PATHS, threads=4).start()
        time.sleep(before)
        old = server.worker_pids()
        victim = min(old)
        killed_at = load.now()
        os.kill(victim, signal.SIGKILL)
        respawn = wait_until(
            lambda: len(server.worker_pids() - {victim}) == workers, timeout=after + 10
        )
        new = server.worker_pids() - old
        first_answer = None
        while load.now() - killed_at < after:
            if first_answer is None and any(server.served_by(pid) for pid in new):
                first_answer = load.now() - killed_at
            time.sleep(0.05)
        answers = load.stop()

        # The new worker loads the URLs and the API on its first request, which may not
        # come within the run on a busy machine: health checks reach it after the load.
        def new_worker_answered() -> bool:
            if any(server.served_by(pid) for pid in new):
                return True
            server.knock(workers)
            return False

        if first_answer is None and new and wait_until(new_worker_answered, timeout=60):
            first_answer = load.now() - killed_at
        workers_after = len(server.worker_pids())
    failed = [answer for answer in answers if answer.status == 0 or answer.status >= 500]
    return {
        "workers": workers,
        "seconds": round(answers[-1].ended if answers else 0.0, 1),
        **tally(answers),
        "failed_requests": [
            {"at_s": round(a.started - killed_at, 3), "status": a.status, "error": a.error}
            for a in failed
        ],
        "respawn_s": None if respawn is None else round(respawn, 3),
        "new_worker_first_answer_s": None if first_answer is None else round(first_answer, 3),
        "workers_after": workers_after,
    }


def postgres_restart(
    folder: Path,
    env: dict[str, str],
    cluster: ThrowawayPostgres,
    *,
    before: float = 1.5,
    outage: float = 3,
    after: float = 3,
) -> dict[str, object]:
    """Stop PostgreSQL (fast shutdown) under load for ``outage`` seconds, then start it:
    what the platform answered meanwhile, how fast, and how soon it served again."""
    with Gunicorn(env, folder, workers=2) as server:
        load = Load(server.port, DATABASE_PATHS, threads=4).start()
        time.sleep(before)
        down_at = load.now()
        cluster.stop("fast")
        stopped_at = load.now()
        time.sleep(outage)
        restart_at = load.now()
        cluster.start()
        ready_at = load.now()

        def first_ok() -> Answer | None:
            with load._lock:
                later = [a for a in load.answers if a.status == 200 and a.started >= ready_at]
            return min(later, key=lambda a: a.ended, default=None)

        wait_until(lambda: first_ok() is not None, timeout=15)
        time.sleep(after)
        answers = load.stop()
    outage_answers = [a for a in answers if a.ended > down_at and a.started < ready_at]
    failing = [a for a in answers if a.status != 200]
    recovered = min(
        (a for a in answers if a.status == 200 and a.ended > ready_at), key=lambda a: a.ended
    )
    after_recovery = [a for a in answers if a.started >= recovered.ended]
    return {
        "seconds": round(answers[-1].ended, 1),
        **tally(answers),
        "outage": {
            "seconds": round(ready_at - down_at, 2),
            "stop_s": round(stopped_at - down_at, 2),
            "start_s": round(ready_at - restart_at, 2),
            **tally(outage_answers),
        },
        "failing": {
            **tally(failing),
            "explained_503": sum(1 for a in failing if a.explains_unavailable),
            "with_trace": sum(1 for a in failing if a.shows_trace),
            "retry_after": sorted({a.retry_after for a in failing if a.retry_after}),
        },
        "first_200_after_ready_s": round(recovered.ended - ready_at, 3),
        "first_200_after_restart_command_s": round(recovered.ended - restart_at, 3),
        "after_recovery": tally(after_recovery),
        "samples": {str(a.status): f"{a.path}: {a.body[:600]}" for a in reversed(failing)},
    }


def redis_down(
    folder: Path, env: dict[str, str], redis: ThrowawayRedis, *, phase: float = 2.5
) -> dict[str, object]:
    """Redis up, killed, started again, then hanging (SIGSTOP), then thawed: every phase's
    answers and latency."""
    # Every request is counted by the search rate limit, which no load here may reach.
    env = {**env, "REDIS_URL": redis.url, "RATE_LIMIT_SEARCH": "1000000/m"}
    with Gunicorn(env, folder, workers=2) as server:
        load = Load(server.port, CACHE_PATHS, threads=4).start()
        marks = [("up", load.now())]
        time.sleep(phase)
        redis.kill()
        marks.append(("killed", load.now()))
        time.sleep(phase)
        redis.start()
        marks.append(("restarted", load.now()))
        time.sleep(phase)
        redis.freeze()
        marks.append(("hanging", load.now()))
        time.sleep(phase)
        redis.thaw()
        marks.append(("thawed", load.now()))
        time.sleep(phase)
        answers = load.stop()
    phases = {}
    for (name, begin), (_, end) in zip(marks, [*marks[1:], ("end", float("inf"))], strict=True):
        phases[name] = tally([a for a in answers if begin <= a.started < end])
    return {
        "seconds": round(answers[-1].ended, 1),
        **tally(answers),
        "phases": phases,
        "with_trace": sum(1 for a in answers if a.shows_trace),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return ""


@contextlib.contextmanager
def scratch(prefix: str = "ipcoop-faults-") -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def dump(figures: dict[str, object]) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False)
