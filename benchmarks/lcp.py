"""Largest contentful paint of the key pages on a slow phone network, in Chromium.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_scale \\
        .venv/bin/python benchmarks/lcp.py [--runs 5]
    .venv/bin/python benchmarks/lcp.py --base-url https://ipcoop.example.org \\
        --path /academy/some-course/some-lesson/ --cookie "sessionid=…"

Each page is opened ``--runs`` times, each time in a fresh browser context (empty cache,
cache disabled too) with the Chrome DevTools "Slow 4G" network preset and the CPU slowed
4× (what Lighthouse applies for its mobile run), in a 412 × 823 window (Lighthouse's
mobile screen). The largest contentful paint is read with a PerformanceObserver
('largest-contentful-paint', buffered) once the page has loaded; the median and the
worst run are kept, with the time to first byte, the load event and the bytes moved.

Without ``--base-url`` the script serves the database DATABASE_URL names with gunicorn
in production mode, as benchmarks/load_test.py does (static files collected, DEBUG
off), and opens the lesson (with questions, as the generated learner), the home page and
the catalogue of ``ipcoop.ops.scaledata.key_pages()``; with ``--base-url`` it opens
``--path`` (default: the lesson of the key pages when the database has them) and the
home page and the catalogue, sending ``--cookie`` with every request.

Writes ``benchmarks/results/lcp.json``. Google's "good" threshold is 2.5 s.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
GOOD_LCP_MS = 2500

# Chrome DevTools' "Slow 4G" network preset (front_end/core/sdk/NetworkManager.ts,
# Slow4GConditions; called "Fast 3G" before Chrome 119), which is also Lighthouse's
# mobile "slow 4G" throttling as DevTools applies it: 1.6 Mbit/s down and 750 kbit/s up
# at 90 %, 150 ms round trip × 3.75. Network.emulateNetworkConditions takes bytes/s and ms.
SLOW_4G = {
    "offline": False,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # 180 000 bytes/s
    "uploadThroughput": 750 * 1000 / 8 * 0.9,  # 84 375 bytes/s
    "latency": 150 * 3.75,  # 562.5 ms
}
CPU_SLOWDOWN = 4  # Lighthouse's mobile CPU throttling (Emulation.setCPUThrottlingRate)
PROFILE = {
    "name": 'Chrome DevTools "Slow 4G" preset + 4× CPU slowdown (Lighthouse mobile)',
    "network": SLOW_4G,
    "cpu_slowdown": CPU_SLOWDOWN,
    "viewport": {"width": 412, "height": 823},
    "cache": "disabled, fresh context per run",
}

# Waits until the page has painted once more after load, then reads the last LCP entry.
_READ_LCP = """() => new Promise((resolve) => {
  let last = null;
  const observer = new PerformanceObserver((list) => {
    const entries = list.getEntries();
    last = entries[entries.length - 1];
  });
  observer.observe({type: 'largest-contentful-paint', buffered: true});
  requestAnimationFrame(() => setTimeout(() => {
    observer.disconnect();
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const moved = resources.reduce((sum, r) => sum + (r.transferSize || 0), 0);
    const element = last && last.element;
    resolve({
      lcp_ms: last ? last.startTime : null,
      lcp_size: last ? last.size : null,
      lcp_element: element ? element.tagName.toLowerCase()
        + (element.id ? '#' + element.id : '')
        + [...element.classList].map((name) => '.' + name).join('') : (last ? last.url : null),
      response_start_ms: nav.responseStart,
      dom_content_loaded_ms: nav.domContentLoadedEventEnd,
      load_ms: nav.loadEventEnd,
      html_bytes: nav.transferSize,
      bytes: nav.transferSize + moved,
      requests: resources.length + 1,
    });
  }, 300));
})"""


def measure_lcp(browser, url: str, *, cookies=(), headers=None) -> dict:
    """One cold load of ``url`` under the profile, in a fresh context; its timings (ms)."""
    context = browser.new_context(
        viewport=PROFILE["viewport"], is_mobile=True, has_touch=True, locale="en-GB"
    )
    try:
        if cookies:
            context.add_cookies(list(cookies))
        if headers:
            context.set_extra_http_headers(headers)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        response = page.goto(url, wait_until="load", timeout=120_000)
        status = response.status if response else None
        result = page.evaluate(_READ_LCP)
        result["status"] = status
        result["final_url"] = page.url
        return result
    finally:
        context.close()


def summarise(runs: list[dict]) -> dict:
    values = [run["lcp_ms"] for run in runs if run["lcp_ms"] is not None]
    return {
        "lcp_median_ms": round(statistics.median(values)) if values else None,
        "lcp_worst_ms": round(max(values)) if values else None,
        "lcp_best_ms": round(min(values)) if values else None,
        # As the page's navigation timing has it: without the emulated round trips, which
        # DevTools adds between the network stack and the page.
        "response_start_median_ms": round(
            statistics.median(run["response_start_ms"] for run in runs)
        ),
        "load_median_ms": round(statistics.median(run["load_ms"] for run in runs)),
        "bytes": runs[-1]["bytes"],
        "requests": runs[-1]["requests"],
        "lcp_element": runs[-1]["lcp_element"],
        "statuses": sorted({run["status"] for run in runs}),
        "good": bool(values) and max(values) < GOOD_LCP_MS,
    }


def cookie_list(header: str, base_url: str) -> list[dict]:
    """'name=value; other=value' as Playwright cookies for ``base_url``."""
    cookies = []
    for part in filter(None, (item.strip() for item in header.split(";"))):
        name, _, value = part.partition("=")
        cookies.append({"name": name, "value": value, "url": base_url})
    return cookies


def loadavg() -> list[float]:
    return [float(part) for part in Path("/proc/loadavg").read_text().split()[:3]]


def run_pages(base_url: str, pages: list[dict], runs: int, headers: dict | None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for spec in pages:
                cookies = cookie_list(spec.get("cookie", ""), base_url)
                url = base_url.rstrip("/") + spec["path"]
                measure_lcp(browser, url, cookies=cookies, headers=headers)  # warm the server
                load_before = loadavg()
                timings = [
                    measure_lcp(browser, url, cookies=cookies, headers=headers) for _ in range(runs)
                ]
                row = {
                    "name": spec["name"],
                    "path": spec["path"],
                    "signed_in": bool(spec.get("cookie")),
                    **summarise(timings),
                    "runs_ms": [round(run["lcp_ms"] or -1) for run in timings],
                    "loadavg_before": load_before,
                    "loadavg_after": loadavg(),
                }
                print(
                    f"{row['name']:<10} LCP median {row['lcp_median_ms']} ms, worst "
                    f"{row['lcp_worst_ms']} ms, "
                    f"response start {row['response_start_median_ms']} ms, "
                    f"{row['bytes']} bytes in {row['requests']} requests "
                    f"(load {' '.join(map(str, row['loadavg_after']))})",
                    flush=True,
                )
                results.append(row)
        finally:
            browser.close()
    return results


def local_pages(load_test) -> list[dict]:
    """The lesson (as the generated learner), the home page and the catalogue."""
    wanted = {"lesson", "home", "catalogue"}
    pages = [page for page in load_test.key_pages_with_cookies() if page["name"] in wanted]
    return sorted(pages, key=lambda page: ["lesson", "home", "catalogue"].index(page["name"]))


def serve_and_measure(args: argparse.Namespace) -> tuple[list[dict], dict]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import load_test

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ipcoop-lcp-")))
        env = load_test.production_env(tmp)
        load_test.collectstatic(env)
        load_test.setup_django(env)
        pages = local_pages(load_test)
        port = load_test.free_port()
        log = tmp / "gunicorn.log"
        command = load_test.gunicorn("ipcoop.wsgi", port, args.workers, tmp, "platform")
        process = stack.enter_context(load_test.running(command, cwd=ROOT, env=env, log=log))
        base_url = f"http://127.0.0.1:{port}"
        load_test.wait_for(f"{base_url}/healthz", process, log)
        counts = load_test.scale_counts()
        server = {
            "server": f"gunicorn, {args.workers} sync workers, production settings",
            "database": load_test.engine_name(),
            "data": {name: counts[name] for name in list(counts)[:8]},
        }
        # Behind a TLS proxy in production: say so, as the proxy would.
        headers = {"X-Forwarded-Proto": "https"}
        return run_pages(base_url, pages, args.runs, headers), server


def remote_pages(args: argparse.Namespace) -> list[dict]:
    path = args.path
    if path is None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import load_test

        load_test.setup_django({"DJANGO_SETTINGS_MODULE": "ipcoop.settings"})
        from ipcoop.ops import scaledata

        path = next(page.path for page in scaledata.key_pages() if page.name == "lesson")
    return [
        {"name": "lesson", "path": path, "cookie": args.cookie or ""},
        {"name": "home", "path": "/", "cookie": ""},
        {"name": "catalogue", "path": "/academy/", "cookie": ""},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="Measure this server rather than start gunicorn.")
    parser.add_argument("--path", help="The lesson's path (with --base-url).")
    parser.add_argument("--cookie", help="Cookie header for the lesson (with --base-url).")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=RESULTS / "lcp.json")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.UTC)
    load_start = loadavg()
    if args.base_url:
        pages = run_pages(args.base_url, remote_pages(args), args.runs, None)
        server = {"server": args.base_url}
    else:
        pages, server = serve_and_measure(args)
    result = {
        "started": started.isoformat(timespec="seconds"),
        "profile": PROFILE,
        "good_threshold_ms": GOOD_LCP_MS,
        "runs": args.runs,
        **server,
        "loadavg_start": load_start,
        "loadavg_end": loadavg(),
        "pages": pages,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"Written to {shown}.")


if __name__ == "__main__":
    main()
