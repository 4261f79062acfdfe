from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .exceptions import PersonalTokenRejected, WhatnotAccountInUse
from .forms import MarketResearchForm, PersonalTokenForm
from .models import Role, WhatnotConnection
from .services import connections


@login_required
def home(request):
    """Send each user to the page their role starts from."""
    user = request.user
    if user.has_role(Role.SELLER):
        return redirect("whatnot:dashboard")
    if user.has_role(Role.ANALYST):
        return redirect("research:overview")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("account_email")


@login_required
def user_settings(request):
    """Show the account's settings: the Whatnot connection and data sharing
    for sellers, and links to allauth's e-mail and password pages."""
    return _render_settings(request)


@sensitive_post_parameters("token")
@require_POST
@login_required
@permission_required("accounts.connect_whatnot", raise_exception=True)
def save_personal_token(request):
    """Check a pasted personal access token with Whatnot, then store it."""
    form = PersonalTokenForm(request.POST)
    if form.is_valid():
        try:
            connection = connections.connect_personal_token(
                request.user, form.cleaned_data["token"]
            )
        except (PersonalTokenRejected, WhatnotAccountInUse) as exc:
            form.add_error("token", str(exc))
        else:
            messages.success(
                request,
                f"Connected to Whatnot as {connection.whatnot_username or 'your store'}"
                " with a personal access token.",
            )
            return redirect("accounts:settings")
    return _render_settings(request, token_form=form, status=400)


@require_POST
@login_required
@permission_required("accounts.connect_whatnot", raise_exception=True)
def disconnect_whatnot(request):
    """Delete the signed-in seller's Whatnot tokens and OAuth link."""
    if connections.disconnect(request.user):
        messages.success(request, "Whatnot is disconnected and its tokens are deleted.")
    else:
        messages.info(request, "Whatnot was not connected.")
    return redirect("accounts:settings")


@require_POST
@login_required
@permission_required("accounts.connect_whatnot", raise_exception=True)
def save_market_research(request):
    """Turn the seller's "include my sales in market research" switch on or
    off. An unchecked checkbox sends nothing, which means off."""
    form = MarketResearchForm(request.POST, instance=request.user)
    form.save()
    if request.user.include_in_market_research:
        messages.success(request, "Your sales are included in market research.")
    else:
        messages.success(
            request, "Your sales are no longer included in market research."
        )
    return redirect("accounts:settings")


def _render_settings(request, *, token_form=None, status=200):
    user = request.user
    can_connect = user.has_perm("accounts.connect_whatnot")
    connection = WhatnotConnection.objects.filter(user=user).first()
    context = {
        "can_connect": can_connect,
        "connection": connection,
        "token_form": token_form or PersonalTokenForm(),
        "research_form": MarketResearchForm(instance=user),
        "settings_url": request.path,
    }
    return render(request, "accounts/user_settings.html", context, status=status)
