"""The signed-in user's own pages: profile, notification preferences, sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import do_end_other_sessions, do_update_own_profile
from accounts.forms import ProfileForm
from accounts.models import User, UserSession
from accounts.passwords import password_expires_at
from accounts.queries import rights_labels
from core.http import AuthedRequest


@login_required
def my_account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        # The form works on its own copy: a ModelForm writes cleaned values onto its instance,
        # and the action must compare against what is stored.
        form = ProfileForm(request.POST, instance=User.objects.get(pk=user.pk))
        if form.is_valid():
            changed = do_update_own_profile(user, **{k: form.cleaned_data[k] for k in ProfileForm.Meta.fields})
            messages.success(request, _("Your profile was saved.") if changed else _("Nothing changed."))
            return redirect("my_account")
    else:
        form = ProfileForm(instance=user)
    sessions = UserSession.objects.filter(user=user)
    return render(
        request,
        "accounts/my_account.html",
        {
            "form": form,
            "rights": rights_labels(user),
            "sessions": sessions,
            "current_key": request.session.session_key,
            "password_expires_at": password_expires_at(user),
            "nav_active": "account",
        },
    )


@login_required
@require_POST
def end_other_sessions(request: AuthedRequest) -> HttpResponse:
    count = do_end_other_sessions(request.user, current_session_key=request.session.session_key)
    messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": count})
    return redirect("my_account")
