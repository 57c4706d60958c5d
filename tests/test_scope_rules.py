"""Every model with a campus, school or group key (and every other portal model) declares its
scope rule beside it; a model without one is refused by the door instead of giving everything."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured

from kernel.generic import scoped_queryset
from kernel.scoping import Rule, rule_for

PORTAL_APPS = ("campuses", "staff", "planning", "supervision", "sharing", "evaluation", "api", "groupschool")
KEYS = {"Campus", "School", "EducationGroup"}
#: Keyed models that are reference data nonetheless, and why.
REFERENCE = {"staff.Unit": "the plan's responsible units (bureau offices and schools) are read by all"}


def _portal_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS and not model.__name__.startswith("Historical")
    ]


def _has_key(model) -> bool:
    return any(
        field.is_relation and field.concrete and field.related_model and field.related_model.__name__ in KEYS
        for field in model._meta.get_fields()
    )


@pytest.mark.parametrize("model", _portal_models(), ids=lambda m: m._meta.label)
def test_every_portal_model_declares_its_rule(model):
    rule = rule_for(model)
    assert isinstance(rule, Rule)
    assert hasattr(model._default_manager, "for_user"), f"{model._meta.label}: the door is its manager"
    if _has_key(model) and model._meta.label not in REFERENCE:
        assert rule.campus or rule.group or rule.school or rule.owner, (
            f"{model._meta.label} has a campus, school or group key: its rule names it"
        )


def test_keyed_models_are_many():
    assert sum(_has_key(model) for model in _portal_models()) >= 30


@pytest.mark.django_db
def test_a_model_without_a_rule_raises(django_user_model):
    user = django_user_model.objects.create_user("someone")
    with pytest.raises(ImproperlyConfigured):
        scoped_queryset(Permission, user)
