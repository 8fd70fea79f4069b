"""A synthetic back file for demonstrations and benchmarks: seeded, every title marked
"[Synthetic]", numbers in each office's written form, cross-office families (priority
claims and PCT routes) and search reports whose citations partly overlap."""

from __future__ import annotations

import datetime as dt
import random

from ipcoop.worksharing import services
from ipcoop.worksharing.models import Application, WorkProduct

OFFICES = ["kr-kipo", "vn-ipvn", "sg-ipos", "th-dip", "my-myipo", "ph-ipophl", "id-dgip"]
AREAS = {
    "ai": (
        ["G06N 3/08", "G06N 20/00", "G06N 5/04"],
        ["neural network training", "federated learning", "model compression"],
    ),
    "blockchain": (
        ["H04L 9/50", "G06Q 20/38"],
        ["distributed ledger settlement", "smart contract audit"],
    ),
    "metaverse": (["G06T 19/00", "G06F 3/01"], ["avatar rendering", "mixed-reality overlay"]),
}
CITED_OFFICES = ["US", "EP", "JP", "CN", "KR", "WO"]


def application_number(slug: str, year: int, serial: int) -> str:
    """A number in the office's own written form (synthetic)."""
    return {
        "kr-kipo": f"10-{year}-{serial:07d}",
        "vn-ipvn": f"1-{year}-{serial:05d}",
        "sg-ipos": f"10{year}{serial:05d}V",
        "th-dip": f"{year % 100:02d}01{serial:06d}",
        "my-myipo": f"PI{year}{serial:06d}",
        "ph-ipophl": f"1-{year}-{serial:06d}",
        "id-dgip": f"P00{year}{serial:05d}",
    }[slug]


def seed_demo(*, families: int = 100, seed: int = 42, with_reports: bool = True) -> int:
    """Create ``families`` synthetic families (2–5 members each, a few hundred
    applications for the default). Returns the number of applications written.

    Side effects: saves applications through services.save_application (families
    recomputed) and, when ``with_reports``, search reports with citations for members
    that have none yet. Re-running with the same seed updates the same records.
    """
    from ipcoop.people.models import Organisation

    rng = random.Random(seed)  # noqa: S311 - seeded synthetic data
    offices = {o.slug: o for o in Organisation.objects.filter(slug__in=OFFICES)}
    serials = dict.fromkeys(OFFICES, 0)
    written = 0
    pool = [
        f"{rng.choice(CITED_OFFICES)} {rng.randint(1_000_000, 9_999_999)} A1"
        for _ in range(families * 3)
    ]
    for index in range(families):
        area = rng.choice(list(AREAS))
        symbols, topics = AREAS[area]
        topic = rng.choice(topics)
        year = rng.choice([2021, 2022, 2023])
        first_date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        slugs = rng.sample(OFFICES, rng.randint(2, 5))
        pct = f"PCT/{offices[slugs[0]].code}{year}/{index + 1:06d}" if rng.random() < 0.4 else ""
        members: list[Application] = []
        for position, slug in enumerate(slugs):
            serials[slug] += 1
            number = application_number(slug, year, serials[slug])
            priorities = []
            if position > 0 and (not pct or rng.random() < 0.5):
                first = members[0]
                priorities = [
                    {
                        "country": first.office.code,
                        "number": first.number,
                        "date": first.filing_date,
                    }
                ]
            filing = (
                first_date
                if position == 0
                else first_date + dt.timedelta(days=rng.randint(200, 360))
            )
            application, _ = services.save_application(
                by=None,
                office=offices[slug],
                number=number,
                filing_date=min(filing, dt.date.today()),
                title=f"[Synthetic] {topic.capitalize()} method {index + 1}",
                applicant=f"Synthetic Applicant {rng.randint(1, 40)}",
                applicant_withheld=rng.random() < 0.1,
                ipc_symbols=[rng.choice(symbols)],
                priorities=priorities,
                pct_application_number=pct,
                visibility="offices",
            )
            members.append(application)
            written += 1
        if not with_reports:
            continue
        shared = rng.sample(pool, 3)
        for application in members:
            # Draw every random value first, so a re-run follows the same sequence.
            skip = rng.random() < 0.3
            cited = rng.sample(shared, rng.randint(1, 3)) + rng.sample(pool, rng.randint(0, 2))
            when = min(
                application.filing_date + dt.timedelta(days=rng.randint(120, 400)), dt.date.today()
            )
            categories = [rng.choice("XXYYAA") for _ in cited]
            claims = [f"1-{rng.randint(2, 12)}" for _ in cited]
            if skip or WorkProduct.objects.filter(application=application).exists():
                continue
            services.add_work_product(
                by=None,
                application=application,
                kind="search_report",
                date=when,
                summary="[Synthetic] search report",
                citations=[
                    {"document_number": doc, "category": category, "claims": claim}
                    for doc, category, claim in zip(cited, categories, claims, strict=True)
                ],
            )
    return written
