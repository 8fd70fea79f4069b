"""Load test of the key pages, served by gunicorn on loopback, next to two baselines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_scale \\
        .venv/bin/python benchmarks/load_test.py [--duration 10] [--workers 3]

In one run, against the database DATABASE_URL names (with generated data:
``ipcoop.ops.scaledata``):

1. collects the static files into a temporary folder and serves the platform with
   gunicorn in production mode (``IPCOOP_ENV=production``, DEBUG off, sync workers, the
   command line of ``make run``) on a free loopback port, behind what it takes for a
   TLS proxy (``X-Forwarded-Proto: https`` from 127.0.0.1; no HTTPS redirect);
2. fetches each key page (``scaledata.key_pages()``) once with its user's session cookie
   (``scaledata.session_cookie``), checks the 200 and keeps the exact bytes;
3. serves those bytes from a bare WSGI app (``benchmarks/raw_wsgi.py``, the same gunicorn
   command and worker count: the floor of the Python server) and from nginx as static
   files (the physical limit of this machine);
4. for each page and each number of connections (16, 64), runs wrk against the three,
   the same request each time (cookie included), after a short warm-up;
5. writes ``benchmarks/results/load.json`` and ``benchmarks/results/load.md``: requests/s,
   p50/p95/p99, errors (non-2xx, socket errors, timeouts), the ratio to both baselines,
   the targets met, the page weights (HTML, CSS and JavaScript, gzipped), the scale of the
   data, the engine, the CPU count and the load average before and after.

Needs wrk and nginx (Debian: ``apt-get install -y wrk nginx-light``). Loopback only;
every process it starts is stopped at the end. The search rate limit is lifted for the
run (``RATE_LIMIT_SEARCH``): otherwise one address would get 429 after 120 searches.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
RESULTS = BENCH_DIR / "results"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from tests import faultkit  # noqa: E402
from tests.faultkit import free_port  # noqa: E402

# The targets of the issue (2 cores, large scale).
TARGET_P95_MS = 50.0  # every key page's p95 at 16 connections
TARGET_RATIO = 0.15  # of the raw WSGI app's requests per second
TARGET_PAGE_KB = 100.0  # HTML + CSS + JavaScript, gzipped (README's promise)
RESULT_MARK = "IPCOOP_RESULT "

# wrk's Lua: the same headers on every request, one parseable line at the end.
WRK_SCRIPT = """
wrk.method = "GET"
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{mark}{{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max))
end
"""

NGINX_CONF = """
worker_processes auto;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ }}
    }}
}}
"""

MISSING_TOOLS = """wrk and nginx are needed for the load test. On Debian:
    apt-get install -y wrk nginx-light
(installing nginx may start a system nginx on port 80: `service nginx stop` stops it;
the load test runs its own, on a free loopback port)."""


def loadavg() -> list[float]:
    return [float(part) for part in Path("/proc/loadavg").read_text().split()[:3]]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx") if find_tool(tool) is None]
    if missing:
        sys.exit(f"Missing: {', '.join(missing)}.\n{MISSING_TOOLS}")


def find_tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def production_env(tmp: Path) -> dict[str, str]:
    """Production mode as a deployment has it (``tests/faultkit.py``), on the database
    DATABASE_URL names, with the Redis BENCH_REDIS_URL names (sessions and rate limits),
    behind a TLS proxy, with static files collected under ``tmp``."""
    return faultkit.production_env(
        tmp,
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        STATIC_MANIFEST="1",
        SECURE_PROXY_SSL_HEADER="1",
        RATE_LIMIT_SEARCH="100000000/m",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )


@contextmanager
def running(command: list[str], *, cwd: Path, env: dict[str, str], log: Path):
    """A server process for the length of the block, stopped (TERM, then KILL) after."""
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own command lines)
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def gunicorn(app: str, port: int, workers: int, tmp: Path, tag: str) -> list[str]:
    """The command line of ``make run`` (access log to a file rather than the terminal)."""
    return [
        str(BIN / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--access-logfile",
        str(tmp / f"{tag}-access.log"),
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--control-socket",
        str(tmp / f"{tag}.ctl"),
    ]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server at {url} stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    sys.exit(f"No answer from {url} within {seconds} s:\n{log.read_text()[-3000:]}")


def fetch(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def drain(url: str, *, quick_ms: float = 100, seconds: float = 120) -> float:
    """Wait until the server has worked off what a finished wrk run left queued.

    wrk's last requests stay in gunicorn's queue after wrk stops (a sync worker handles
    them anyway): until two cheap requests in a row answer quickly, the next measurement
    would pay for them. Returns the seconds waited.
    """
    started = time.monotonic()
    quick = 0
    while quick < 2 and time.monotonic() - started < seconds:
        before = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=seconds):  # noqa: S310 (loopback)
                pass
        except OSError:
            time.sleep(0.5)
        quick = quick + 1 if (time.perf_counter() - before) * 1000 < quick_ms else 0
    return time.monotonic() - started


def run_wrk(url: str, headers: dict[str, str], connections: int, seconds: float, tmp: Path):
    lines = "\n".join(
        f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in headers.items()
    )
    script = tmp / "wrk.lua"
    script.write_text(WRK_SCRIPT.format(headers=lines, mark=RESULT_MARK))
    command = [
        find_tool("wrk") or "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(  # noqa: S603 (our own command line)
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    ).stdout
    for line in output.splitlines():
        if line.startswith(RESULT_MARK):
            raw = json.loads(line[len(RESULT_MARK) :])
            break
    else:
        raise RuntimeError(f"wrk gave no result for {url}:\n{output}")
    seconds_run = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "max_ms": raw["max_us"] / 1000,
        "non_2xx": raw["status"],
        "socket_errors": socket_errors,
        "errors": raw["status"] + socket_errors,
        "errors_detail": {k: raw[k] for k in ("connect", "read", "write", "timeout")},
        "seconds": round(seconds_run, 2),
    }


# Page weights: the HTML and the CSS and JavaScript it references, gzipped.
_TAG = re.compile(r"<(link|script|img|iframe|source|video|audio)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'\b(href|src|srcset)\s*=\s*"([^"]*)"', re.IGNORECASE)
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])(https?:)?//([^/'")\s]+)""")


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_weight(html: bytes, static_root: Path, static_url: str = "/static/") -> dict:
    """Bytes gzipped of the HTML and of each same-origin stylesheet and script, and any
    resource from another host (none wanted)."""
    text = html.decode("utf-8", "replace")
    css = js = 0
    assets: list[str] = []
    third_party: set[str] = set()
    other = 0
    for tag, attributes in _TAG.findall(text):
        tag = tag.lower()
        rel = re.search(r'\brel\s*=\s*"([^"]*)"', attributes, re.IGNORECASE)
        for _name, value in _ATTR.findall(attributes):
            for url in (part.strip().split(" ")[0] for part in value.split(",")):
                if re.match(r"^(https?:)?//", url):
                    third_party.add(re.sub(r"^(https?:)?//", "", url).split("/")[0])
                    continue
                if not url.startswith(static_url):
                    continue
                path = static_root / url[len(static_url) :].split("?")[0].split("#")[0]
                if not path.is_file():
                    continue
                data = path.read_bytes()
                kind = rel.group(1).lower() if rel else ""
                if tag == "script" or path.suffix in {".js", ".mjs"}:
                    js += gzipped(data)
                elif tag == "link" and ("stylesheet" in kind or path.suffix == ".css"):
                    css += gzipped(data)
                    third_party.update(host for _, host in _CSS_URL.findall(data.decode()))
                else:
                    other += 1
                    continue
                assets.append(url)
    html_gz = gzipped(html)
    total = html_gz + css + js
    return {
        "html_bytes": len(html),
        "html_gz": html_gz,
        "css_gz": css,
        "js_gz": js,
        "total_gz": total,
        "assets": sorted(set(assets)),
        "other_same_origin": other,
        "third_party_hosts": sorted(third_party),
        "ok": total <= TARGET_PAGE_KB * 1024 and not third_party,
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def scale_counts() -> dict[str, int]:
    """Rows in the main tables of the generated data."""
    from ipcoop.ops import scaledata

    return scaledata.row_counts()


def engine_name() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def key_pages_with_cookies() -> list[dict]:
    from ipcoop.ops import scaledata

    pages = []
    cookies: dict[str, str] = {}
    for page in scaledata.key_pages():
        if page.username and page.username not in cookies:
            name, value = scaledata.session_cookie(page.username)
            cookies[page.username] = f"{name}={value}"
        pages.append(
            {
                "name": page.name,
                "path": page.path,
                "user": page.username,
                "cookie": cookies.get(page.username or "", ""),
            }
        )
    return pages


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [str(BIN / "ipcoop"), "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def measure(args: argparse.Namespace) -> dict:
    check_tools()
    started = datetime.datetime.now(datetime.UTC)
    load_start = loadavg()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ipcoop-load-")))
        tmp.chmod(0o755)  # nginx workers read the pages
        env = production_env(tmp)
        setup_django(env)
        from django.db import connection

        engine = engine_name()
        counts = scale_counts()
        pages = key_pages_with_cookies()
        if args.pages:
            wanted = {name.strip() for name in args.pages.split(",")}
            pages = [
                page for page in pages if page["name"] in wanted or slug(page["name"]) in wanted
            ]
        connection.close()
        print(f"{engine}; {len(pages)} pages; collecting static files", flush=True)
        collectstatic(env)

        app_port, app, app_log = serve_platform(stack, env, tmp, args.workers, "app")
        raw_port, nginx_port = free_port(), free_port()

        # The exact bytes of each page, as its user gets them.
        root = tmp / "pages"
        root.mkdir()
        root.chmod(0o755)
        for page in pages:
            page["headers"] = {"X-Forwarded-Proto": "https"}
            if page["cookie"]:
                page["headers"]["Cookie"] = page["cookie"]
            status, body = fetch(f"http://127.0.0.1:{app_port}{page['path']}", page["headers"])
            if status != 200:
                sys.exit(f"{page['name']} ({page['path']}) answered {status}, not 200.")
            page["file"] = f"{slug(page['name'])}.html"
            (root / page["file"]).write_bytes(body)
            (root / page["file"]).chmod(0o644)
            page["weight"] = page_weight(body, tmp / "static")

        raw_log = tmp / "raw.log"
        raw_env = dict(env, RAW_WSGI_DIR=str(root))
        raw = stack.enter_context(
            running(
                gunicorn("raw_wsgi:app", raw_port, args.workers, tmp, "raw"),
                cwd=BENCH_DIR,
                env=raw_env,
                log=raw_log,
            )
        )
        wait_for(f"http://127.0.0.1:{raw_port}/{pages[0]['file']}", raw, raw_log)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=nginx_port, root=root))
        nginx_log = tmp / "nginx.log"
        nginx = stack.enter_context(
            running(
                [find_tool("nginx") or "nginx", "-c", str(conf), "-p", str(tmp)],
                cwd=tmp,
                env=env,
                log=nginx_log,
            )
        )
        wait_for(f"http://127.0.0.1:{nginx_port}/{pages[0]['file']}", nginx, nginx_log)

        health = {
            "app": f"http://127.0.0.1:{app_port}/healthz",
            "raw": f"http://127.0.0.1:{raw_port}/{pages[0]['file']}",
            "nginx": f"http://127.0.0.1:{nginx_port}/{pages[0]['file']}",
        }
        rows = []
        for page in pages:
            targets = {
                "app": f"http://127.0.0.1:{app_port}{page['path']}",
                "raw": f"http://127.0.0.1:{raw_port}/{page['file']}",
                "nginx": f"http://127.0.0.1:{nginx_port}/{page['file']}",
            }
            for connections in args.connections:
                row = {
                    "page": page["name"],
                    "path": page["path"],
                    "user": page["user"],
                    "connections": connections,
                    "loadavg_before": loadavg(),
                }
                for target, url in targets.items():
                    row[target] = measured(
                        url, page["headers"], connections, health[target], args, tmp
                    )
                row["loadavg_after"] = loadavg()
                judge(row)
                rows.append(row)
                print(summary_line(row), flush=True)
        made = measure_made(args, stack, env, tmp, [page for page in pages if page["cookie"]])
        for name, process in (("app", app), ("raw", raw), ("nginx", nginx)):
            if process.poll() is not None:
                print(f"warning: {name} server stopped during the run", file=sys.stderr)
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in (app_log, raw_log, nginx_log, tmp / "app-access.log"):
                shutil.copy(log, args.logs / log.name)
        errors_logged = server_errors(app_log.read_text(errors="replace"))
    return {
        "date": started.isoformat(timespec="seconds"),
        "engine": engine,
        "database": redact(os.environ.get("DATABASE_URL", "")),
        "cache": redact(env["REDIS_URL"]),
        "cpu_count": os.cpu_count(),
        "workers": args.workers,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "loadavg_start": load_start,
        "loadavg_end": loadavg(),
        "wrk": tool_version("wrk", "--version"),
        "nginx": tool_version("nginx", "-v"),
        "scale": counts,
        "targets": {"p95_ms_at_16": TARGET_P95_MS, "ratio": TARGET_RATIO, "errors_at_64": 0},
        "rows": rows,
        "made": made,
        "weights": {page["name"]: page["weight"] for page in pages},
        "server_errors_logged": errors_logged,
    }


def server_errors(log: str) -> dict[str, int]:
    """The exceptions of the server's log (the last line of each traceback), counted."""
    counts: dict[str, int] = {}
    in_trace = False
    for line in log.splitlines():
        if line.startswith("Traceback"):
            in_trace = True
        elif in_trace and line and not line.startswith((" ", "\t")):
            counts[line[:300]] = counts.get(line[:300], 0) + 1
            in_trace = False
        elif not in_trace and any(mark in line for mark in ("[ERROR]", "[CRITICAL]")):
            counts[line[:300]] = counts.get(line[:300], 0) + 1
    return counts


def tool_version(tool: str, flag: str) -> str:
    done = subprocess.run(  # noqa: S603 (a tool found on PATH, a fixed flag)
        [find_tool(tool) or tool, flag], capture_output=True, text=True, check=False
    )
    return (done.stdout + done.stderr).strip().splitlines()[0] if done.stdout + done.stderr else ""


def redact(url: str) -> str:
    """The database address without a password, and without this machine's folders."""
    url = re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
    return url.replace(str(ROOT) + "/", "")


def serve_platform(
    stack: ExitStack, env: dict[str, str], tmp: Path, workers: int, tag: str
) -> tuple[int, subprocess.Popen, Path]:
    """The platform under gunicorn on a free port, answering: its port, process and log."""
    port = free_port()
    log = tmp / f"{tag}.log"
    process = stack.enter_context(
        running(gunicorn("ipcoop.wsgi", port, workers, tmp, tag), cwd=ROOT, env=env, log=log)
    )
    wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
    return port, process, log


def measured(
    url: str,
    headers: dict[str, str],
    connections: int,
    health: str,
    args: argparse.Namespace,
    tmp: Path,
) -> dict:
    """One wrk measurement after a warm-up, each followed by waiting until the server
    has worked off its queue (``drained_s``: how long that took after the measurement)."""
    if args.warmup > 0:
        run_wrk(url, headers, connections, args.warmup, tmp)
        drain(health)
    result = run_wrk(url, headers, connections, args.duration, tmp)
    result["drained_s"] = round(drain(health), 1)
    return result


def measure_made(
    args: argparse.Namespace, stack: ExitStack, env: dict[str, str], tmp: Path, pages: list[dict]
) -> list[dict]:
    """The signed-in pages made on every request: the same server with the pages kept
    for readers turned off (``READER_PAGES=off``), at 16 connections. What a reader's
    first visit, or one after a change, costs."""
    made_env = dict(env, READER_PAGES="off")
    port, _process, _log = serve_platform(stack, made_env, tmp, args.workers, "made")
    health = f"http://127.0.0.1:{port}/healthz"
    rows = []
    for page in pages:
        url = f"http://127.0.0.1:{port}{page['path']}"
        row = {
            "page": page["name"],
            "connections": 16,
            **measured(url, page["headers"], 16, health, args, tmp),
        }
        rows.append(row)
        print(
            f"{page['name']:<20} made every time: {row['rps']:8.1f}/s p95 {row['p95_ms']:7.1f} ms "
            f"err {row['errors']}",
            flush=True,
        )
    return rows


def judge(row: dict) -> None:
    app, raw, nginx = row["app"], row["raw"], row["nginx"]
    row["ratio_raw"] = app["rps"] / raw["rps"] if raw["rps"] else 0.0
    row["ratio_nginx"] = app["rps"] / nginx["rps"] if nginx["rps"] else 0.0
    failures = []
    if row["connections"] <= 16 and app["p95_ms"] >= TARGET_P95_MS:
        failures.append(f"p95 ≥ {TARGET_P95_MS:g} ms")
    if row["ratio_raw"] < TARGET_RATIO:
        failures.append(f"< {TARGET_RATIO:.0%} of raw")
    if app["errors"]:
        failures.append("errors")
    row["failures"] = failures
    row["pass"] = not failures


def summary_line(row: dict) -> str:
    app = row["app"]
    return (
        f"{row['page']:<20} c={row['connections']:<3} app {app['rps']:8.1f}/s "
        f"p50 {app['p50_ms']:7.1f} p95 {app['p95_ms']:7.1f} p99 {app['p99_ms']:7.1f} ms "
        f"err {app['errors']:<4} raw {row['raw']['rps']:8.1f}/s "
        f"nginx {row['nginx']['rps']:8.1f}/s "
        f"ratio {row['ratio_raw']:.1%} "
        f"{'PASS' if row['pass'] else 'FAIL ' + ', '.join(row['failures'])}"
    )


def _ms(value: float) -> str:
    return f"{value:.1f}"


def markdown(result: dict, *, heading: str = "##") -> str:
    """The results as markdown: the load table, the page weights, the scale."""
    rows = result["rows"]
    out = [
        f"{heading} Load test ({result['engine']}, {result['date'][:10]})",
        "",
        f"gunicorn, {result['workers']} sync workers, production mode, on loopback; wrk -t2, "
        f"{result['duration_s']:g} s per measurement after {result['warmup_s']:g} s of warm-up; "
        f"{result['cpu_count']} CPUs; load average {fmt_load(result['loadavg_start'])} at the "
        f"start, {fmt_load(result['loadavg_end'])} at the end. Latencies in ms. "
        "*raw* is a bare WSGI app returning the same bytes with the same gunicorn command; "
        "*nginx* serves them as a static file. Targets: p95 < "
        f"{TARGET_P95_MS:g} ms at 16 connections, at least {TARGET_RATIO:.0%} of raw's "
        "requests/s, no errors.",
        "",
        "| page | user | conns | req/s | p50 | p95 | p99 | errors | raw req/s | nginx req/s "
        "| app/raw | app/nginx | load avg before | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        app = row["app"]
        out.append(
            f"| {row['page']} | {row['user'] or 'anonymous'} | {row['connections']} "
            f"| {app['rps']:.0f} | {_ms(app['p50_ms'])} | {_ms(app['p95_ms'])} "
            f"| {_ms(app['p99_ms'])} | {app['errors']} | {row['raw']['rps']:.0f} "
            f"| {row['nginx']['rps']:.0f} | {row['ratio_raw']:.1%} | {row['ratio_nginx']:.2%} "
            f"| {row['loadavg_before'][0]:.1f} "
            f"| {'pass' if row['pass'] else 'FAIL: ' + ', '.join(row['failures'])} |"
        )
    passed = sum(row["pass"] for row in rows)
    out += ["", f"{passed} of {len(rows)} measurements meet every target.", ""]
    logged = result.get("server_errors_logged") or {}
    if isinstance(logged, list):  # results written before the exceptions were counted
        logged = {line: logged.count(line) for line in logged}
    if logged:
        out += ["The platform's log during the run:", ""]
        out += [f"- {count}× `{line}`" for line, count in logged.items()]
        out.append("")
    if result.get("made"):
        out += [
            "Signed-in pages are kept for their reader until the data they show changes "
            "(`READER_PAGES`). The rows above measure such kept pages (every request of a "
            "run is the same reader's); made on every request instead, as on a reader's "
            "first visit or the first after a change, at 16 connections:",
            "",
            "| page | req/s | p50 | p95 | p99 | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in result["made"]:
            out.append(
                f"| {row['page']} | {row['rps']:.0f} | {_ms(row['p50_ms'])} "
                f"| {_ms(row['p95_ms'])} | {_ms(row['p99_ms'])} | {row['errors']} |"
            )
        out.append("")
    out += weights_markdown(result["weights"], heading=heading)
    out += scale_markdown(result, heading=heading)
    return "\n".join(out) + "\n"


def fmt_load(values: list[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def weights_markdown(weights: dict, *, heading: str = "##") -> list[str]:
    out = [
        f"{heading}# Page weights",
        "",
        "The captured HTML and the stylesheets and scripts it references, each gzipped "
        f"(level 6); target: under {TARGET_PAGE_KB:g} KB together, nothing from another host.",
        "",
        "| page | HTML | HTML gz | CSS gz | JS gz | total gz | other hosts | within target |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, weight in weights.items():
        out.append(
            f"| {name} | {weight['html_bytes'] / 1024:.1f} KB | {weight['html_gz'] / 1024:.1f} KB "
            f"| {weight['css_gz'] / 1024:.1f} KB | {weight['js_gz'] / 1024:.1f} KB "
            f"| {weight['total_gz'] / 1024:.1f} KB "
            f"| {', '.join(weight['third_party_hosts']) or 'none'} "
            f"| {'yes' if weight['ok'] else 'NO'} |"
        )
    return [*out, ""]


def scale_markdown(result: dict, *, heading: str = "##") -> list[str]:
    counts = result["scale"]
    out = [
        f"{heading}# Scale",
        "",
        f"{result['engine']} ({result['database'] or 'default database'}), "
        f"Redis {result.get('cache') or 'none'}; rows in the main tables:",
        "",
        "| table | rows |",
        "|---|---:|",
    ]
    out += [f"| {label} | {n:,} |" for label, n in counts.items()]
    return [*out, ""]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (both apps)")
    parser.add_argument(
        "--connections",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[16, 64],
        help="comma-separated numbers of connections (default 16,64)",
    )
    parser.add_argument("--pages", default="", help="only these key pages (comma-separated)")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs to this folder")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    parser.add_argument("--markdown", type=Path, default=RESULTS / "load.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database with the generated data.")
    result = measure(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    args.markdown.write_text(markdown(result))
    print(f"written: {args.out}, {args.markdown}")
    return 0 if all(row["pass"] for row in result["rows"]) else 1


if __name__ == "__main__":
    sys.exit(main())
