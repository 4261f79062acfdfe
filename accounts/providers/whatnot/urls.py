from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import WhatnotProvider

urlpatterns = default_urlpatterns(WhatnotProvider)
