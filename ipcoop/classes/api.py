"""API of classes: a child joins a class, or signs in, with the class code, a name and
three pictures. Mounted at /api/v1/academy/classes.

Children get a browser session (cookie), not a token: a session ends with the
browser on a shared school computer, and a token would be a long-lived secret a
child has to keep. Both endpoints are limited per client address (scope
``class_signin``) and call the same services as the pages.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ipcoop import access, ratelimit
from ipcoop.academy.i18n import current_language
from ipcoop.apischema import INVALID, ErrorOut
from ipcoop.classes import pictures, services
from ipcoop.classes.views import start_child_session, throttled

router = Router(tags=["classes"])


class ChildIn(Schema):
    code: str = Field(..., max_length=20, description="The class's join code.")
    display_name: str = Field(..., max_length=40, description="The child's name in the class.")
    pictures: list[str] = Field(
        ...,
        max_length=10,
        description="Three different picture names: " + ", ".join(pictures.PICTURES) + ".",
    )


class ChildOut(Schema):
    display_name: str
    class_name: str
    answers_saved: bool = Field(
        ..., description="False until the teacher records a parent's consent where needed."
    )


def _check_rate(request: HttpRequest) -> None:
    wait = throttled(request)
    if wait:
        raise ratelimit.RateLimited(wait)


def _out(user) -> dict:
    member = access.class_membership(user)
    return {
        "display_name": member.display_name,
        "class_name": member.school_class.name,
        "answers_saved": access.may_store_learning(user),
    }


@router.post(
    "/join",
    auth=None,
    response={201: ChildOut, **INVALID, 429: ErrorOut},
    summary="Join a class (a child)",
)
def join(request: HttpRequest, payload: ChildIn):
    """Join the class with its code, a name not yet taken in the class and three
    pictures (the picture password). Starts a browser session for the child (it ends
    when the browser closes). 422 for an unknown code, a name taken or pictures that
    are not three different ones; 429 after too many tries from one address."""
    _check_rate(request)
    user = services.join_class(
        code=payload.code,
        display_name=payload.display_name,
        picture_keys=payload.pictures,
        language=current_language(),
    )
    start_child_session(request, user)
    return Status(201, _out(user))


@router.post(
    "/signin",
    auth=None,
    response={200: ChildOut, **INVALID, 429: ErrorOut},
    summary="Sign in to a class (a child)",
)
def signin(request: HttpRequest, payload: ChildIn):
    """Sign in with the class code, the child's name and their three pictures (in any
    order). Starts a browser session. 422 when they do not match (after five failures
    in a row the child waits 15 minutes, or until the teacher gives new pictures)."""
    _check_rate(request)
    user = services.sign_in_child(
        code=payload.code, display_name=payload.display_name, picture_keys=payload.pictures
    )
    start_child_session(request, user)
    return Status(200, _out(user))
