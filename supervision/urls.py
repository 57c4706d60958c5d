"""URLs of the supervision app (namespace `supervision`). Mounted under /planning/, where these
pages lived before the app was split from planning (issue 13): the paths, and users' bookmarks,
stay the same."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    # Supervision visits and rectifications (工作督导, 过程评估, 整改).
    path("supervision/", views.SupervisionVisitListView.as_view(), name="visit_list"),
    path("supervision/new/", views.SupervisionVisitCreateView.as_view(), name="visit_create"),
    path("supervision/<int:pk>/", views.SupervisionVisitDetailView.as_view(), name="visit_detail"),
    path("supervision/<int:pk>/edit/", views.SupervisionVisitUpdateView.as_view(), name="visit_update"),
    path(
        "supervision/<int:pk>/rectifications/new/",
        views.RectificationCreateView.as_view(),
        name="rectification_create",
    ),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path("rectifications/<int:pk>/", views.RectificationDetailView.as_view(), name="rectification_detail"),
    path(
        "rectifications/<int:pk>/edit/", views.RectificationUpdateView.as_view(), name="rectification_update"
    ),
    path(
        "rectifications/<int:pk>/close/", views.RectificationCloseView.as_view(), name="rectification_close"
    ),
    path(
        "rectifications/<int:pk>/attachment/",
        views.rectification_attachment,
        name="rectification_attachment",
    ),
    # Typical experiences (典型经验).
    path("experiences/", views.ExperienceListView.as_view(), name="experience_list"),
    path("experiences/published/", views.PublishedExperienceListView.as_view(), name="experience_published"),
    path("experiences/new/", views.ExperienceCreateView.as_view(), name="experience_create"),
    path("experiences/<int:pk>/", views.ExperienceDetailView.as_view(), name="experience_detail"),
    path("experiences/<int:pk>/edit/", views.ExperienceUpdateView.as_view(), name="experience_update"),
    path("experiences/<int:pk>/publish/", views.experience_publish, name="experience_publish"),
    path("experiences/<int:pk>/unpublish/", views.experience_unpublish, name="experience_unpublish"),
    path(
        "experiences/<int:pk>/attachments/<int:attachment_pk>/",
        views.experience_attachment,
        name="experience_attachment",
    ),
]
