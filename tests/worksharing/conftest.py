"""Work-sharing fixtures: a KR–VN–SG family (a KR first filing, a VN application claiming
its priority, an SG national phase of the VN application's PCT route) and helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from ipcoop.people.models import Organisation, Role
from ipcoop.worksharing import services
from tests.conftest import make_user


def office(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def save(slug: str, number: str, *, by=None, priorities=(), pct="", visibility="offices", **extra):
    values = {
        "filing_date": dt.date(2023, 3, 1),
        "title": f"Neural network accelerator ({number})",
        "ipc_symbols": ["G06N 3/08"],
    }
    values.update(extra)
    application, _ = services.save_application(
        by=by,
        office=office(slug),
        number=number,
        priorities=list(priorities),
        pct_application_number=pct,
        visibility=visibility,
        **values,
    )
    return application


def search_report(application, citations, when=dt.date(2023, 9, 1)):
    return services.add_work_product(
        by=None, application=application, kind="search_report", date=when, citations=citations
    )


@pytest.fixture
def family(db):
    kr = save("kr-kipo", "10-2023-0012345", filing_date=dt.date(2023, 1, 10))
    vn = save(
        "vn-ipvn",
        "1-2023-04567",
        priorities=[{"country": "KR", "number": "10-2023-0012345", "date": dt.date(2023, 1, 10)}],
        pct="PCT/KR2023/004567",
        filing_date=dt.date(2023, 6, 1),
    )
    sg = save("sg-ipos", "10202300999X", pct="PCT/KR2023/004567", filing_date=dt.date(2023, 7, 1))
    search_report(
        kr,
        [
            {"document_number": "US 2020/0123456 A1", "category": "X", "claims": "1-5"},
            {"document_number": "KR 10-2019-0001111", "kind_code": "B1", "category": "A"},
            {"npl_text": "Smith, Sparse accelerators, 2021", "category": "Y", "claims": "3"},
        ],
    )
    search_report(
        sg,
        [{"document_number": "US20200123456", "kind_code": "A1", "category": "Y", "claims": "2"}],
        when=dt.date(2023, 10, 1),
    )
    return {"kr": kr, "vn": vn, "sg": sg}


@pytest.fixture
def vn_examiner(db):
    return make_user("vn.examiner", Role.EXAMINER, "vn-ipvn")


@pytest.fixture
def sg_examiner(db):
    return make_user("sg.examiner", Role.EXAMINER, "sg-ipos")
