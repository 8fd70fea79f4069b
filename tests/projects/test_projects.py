"""Projects: made from adopted proposals, actions updated by the right people, progress
shown, reminders sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from ipcoop.notifications.models import Notification
from ipcoop.projects import services
from ipcoop.projects.models import ActionItem, Project
from ipcoop.proposals.models import Proposal
from tests.conftest import client_for
from tests.projects.makers import adopted, project_for
from tests.proposals.makers import propose

pytestmark = pytest.mark.django_db


def test_proposer_turns_adopted_proposal_into_one_project(personas):
    proposal = adopted(personas)
    page = client_for(personas.kipo_policy).get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Turn into a project" in page
    assert (
        client_for(personas.ipos_policy).get(f"/projects/from-proposal/{proposal.pk}/").status_code
        == 403
    )
    today = timezone.localdate()
    response = client_for(personas.kipo_policy).post(
        f"/projects/from-proposal/{proposal.pk}/",
        {
            "title": "Joint course",
            "lead_office": personas.kipo.pk,
            "partner_offices": [personas.ipos.pk],
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=90)).isoformat(),
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    again = client_for(personas.kipo_policy).get(f"/projects/from-proposal/{proposal.pk}/")
    assert again.url == f"/projects/{project.pk}/"
    with pytest.raises(ValidationError):
        services.create_project(
            by=personas.kipo_policy,
            proposal=proposal,
            lead_office=personas.kipo,
            start_date=today,
            end_date=today,
        )


def test_open_proposal_does_not_become_a_project(personas):
    proposal = propose(personas)
    with pytest.raises(ValidationError):
        project_for(personas, proposal)


def test_assignment_notifies_and_owner_updates(personas):
    project = project_for(personas, adopted(personas))
    action = services.add_action(
        by=personas.kipo_policy,
        project=project,
        title="Write module one",
        owner_office=personas.ipos,
        assignee=personas.ipos_admin,
        due_date=timezone.localdate() + timedelta(days=20),
    )
    assigned = Notification.objects.filter(kind="action_assigned")
    assert list(assigned.values_list("recipient__username", flat=True)) == ["ipos.admin"]
    with pytest.raises(ValidationError):  # assignee must be staff of the owner office
        services.add_action(
            by=personas.kipo_policy,
            project=project,
            title="x",
            owner_office=personas.ipos,
            assignee=personas.th_examiner,
            due_date=timezone.localdate(),
        )
    url = f"/projects/{project.pk}/actions/{action.pk}/"
    data = {f"a{action.pk}-status": "in_progress", f"a{action.pk}-percent_done": "60"}
    assert client_for(personas.kipo_examiner).post(url, data).status_code == 403
    assert client_for(personas.ipos_admin).post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.percent_done, action.updated_by) == (
        "in_progress",
        60,
        personas.ipos_admin,
    )


def test_api_patch_action(personas):
    project = project_for(personas, adopted(personas), percents=[0])
    action = project.actions.get()
    url = f"/api/v1/projects/{project.pk}/actions/{action.pk}"
    owner = client_for(personas.ipos_policy)
    assert (
        owner.patch(url, {"percent_done": 150}, content_type="application/json").status_code == 422
    )
    done = owner.patch(url, {"status": "done"}, content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["percent_done"]) == ("done", 100)
    lead = client_for(personas.kipo_admin)
    assert (
        lead.patch(
            url, {"evidence_url": "https://example.org/r"}, content_type="application/json"
        ).status_code
        == 200
    )
    bad = lead.patch(url, {"evidence_url": "javascript:alert(1)"}, content_type="application/json")
    assert bad.status_code == 422
    refused = client_for(personas.kipo_examiner).patch(
        url, {"percent_done": 10}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert (
        client_for(personas.th_examiner)
        .patch(url, {"percent_done": 10}, content_type="application/json")
        .status_code
        == 404
    )
    other = project_for(personas, adopted(personas, title="Other"))
    wrong_project = owner.patch(
        f"/api/v1/projects/{other.pk}/actions/{action.pk}",
        {"percent_done": 5},
        content_type="application/json",
    )
    assert wrong_project.status_code == 404


def test_progress_is_the_mean_of_actions(personas):
    project = project_for(personas, adopted(personas), percents=[100, 40, 0], overdue=1)
    page = client_for(personas.ipos_policy).get("/projects/").content.decode()
    assert "mean of its actions" in page
    assert '<progress max="100" value="47"' in page and "47 %" in page
    assert "1 overdue" in page
    api = client_for(personas.ipos_policy).get(f"/api/v1/projects/{project.pk}").json()
    assert api["progress_percent"] == 47 and api["overdue_count"] == 1
    assert [a["overdue"] for a in api["actions"]] == [True, False, False]
    detail = client_for(personas.ipos_policy).get(f"/projects/{project.pk}/").content.decode()
    assert "Overdue" in detail


def test_project_without_actions_has_no_progress_yet(personas):
    project_for(personas, adopted(personas))
    page = client_for(personas.kipo_policy).get("/projects/").content.decode()
    assert "No actions yet" in page
    csv = client_for(personas.kipo_policy).get("/projects/export.csv").content.decode()
    assert "not_yet_reported" in csv


def test_check_actions_due_once_and_overdue_once_a_day(personas):
    project = project_for(personas, adopted(personas), percents=[0, 0], overdue=1)
    soon = project.actions.get(title="Action 1")
    soon.due_date = timezone.localdate() + timedelta(days=3)
    soon.save()
    call_command("check_actions")
    due = Notification.objects.filter(kind="action_due")
    overdue = Notification.objects.filter(kind="action_overdue")
    assert due.count() == 2  # IPOS's two speakers
    assert overdue.count() == 4  # IPOS's and KIPO's (lead) speakers
    assert all(n.urgent for n in overdue.all())
    call_command("check_actions")
    assert (due.count(), overdue.count()) == (2, 4)
    services.check_actions(today=timezone.localdate() + timedelta(days=1))
    assert overdue.count() == 8  # a new day, a new reminder
    assert due.count() == 2


def test_done_action_is_not_overdue(personas):
    project = project_for(personas, adopted(personas), percents=[0], overdue=1)
    action = project.actions.get()
    services.update_action(by=personas.ipos_policy, action=action, status="done")
    assert services.check_actions() == {"due": 0, "overdue": 0}
    page = client_for(personas.kipo_policy).get("/projects/").content.decode()
    assert "100 %" in page and "overdue" not in page.split('id="projects-table"')[1]


def test_milestones_and_reports(personas):
    project = project_for(personas, adopted(personas))
    lead = client_for(personas.kipo_policy)
    lead.post(
        f"/projects/{project.pk}/milestones/",
        {
            "milestone-title": "Outline agreed",
            "milestone-due_date": timezone.localdate().isoformat(),
        },
    )
    milestone = project.milestones.get()
    lead.post(f"/projects/{project.pk}/milestones/{milestone.pk}/toggle/")
    milestone.refresh_from_db()
    assert milestone.done
    assert (
        client_for(personas.ipos_policy)
        .post(
            f"/projects/{project.pk}/milestones/",
            {"milestone-title": "x", "milestone-due_date": "2030-01-01"},
        )
        .status_code
        == 403
    )
    client_for(personas.ipos_admin).post(
        f"/projects/{project.pk}/reports/", {"text": "Module one drafted."}
    )
    assert b"Module one drafted." in lead.get(f"/projects/{project.pk}/").content
    assert (
        client_for(personas.th_examiner)
        .post(f"/projects/{project.pk}/reports/", {"text": "x"})
        .status_code
        == 404
    )


def test_seed_demo_is_idempotent(db):
    call_command("seed_cooperation_demo")
    call_command("seed_cooperation_demo")
    assert Proposal.objects.filter(title__startswith="[Demo]").count() == 2
    project = Project.objects.get()
    assert project.actions.count() == 3
    assert sum(a.is_overdue() for a in ActionItem.objects.all()) == 1
    assert Proposal.objects.filter(state="open").count() == 1


def test_reading_a_private_project_is_audited(personas):
    from ipcoop.people.models import AuditEvent

    project = project_for(personas, adopted(personas))
    client_for(personas.ipos_policy).get(f"/projects/{project.pk}/")
    client_for(personas.ipos_policy).get(f"/api/v1/projects/{project.pk}")
    events = AuditEvent.objects.filter(action="confidential_read", object_id=str(project.pk))
    assert events.count() == 2
    public = project_for(personas, adopted(personas, title="Open one", visibility="public"))
    client_for(None).get(f"/projects/{public.pk}/")
    client_for(personas.ipos_policy).get(f"/projects/{public.pk}/")
    assert not AuditEvent.objects.filter(
        action="confidential_read", object_type="projects.project", object_id=str(public.pk)
    ).exists()
