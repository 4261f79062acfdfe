from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .models import Role


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
