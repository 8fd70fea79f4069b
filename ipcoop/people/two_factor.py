"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

What can happen to a person's second factor, each function listing its side effects,
as in ``services``. The codes themselves are computed by ``ipcoop.lib.totp``.
"""

from __future__ import annotations

import base64
import logging
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcoop.lib import tokens, totp
from ipcoop.lib.net import client_address
from ipcoop.people.models import (
    TWO_FACTOR_ORGANISATION_KINDS,
    TWO_FACTOR_ROLES,
    AuditAction,
    RecoveryCode,
    TwoFactorDevice,
    User,
)
from ipcoop.people.services import (
    TOKEN_PREFIX,
    _organisation_ids,
    has_two_factor,
    record_event,
    record_sign_in_failure,
    sign_in_blocked,
    sign_in_throttled_error,
)

log = logging.getLogger(__name__)

TWO_FACTOR_ISSUER = "ipcoop"
RECOVERY_CODE_COUNT = 10
# Crockford's base32 (no i, l, o, u): 16 characters carry 80 random bits.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_CONFUSABLE = str.maketrans({"i": "1", "l": "1", "o": "0"})
TOTP = "totp"
RECOVERY_CODE = "recovery_code"


def _fernet() -> MultiFernet:
    """The cipher for stored secrets: SECRET_KEY encrypts, its fallbacks still decrypt."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_derived_key(key)) for key in keys])


def _derived_key(secret_key: str) -> bytes:
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ipcoop two-factor secret"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def _device_key(device: TwoFactorDevice) -> bytes | None:
    """The device's key, or None when no current or fallback SECRET_KEY opens it."""
    try:
        return totp.decode_secret(_fernet().decrypt(device.encrypted_secret.encode()).decode())
    except (InvalidToken, ValueError):
        # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS: the person
        # can still sign in with a recovery code, and set up their app again.
        log.warning("The two-factor secret of user %s cannot be decrypted.", device.user_id)
        return None


def _needs_two_factor() -> Q:
    """Who must sign in with a second factor: office admins, examiners and policy officers
    of an IP office or the Secretariat (they read confidential exchange data), and platform
    admins (who can grant themselves any role)."""
    return Q(
        memberships__role__in=TWO_FACTOR_ROLES,
        memberships__organisation__kind__in=TWO_FACTOR_ORGANISATION_KINDS,
    ) | Q(is_superuser=True)


def two_factor_required(user: User) -> bool:
    """Whether the user's roles call for two-factor sign-in (whatever the setting says)."""
    return User.objects.filter(_needs_two_factor(), pk=user.pk).exists()


def must_enrol(user: User) -> bool:
    """Whether the user has to set up two-factor sign-in before anything else
    (REQUIRE_STAFF_TWO_FACTOR on, a role that calls for it, no authenticator yet). One query."""
    if not settings.REQUIRE_STAFF_TWO_FACTOR or not user.is_authenticated:
        return False
    return User.objects.filter(_needs_two_factor(), pk=user.pk, two_factor__isnull=True).exists()


def token_owner_must_enrol(secret: str) -> bool:
    """Whether an active token belongs to someone who has to set up two-factor sign-in first."""
    if not settings.REQUIRE_STAFF_TWO_FACTOR or not secret.startswith(TOKEN_PREFIX):
        return False
    return User.objects.filter(
        _needs_two_factor(),
        api_tokens__digest=tokens.digest(secret),
        api_tokens__revoked_at__isnull=True,
        two_factor__isnull=True,
    ).exists()


def new_two_factor_secret() -> str:
    """A fresh secret for a person to put in their authenticator app (nothing stored)."""
    return totp.new_secret()


def two_factor_setup_uri(*, user: User, secret: str) -> str:
    """The otpauth:// address of the secret, for the QR code."""
    return totp.provisioning_uri(secret, account=user.username, issuer=TWO_FACTOR_ISSUER)


def _normal_recovery_code(code: str) -> str:
    return totp.normalise_code(code).lower().translate(_RECOVERY_CONFUSABLE)


def _recovery_digest(user: User, code: str) -> str:
    # The user's id in the digest: the same code of two people never has the same digest.
    return tokens.digest(f"{user.pk}:{_normal_recovery_code(code)}")


def _replace_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.all().delete()
    codes = [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=_recovery_digest(user, code)) for code in codes
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _save_device(*, user: User, secret: str, step: int) -> TwoFactorDevice:
    encrypted = _fernet().encrypt(secret.encode()).decode()
    return TwoFactorDevice.objects.create(
        user=user, encrypted_secret=encrypted, last_used_step=step, last_used_at=timezone.now()
    )


@transaction.atomic
def enable_two_factor(
    *,
    user: User,
    secret: str,
    code: str,
    request: HttpRequest | None = None,
    at: float | None = None,
) -> list[str]:
    """Turn on two-factor sign-in once the first code shows the app holds ``secret``.

    Returns the recovery codes, to be shown once. Side effects: creates a
    TwoFactorDevice (secret encrypted; the first code's time step counts as used) and
    RECOVERY_CODE_COUNT RecoveryCodes (digests only), writes a two-factor-enabled
    audit event. Raises ValidationError (nothing written) when two-factor sign-in is
    on already or the code does not match.
    """
    if has_two_factor(user):
        raise ValidationError(_("Two-factor sign-in is on already."), code="already_on")
    try:
        key = totp.decode_secret(secret)
    except ValueError as error:
        raise ValidationError(_("Start the set-up again."), code="bad_secret") from error
    step = totp.matching_step(key, code, at)
    if step is None:
        raise ValidationError(
            {
                "code": _(
                    "That code does not match. Enter the six digits your app shows now; if it "
                    "keeps failing, check that your phone sets its clock automatically."
                )
            }
        )
    _save_device(user=user, secret=secret, step=step)
    codes = _replace_recovery_codes(user)
    record_event(action=AuditAction.TWO_FACTOR_ENABLED, actor=user, request=request, obj=user)
    return codes


@transaction.atomic
def enable_demo_two_factor(*, user: User, secret: str) -> bool:
    """Give a demo account a known authenticator secret (development only; idempotent).

    Returns whether it was set now. Side effects: creates a TwoFactorDevice (no
    recovery codes) and a two-factor-enabled audit event by "system". Refuses in
    production mode.
    """
    if settings.PRODUCTION:
        raise ValidationError("Demo secrets are not set in production mode.", code="production")
    if has_two_factor(user):
        return False
    _save_device(user=user, secret=secret, step=0)
    record_event(
        action=AuditAction.TWO_FACTOR_ENABLED,
        actor=None,
        actor_name="system",
        obj=user,
        organisations=_organisation_ids(user),
        detail={"demo": True},
    )
    return True


def _use_second_factor(*, user: User, code: str, at: float | None) -> str | None:
    """Use up a code: TOTP when it is the app's code, RECOVERY_CODE for an unused recovery
    code, None when it matches neither. Conditional updates make each code work once,
    even when two requests bring it at the same moment."""
    now = timezone.now()
    normal = totp.normalise_code(code)
    if normal.isascii() and normal.isdigit() and len(normal) == totp.DIGITS:
        device = TwoFactorDevice.objects.filter(user=user).first()
        key = _device_key(device) if device is not None else None
        if key is None:
            return None
        step = totp.matching_step(key, normal, at, after=device.last_used_step)
        if step is None:
            return None
        won = TwoFactorDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
            last_used_step=step, last_used_at=now
        )
        return TOTP if won else None
    if not normal or len(normal) > 40:
        return None
    used = RecoveryCode.objects.filter(
        user=user, digest=_recovery_digest(user, normal), used_at__isnull=True
    ).update(used_at=now)
    return RECOVERY_CODE if used else None


def _record_recovery_use(*, user: User, request: HttpRequest | None) -> None:
    record_event(
        action=AuditAction.RECOVERY_CODE_USED,
        actor=user,
        request=request,
        obj=user,
        detail={"left": recovery_codes_left(user)},
    )


def sign_in_with_code(
    *, request: HttpRequest, user: User, code: str, at: float | None = None
) -> str:
    """The second step of signing in: a code from the app or a recovery code.

    Returns TOTP or RECOVERY_CODE. Side effects: uses up the code (its time step, or
    the recovery code), writes a sign-in event (and a recovery-code-used event). A
    wrong code writes a failed sign-in event, counted with failed passwords by
    ``sign_in_blocked``. Raises ValidationError when the code is wrong or too many
    sign-ins failed lately. Does not start the session: the caller does.
    """
    if sign_in_blocked(username=user.username, address=client_address(request)):
        raise sign_in_throttled_error()
    with transaction.atomic():
        method = _use_second_factor(user=user, code=code, at=at)
        if method is not None:
            if method == RECOVERY_CODE:
                _record_recovery_use(user=user, request=request)
            record_event(
                action=AuditAction.SIGN_IN,
                actor=user,
                request=request,
                obj=user,
                detail={"second_factor": method},
            )
            return method
    record_sign_in_failure(request=request, username=user.username, user=user, step="code")
    raise ValidationError(
        _(
            "That code does not match. Enter the code your authenticator app shows now "
            "(each code works once), or one of your recovery codes."
        ),
        code="invalid_code",
    )


def disable_two_factor(
    *,
    user: User,
    password: str,
    code: str,
    request: HttpRequest | None = None,
    at: float | None = None,
) -> None:
    """Turn two-factor sign-in off, with the password and a current or recovery code.

    Side effects: deletes the TwoFactorDevice and the recovery codes, writes a
    two-factor-disabled audit event (and a recovery-code-used event). A wrong password
    or code writes a failed sign-in event (counted by ``sign_in_blocked``). Raises
    ValidationError (nothing changed) when something does not match.
    """
    if sign_in_blocked(username=user.username, address=client_address(request)):
        raise sign_in_throttled_error()
    if not has_two_factor(user):
        raise ValidationError(_("Two-factor sign-in is off already."), code="already_off")
    if not user.check_password(password):
        record_sign_in_failure(request=request, username=user.username, user=user, step="disable")
        raise ValidationError({"password": _("That is not your password. Check it and try again.")})
    with transaction.atomic():
        method = _use_second_factor(user=user, code=code, at=at)
        if method is not None:
            if method == RECOVERY_CODE:
                _record_recovery_use(user=user, request=request)
            TwoFactorDevice.objects.filter(user=user).delete()
            user.recovery_codes.all().delete()
            record_event(
                action=AuditAction.TWO_FACTOR_DISABLED, actor=user, request=request, obj=user
            )
            return
    record_sign_in_failure(request=request, username=user.username, user=user, step="disable")
    raise ValidationError(
        {
            "code": _(
                "That code does not match. Enter the code your app shows now, or a recovery code."
            )
        }
    )


def replace_recovery_codes(
    *,
    user: User,
    password: str,
    code: str,
    request: HttpRequest | None = None,
    at: float | None = None,
) -> list[str]:
    """New recovery codes in place of the old ones, with the password and a current code.

    Returns the new codes, to be shown once. Side effects: deletes every earlier
    recovery code and stores the new ones (digests only), writes a
    recovery-codes-replaced audit event. A wrong password or code writes a failed
    sign-in event (counted by ``sign_in_blocked``). Raises ValidationError (nothing
    changed) when something does not match.
    """
    if sign_in_blocked(username=user.username, address=client_address(request)):
        raise sign_in_throttled_error()
    if not has_two_factor(user):
        raise ValidationError(_("Turn two-factor sign-in on first."), code="off")
    if not user.check_password(password):
        record_sign_in_failure(request=request, username=user.username, user=user, step="codes")
        raise ValidationError({"password": _("That is not your password. Check it and try again.")})
    with transaction.atomic():
        method = _use_second_factor(user=user, code=code, at=at)
        if method is not None:
            if method == RECOVERY_CODE:
                _record_recovery_use(user=user, request=request)
            codes = _replace_recovery_codes(user)
            record_event(
                action=AuditAction.RECOVERY_CODES_REPLACED, actor=user, request=request, obj=user
            )
            return codes
    record_sign_in_failure(request=request, username=user.username, user=user, step="codes")
    raise ValidationError(
        {
            "code": _(
                "That code does not match. Enter the code your app shows now, or a recovery code."
            )
        }
    )


@transaction.atomic
def reset_two_factor(*, by: User | None, user: User, request: HttpRequest | None = None) -> bool:
    """Take away a person's authenticator and recovery codes, when they lost both.

    Returns whether there was anything to take away. Side effects: deletes the
    TwoFactorDevice and RecoveryCodes, writes a two-factor-disabled audit event by
    ``by`` (or "system"). Office staff then set it up again at their next sign-in.
    """
    deleted, _details = TwoFactorDevice.objects.filter(user=user).delete()
    user.recovery_codes.all().delete()
    if not deleted:
        return False
    record_event(
        action=AuditAction.TWO_FACTOR_DISABLED,
        actor=by,
        actor_name="system" if by is None else "",
        request=request,
        obj=user,
        organisations=_organisation_ids(user),
        detail={"reset": True},
    )
    return True
