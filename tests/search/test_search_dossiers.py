"""Work-sharing dossiers in search: found by exactly the readers access.worksharing_q
lets read them (never platform admins, the Academy or visitors), with the hidden
dossiers present and matching; by number in any written form; never by a withheld
applicant's name."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from ipcoop import access
from ipcoop.people.models import Organisation
from ipcoop.search.models import SearchDocument
from ipcoop.search.services import index_item, search
from ipcoop.worksharing import services as worksharing
from ipcoop.worksharing.models import Application
from tests.conftest import client_for
from tests.search.conftest import found

pytestmark = pytest.mark.django_db

MARK = "quokka"
PERSONAS = [
    "anonymous",
    "outsider",
    "learner",
    "teacher",
    "platform_admin",
    "educator",
    "th_examiner",
    "ipos_policy",
    "ipos_admin",
    "kipo_examiner",
    "kipo_policy",
    "kipo_admin",
]


def save(slug, number, *, visibility, shared_with=(), **extra):
    values = {
        "filing_date": dt.date(2023, 3, 1),
        "title": f"Sensor for {MARK} tracking ({visibility})",
        "ipc_symbols": ["G06N 3/08"],
    } | extra
    application, _created = worksharing.save_application(
        by=None,
        office=Organisation.objects.get(slug=slug),
        number=number,
        visibility=visibility,
        shared_with=list(shared_with),
        **values,
    )
    return application


@pytest.fixture
def dossiers(personas):
    made = {
        "offices": save("kr-kipo", "10-2023-0012345", visibility="offices"),
        "own": save("kr-kipo", "10-2023-0012346", visibility="own"),
        "selected": save(
            "kr-kipo",
            "10-2023-0012347",
            visibility="selected",
            shared_with=[personas.ipos, personas.academy],
        ),
        "sg_own": save("sg-ipos", "10202300999X", visibility="own"),
    }
    call_command("reindex", stdout=io.StringIO())
    return made


def persona(personas, name):
    return AnonymousUser() if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("name", PERSONAS)
def test_dossiers_are_found_by_exactly_their_readers(personas, dossiers, name):
    user = persona(personas, name)
    readable = access.applications_visible_to(user, Application.objects.all())
    want = {("dossier", pk) for pk in readable.values_list("pk", flat=True)}
    results = search(user=user, query=MARK)
    assert {(h.kind, h.object_id) for h in results.hits} == want
    assert results.total == len(want)
    assert sum(v.count for v in results.facets["kind"]) == len(want)


def test_who_reads_which_dossier(personas, dossiers):
    def ids(user):
        return {pk for _kind, pk in found(user, MARK)}

    d = {key: app.pk for key, app in dossiers.items()}
    assert ids(personas.kipo_examiner) == {d["offices"], d["own"], d["selected"]}
    assert ids(personas.ipos_policy) == {d["offices"], d["selected"], d["sg_own"]}
    assert ids(personas.th_examiner) == {d["offices"]}
    # Named in "selected" but not an IP office; runs the platform; a visitor: nothing.
    assert ids(personas.educator) == set()
    assert ids(personas.platform_admin) == set()
    assert ids(None) == set()


def test_a_dossier_is_found_by_its_number_in_any_written_form(personas, dossiers):
    want = {("dossier", dossiers["own"].pk)}
    for query in ("10-2023-0012346", "1020230012346", "KR 10-2023-0012346"):
        assert found(personas.kipo_examiner, query) == want, query
    assert found(personas.th_examiner, "10-2023-0012346") == set()


def test_withheld_applicant_is_not_indexed(personas):
    shown = save(
        "kr-kipo", "10-2023-0020001", visibility="offices", applicant="Wombat Robotics Ltd"
    )
    hidden = save(
        "kr-kipo",
        "10-2023-0020002",
        visibility="offices",
        applicant="Platypus Secret Labs",
        applicant_withheld=True,
    )
    index_item(shown)
    index_item(hidden)
    assert found(personas.th_examiner, "wombat") == {("dossier", shown.pk)}
    assert found(personas.th_examiner, "platypus") == set()
    document = SearchDocument.objects.get(kind="dossier", object_id=hidden.pk)
    assert "platypus" not in document.folded and "Platypus" not in document.body


def test_index_item_follows_a_visibility_change(personas, dossiers):
    own = dossiers["own"]
    assert ("dossier", own.pk) not in found(personas.th_examiner, MARK)
    changed = save("kr-kipo", own.number, visibility="offices")
    index_item(changed)
    assert ("dossier", own.pk) in found(personas.th_examiner, MARK)
    assert found(personas.platform_admin, MARK) == set()


def test_page_and_api_show_dossiers_to_readers_only(personas, dossiers):
    offices = dossiers["offices"]
    page = client_for(personas.th_examiner).get("/search/", {"q": MARK})
    assert f'<a href="{offices.get_absolute_url()}">' in page.text
    assert "Work-sharing dossier" in page.text
    assert dossiers["own"].get_absolute_url() not in page.text
    anonymous = client_for(None).get("/api/v1/search", {"q": MARK, "kind": "dossier"})
    assert anonymous.status_code == 200
    assert (anonymous.json()["total"], anonymous.json()["results"]) == (0, [])


def test_a_dossier_narrowed_before_the_index_catches_up_is_not_found(personas, dossiers):
    offices = dossiers["offices"]
    assert ("dossier", offices.pk) in found(personas.th_examiner, MARK)
    save("kr-kipo", offices.number, visibility="own")
    # A stale document that still says every IP office may find it.
    SearchDocument.objects.filter(kind="dossier", object_id=offices.pk).update(
        audience="ws_offices", allowed_orgs=None
    )
    assert ("dossier", offices.pk) not in found(personas.th_examiner, MARK)
    assert search(user=personas.th_examiner, query=MARK).total == 0
    assert ("dossier", offices.pk) in found(personas.kipo_examiner, MARK)


def test_saving_a_dossier_keeps_the_index_current_without_a_reindex(personas):
    application = save(
        "kr-kipo", "10-2023-0030001", visibility="offices", applicant="Numbat Devices"
    )
    assert found(personas.th_examiner, "numbat") == {("dossier", application.pk)}
    # Withholding the applicant later takes the name out of the index at once.
    save(
        "kr-kipo",
        "10-2023-0030001",
        visibility="offices",
        applicant="Numbat Devices",
        applicant_withheld=True,
    )
    assert found(personas.th_examiner, "numbat") == set()


def test_sharing_results_on_request_lets_the_requesting_office_find_the_dossier(personas):
    own = save("kr-kipo", "10-2023-0030002", visibility="own", title=f"{MARK} gearbox")
    # IPOS's application claims the KIPO one's priority: one family.
    singapore = save(
        "sg-ipos",
        "10202400777X",
        visibility="own",
        filing_date=dt.date(2024, 2, 1),
        priorities=[{"country": "KR", "number": "10-2023-0030002", "date": dt.date(2023, 3, 1)}],
    )
    assert found(personas.ipos_policy, "gearbox") == set()
    request = worksharing.request_results(
        by=personas.ipos_admin,
        application=singapore,
        to_office=personas.kipo,
        due_date=dt.date.today() + dt.timedelta(days=30),
    )
    worksharing.answer_request(by=personas.kipo_admin, share_request=request, share=True)
    assert found(personas.ipos_policy, "gearbox") == {("dossier", own.pk)}
