from django.urls import path

from ipcoop.academy import authoring, path_views, views

app_name = "academy"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/reviews/", path_views.reviews, name="reviews"),
    path("me/reviews/<int:question_id>/", path_views.review_answer, name="review_answer"),
    # Educators
    path("author/", authoring.index, name="author"),
    path("author/import/", authoring.import_view, name="author_import"),
    path("author/objectives/", authoring.objectives, name="author_objectives"),
    path("author/courses/new/", authoring.course_edit, name="author_course_new"),
    path("author/courses/<slug:slug>/", authoring.course_edit, name="author_course"),
    path(
        "author/courses/<slug:slug>/export.<str:kind>",
        authoring.export,
        name="author_export",
    ),
    path(
        "author/courses/<slug:slug>/<str:action>/",
        authoring.course_workflow,
        name="author_course_workflow",
    ),
    path("author/courses/<slug:slug>/units/new/", authoring.unit_edit, name="author_unit_new"),
    path(
        "author/courses/<slug:slug>/units/<int:unit_id>/", authoring.unit_edit, name="author_unit"
    ),
    path(
        "author/courses/<slug:slug>/units/<int:unit_id>/lessons/new/",
        authoring.lesson_edit,
        name="author_lesson_new",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/",
        authoring.lesson_edit,
        name="author_lesson",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/preview/",
        authoring.lesson_preview,
        name="author_preview",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/questions/new/",
        authoring.question_edit,
        name="author_question_new",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/questions/<int:question_id>/",
        authoring.question_edit,
        name="author_question",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/questions/<int:question_id>/delete/",
        authoring.question_delete,
        name="author_question_delete",
    ),
    path(
        "author/courses/<slug:slug>/lessons/<int:lesson_id>/<str:action>/",
        authoring.lesson_workflow,
        name="author_lesson_workflow",
    ),
    # Learners
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>/files/<str:name>", views.course_file, name="course_file"),
    path("<slug:slug>/placement/", path_views.placement, name="placement"),
    path("<slug:slug>/placement/answer/", path_views.placement_answer, name="placement_answer"),
    path("<slug:slug>/placement/finish/", path_views.placement_finish, name="placement_finish"),
    path("<slug:slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path("<slug:slug>/<slug:lesson_slug>/complete/", views.complete, name="complete"),
    path(
        "<slug:slug>/<slug:lesson_slug>/answer/<int:question_id>/",
        views.answer,
        name="answer",
    ),
]
