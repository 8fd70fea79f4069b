"""Examination-practice pages: the matrix, its CSV and print forms, a question, a position's
history, the edit page and the new-question page. Thin: parse, authorise, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ipcoop import access
from ipcoop.exchange.practice import services
from ipcoop.exchange.practice.forms import MatrixFilterForm, PositionForm, QuestionForm
from ipcoop.exchange.practice.models import Answer, OfficePosition
from ipcoop.meetings.services import last_meeting_date
from ipcoop.web import generations
from ipcoop.web.forms import add_service_errors
from ipcoop.web.pagecache import render_for_reader

# Questions per page of the matrix (the CSV and the printable page hold them all).
ROWS_PER_PAGE = 25


def _matrix_for(
    request: HttpRequest, *, paginate: bool = False
) -> tuple[MatrixFilterForm, services.Matrix, list, Page | None]:
    """Parse the matrix filters from the query string and read the matrix (one page of
    questions when ``paginate``)."""
    holders = list(access.practice_position_holders())
    form = MatrixFilterForm(request.GET or None, offices=holders)
    area = right = ""
    since = None
    chosen = holders
    if form.is_bound and form.is_valid():
        area, right = form.cleaned_data["area"], form.cleaned_data["right"]
        since = form.cleaned_data["since"]
        wanted = set(form.cleaned_data["offices"])
        if wanted:
            chosen = [o for o in holders if o.slug in wanted]
    questions = services.questions_filtered(area=area, right=right)
    page = (
        Paginator(questions, ROWS_PER_PAGE).get_page(request.GET.get("page")) if paginate else None
    )
    matrix = services.build_matrix(
        user=request.user,
        questions=questions,
        offices=chosen,
        since=since,
        rows_of=list(page.object_list) if page is not None else None,
    )
    return form, matrix, holders, page


def _editable_office_ids(request: HttpRequest, offices: list) -> set[int]:
    return {o.pk for o in offices if access.can_edit_practice_positions(request.user, o)}


def _link_cells(table: services.Matrix, editable: set[int]) -> None:
    """Give each cell its links, their words for screen readers and its answer's label,
    made once per office or answer rather than once per cell (a page has hundreds)."""
    history = reverse("practice:history", args=["question-slug", "office-slug"])
    edit = reverse("practice:edit", args=["question-slug", "office-slug"])
    history, edit = (url.split("question-slug/office-slug") for url in (history, edit))
    answers = {value: str(label) for value, label in Answer.choices}
    words = {
        office.pk: (
            _("%(office)s's position and its history") % {"office": office.short_name},
            _("%(office)s's position") % {"office": office.short_name},
        )
        for office in table.offices
    }
    for row in table.rows:
        for cell in row.cells:
            slugs = f"{row.question.slug}/{cell.office.slug}"
            cell.history_url = slugs.join(history)
            cell.history_words, cell.edit_words = words[cell.office.pk]
            cell.edit_url = slugs.join(edit) if cell.office.pk in editable else ""
            cell.answer_words = answers.get(cell.position.answer, "") if cell.position else ""


def matrix(request: HttpRequest) -> HttpResponse:
    """Questions × offices. Overviews are not audited per cell (see services.read_position)."""
    if request.GET.get("format") == "csv":
        return matrix_csv(request)
    return render_for_reader(
        request,
        "practice/matrix.html",
        lambda: _matrix_context(request),
        depends=(generations.PRACTICE, generations.MEETINGS),
    )


def _matrix_context(request: HttpRequest) -> dict:
    form, table, holders, page = _matrix_for(request, paginate=True)
    _link_cells(table, _editable_office_ids(request, table.offices))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "matrix": table,
        "page": page,
        "holders": holders,
        "chosen": {o.slug for o in table.offices},
        "can_create": access.can_create_practice_question(request.user),
        "query": query.urlencode(),
        **_since_last_meeting(request),
    }


def _since_last_meeting(request: HttpRequest) -> dict:
    """A link to the same matrix marked with what changed since the last meeting the
    viewer may see (None when there was none)."""
    last = last_meeting_date(request.user)
    if last is None:
        return {"last_meeting": None}
    query = request.GET.copy()
    query.pop("page", None)
    query["since"] = last.isoformat()
    return {"last_meeting": last, "since_last_meeting_query": query.urlencode()}


def matrix_csv(request: HttpRequest) -> HttpResponse:
    _form, table, _holders, _page = _matrix_for(request)
    response = HttpResponse(services.matrix_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="practice-matrix.csv"'
    return response


def matrix_print(request: HttpRequest) -> HttpResponse:
    """The matrix as a page for meeting papers: each question with every chosen office's
    answer in full, with sources."""
    form, table, _holders, _page = _matrix_for(request)
    return render(request, "practice/print.html", {"form": form, "matrix": table})


def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    question = services.get_question_or_404(slug)
    holders = list(access.practice_position_holders())
    table = services.build_matrix(
        user=request.user,
        questions=services.questions_filtered().filter(pk=question.pk),
        offices=holders,
    )
    row = table.rows[0]
    for cell in row.cells:
        if cell.position is not None:
            services.read_position(user=request.user, position=cell.position, request=request)
    context = {
        "question": question,
        "row": row,
        "editable": _editable_office_ids(request, holders),
    }
    return render(request, "practice/question.html", context)


def position_history(request: HttpRequest, slug: str, office_slug: str) -> HttpResponse:
    position = access.get_visible_or_404(
        request.user,
        OfficePosition.objects.select_related("question", "office", "entered_by"),
        question__slug=slug,
        office__slug=office_slug,
    )
    services.read_position(user=request.user, position=position, request=request)
    context = {
        "position": position,
        "question": position.question,
        "office": position.office,
        "entries": services.position_versions(position),
        "can_edit": access.can_edit_practice_positions(request.user, position.office),
    }
    return render(request, "practice/history.html", context)


@login_required
def edit_position(request: HttpRequest, slug: str, office_slug: str) -> HttpResponse:
    """Edit an office's position; only its policy officers and admins reach this page."""
    office = access.get_practice_office_for_editing_or_404(request.user, office_slug)
    question = services.get_question_or_404(slug)
    position = (
        access.visible_to(request.user, OfficePosition.objects.select_related("entered_by"))
        .filter(question=question, office=office)
        .first()
    )
    if position is not None:
        initial = {name: getattr(position, name) for name in services.POSITION_FIELDS}
        initial["base_version"] = position.version
    else:
        initial = {"visibility": "offices", "base_version": 0}
    form = PositionForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_version"}
        try:
            saved, changed = services.save_position(
                by=request.user,
                question=question,
                office=office,
                base_version=form.cleaned_data["base_version"],
                **data,
            )
        except services.PositionChanged as error:
            conflict = error.current
            form.add_error(None, str(error))
            # Keep the user's words; the next save is based on the version they now see.
            form.data = form.data.copy()
            form.data["base_version"] = str(conflict.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if changed:
                messages.success(
                    request,
                    _("%(office)s's position is saved as version %(version)s.")
                    % {"office": office.short_name, "version": saved.version},
                )
            else:
                messages.info(request, _("Nothing changed, so no new version was saved."))
            return redirect("practice:question", slug=question.slug)
    context = {
        "form": form,
        "question": question,
        "office": office,
        "position": position,
        "conflict": conflict,
    }
    return render(request, "practice/edit.html", context)


@login_required
def create_question(request: HttpRequest) -> HttpResponse:
    """Platform admins and policy officers add questions; anyone else gets a 404."""
    if not access.can_create_practice_question(request.user):
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.create_question(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("practice:question", slug=question.slug)
    return render(request, "practice/question_form.html", {"form": form})
