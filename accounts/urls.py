from django.urls import include, path

from . import views

settings_patterns = [
    path("settings/", views.user_settings, name="settings"),
    path(
        "settings/whatnot/token/",
        views.save_personal_token,
        name="personal_token",
    ),
    path(
        "settings/whatnot/disconnect/",
        views.disconnect_whatnot,
        name="disconnect_whatnot",
    ),
    path(
        "settings/market-research/",
        views.save_market_research,
        name="market_research",
    ),
]

# "home" stays un-namespaced because LOGIN_REDIRECT_URL and base.html name it.
urlpatterns = [
    path("", views.home, name="home"),
    path("", include((settings_patterns, "accounts"))),
]
