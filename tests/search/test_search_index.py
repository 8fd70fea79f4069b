"""The index follows every change in the same transaction, and reindex rebuilds it
into a new generation without taking search offline."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from ipcoop.exchange.consultations import services as consultations
from ipcoop.exchange.practice.models import OfficePosition
from ipcoop.exchange.updates import services as updates
from ipcoop.search.models import SearchDocument, SearchState
from ipcoop.search.services import index_item, rebuild_index, remove_item, search
from tests.search.conftest import ask, found, position, post, question

pytestmark = pytest.mark.django_db


def edit(personas, update, **changes):
    fields = {
        "kind": update.kind,
        "title": update.title,
        "summary": update.summary,
        "visibility": update.visibility,
    } | changes
    return updates.edit_update(editor=personas.kipo_policy, update=update, **fields)


def test_edited_update_is_found_by_its_new_words_only(personas):
    update = post(personas, title="Fee schedule for trademarks")
    edit(personas, update, title="Fee schedule for industrial designs")
    assert found(None, "trademarks") == set()
    assert found(None, "industrial designs") == {("update", update.pk)}
    assert SearchDocument.objects.filter(kind="update", object_id=update.pk).count() == 1


def test_republishing_with_wider_visibility_lets_others_find_it(personas):
    update = post(personas, title="Draft guideline on NFTs", visibility="own")
    assert found(None, "NFTs") == set()
    assert found(personas.kipo_examiner, "NFTs") == {("update", update.pk)}
    edit(personas, update, visibility="public")
    assert found(None, "NFTs") == {("update", update.pk)}
    edit(personas, update, visibility="selected", shared_with=[personas.ipos])
    assert found(None, "NFTs") == set()
    assert found(personas.ipos_policy, "NFTs") == {("update", update.pk)}
    assert found(personas.th_examiner, "NFTs") == set()


def test_failed_edit_leaves_the_index_as_it_was(personas):
    update = post(personas, title="Metaverse goods classification")
    with pytest.raises(Exception):  # noqa: B017 - whatever the service refuses
        edit(personas, update, title="")
    assert found(None, "metaverse") == {("update", update.pk)}


def test_deleted_item_is_removed_from_the_index(personas):
    update = post(personas, title="Withdrawn notice on utility models")
    remove_item(update)
    update.delete()
    assert found(None, "utility models") == set()
    assert not SearchDocument.objects.filter(kind="update", object_id=update.pk).exists()


def test_index_item_of_a_deleted_object_removes_its_document(personas):
    update = post(personas, title="Short-lived notice about seeds")
    ghost = type(update).objects.get(pk=update.pk)
    update.delete()
    index_item(ghost)
    assert found(None, "seeds") == set()


def test_position_versions_keep_one_current_document(personas):
    q = question(text="May software be patented as such?", slug="software-as-such")
    first = position(personas, question=q, summary="Not as such.")
    from ipcoop.exchange.practice import services as practice

    practice.save_position(
        by=personas.kipo_policy,
        question=q,
        office=personas.kipo,
        base_version=first.version,
        answer="conditional",
        summary="Only with a technical effect.",
        source_title="Guidelines 2025",
        visibility="public",
    )
    assert found(None, "technical effect") == {("position", first.pk)}
    assert found(None, "not as such") == set()
    assert SearchDocument.objects.filter(kind="position", object_id=first.pk).count() == 1


def test_replies_and_closing_update_the_consultation_document(personas):
    consultation = ask(personas, title="Grace period for designs", to=[personas.ipos])
    consultations.reply_to_consultation(
        by=personas.ipos_policy, consultation=consultation, body="Twelve months in Singapore."
    )
    assert found(personas.kipo_policy, "twelve months") == {("consultation", consultation.pk)}
    consultations.close_consultation(by=personas.kipo_policy, consultation=consultation)
    document = SearchDocument.objects.get(kind="consultation", object_id=consultation.pk)
    assert "closed" in document.tags.split()


def test_reindex_rebuilds_into_a_new_generation_and_swaps(personas):
    update = post(personas, title="Opposition procedure reform")
    SearchDocument.objects.filter(kind="update").delete()  # an index gone stale
    assert found(None, "opposition") == set()
    before = SearchState.objects.get(pk=1).generation
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "100%" in out.getvalue() and "the new index is live" in out.getvalue()
    state = SearchState.objects.get(pk=1)
    assert (state.generation, state.building) == (before + 1, None)
    assert set(SearchDocument.objects.values_list("generation", flat=True)) == {before + 1}
    assert found(None, "opposition") == {("update", update.pk)}
    # Reference data seeded by migration is indexed too: every office position.
    assert SearchDocument.objects.filter(kind="position").count() == OfficePosition.objects.count()


def test_changes_during_a_rebuild_reach_both_generations(personas):
    update = post(personas, title="Accelerated examination for green tech")
    state = SearchState.objects.get(pk=1)
    state.building = state.generation + 1
    state.save()
    edit(personas, update, title="Accelerated examination for climate tech")
    assert set(
        SearchDocument.objects.filter(kind="update", object_id=update.pk).values_list(
            "generation", flat=True
        )
    ) == {state.generation, state.generation + 1}
    # The live generation answers until the switch.
    assert found(None, "climate") == {("update", update.pk)}
    assert rebuild_index() >= 1
    assert found(None, "climate") == {("update", update.pk)}


def test_search_keeps_answering_from_the_live_generation_while_building(personas):
    update = post(personas, title="Examiner exchange programme")
    state = SearchState.objects.get(pk=1)
    # A half-built next generation holds a different text: it is not searched.
    document = SearchDocument.objects.get(kind="update", object_id=update.pk)
    document.pk = None
    document.generation = state.generation + 1
    document.title = "Half-built"
    document.folded = "half-built"
    document.save()
    assert found(None, "half-built") == set()
    assert [h.object_id for h in search(user=AnonymousUser(), query="exchange").hits] == [update.pk]
