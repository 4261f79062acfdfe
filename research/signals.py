"""Keep the summaries honest when a seller opts in or out of market research."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from research.cohorts import enqueue_summary_refresh

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="research_remember_research_choice")
def remember_research_choice(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._previous_include_in_market_research = None
        return
    instance._previous_include_in_market_research = (
        sender.objects.filter(pk=instance.pk)
        .values_list("include_in_market_research", flat=True)
        .first()
    )


@receiver(post_save, sender=User, dispatch_uid="research_refresh_on_research_choice")
def refresh_on_research_choice(sender, instance, created, **kwargs) -> None:
    previous = getattr(instance, "_previous_include_in_market_research", None)
    if created or previous is None:
        return
    if previous != instance.include_in_market_research:
        enqueue_summary_refresh(seller_id=instance.pk)
