"""Every benchmark of the platform in one command, and the results table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_scale \\
        .venv/bin/python benchmarks/bench_all.py [--generate large] [--duration 10]

Against the database DATABASE_URL names:

1. with ``--generate PRESET``, migrates it and, when it holds no generated data yet, fills
   it (``ipcoop scale-data --preset PRESET``; a PostgreSQL database is created first when
   missing);
2. runs the load test (``benchmarks/load_test.py``: the key pages under gunicorn next to a
   raw WSGI app and nginx serving the same bytes, at 16 and 64 connections) and the page
   weights it measures;
3. times the search (``ipcoop.search.services.search``, what the search page and the API
   run) on the data there, for a few classes of terms, anonymous and as an examiner;
4. runs the fault scenarios (``benchmarks/faults.py``: a worker killed under load,
   PostgreSQL stopped and started, Redis down) and the largest contentful paint under
   slow 4G (``benchmarks/lcp.py``), and adds their results
   (``benchmarks/results/faults.json`` and ``lcp.json``; ``--skip-faults`` and
   ``--skip-lcp`` reuse them);
5. writes ``benchmarks/results/summary.md`` and puts it between the
   ``<!-- results:start -->`` and ``<!-- results:end -->`` marks at the top of
   ``benchmarks/README.md``.

Exits 1 when a load target is missed (the table says which), 2 when something could not
run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
RESULTS = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
BIN = Path(sys.executable).parent
START_MARK, END_MARK = "<!-- results:start -->", "<!-- results:end -->"
sys.path.insert(0, str(BENCH_DIR))


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(str(part) for part in command), flush=True)
    return subprocess.run(command, cwd=ROOT, check=False, **kwargs)  # noqa: S603


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }
    name = config["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"creating database {name}", flush=True)
            admin.execute(f'CREATE DATABASE "{name}"')


HAS_DATA = """
import django
django.setup()
from ipcoop.ops import scaledata
try:
    scaledata.key_pages()
except LookupError:
    raise SystemExit(3)
"""


def prepare_data(preset: str | None) -> None:
    url = os.environ["DATABASE_URL"]
    if preset is None:
        return
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    if run([str(BIN / "ipcoop"), "migrate", "--no-input", "-v0"]).returncode:
        sys.exit(2)
    check = run([sys.executable, "-c", HAS_DATA], env=dict(os.environ, **DJANGO_ENV))
    if check.returncode == 3:
        started = time.monotonic()
        if run([str(BIN / "ipcoop"), "scale-data", "--preset", preset]).returncode:
            sys.exit(2)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    elif check.returncode:
        sys.exit(2)


DJANGO_ENV = {"DJANGO_SETTINGS_MODULE": "ipcoop.settings"}

# Search term classes on the generated data (its vocabulary: ipcoop.ops.scaledata.WORDS).
SEARCH_TERMS = {
    "common (en)": ["patent", "application"],
    "common, unspaced script (th)": ["สิทธิบัตร", "คำขอ"],
    "common (ko)": ["특허", "출원"],
    "two words": ["patent examination", "prior art"],
    "less common": ["metaverse", "licence"],
    "rare (an application number)": [],
    "no match": ["zzqxv", "qqzzyx"],
}


def time_search(repeat: int) -> dict:
    """p50/p95 (ms) of ``services.search`` for each class of terms, anonymous and staff."""
    os.environ.update(DJANGO_ENV)
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from ipcoop.ops import scaledata
    from ipcoop.people.models import User
    from ipcoop.search import services
    from ipcoop.search.models import SearchDocument
    from ipcoop.worksharing.models import Application

    terms = dict(SEARCH_TERMS)
    numbers = list(Application.objects.order_by("-pk").values_list("number", flat=True)[:1]) + list(
        Application.objects.order_by("pk").values_list("number", flat=True)[:1]
    )
    terms["rare (an application number)"] = numbers
    readers = {
        "anonymous": AnonymousUser(),
        f"staff ({scaledata.KIPO_EXAMINER})": User.objects.get(username=scaledata.KIPO_EXAMINER),
    }
    rows = []
    for label, queries in terms.items():
        for who, user in readers.items():
            timings = []
            matches, capped = 0, False
            for query in queries:
                for attempt in range(repeat + 2):
                    started = time.perf_counter()
                    results = services.search(user=user, query=query, user_language="en")
                    elapsed = (time.perf_counter() - started) * 1000
                    if attempt >= 2:  # the first two warm the caches
                        timings.append(elapsed)
                matches, capped = max(matches, results.total), capped or results.capped
            if not timings:
                continue
            timings.sort()
            rows.append(
                {
                    "terms": label,
                    "queries": queries,
                    "who": who,
                    "n": len(timings),
                    "matches": f"{'more than ' if capped else ''}{matches}",
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
                    "max_ms": round(timings[-1], 1),
                }
            )
            print(
                f"{label:<32} {who:<28} p50 {rows[-1]['p50_ms']:7.1f} "
                f"p95 {rows[-1]['p95_ms']:7.1f} ms",
                flush=True,
            )
    return {
        "engine": connection.vendor,
        "documents": SearchDocument.objects.count(),
        "loadavg": [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]],
        "rows": rows,
    }


def search_markdown(result: dict) -> str:
    first = result["rows"][0]
    each = first["n"] // max(1, len(first["queries"]))
    out = [
        "### Search latency",
        "",
        f"`ipcoop.search.services.search` (match, access filter, facets, first page with "
        f"snippets) in-process on the same database ({result['documents']:,} search "
        f"documents), each query {each} times after two warm-ups; "
        f"load average {fmt_load(result['loadavg'])}. Milliseconds.",
        "",
        "| terms | queries | who | matches (the most of its queries) | p50 | p95 | max |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        queries = ", ".join(f"`{query}`" for query in row["queries"])
        out.append(
            f"| {row['terms']} | {queries} | {row['who']} | {row['matches']} | {row['p50_ms']:.1f} "
            f"| {row['p95_ms']:.1f} | {row['max_ms']:.1f} |"
        )
    return "\n".join(out) + "\n"


def fmt_load(values: list[float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_cell(item)}" for key, item in value.items())
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(rows: list[dict]) -> list[str]:
    keys: list[str] = []
    for row in rows:
        keys += [key for key in row if key not in keys]
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(_cell(row.get(key, "")) for key in keys) + " |" for row in rows]
    return out


def other_results_markdown(path: Path, title: str) -> str:
    """Another benchmark's JSON, as it is: its own markdown when it has one, else its
    scalar keys as a list and each list of records as a table."""
    if not path.exists():
        return ""
    try:
        data = json.loads(path.read_text())
    except ValueError as error:
        return f"### {title}\n\n`{path.relative_to(ROOT)}` could not be read: {error}\n"
    out = [f"### {title}", "", f"From `{path.relative_to(ROOT)}`.", ""]
    if isinstance(data, dict) and isinstance(data.get("markdown"), str):
        return "\n".join([*out, data["markdown"].strip(), ""])
    if isinstance(data, list):
        data = {"results": data}
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            out += ["", f"{key}:", "", *_table(value), ""]
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(item, dict) for item in value.values())
        ):
            out += ["", f"{key}:", "", *_table([{"": k, **v} for k, v in value.items()]), ""]
        else:
            out.append(f"- {key}: {_cell(value)}")
    return "\n".join(out) + "\n"


def summary(load_md: str, search_md: str, command: str) -> str:
    parts = [
        "## Latest results",
        f"Produced by `{command}` (see `benchmarks/bench_all.py`); the raw figures are in "
        "`benchmarks/results/`.",
        load_md,
    ]
    if search_md:
        parts.append(search_md)
    for name, title in (("faults.json", "Fault tests"), ("lcp.json", "Largest Contentful Paint")):
        text = other_results_markdown(RESULTS / name, title)
        if text:
            parts.append(text)
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def update_readme(block: str) -> None:
    text = README.read_text() if README.exists() else ""
    marked = f"{START_MARK}\n{block.rstrip()}\n{END_MARK}"
    pattern = re.compile(re.escape(START_MARK) + r".*?" + re.escape(END_MARK), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: marked, text, count=1)
    else:
        text = f"{marked}\n\n{text}"
    README.write_text(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="instead of DATABASE_URL")
    parser.add_argument(
        "--generate",
        metavar="PRESET",
        help="migrate, and generate data at this scale (tiny, small, large) when there is none",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per load measurement")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--pages", default="", help="only these key pages (comma-separated)")
    parser.add_argument("--search-repeat", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true", help="reuse results/load.json")
    parser.add_argument("--skip-search", action="store_true", help="reuse results/search.json")
    parser.add_argument("--skip-faults", action="store_true", help="reuse results/faults.json")
    parser.add_argument("--skip-lcp", action="store_true", help="reuse results/lcp.json")
    parser.add_argument("--no-readme", action="store_true", help="leave benchmarks/README.md")
    parser.add_argument("--search-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "Set DATABASE_URL (or --database-url) to the database of the benchmark, e.g. "
            "postgres://postgres@127.0.0.1:5432/ipcoop_scale or sqlite:///var/scale.sqlite3"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.search_only:
        result = time_search(args.search_repeat)
        (RESULTS / "search.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return 0

    prepare_data(args.generate)
    status = 0
    if not args.skip_load:
        command = [
            sys.executable,
            str(BENCH_DIR / "load_test.py"),
            f"--duration={args.duration:g}",
            f"--warmup={args.warmup:g}",
            f"--workers={args.workers}",
            f"--connections={args.connections}",
        ]
        if args.pages:
            command.append(f"--pages={args.pages}")
        load = run(command)
        if load.returncode not in (0, 1):
            return 2
        status = load.returncode
    load_json = RESULTS / "load.json"
    if not load_json.exists():
        sys.exit("No load test results (benchmarks/results/load.json).")
    import load_test

    load_result = json.loads(load_json.read_text())
    if args.skip_load:
        status = 0 if all(row["pass"] for row in load_result["rows"]) else 1
    load_md = load_test.markdown(load_result, heading="###")

    if not args.skip_search:
        searched = run(
            [
                sys.executable,
                str(Path(__file__)),
                "--search-only",
                f"--search-repeat={args.search_repeat}",
            ]
        )
        if searched.returncode:
            return 2
    if not args.skip_faults and run([sys.executable, str(BENCH_DIR / "faults.py")]).returncode:
        return 2
    if not args.skip_lcp and run([sys.executable, str(BENCH_DIR / "lcp.py")]).returncode:
        return 2
    search_json = RESULTS / "search.json"
    search_md = search_markdown(json.loads(search_json.read_text())) if search_json.exists() else ""

    shown = "benchmarks/bench_all.py" + "".join(
        f" {arg}"
        for arg in (argv if argv is not None else sys.argv[1:])
        if "://" not in arg and not arg.startswith("--skip-") and arg != "--no-readme"
    )
    text = summary(load_md, search_md, f".venv/bin/python {shown}")
    (RESULTS / "summary.md").write_text(text)
    print("written: benchmarks/results/summary.md", flush=True)
    if not args.no_readme:
        update_readme(text)
        print("updated: benchmarks/README.md (the results block)", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
