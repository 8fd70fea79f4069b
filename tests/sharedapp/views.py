from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ipcoop.access import get_visible_or_404
from tests.sharedapp.models import Note


def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_visible_or_404(request.user, Note.objects.all(), pk=pk)
    return render(request, "sharedapp/note.html", {"note": note})
