"""The visibility rules of shared items, tried by every persona, with the hidden item present."""

import pytest
from django.http import Http404

from ipcoop import access
from ipcoop.access import Visibility
from tests.conftest import assert_same_not_found, client_for
from tests.sharedapp.models import Note

MISSING_ID = 999_999


@pytest.fixture
def notes(personas):
    """One KIPO note at each visibility level; the 'selected' one is shared with IPOS."""
    made = {}
    for level in Visibility.values:
        made[level] = Note.objects.create(
            title=f"KIPO {level} note", office=personas.kipo, visibility=level
        )
    made[Visibility.SELECTED].shared_with.add(personas.ipos)
    return made


# Who sees which of KIPO's notes.
EXPECTED = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "learner": {"public"},
    "teacher": {"public"},
    "platform_admin": {"public", "offices"},
    "educator": {"public", "offices"},
    "th_examiner": {"public", "offices"},
    "ipos_policy": {"public", "offices", "selected"},
    "ipos_admin": {"public", "offices", "selected"},
    "kipo_examiner": {"public", "offices", "selected", "own"},
    "kipo_policy": {"public", "offices", "selected", "own"},
    "kipo_admin": {"public", "offices", "selected", "own"},
}


def persona(personas, name):
    return None if name == "anonymous" else getattr(personas, name)


@pytest.mark.parametrize("name", EXPECTED)
def test_visible_to_lists_exactly_what_each_persona_may_see(personas, notes, name):
    user = persona(personas, name)
    seen = set(access.visible_to(user, Note.objects.all()).values_list("visibility", flat=True))
    assert seen == EXPECTED[name]


@pytest.mark.parametrize("name", EXPECTED)
def test_get_visible_or_404_refuses_hidden_items_like_missing_ones(personas, notes, name):
    user = persona(personas, name)
    for level, note in notes.items():
        if level in EXPECTED[name]:
            assert access.get_visible_or_404(user, Note.objects.all(), pk=note.pk) == note
        else:
            with pytest.raises(Http404):
                access.get_visible_or_404(user, Note.objects.all(), pk=note.pk)


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("anonymous", "offices"),
        ("outsider", "offices"),
        ("learner", "selected"),
        ("th_examiner", "selected"),
        ("th_examiner", "own"),
        ("ipos_policy", "own"),
        ("platform_admin", "own"),
        ("educator", "selected"),
    ],
)
def test_hidden_note_page_answers_exactly_like_a_missing_one(personas, notes, name, level):
    client = client_for(persona(personas, name))
    hidden_url = f"/test-notes/{notes[level].pk}/"
    assert_same_not_found(client, hidden_url, f"/test-notes/{MISSING_ID}/")
    assert notes[level].title not in client.get(hidden_url).text


def test_visible_note_page_shows_the_note(personas, notes):
    response = client_for(personas.ipos_policy).get(f"/test-notes/{notes['selected'].pk}/")
    assert response.status_code == 200
    assert "KIPO selected note" in response.text


def test_sharing_with_two_offices_lists_the_item_once(personas, notes):
    notes["selected"].shared_with.add(personas.thdip, personas.kipo)
    seen = access.visible_to(personas.kipo_admin, Note.objects.all())
    assert sorted(seen.values_list("visibility", flat=True)) == sorted(Visibility.values)


def test_losing_a_role_hides_the_office_items(personas, notes):
    from ipcoop.people import services

    membership = personas.kipo_examiner.memberships.get()
    services.revoke_role(by=personas.kipo_admin, membership=membership)
    seen = set(
        access.visible_to(personas.kipo_examiner, Note.objects.all()).values_list(
            "visibility", flat=True
        )
    )
    assert seen == {"public"}


def test_only_staff_of_the_owning_office_may_change_an_item(personas, notes):
    roles = ["policy_officer", "office_admin"]
    note = notes["offices"]
    assert access.can_change_shared_item(personas.kipo_policy, note, roles)
    assert not access.can_change_shared_item(personas.kipo_examiner, note, roles)
    assert not access.can_change_shared_item(personas.ipos_policy, note, roles)
    assert not access.can_change_shared_item(None, note, roles)


def test_visible_to_counts_in_one_query(personas, notes, django_assert_num_queries):
    user = personas.ipos_policy
    list(user.memberships.all())  # roles are read once per user object
    access.staff_organisation_ids(user)
    with django_assert_num_queries(1):
        assert access.visible_to(user, Note.objects.all()).count() == 3
