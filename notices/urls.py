from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("channels/", views.ChannelListView.as_view(), name="channel_list"),
    path("channels/new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("channels/<int:pk>/", views.ChannelUpdateView.as_view(), name="channel_update"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
]
