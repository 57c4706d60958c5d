"""The demo data's entry points (kept here for the callers that import them from this module);
the generators live in the package groupschool.demo."""

from .demo.common import REFERENCE_DATE, TERMS, Y
from .demo.people import demo_data_generate
from .demo.workload import assessment_workload_generate, assessment_workload_scheme_name

__all__ = [
    "REFERENCE_DATE",
    "TERMS",
    "Y",
    "assessment_workload_generate",
    "assessment_workload_scheme_name",
    "demo_data_generate",
]
