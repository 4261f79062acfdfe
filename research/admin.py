"""Admin registrations of the research app; each concern keeps its own module."""

from .insights import admin as insights_admin  # noqa: F401
