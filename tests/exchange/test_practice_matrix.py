"""The comparison matrix: reference data, "not yet reported", differing answers,
"changed since", CSV and print forms, the API, and a constant number of queries."""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ipcoop import access
from ipcoop.access import Visibility
from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.models import OfficePosition, PositionVersion, PracticeQuestion
from ipcoop.people.models import Organisation
from tests.conftest import client_for

TODAY = timezone.localdate


def save(user, question, office, base=0, **fields):
    values = {
        "answer": "yes",
        "summary": "An answer.",
        "source_title": "A source",
        "visibility": Visibility.PUBLIC,
    }
    values.update(fields)
    position, _ = services.save_position(
        by=user, question=question, office=office, base_version=base, **values
    )
    return position


@pytest.fixture
def question(db) -> PracticeQuestion:
    return services.create_question(
        by=None, question="Is a DAO an applicant?", slug="dao", area="blockchain", right="patent"
    )


# Reference data ---------------------------------------------------------------------


def test_reference_positions_are_seeded_with_sources_and_nothing_invented(db):
    seeded = OfficePosition.objects.select_related("question", "office")
    cells = {(p.question.slug, p.office.slug): p for p in seeded}
    assert set(cells) == {
        ("ai-as-inventor", "kr-kipo"),
        ("ai-invention-eligibility-and-disclosure", "kr-kipo"),
        ("ai-invention-eligibility-and-disclosure", "sg-ipos"),
        ("fast-track-4ir", "sg-ipos"),
        ("fast-track-4ir", "kr-kipo"),
        ("fast-track-4ir", "asean-secretariat"),
        ("ai-generated-works-copyright", "kr-kipo"),
        ("virtual-goods-trademarks", "kr-kipo"),
        ("gui-hologram-designs", "kr-kipo"),
    }
    inventor = cells[("ai-as-inventor", "kr-kipo")]
    assert inventor.answer == "no"
    assert "Seoul High Court 2023Nu52088 (16 May 2024)" in inventor.source_title
    assert inventor.legal_basis == "Patent Act Art. 33(1)"
    for position in cells.values():
        assert position.source_title
        assert position.visibility == Visibility.PUBLIC
        assert position.entered_by is None
        assert position.version == 1
        assert position.versions.count() == 1
    # Blockchain examination is unverified in the sources: no office has a position.
    blockchain = PracticeQuestion.objects.get(slug="blockchain-inventions")
    assert blockchain.ipc_symbols == ["H04L 9/50"]
    assert not blockchain.positions.exists()
    assert PracticeQuestion.objects.get(slug="virtual-goods-trademarks").nice_classes == [9, 35, 41]


def test_matrix_shows_reference_data_and_not_yet_reported_to_anonymous(db):
    page = client_for(None).get("/practice/")
    text = page.text
    assert page.status_code == 200
    assert "Can an AI system be named as the inventor in a patent application?" in text
    # 7 questions × 13 columns, 9 reported cells.
    assert text.count(">not yet reported<") == 7 * 13 - 9
    for office in Organisation.objects.filter(kind="ip_office"):
        assert f'value="{office.slug}"' in text  # every office in the picker, both Cambodian
    detail = client_for(None).get("/practice/questions/ai-as-inventor/").text
    assert "reference data from the public source" in detail
    assert "Seoul Administrative Court 2022GuHap89524" in detail


def test_rows_where_answers_differ_are_marked_in_words(personas, question):
    save(personas.kipo_policy, question, personas.kipo, answer="yes")
    save(personas.ipos_policy, question, personas.ipos, answer="no")
    client = client_for(personas.th_examiner)
    differs = client.get("/practice/?area=blockchain&offices=kr-kipo&offices=sg-ipos").text
    marker = 'class="marker differs-marker">Answers differ</strong>'
    assert differs.count(marker) == 1
    # Each answer in words, in the reader's language, linked to its history.
    assert re.search(r'class="answer answer-yes" href="[^"]+/kr-kipo/history/">Yes<', differs)
    assert re.search(r'class="answer answer-no" href="[^"]+/sg-ipos/history/">No<', differs)
    korean = client.get(
        "/practice/?area=blockchain&offices=kr-kipo", headers={"accept-language": "ko"}
    ).text
    assert 'class="answer answer-yes"' in korean and ">Yes<" not in korean
    same = client.get("/practice/?area=blockchain&offices=kr-kipo&offices=th-dip").text
    assert marker not in same  # one reported answer, the other cell not reported
    assert ">not yet reported<" in same


def test_filters_by_area_and_right(personas, question):
    text = client_for(None).get("/practice/?area=metaverse&right=design").text
    assert "Can graphical user interfaces" in text
    assert "virtual goods accepted" not in text
    assert "Is a DAO an applicant?" not in text
    api = client_for(None).get("/api/v1/practice/questions?area=blockchain").json()
    assert [q["slug"] for q in api] == ["blockchain-inventions", "dao"]
    bad = client_for(None).get("/api/v1/practice/questions?area=quantum")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "area"


def test_changed_since_marks_cells_and_lists_what_moved(personas, question):
    old = save(personas.ipos_policy, question, personas.ipos, answer="no")
    long_ago = timezone.now() - timedelta(days=30)
    OfficePosition.objects.filter(pk=old.pk).update(updated_at=long_ago)
    PositionVersion.objects.filter(position=old).update(created_at=long_ago)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()

    client = client_for(personas.kipo_examiner)
    before = client.get(f"/practice/?area=blockchain&since={since}").text
    assert "No position you can see has changed since then." in before
    assert "Changed</strong>" not in before

    save(personas.ipos_policy, question, personas.ipos, base=1, answer="conditional")
    save(personas.kipo_policy, question, personas.kipo, answer="yes")
    text = client.get(f"/practice/?area=blockchain&since={since}").text
    assert f"Changed since {since}" in text
    assert "answer changed from No to Conditional" in text
    assert "first reported: Yes" in text
    assert text.count('class="marker changed-marker">Changed</strong>') == 2

    api = client.get(f"/api/v1/practice/matrix?area=blockchain&offices=KR,SG,TH&since={since}")
    row = next(r for r in api.json()["rows"] if r["question"]["slug"] == "dao")
    assert [(c["office_slug"], c["changed"]) for c in row["positions"]] == [
        ("kr-kipo", True),
        ("sg-ipos", True),
        ("th-dip", False),
    ]


def test_changed_since_lists_no_position_the_reader_may_not_see(personas, question):
    """The "changed since" list covers every question, not only the page shown, and
    filters through the same rule as the cells: an offices-only change stays hidden
    from a learner, as if it had not happened."""
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    save(personas.kipo_policy, question, personas.kipo, answer="no", visibility="offices")
    save(personas.ipos_policy, question, personas.ipos, answer="yes")
    url = f"/practice/?area=blockchain&since={since}"
    learner = client_for(personas.learner).get(url).text
    assert "first reported: Yes" in learner
    assert "first reported: No" not in learner
    assert learner.count('class="marker changed-marker">Changed</strong>') == 1
    examiner = client_for(personas.th_examiner).get(url).text
    assert "first reported: No" in examiner and "first reported: Yes" in examiner
    assert examiner.count('class="marker changed-marker">Changed</strong>') == 2


def test_csv_export_has_one_line_per_question_and_office(personas, question):
    save(personas.kipo_policy, question, personas.kipo, summary="=HYPERLINK(evil)", answer="no")
    response = client_for(None).get(
        "/practice/?format=csv&area=blockchain&offices=kr-kipo&offices=kh-dip&offices=kh-dipr"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["question_slug"], r["office"], r["status"]) for r in rows] == [
        ("blockchain-inventions", "KIPO", "not_reported"),
        ("blockchain-inventions", "DIP (KH)", "not_reported"),
        ("blockchain-inventions", "DIPR", "not_reported"),
        ("dao", "KIPO", "reported"),
        ("dao", "DIP (KH)", "not_reported"),
        ("dao", "DIPR", "not_reported"),
    ]
    dao = rows[3]
    assert dao["answer"] == "no"
    assert dao["summary"] == "'=HYPERLINK(evil)"  # not run as a formula
    assert dao["source_title"] == "A source"
    assert dao["version"] == "1"
    same = client_for(None).get(
        "/practice/matrix.csv?area=blockchain&offices=kr-kipo&offices=kh-dip&offices=kh-dipr"
    )
    assert same.content == response.content


def test_csv_leaves_out_what_the_reader_may_not_see(personas, question):
    save(
        personas.kipo_policy,
        question,
        personas.kipo,
        visibility=Visibility.OFFICES,
        summary="internal",
    )
    anonymous = client_for(None).get("/practice/matrix.csv?area=blockchain").content.decode()
    staff = (
        client_for(personas.th_examiner)
        .get("/practice/matrix.csv?area=blockchain")
        .content.decode()
    )
    assert "internal" not in anonymous
    assert "internal" in staff


def test_print_page_has_every_answer_with_its_source(db):
    text = client_for(None).get("/practice/print/?offices=kr-kipo&offices=sg-ipos&area=ai").text
    assert "Examination practice compared" in text
    assert "Source: Seoul High Court 2023Nu52088 (16 May 2024)" in text
    assert "Only a natural person can be an inventor." in text
    assert "not yet reported" in text  # SG on the inventor question
    assert "practice/practice.css" in text


def test_api_matrix_resolves_codes_and_slugs_and_both_cambodian_offices(db):
    api = client_for(None).get("/api/v1/practice/matrix?offices=KH,sg-ipos&area=ai")
    assert api.status_code == 200
    assert api.json()["offices"] == ["kh-dip", "kh-dipr", "sg-ipos"]
    row = next(r for r in api.json()["rows"] if r["question"]["slug"] == "ai-as-inventor")
    assert [c["status"] for c in row["positions"]] == ["not_reported"] * 3
    eligibility = next(
        r
        for r in api.json()["rows"]
        if r["question"]["slug"] == "ai-invention-eligibility-and-disclosure"
    )
    sg = eligibility["positions"][2]
    assert sg["status"] == "reported"
    assert sg["source_title"] == "IPOS supplementary examination guidance (October 2024)"
    assert sg["source_url"] == ""
    assert sg["effective_date"] is None
    assert sg["entered_by"] is None
    bad = client_for(None).get("/api/v1/practice/matrix?offices=KR,ZZ")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "offices"
    assert "ZZ" in bad.json()["errors"][0]["message"]


def test_openapi_documents_every_status_of_the_practice_endpoints(db):
    spec = client_for(None).get("/api/v1/openapi.json").json()
    put = spec["paths"]["/api/v1/practice/positions/{question_slug}/{office_slug}"]["put"]
    assert set(put["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "422", "429"}
    matrix = spec["paths"]["/api/v1/practice/matrix"]["get"]
    assert {"200", "401", "403", "422"} <= set(matrix["responses"])
    history = spec["paths"]["/api/v1/practice/positions/{position_id}/history"]["get"]
    assert {"200", "401", "403", "404"} <= set(history["responses"])


# Query counts -----------------------------------------------------------------------


def _make_questions(start: int, n: int) -> list[PracticeQuestion]:
    made = PracticeQuestion.objects.bulk_create(
        PracticeQuestion(
            slug=f"load-{i}",
            question=f"Load question {i}?",
            area="blockchain",
            right="copyright",
            order=500 + i,
        )
        for i in range(start, start + n)
    )
    offices = list(access.practice_position_holders())
    now = timezone.now()
    OfficePosition.objects.bulk_create(
        OfficePosition(
            question=q,
            office=o,
            answer="yes" if i % 2 else "no",
            summary="s",
            source_title="t",
            visibility=Visibility.OFFICES,
            updated_at=now,
        )
        for q in made
        for i, o in enumerate(offices)
    )
    return made


OFFICES_2 = "offices=kr-kipo&offices=sg-ipos"
OFFICES_11 = "&".join(
    f"offices={slug}"
    for slug in [
        "kr-kipo",
        "bn-bruipo",
        "kh-dip",
        "kh-dipr",
        "id-dgip",
        "la-dip",
        "my-myipo",
        "mm-ipd",
        "ph-ipophl",
        "sg-ipos",
        "th-dip",
    ]
)
FILTER = "area=blockchain&right=copyright"


def _count(client, url, django_assert_max_num_queries) -> int:
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(30) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/practice/?{f}&{o}&since=2020-01-01",
        "/practice/matrix.csv?{f}&{o}",
        "/practice/print/?{f}&{o}",
        "/api/v1/practice/matrix?{f}&offices={codes}&since=2020-01-01",
    ],
)
def test_matrix_query_count_does_not_grow_with_offices_or_questions(
    personas, url, django_assert_max_num_queries
):
    client = client_for(personas.th_examiner)
    _make_questions(0, 5)
    two = url.format(f=FILTER, o=OFFICES_2, codes="KR,SG")
    eleven = url.format(f=FILTER, o=OFFICES_11, codes="KR,BN,KH,ID,LA,MY,MM,PH,SG,TH")
    few_two = _count(client, two, django_assert_max_num_queries)
    few_eleven = _count(client, eleven, django_assert_max_num_queries)
    _make_questions(5, 45)
    many_eleven = _count(client, eleven, django_assert_max_num_queries)
    assert few_two == few_eleven == many_eleven
    response = client.get(eleven)
    if url.startswith("/api"):
        assert len(response.json()["rows"]) == 50
        assert len(response.json()["rows"][0]["positions"]) == 11
    elif "csv" in url:
        assert response.content.decode().count("\n") == 1 + 50 * 11
    elif "print" in url:
        assert response.text.count("Load question") == 50
    else:
        # The page shows 25 questions at a time; what changed is listed for all 50.
        assert response.text.count('<th scope="row" class="question-col">') == 25
        assert len(gzip.compress(response.content)) < 100_000  # the page budget
        assert response.text.count('class="marker changed-marker">Changed</strong>') == 275
        moves = response.text.split('id="moves-heading"', 1)[1].split("</section>", 1)[0]
        assert moves.count("<li>") == 550
        second = client.get(eleven + "&page=2").text
        assert second.count('<th scope="row" class="question-col">') == 25
        assert 'rel="prev"' in second and "since=2020-01-01" in second
