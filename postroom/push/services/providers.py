"""A workspace's provider settings: saved with their secret encrypted, checked before they are kept.

Web Push settings get a VAPID key pair generated on creation; its public key
is what browsers subscribe with (the snippet serves it). The other secrets
are checked for shape (a service account JSON with a key, a .p8 EC key) so a
wrong paste is refused at save time, not at the first send.
"""

import base64
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from py_vapid import Vapid02

from postroom.accounts.models import Workspace
from postroom.delivery.crypto import secret_encrypt
from postroom.push.endpoints import url_refused
from postroom.push.models import ProviderKind, PushProvider
from postroom.push.providers.webhook import webhook_secret_new


@dataclass(frozen=True)
class VapidKeys:
    private: str  # base64url of the 32-byte private value (py-vapid's raw form)
    public: str  # base64url of the uncompressed point (the browser's applicationServerKey)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_keys_new() -> VapidKeys:
    vapid = Vapid02()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(_b64url(private), _b64url(public))


def vapid_public_key(private: str) -> str:
    """The public key of a VAPID private key in py-vapid's raw form (ValueError when it is not one)."""
    try:
        vapid = Vapid02.from_raw(private.strip().encode())
    except Exception as exc:  # binascii, ValueError from the curve: all mean "not a key"
        raise ValueError(str(exc)) from exc
    return _b64url(
        vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def _secret_problem(kind: str, secret: str) -> str:
    """Why `secret` cannot be this kind's secret ('' when it looks right)."""
    if kind == ProviderKind.WEBPUSH:
        try:
            vapid_public_key(secret)
        except ValueError:
            return _("A VAPID private key is 32 bytes in base64url.")
        return ""
    if kind == ProviderKind.WEBHOOK:
        try:
            base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            return _("A signing secret is “whsec_” and base64.")
        return ""
    if kind == ProviderKind.FCM:
        try:
            info = json.loads(secret)
        except ValueError:
            return _("The service account must be the JSON file Google gives.")
        if not isinstance(info, dict) or not {"client_email", "private_key"} <= info.keys():
            return _("The service account JSON has no client_email and private_key.")
        secret = str(info["private_key"])
    if kind in (ProviderKind.FCM, ProviderKind.APNS):
        try:
            serialization.load_pem_private_key(secret.encode(), password=None)
        except (ValueError, TypeError):
            return _("The private key is not a PEM key.")
    if kind == ProviderKind.APNS:
        key = serialization.load_pem_private_key(secret.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            return _("An APNs key (.p8) is an EC key.")
    return ""


def _check(provider: PushProvider, secret: str | None) -> None:
    errors: dict[str, str] = {}
    if secret:
        problem = _secret_problem(provider.kind, secret)
        if problem:
            errors["secret"] = problem
    if provider.kind == ProviderKind.WEBHOOK:
        refused = url_refused(provider.webhook_url) if provider.webhook_url else _("required")
        if refused:
            errors["webhook_url"] = _("This URL cannot be used: %(why)s.") % {"why": refused}
    required = {
        ProviderKind.FCM: ["fcm_project_id"],
        ProviderKind.APNS: ["apns_key_id", "apns_team_id", "apns_bundle_id"],
        ProviderKind.ONESIGNAL: ["onesignal_app_id"],
    }.get(ProviderKind(provider.kind), [])
    for name in required:
        if not getattr(provider, name):
            errors[name] = _("This field is required.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def provider_save(
    *,
    workspace: Workspace,
    provider: PushProvider | None,
    kind: str,
    secret: str | None,
    fields: dict[str, object],
) -> PushProvider:
    """Create or change the workspace's settings for `kind`; `secret` None keeps the stored one.

    A new Web Push setting gets its VAPID key pair, a new webhook its signing
    secret, when none is given. Raises ValidationError with field messages.
    """
    if provider is None:
        if PushProvider.objects.filter(workspace=workspace, kind=kind).exists():
            raise ValidationError(
                {"kind": _("This workspace has settings for this provider already.")}
            )
        provider = PushProvider(workspace=workspace, kind=kind)
        if kind == ProviderKind.WEBPUSH and not secret:
            keys = vapid_keys_new()
            secret, provider.vapid_public_key = keys.private, keys.public
        if kind == ProviderKind.WEBHOOK and not secret:
            secret = webhook_secret_new()
            # Shown once, in the answer to this request: the receiver needs it to check signatures.
            provider.generated_secret = secret  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(provider, name, value)
    _check(provider, secret)
    if secret:
        provider.secret_encrypted = secret_encrypt(secret)
        if kind == ProviderKind.WEBPUSH:
            provider.vapid_public_key = vapid_public_key(secret)
    provider.save()
    return provider


def provider_delete(*, provider: PushProvider) -> None:
    provider.delete()
