"""My digital signature (certificates, remote-signing service) and the unit administrator's
confirmation queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import AuthedRequest
from signing import actions
from signing.access import access_binding, administered_bindings
from signing.models import BindingState, CertificateBinding, RemoteSigningAccount


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            if "certificate" in request.FILES:
                upload = request.FILES.get("certificate")
                data = upload.read(actions.MAX_CERTIFICATE_BYTES + 1) if upload is not None else b""
                actions.do_add_certificate(user, data)
                messages.success(request, _("The certificate was added. Your unit administrator confirms it."))
            elif "service_url" in request.POST:
                actions.do_set_remote_account(
                    user,
                    service_url=request.POST.get("service_url", ""),
                    credential_id=request.POST.get("credential_id", ""),
                    access_token=request.POST.get("access_token", ""),
                )
                messages.success(request, _("The remote signing service was saved."))
            else:
                messages.error(request, _("Choose the certificate file (.cer, .crt or .pem)."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("signing:mine")
    account = RemoteSigningAccount.objects.filter(user=user).first()
    return render(
        request,
        "signing/mine.html",
        {"certificates": CertificateBinding.objects.filter(user=user), "account": account},
    )


@login_required
def pending(request: AuthedRequest) -> HttpResponse:
    rows = administered_bindings(request.user)
    return render(
        request,
        "signing/pending.html",
        {
            "pending": rows.filter(state=BindingState.PENDING),
            "confirmed": rows.filter(state=BindingState.CONFIRMED)[:200],
        },
    )


def _decide(
    request: AuthedRequest, binding_id: int, step: Callable[[Any, CertificateBinding], Any], success: str
) -> HttpResponse:
    binding = access_binding(request.user, binding_id)
    try:
        step(request.user, binding)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("signing:mine" if binding.user_id == request.user.pk else "signing:pending")


@login_required
@require_POST
def confirm(request: AuthedRequest, binding_id: int) -> HttpResponse:
    return _decide(request, binding_id, actions.do_confirm_certificate, _("The certificate was confirmed."))


@login_required
@require_POST
def revoke(request: AuthedRequest, binding_id: int) -> HttpResponse:
    return _decide(request, binding_id, actions.do_revoke_certificate, _("The certificate was revoked."))
