"""URLs of the staff app. Two helpers add to this file: append, never rewrite."""

from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "staff"

urlpatterns: list = []
