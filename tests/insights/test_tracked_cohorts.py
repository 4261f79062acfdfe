"""Weekly summaries of tracked cohorts: the beat entry, the task and the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from research.insights.models import SummaryReport, TrackedCohort
from research.tasks.insights import summarize_tracked_cohorts_task

pytestmark = pytest.mark.django_db


def test_beat_runs_the_weekly_task_with_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["summarize-tracked-cohorts"]

    assert entry["task"] == "research.tasks.insights.summarize_tracked_cohorts_task"
    assert entry["task"] in current_app.tasks
    assert entry["options"]["expires"] > 0
    assert entry["schedule"].day_of_week == {1}


def test_weekly_task_queues_one_report_per_active_cohort(
    django_capture_on_commit_callbacks,
):
    levis = TrackedCohort.objects.create(
        name="1990s Levi's 505",
        filters={"brand": "levis", "lot": "505", "decade": "1990s"},
    )
    TrackedCohort.objects.create(name="Paused", filters={"brand": "lee"}, active=False)

    with django_capture_on_commit_callbacks() as callbacks:
        summarize_tracked_cohorts_task.apply()

    report = SummaryReport.objects.get()
    assert report.tracked_cohort == levis
    assert report.filters == {
        "brand": "levis",
        "lot": "505",
        "decade": "1990s",
        "days": 7,
    }
    assert report.status == SummaryReport.Status.QUEUED
    assert len(callbacks) == 1


def test_weekly_task_is_safe_to_run_twice(django_capture_on_commit_callbacks):
    TrackedCohort.objects.create(name="Levi's", filters={"brand": "levis"})

    with django_capture_on_commit_callbacks() as callbacks:
        summarize_tracked_cohorts_task.apply()
        summarize_tracked_cohorts_task.apply()

    assert SummaryReport.objects.count() == 1
    assert len(callbacks) == 1


def test_weekly_task_runs_again_a_week_later(django_capture_on_commit_callbacks):
    cohort = TrackedCohort.objects.create(name="Levi's", filters={"brand": "levis"})
    with django_capture_on_commit_callbacks():
        summarize_tracked_cohorts_task.apply()
    SummaryReport.objects.update(created_at=timezone.now() - timedelta(days=7))

    with django_capture_on_commit_callbacks():
        summarize_tracked_cohorts_task.apply()

    assert cohort.reports.count() == 2


def test_weekly_task_skips_a_cohort_with_invalid_filters(
    django_capture_on_commit_callbacks,
):
    TrackedCohort.objects.create(name="Broken", filters={"colour": "blue"})

    with django_capture_on_commit_callbacks() as callbacks:
        summarize_tracked_cohorts_task.apply()

    assert SummaryReport.objects.count() == 0
    assert callbacks == []


def test_tracked_cohort_clean_names_the_bad_filter():
    cohort = TrackedCohort(name="Bad", filters={"waist_min": "huge"})

    with pytest.raises(ValidationError) as error:
        cohort.full_clean()

    assert error.value.message_dict == {
        "filters": [
            "waist_min: Enter a whole number. Got 'huge'; expected a whole number "
            "of inches from 20 to 60, e.g. 30."
        ]
    }


def test_admin_adds_a_tracked_cohort_with_normalized_filters(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:research_trackedcohort_add"),
        {
            "name": "Big E",
            "filters": '{"selvedge": "yes", "brand": "levis"}',
            "active": "on",
        },
    )

    assert response.status_code == 302
    cohort = TrackedCohort.objects.get()
    assert cohort.filters == {"selvedge": "yes", "brand": "levis", "days": 7}


def test_admin_rejects_a_tracked_cohort_with_bad_filters(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:research_trackedcohort_add"),
        {"name": "Bad", "filters": '{"waist_min": "huge"}', "active": "on"},
    )

    assert response.status_code == 200
    assert "waist_min: Enter a whole number. Got &#x27;huge&#x27;" in (
        response.content.decode()
    )
    assert TrackedCohort.objects.count() == 0
