"""Class pages: a teacher's classes and class page; a child's join, picture sign-in
and dashboard; the per-class counts Academy educators read.

Thin: parse, authorise (``ipcoop.access``), call a service, render. Another teacher's
class answers 404 like a missing one. Children sign in with a session that ends when
the browser closes (shared school computers).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcoop import access, ratelimit
from ipcoop.academy.i18n import current_language, pick
from ipcoop.classes import pictures, services, unstored
from ipcoop.classes.forms import AssignForm, ClassForm, CodeForm, ConsentForm, PictureForm
from ipcoop.classes.models import Assignment, ClassMember, SchoolClass
from ipcoop.web.forms import add_service_errors

# Joins and picture sign-ins per client address (settings.RATE_LIMITS["class_signin"]).
RATE_SCOPE = "class_signin"
DEFAULT_RATE = "30/10m"


def throttled(request: HttpRequest) -> int:
    """Count one join or sign-in from this address; seconds to wait when over the limit."""
    rate = ratelimit.Rate.parse(settings.RATE_LIMITS.get(RATE_SCOPE, DEFAULT_RATE))
    return ratelimit.hit(RATE_SCOPE, ratelimit.by_address(request), rate)


def start_child_session(request: HttpRequest, user) -> None:
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.set_expiry(0)  # ends with the browser: school computers are shared


def _class(request: HttpRequest, pk: int) -> SchoolClass:
    return access.get_class_or_404(request.user, SchoolClass.objects.all(), pk=pk)


def _member(school_class: SchoolClass, member_id: int) -> ClassMember:
    try:
        return school_class.members.select_related("user", "school_class").get(pk=member_id)
    except ClassMember.DoesNotExist:
        raise Http404 from None


def _require_teacher(request: HttpRequest) -> None:
    if not access.is_teacher(request.user):
        raise PermissionDenied(_("Only teachers run classes."))


# Teachers ----------------------------------------------------------------------------


@login_required
def my_classes(request: HttpRequest) -> HttpResponse:
    if access.is_child(request.user):
        return redirect("classes:me")
    _require_teacher(request)
    classes = access.classes_of(request.user, SchoolClass.objects.all()).annotate(
        n_children=Count("members")
    )
    return render(request, "classes/list.html", {"classes": classes, "nav_section": "academy"})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require_teacher(request)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school_class = services.create_class(
                by=request.user,
                name=data["name"],
                audience=data["audience"],
                country=data["country"],
                age_min=data["age_min"],
                age_max=data["age_max"],
                courses=list(data["courses"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Class created. Give the children its code."))
            return redirect("classes:detail", pk=school_class.pk)
    return render(request, "classes/create.html", {"form": form, "nav_section": "academy"})


def _detail_context(request: HttpRequest, school_class: SchoolClass, **extra) -> dict:
    lang = current_language()
    overview = services.class_overview(school_class, lang=lang)
    assign_form = extra.pop("assign_form", None) or AssignForm(lessons=overview["lessons"])
    for row in overview["rows"]:
        member = row["member"]
        form = extra.get("consent_forms", {}).get(member.pk)
        row["consent_form"] = form or ConsentForm(auto_id=f"id_m{member.pk}_%s")
    return {
        "school_class": school_class,
        "o": overview,
        "assign_form": assign_form,
        "join_url": request.build_absolute_uri(reverse("classes:join")),
        "nav_section": "academy",
        **extra,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    return render(request, "classes/detail.html", _detail_context(request, school_class))


@require_POST
@login_required
def reset_pictures(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    member = _member(school_class, member_id)
    keys = services.reset_pictures(by=request.user, member=member)
    context = _detail_context(request, school_class)
    context["new_pictures"] = {"member": member, "pictures": pictures.labels(keys)}
    return render(request, "classes/detail.html", context)


@require_POST
@login_required
def consent(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    member = _member(school_class, member_id)
    if request.POST.get("withdraw"):
        services.withdraw_consent(by=request.user, member=member)
        messages.success(request, _("Consent withdrawn: new answers are no longer saved."))
        return redirect("classes:detail", pk=school_class.pk)
    form = ConsentForm(request.POST, auto_id=f"id_m{member.pk}_%s")
    if form.is_valid():
        try:
            services.record_consent(by=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Consent recorded for %(name)s: their answers are saved from now on.")
                % {"name": member.display_name},
            )
            return redirect("classes:detail", pk=school_class.pk)
    context = _detail_context(request, school_class, consent_forms={member.pk: form})
    return render(request, "classes/detail.html", context, status=422)


@require_POST
@login_required
def consent_age(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    member = _member(school_class, member_id)
    services.set_consent_age(
        by=request.user, member=member, at_or_over=request.POST.get("at_or_over") == "1"
    )
    return redirect("classes:detail", pk=school_class.pk)


@require_POST
@login_required
def remove_child(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    member = _member(school_class, member_id)
    services.remove_child(by=request.user, member=member)
    messages.success(request, _("The child and their answers are removed."))
    return redirect("classes:detail", pk=school_class.pk)


@require_POST
@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    lang = current_language()
    lessons = services.class_lessons(school_class)
    choices = [
        {"lesson": item, "title": pick(item.published_version.title, lang).text} for item in lessons
    ]
    form = AssignForm(request.POST, lessons=choices)
    if form.is_valid():
        lesson = next(item for item in lessons if item.pk == form.cleaned_data["lesson"])
        try:
            services.assign_lesson(
                by=request.user,
                school_class=school_class,
                lesson=lesson,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Lesson assigned."))
            return redirect("classes:detail", pk=school_class.pk)
    context = _detail_context(request, school_class, assign_form=form)
    return render(request, "classes/detail.html", context, status=422)


@require_POST
@login_required
def unassign(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    school_class = _class(request, pk)
    try:
        assignment = school_class.assignments.get(pk=assignment_id)
    except Assignment.DoesNotExist:
        raise Http404 from None
    services.remove_assignment(by=request.user, assignment=assignment)
    return redirect("classes:detail", pk=school_class.pk)


@login_required
def progress_csv(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _class(request, pk)
    text = services.progress_csv(school_class, lang=current_language())
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{school_class.pk}-progress.csv"'
    return response


# Children ----------------------------------------------------------------------------


def join(request: HttpRequest) -> HttpResponse:
    """Step 1: the class code; step 2: a name and three pictures."""
    return _picture_page(request, joining=True)


def signin(request: HttpRequest) -> HttpResponse:
    return _picture_page(request, joining=False)


def _picture_page(request: HttpRequest, *, joining: bool) -> HttpResponse:
    template = "classes/join.html" if joining else "classes/signin.html"
    context = {"joining": joining, "pictures": pictures.labels(list(pictures.PICTURES))}
    if request.method != "POST":
        context["code_form"] = CodeForm(initial={"code": request.GET.get("code", "")})
        return render(request, template, context)
    wait = throttled(request)
    if wait:
        return ratelimit.too_many_requests(request, wait)
    if "display_name" not in request.POST:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                school_class = services.find_class(code_form.cleaned_data["code"])
            except ValidationError as error:
                add_service_errors(code_form, error)
            else:
                context["school_class"] = school_class
                context["form"] = PictureForm(initial={"code": school_class.code})
                return render(request, template, context)
        context["code_form"] = code_form
        return render(request, template, context, status=422)
    form = PictureForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if joining:
                user = services.join_class(
                    code=data["code"],
                    display_name=data["display_name"],
                    picture_keys=data["pictures"],
                    language=current_language(),
                )
            else:
                user = services.sign_in_child(
                    code=data["code"],
                    display_name=data["display_name"],
                    picture_keys=data["pictures"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            start_child_session(request, user)
            return redirect("classes:me")
    try:
        context["school_class"] = services.find_class(request.POST.get("code", ""))
    except ValidationError:
        context["code_form"] = CodeForm()
        return render(request, template, context, status=422)
    context["form"] = form
    return render(request, template, context, status=422)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    member = access.class_membership(request.user)
    if member is None:
        raise Http404
    saved = access.may_store_learning(request.user)
    statuses = None if saved else unstored.lesson_statuses(request.session)
    return render(
        request,
        "classes/me.html",
        {
            "member": member,
            "saved": saved,
            "assignments": services.child_assignments(
                member, lang=current_language(), statuses=statuses
            ),
            "courses": [
                {"course": course, "title": pick(course.title, current_language()).text}
                for course in member.school_class.courses.filter(status="published")
            ],
            "nav_section": "academy",
        },
    )


# Academy educators -------------------------------------------------------------------


@login_required
def aggregates(request: HttpRequest) -> HttpResponse:
    if not access.may_see_class_aggregates(request.user):
        raise Http404
    return render(
        request,
        "classes/aggregates.html",
        {"rows": services.class_aggregates(), "nav_section": "academy"},
    )
