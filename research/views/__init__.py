from .comps import comps_partial
from .dashboards import cohort, listings, overview

__all__ = ["cohort", "comps_partial", "listings", "overview"]
