"""Work-sharing benchmark: a synthetic back file, then timed family lookups and family views.

    .venv/bin/python benchmarks/worksharing_bench.py --size 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_wsbench \\
        .venv/bin/python benchmarks/worksharing_bench.py --size 100000

Builds (seeded, bulk inserts) ``--size`` applications in families of 2–6 members
across seven IP offices, each family linked by a priority claim or a PCT number,
with family keys, one search report per member and ``--citations`` citations per
report, in the database named by DATABASE_URL (default: var/worksharing-bench.sqlite3,
never the development database). Family ids are set as the build knows them rather
than through ``save_application`` (which recomputes families one record at a time:
right for imports, too slow to build millions of rows in minutes).

Then, as an examiner of a cooperating office (the access filter included), it times
``lookup_family_ids`` for numbers written in three forms and the family view's work
(members, work products with citations, merged citations) and prints p50/p95 in ms.
``--keep`` reuses a back file already built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'worksharing-bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from ipcoop.people.models import Membership, Organisation, Role, User  # noqa: E402
from ipcoop.worksharing import services  # noqa: E402
from ipcoop.worksharing.demo import OFFICES, application_number  # noqa: E402
from ipcoop.worksharing.models import (  # noqa: E402
    Application,
    Citation,
    FamilyKey,
    WorkProduct,
)

BATCH = 5000


def build(size: int, citations_per_report: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded synthetic data
    offices = {o.slug: o for o in Organisation.objects.filter(slug__in=OFFICES)}
    serial = dict.fromkeys(OFFICES, 0)
    Citation.objects.all().delete()
    WorkProduct.objects.all().delete()
    FamilyKey.objects.all().delete()
    Application.objects.all().delete()
    next_id = 1
    made = 0
    pending_apps, pending_keys, pending_reports, pending_cites = [], [], [], []

    def flush() -> None:
        with transaction.atomic():
            Application.objects.bulk_create(pending_apps, batch_size=BATCH)
            FamilyKey.objects.bulk_create(pending_keys, batch_size=BATCH)
            WorkProduct.objects.bulk_create(pending_reports, batch_size=BATCH)
            for cite in pending_cites:
                cite.work_product_id = cite.work_product.pk
            Citation.objects.bulk_create(pending_cites, batch_size=BATCH)
        for pending in (pending_apps, pending_keys, pending_reports, pending_cites):
            pending.clear()

    started = time.perf_counter()
    family_index = 0
    while made < size:
        family_index += 1
        year = rng.choice([2019, 2020, 2021, 2022, 2023])
        slugs = rng.sample(OFFICES, min(rng.randint(2, 6), len(OFFICES)))
        family_id = next_id
        pct = f"PCTKR{year}{family_index:06d}" if rng.random() < 0.4 else ""
        root_key = ""
        for position, slug in enumerate(slugs):
            serial[slug] += 1
            office = offices[slug]
            number = application_number(slug, year, serial[slug] % 10_000_000)
            normalised = "".join(ch for ch in number if ch.isalnum()).upper()
            app = Application(
                pk=next_id,
                office=office,
                visibility="offices",
                number=number,
                number_normalised=normalised,
                filing_date=dt.date(year, 1 + family_index % 12, 1 + position),
                title=f"[Synthetic] benchmark application {next_id}",
                ipc_symbols=["G06N 3/08"],
                technology_area="ai",
                pct_application_number=pct,
                pct_number_normalised=pct,
                family_id=family_id,
            )
            pending_apps.append(app)
            own_key = f"{office.code}:{normalised}"
            pending_keys.append(FamilyKey(application_id=next_id, key=own_key))
            if position == 0:
                root_key = own_key
            else:
                pending_keys.append(FamilyKey(application_id=next_id, key=root_key))
            if pct:
                pending_keys.append(FamilyKey(application_id=next_id, key=f"PCT:{pct}"))
            report = WorkProduct(
                application_id=next_id,
                kind="search_report",
                date=dt.date(year + 1, 6, 1),
                examiner_office=office,
            )
            pending_reports.append(report)
            for _ in range(citations_per_report):
                doc = f"US{rng.randint(1_000_000, 1_000_000 + size * 2)}"
                pending_cites.append(
                    Citation(
                        work_product=report,
                        document_number=doc,
                        document_normalised=doc,
                        kind_code="B1",
                        category=rng.choice("XYA"),
                        claims="1-3",
                    )
                )
            next_id += 1
            made += 1
        if len(pending_apps) >= BATCH:
            flush()
            print(f"  {made} applications ({time.perf_counter() - started:.0f} s)", flush=True)
    flush()
    print(
        f"built {made} applications, {Citation.objects.count()} citations "
        f"in {time.perf_counter() - started:.0f} s"
    )


def examiner() -> User:
    user, created = User.objects.get_or_create(username="bench.examiner")
    if created:
        Membership.objects.create(
            user=user, organisation=Organisation.objects.get(slug="th-dip"), role=Role.EXAMINER
        )
    return User.objects.get(pk=user.pk)


def timed(label: str, runs: list[float]) -> None:
    runs = sorted(runs)
    p95 = runs[max(0, int(len(runs) * 0.95) - 1)]
    print(
        f"{label:40s} p50 {statistics.median(runs):7.2f} ms   p95 {p95:7.2f} ms   (n={len(runs)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--citations", type=int, default=5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not args.keep or not Application.objects.exists():
        build(args.size, args.citations, args.seed)
    user = examiner()
    rng = random.Random(args.seed + 1)  # noqa: S311 - seeded synthetic data
    max_id = Application.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = list(
        Application.objects.filter(
            pk__in=[rng.randint(1, max_id) for _ in range(args.queries)]
        ).select_related("office")
    )
    forms = {
        "as written": lambda a: a.number,
        "with country, no dashes": lambda a: f"{a.office.code}{a.number_normalised}",
        "with country and spaces": lambda a: f"{a.office.code} {a.number}",
    }
    print(
        f"database: {connection.vendor}, {Application.objects.count()} applications, "
        f"{Citation.objects.count()} citations"
    )
    for label, form in forms.items():
        runs = []
        for app in sample:
            start = time.perf_counter()
            found = services.lookup_family_ids(user, form(app))
            runs.append((time.perf_counter() - start) * 1000)
            assert app.family_id in found, (app.number, found)
        timed(f"lookup ({label})", runs)
    runs = []
    for app in sample:
        start = time.perf_counter()
        members = services.family_members(user, app.family_id)
        products = services.family_work_products(members)
        services.merge_citations(products)
        runs.append((time.perf_counter() - start) * 1000)
    timed("family view (members, products, merge)", runs)


if __name__ == "__main__":
    main()
