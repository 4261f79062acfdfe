from django.urls import path

from .webhooks.views import receive_whatnot_webhook

app_name = "whatnot"

urlpatterns: list = [
    # Both spellings answer directly: a redirect would turn Whatnot's POST into
    # a failed delivery.
    path("webhooks/whatnot/", receive_whatnot_webhook, name="webhook"),
    path("webhooks/whatnot", receive_whatnot_webhook, name="webhook-no-slash"),
]
