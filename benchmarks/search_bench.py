"""Search benchmark: a synthetic index of mixed-language items, then timed queries.

    .venv/bin/python benchmarks/search_bench.py --size 300000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipcoop_bench \\
        .venv/bin/python benchmarks/search_bench.py --size 300000

Builds (seeded, bulk inserts) ``--size`` search documents in the database named by
DATABASE_URL (default: var/search-bench.sqlite3, never the development database),
then runs ``ipcoop.search.services.search`` — the text match, the access filter,
facet counts and the first page with snippets, exactly as the page does — for
common, medium and rare terms, as an anonymous visitor and as office staff, and
prints p50/p95 in milliseconds. ``--keep`` reuses an index already built;
``--dossiers N`` makes the newest N documents work-sharing dossiers, with their
applications, to time the dossier check of the access filter.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipcoop.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'search-bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from ipcoop.people.models import Membership, Organisation, OrganisationKind, Role, User  # noqa: E402
from ipcoop.search import services, text  # noqa: E402
from ipcoop.search.models import SearchDocument, SearchState  # noqa: E402
from ipcoop.worksharing.models import Application  # noqa: E402

# Words by language: a few very common (in a third of the documents), the rest spread.
_WORDS = {
    "en": "patent trademark design examination guideline inventor application fee "
    "renewal opposition appeal priority novelty claim drawing applicant agent office "
    "artificial intelligence blockchain metaverse copyright licence infringement",
    "ko": "특허 상표 디자인 심사 지침 발명자 출원 수수료 갱신 이의신청 심판 우선권 "
    "신규성 청구항 도면 출원인 대리인 인공지능 블록체인 메타버스 저작권",
    "th": "สิทธิบัตร เครื่องหมายการค้า การออกแบบ การตรวจสอบ แนวทาง ผู้ประดิษฐ์ คำขอ "
    "ค่าธรรมเนียม การต่ออายุ การคัดค้าน อุทธรณ์ สิทธิ์ก่อน ความใหม่ ข้อถือสิทธิ",
    "vi": "sáng chế nhãn hiệu kiểu dáng thẩm định hướng dẫn tác giả đơn đăng ký phí "
    "gia hạn phản đối khiếu nại quyền ưu tiên tính mới yêu cầu bảo hộ",
    "km": "ប៉ាតង់ ម៉ាកពាណិជ្ជកម្ម គំនូរឧស្សាហកម្ម ការពិនិត្យ គោលការណ៍ណែនាំ អ្នកបង្កើត ពាក្យស្នើសុំ កម្រៃ ការបន្ត ការជំទាស់",
}
VOCABULARY = {language: words.split() for language, words in _WORDS.items()}
LANGUAGES = list(VOCABULARY)
COMMON = {"en": "patent", "ko": "특허", "th": "สิทธิบัตร", "vi": "sáng chế", "km": "ប៉ាតង់"}
KINDS = ["question", "position", "update", "consultation"]
AUDIENCES = ["public"] * 4 + ["offices"] * 3 + ["orgs"] * 2 + ["ip_offices"]


def synthetic(rng: random.Random, n: int, offices: list[int]) -> SearchDocument:
    language = rng.choice(LANGUAGES)
    words = VOCABULARY[language]
    title_words = rng.sample(words, 4)
    if rng.random() < 0.33:
        title_words.insert(0, COMMON[language])
    body_words = [rng.choice(words) for _ in range(rng.randint(30, 80))]
    if rng.random() < 0.01:
        body_words.append(f"medium{rng.randint(0, 9)}")  # about 0.1 % each
    body_words.append(f"KR 10-{2000 + n % 25}-{n:07d}")  # a rare, unique number
    body_words.append(f"rare{n}")  # unique
    sep = "" if language in {"th", "km"} else " "
    title, body = " ".join(title_words), sep.join(body_words)
    created = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=n * 17)
    office = rng.choice(offices)
    audience = rng.choice(AUDIENCES)
    allowed = {office} | ({rng.choice(offices)} if audience == "orgs" else set())
    return SearchDocument(
        generation=1,
        kind=rng.choice(KINDS),
        object_id=n + 1,
        title=title,
        title_key=text.title_key(title),
        body=body,
        folded=text.index_text(title, body),
        language=language,
        office_id=office,
        tags="ai patent",
        visibility="public" if audience == "public" else "offices",
        audience=audience,
        year=created.year,
        created_at=created,
        updated_at=created,
        url=f"/updates/{n + 1}/",
        allowed_orgs=SearchDocument.orgs_key(allowed if audience in ("orgs", "ip_offices") else ()),
    )


def dossiers(rng: random.Random, start: int, count: int, ip_offices: list[int]) -> list:
    """``count`` work-sharing applications (numbered from ``start``) and their search
    documents, as ``kinds._dossier_document`` writes them."""
    made = []
    for n in range(start, start + count):
        visibility = rng.choice(["offices"] * 3 + ["selected", "own"])
        made.append(
            Application(
                office_id=rng.choice(ip_offices),
                visibility=visibility,
                number=f"BENCH{n}",
                number_normalised=f"BENCH{n}",
                filing_date=date(2020, 1, 1) + timedelta(days=n % 1500),
                title=" ".join(rng.sample(VOCABULARY["en"], 6)),
                applicant="Synthetic Applicant Ltd",
            )
        )
    applications = Application.objects.bulk_create(made)
    through = Application.shared_with.through
    shared = {a.pk: rng.choice(ip_offices) for a in applications if a.visibility == "selected"}
    through.objects.bulk_create(
        through(application_id=pk, organisation_id=org) for pk, org in shared.items()
    )
    documents = []
    for application in applications:
        allowed = {application.office_id} | (
            {shared[application.pk]} if application.pk in shared else set()
        )
        offices = application.visibility == "offices"
        body = " ".join(rng.choice(VOCABULARY["en"]) for _ in range(rng.randint(30, 80)))
        body = f"{application.number} {application.applicant}\n{body}"
        documents.append(
            SearchDocument(
                generation=1,
                kind="dossier",
                object_id=application.pk,
                title=application.title,
                title_key=text.title_key(application.title),
                body=body,
                folded=text.index_text(application.title, body),
                language="en",
                office_id=application.office_id,
                tags="ai pending",
                visibility=application.visibility,
                audience="ws_offices" if offices else "ws_orgs",
                year=application.created_at.year,
                created_at=application.created_at,
                updated_at=application.updated_at,
                url=f"/worksharing/applications/{application.pk}/",
                allowed_orgs=None if offices else SearchDocument.orgs_key(allowed),
            )
        )
    return documents


def build(size: int, seed: int, dossier_count: int = 0) -> float:
    """``size`` documents, the newest ``dossier_count`` of them work-sharing dossiers
    (with their applications): the worst place for the dossier check."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not secrets
    offices = list(Organisation.objects.values_list("pk", flat=True))
    ip_offices = list(
        Organisation.objects.filter(kind=OrganisationKind.IP_OFFICE).values_list("pk", flat=True)
    )
    started = time.perf_counter()
    SearchDocument.objects.all()._raw_delete(SearchDocument.objects.db)
    Application.objects.filter(number__startswith="BENCH").delete()
    SearchState.objects.update_or_create(pk=1, defaults={"generation": 1, "building": None})
    batch = 5000
    plain = size - dossier_count
    for start in range(0, size, batch):
        end = min(size, start + batch)
        with transaction.atomic():
            rows = [synthetic(rng, n, offices) for n in range(start, min(end, plain))]
            if end > plain:
                first = max(start, plain)
                rows += dossiers(rng, first, end - first, ip_offices)
            SearchDocument.objects.bulk_create(rows, batch_size=1000)
        print(f"\r  built {end}/{size}", end="", flush=True)
    if connection.vendor == "postgresql":
        # As autovacuum leaves it: statistics, and the GIN pending list merged.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print()
    return time.perf_counter() - started


def staff_user() -> User:
    user, created = User.objects.get_or_create(username="bench.examiner")
    if created:
        Membership.objects.create(
            user=user, organisation=Organisation.objects.get(slug="th-dip"), role=Role.EXAMINER
        )
    return user


def timed(user, queries: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        for query in queries:
            started = time.perf_counter()
            services.search(user=user, query=query, user_language="en")
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--dossiers", type=int, default=0, help="how many of the newest are work-sharing dossiers"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the index already built")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not args.keep:
        seconds = build(args.size, args.seed, args.dossiers)
        print(f"built {args.size} documents in {seconds:.0f} s")
    total = SearchDocument.objects.count()
    classes = {
        "common (≈1/3 of a language)": ["patent", "특허", "สิทธิบัตร", "sang che", "ប៉ាតង់"],
        "adjacent pair (2–8 %)": ["ប៉ាតង់កម្រៃ", "สิทธิบัตรแนวทาง", "ការបន្តកម្រៃ"],
        "frequent (≈1 %)": ["medium"],
        "medium (≈0.1 %)": [f"medium{d}" for d in range(5)],
        "rare (one item)": [f"rare{total // 3}", f"10-{2000 + 7}-{7:07d}", f"rare{total - 5}"],
        "two-word": ["patent renewal", "심사 지침", "sang che phi"],
    }
    users = {"anonymous": AnonymousUser(), "staff (TH examiner)": staff_user()}
    print(f"{total} documents; first page (20) with facet counts; ms")
    print(f"{'terms':32} {'who':22} {'p50':>8} {'p95':>8}")
    for label, queries in classes.items():
        for who, user in users.items():
            timed(user, queries, 1)  # warm caches
            # At least 20 timings per line, so that p95 is not simply the slowest one.
            repeat = max(args.repeat, -(-20 // len(queries)))
            times = sorted(timed(user, queries, repeat))
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{label:32} {who:22} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
