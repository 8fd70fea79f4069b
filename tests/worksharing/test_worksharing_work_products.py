import datetime as dt

from ipcoop.worksharing.models import Application, Citation, WorkProduct
from tests.conftest import client_for
from tests.worksharing.conftest import save


def test_work_product_page_adds_report_with_patent_and_npl_citations(personas):
    app = save("kr-kipo", "10-2024-0005555")
    client = client_for(personas.kipo_examiner)
    response = client.post(
        f"/worksharing/applications/{app.pk}/work-products/new/",
        {
            "kind": "search_report",
            "date": "2024-05-01",
            "citations": (
                "X | US 2020/0123456 A1 | 1-5 | para. 12\nA | Lee et al., Edge AI survey, 2022 | 1"
            ),
        },
    )
    product = WorkProduct.objects.get()
    assert response["Location"] == f"/worksharing/applications/{app.pk}/#wp-{product.pk}"
    cites = list(
        Citation.objects.order_by("pk").values_list("document_normalised", "kind_code", "npl_text")
    )
    assert cites == [("US20200123456", "A1", ""), ("", "", "Lee et al., Edge AI survey, 2022")]
    page = client.get(f"/worksharing/applications/{app.pk}/").text
    assert "US 2020/0123456 A1" in page and "para. 12" in page


def test_work_product_page_shows_what_to_fix(personas):
    app = save("kr-kipo", "10-2024-0005555")
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    page = (
        client_for(personas.kipo_examiner)
        .post(
            f"/worksharing/applications/{app.pk}/work-products/new/",
            {"kind": "final_decision", "date": future, "citations": "Q | US 1234567 B1"},
        )
        .text
    )
    assert "in the future" in page
    assert "A final decision is granted, refused or withdrawn." in page
    assert "not a WIPO ST.14 category" in page
    assert WorkProduct.objects.count() == 0


def test_work_product_page_only_for_owning_office_writers(personas):
    app = save("kr-kipo", "10-2024-0005555")
    url = f"/worksharing/applications/{app.pk}/work-products/new/"
    for user in (personas.th_examiner, personas.kipo_policy, personas.learner):
        assert (
            client_for(user).post(url, {"kind": "search_report", "date": "2024-01-01"}).status_code
            == 404
        )
    assert WorkProduct.objects.count() == 0


def test_final_decision_sets_status(personas):
    app = save("kr-kipo", "10-2024-0005555")
    client_for(personas.kipo_admin).post(
        f"/worksharing/applications/{app.pk}/work-products/new/",
        {
            "kind": "final_decision",
            "date": "2024-06-01",
            "decision": "granted",
            "granted_claims": "1-10",
        },
    )
    assert Application.objects.get().status == "granted"
