"""Fault figures: the platform served by gunicorn (production mode) on loopback, under a
steady load, while (a) a worker is killed, (b) PostgreSQL restarts, (c) Redis is killed
and later hangs.

    .venv/bin/python benchmarks/faults.py [--seconds 6] [--workers 3] [--only kill,postgres,redis]

(b) runs on a throwaway PostgreSQL cluster (initdb into a temporary folder, its own port:
the server on 5432 is never touched), (a) and (c) on a SQLite file of their own, (c) with
a throwaway redis-server. Prints a table and writes benchmarks/results/faults.json.
The scenarios themselves are in tests/faultkit.py, shared with tests/test_faults.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import faultkit  # noqa: E402 (after the repository root is on the path)

RESULTS = ROOT / "benchmarks" / "results" / "faults.json"


def run_kill(seconds: float, workers: int) -> dict:
    with faultkit.scratch() as folder:
        env = faultkit.production_env(folder)
        faultkit.migrate(env)
        return faultkit.worker_kill(folder, env, workers=workers, before=seconds / 2, after=seconds)


def run_postgres(seconds: float) -> dict:
    reason = faultkit.missing_postgres()
    if reason:
        return {"skipped": reason}
    with faultkit.scratch() as folder, faultkit.ThrowawayPostgres() as cluster:
        env = faultkit.production_env(folder, DATABASE_URL=cluster.url)
        faultkit.migrate(env)
        return faultkit.postgres_restart(
            folder, env, cluster, before=seconds / 2, outage=seconds / 2, after=seconds / 2
        )


def run_redis(seconds: float) -> dict:
    reason = faultkit.missing_redis()
    if reason:
        return {"skipped": reason}
    with faultkit.scratch() as folder, faultkit.ThrowawayRedis() as redis:
        env = faultkit.production_env(folder)
        faultkit.migrate(env)
        return faultkit.redis_down(folder, env, redis, phase=seconds / 2)


def row(name: str, figures: dict) -> str:
    if "skipped" in figures:
        return f"{name:<28} skipped: {figures['skipped']}"
    statuses = " ".join(f"{k}:{v}" for k, v in figures["statuses"].items())
    return (
        f"{name:<28} {figures['requests']:>6} {figures['error_rate']:>7.2%} "
        f"{figures['p50_ms']:>8} {figures['p95_ms']:>8} {figures['max_ms']:>8}  {statuses}"
    )


def report(results: dict) -> str:
    lines = [
        f"{'scenario':<28} {'reqs':>6} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        "  statuses"
    ]
    kill = results["scenarios"].get("worker_kill")
    if kill:
        lines.append(row("worker kill -9 (whole run)", kill))
        if "skipped" not in kill:
            lines.append(
                f"{'':<28} respawn {kill['respawn_s']} s, new worker's first answer "
                f"{kill['new_worker_first_answer_s']} s, workers after: {kill['workers_after']}"
            )
    pg = results["scenarios"].get("postgres_restart")
    if pg:
        lines.append(row("postgres restart (whole run)", pg))
        if "skipped" not in pg:
            lines.append(row("  during the outage", pg["outage"]))
            lines.append(row("  failing answers", pg["failing"]))
            lines.append(
                f"{'':<28} outage {pg['outage']['seconds']} s; 503 with page and Retry-After: "
                f"{pg['failing']['explained_503']}/{pg['failing']['requests']}; traces: "
                f"{pg['failing']['with_trace']}; first 200 {pg['first_200_after_ready_s']} s "
                f"after PostgreSQL was ready ({pg['first_200_after_restart_command_s']} s after "
                "the start command)"
            )
            lines.append(row("  after recovery", pg["after_recovery"]))
    redis = results["scenarios"].get("redis_down")
    if redis:
        lines.append(row("redis down (whole run)", redis))
        if "skipped" not in redis:
            for name, phase in redis["phases"].items():
                lines.append(row(f"  redis {name}", phase))
    lines.append(f"load average before: {results['load_before']}, after: {results['load_after']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6, help="length of each phase x2")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (kill)")
    parser.add_argument("--only", default="kill,postgres,redis")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    results: dict = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "load_before": faultkit.load_average(),
        "scenarios": {},
    }
    if "kill" in chosen:
        results["scenarios"]["worker_kill"] = run_kill(args.seconds, args.workers)
    if "postgres" in chosen:
        results["scenarios"]["postgres_restart"] = run_postgres(args.seconds)
    if "redis" in chosen:
        results["scenarios"]["redis_down"] = run_redis(args.seconds)
    results["load_after"] = faultkit.load_average()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(report(results))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
