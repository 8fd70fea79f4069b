import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ipcoop.worksharing import services
from ipcoop.worksharing.models import Application
from tests.conftest import make_user
from tests.worksharing.conftest import save


def test_family_links_three_offices_transitively(family):
    ids = {a.pk: Application.objects.get(pk=a.pk).family_id for a in family.values()}
    assert set(ids.values()) == {family["kr"].pk}


@pytest.mark.parametrize(
    "typed", ["KR 10-2023-0012345", "KR1020230012345", "10-2023-0012345", "kr-10 2023 0012345"]
)
def test_family_lookup_any_written_form(family, typed):
    examiner = make_user("th.ex", "examiner", "th-dip")
    assert services.lookup_family_ids(examiner, typed) == [family["kr"].pk]


def test_family_lookup_by_pct_and_other_member(family):
    examiner = make_user("th.ex", "examiner", "th-dip")
    assert services.lookup_family_ids(examiner, "PCT/KR2023/004567") == [family["kr"].pk]
    assert services.lookup_family_ids(examiner, "SG 10202300999X") == [family["kr"].pk]


def test_family_pct_route_alone_links(db):
    a = save("my-myipo", "PI2023001234", pct="PCT/SG2023/050001")
    b = save("th-dip", "2301001234", pct="pct/sg2023/050001")
    assert Application.objects.get(pk=a.pk).family_id == Application.objects.get(pk=b.pk).family_id


def test_family_no_false_link_on_number_fragment(db):
    kr = save("kr-kipo", "10-2023-0012345")
    other = save("th-dip", "0012345")
    claims_fragment = save(
        "ph-ipophl",
        "1-2023-500123",
        priorities=[{"country": "TH", "number": "2023001234", "date": dt.date(2023, 1, 1)}],
    )
    families = {Application.objects.get(pk=x.pk).family_id for x in (kr, other, claims_fragment)}
    assert len(families) == 3
    examiner = make_user("th.ex", "examiner", "th-dip")
    assert services.lookup_family_ids(examiner, "0012345") == [other.pk]


def test_family_splits_when_priority_removed(family):
    vn = family["vn"]
    save("vn-ipvn", "1-2023-04567", filing_date=dt.date(2023, 6, 1))  # no priority, no PCT now
    assert Application.objects.get(pk=vn.pk).family_id == vn.pk
    assert Application.objects.get(pk=family["sg"].pk).family_id == family["sg"].pk
    assert Application.objects.get(pk=family["kr"].pk).family_id == family["kr"].pk


def test_save_application_is_idempotent_by_office_and_number(family):
    again = save("kr-kipo", "KR1020230012345", filing_date=dt.date(2023, 1, 10))
    assert again.pk == family["kr"].pk
    assert Application.objects.filter(office__slug="kr-kipo").count() == 1


def test_save_application_refuses_bad_input_with_field_errors(db):
    with pytest.raises(ValidationError) as info:
        save(
            "kr-kipo",
            "2023-12",
            filing_date=dt.date.today() + dt.timedelta(days=3),
            ipc_symbols=["G6N"],
            priorities=[{"country": "Korea", "number": "1", "date": dt.date(2022, 1, 1)}],
        )
    errors = info.value.message_dict
    assert set(errors) == {"number", "filing_date", "ipc_symbols", "priorities.0"}
    assert "10-2023-0012345" in errors["number"][0]
    assert Application.objects.count() == 0


def test_technology_area_and_withheld_applicant_stored(db):
    app = save(
        "kr-kipo",
        "10-2024-0000001",
        ipc_symbols=["h04l 9/50"],
        applicant="Acme",
        applicant_withheld=True,
    )
    assert app.technology_area == "blockchain"
    assert app.ipc_symbols == ["H04L 9/50"]
    assert app.shown_applicant == ""
