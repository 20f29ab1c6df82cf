"""My digital signature (certificates, remote-signing service) and the unit administrator's
confirmation queue."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from core.http import AuthedRequest, perform, perform_and_redirect
from signing import actions
from signing.access import access_binding, administered_bindings
from signing.models import BindingState, CertificateBinding, RemoteSigningAccount


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        upload = request.FILES.get("certificate")
        if upload is not None:
            data = upload.read(actions.MAX_CERTIFICATE_BYTES + 1)
            perform(
                request,
                lambda: actions.do_add_certificate(user, data),
                success=_("The certificate was added. Your unit administrator confirms it."),
            )
        elif "service_url" in request.POST:
            perform(
                request,
                lambda: actions.do_set_remote_account(
                    user,
                    service_url=request.POST.get("service_url", ""),
                    credential_id=request.POST.get("credential_id", ""),
                    access_token=request.POST.get("access_token", ""),
                ),
                success=_("The remote signing service was saved."),
            )
        else:
            messages.error(request, _("Choose the certificate file (.cer, .crt or .pem)."))
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
    request: AuthedRequest, binding_id: int, step: Callable[[User, CertificateBinding], object], success: str
) -> HttpResponse:
    binding = access_binding(request.user, binding_id)
    back = "signing:mine" if binding.user_id == request.user.pk else "signing:pending"
    return perform_and_redirect(request, lambda: step(request.user, binding), back, success=success)


@login_required
@require_POST
def confirm(request: AuthedRequest, binding_id: int) -> HttpResponse:
    return _decide(request, binding_id, actions.do_confirm_certificate, _("The certificate was confirmed."))


@login_required
@require_POST
def revoke(request: AuthedRequest, binding_id: int) -> HttpResponse:
    return _decide(request, binding_id, actions.do_revoke_certificate, _("The certificate was revoked."))
