import datetime as dt

from django.db import connection

from tests.conftest import client_for
from tests.worksharing.conftest import save, search_report


def test_family_view_merges_citations_once_with_offices(personas, family):
    page = client_for(personas.th_examiner).get(f"/worksharing/families/{family['kr'].pk}/").text
    # US 2020/0123456 cited by KR (X, "US 2020/0123456 A1") and SG (Y, "US20200123456"): one row
    merged = page.split('id="citations-heading"')[1].split("Timeline")[0]
    assert merged.count('<th scope="row">US20200123456') == 1
    assert "KR: <strong>X</strong> — claims 1-5" in page
    assert "SG: <strong>Y</strong> — claims 2" in page
    assert "Smith, Sparse accelerators, 2021" in page


def test_family_view_marks_x_citation_not_cited_by_other_office(personas, family):
    other = search_report(family["vn"], [{"document_number": "CN 112233445 A", "category": "A"}])
    assert other.pk
    page = client_for(personas.th_examiner).get(f"/worksharing/families/{family['kr'].pk}/").text
    assert "Differs: not cited by VN" in page
    assert "1 difference" in page


def test_family_view_timeline_lists_every_member_work_product(personas, family):
    page = client_for(personas.kipo_examiner).get(f"/worksharing/families/{family['kr'].pk}/").text
    assert "2023-09-01</time> · <abbr" in page
    assert "2023-10-01</time> · <abbr" in page
    assert "1-2023-04567" in page and "10202300999X" in page


def test_lookup_redirects_to_the_family(personas, family):
    response = client_for(personas.th_examiner).get("/worksharing/", {"number": "KR1020230012345"})
    assert response.status_code == 302
    assert response["Location"] == f"/worksharing/families/{family['kr'].pk}/"


def count_queries(client, url) -> int:
    calls = []

    def counter(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200
    return len(calls)


def test_family_view_query_count_same_for_2_and_6_members(personas):
    client = client_for(personas.th_examiner)
    first = save("kr-kipo", "10-2023-0055555", filing_date=dt.date(2023, 1, 1))
    claim = [{"country": "KR", "number": "10-2023-0055555", "date": dt.date(2023, 1, 1)}]
    second = save("vn-ipvn", "1-2023-10001", priorities=claim)
    search_report(first, [{"document_number": "US 1234567 B1", "category": "X"}])
    search_report(second, [{"document_number": "US 7654321 B1", "category": "Y"}])
    url = f"/worksharing/families/{first.pk}/"
    client.get(url)
    small = count_queries(client, url)
    assert small <= 30
    for n, slug in enumerate(["sg-ipos", "th-dip", "my-myipo", "ph-ipophl"]):
        member = save(slug, f"2023{n:06d}", priorities=claim)
        search_report(member, [{"document_number": f"EP 30000{n}0 A1", "category": "X"}])
    assert "6 members" in client.get(url).text
    assert count_queries(client, url) == small


def test_request_and_alert_lists_query_count_does_not_grow(personas, family, vn_examiner):
    from ipcoop.worksharing import services

    client = client_for(vn_examiner)
    due = dt.date.today() + dt.timedelta(days=9)
    services.watch_family(user=vn_examiner, application=family["vn"])

    def add_one(n):
        services.request_results(
            by=vn_examiner, application=family["vn"], to_office=personas.ipos, due_date=due
        )
        services.add_work_product(
            by=None, application=family["kr"], kind="written_opinion", date=dt.date(2023, 12, n)
        )

    alerts = "/inbox/?kind=worksharing_alert"
    add_one(1)
    counts = [
        count_queries(client, "/worksharing/requests/"),
        count_queries(client, alerts),
    ]
    for n in range(2, 5):
        add_one(n)
    assert "4 unread items." in client.get(alerts).text
    assert [
        count_queries(client, "/worksharing/requests/"),
        count_queries(client, alerts),
    ] == counts
    api = [count_queries(client, "/api/v1/worksharing/applications")]
    save("th-dip", "2301009999")
    save("my-myipo", "PI2023009999")
    assert count_queries(client, "/api/v1/worksharing/applications") == api[0]
