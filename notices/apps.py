from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # The domain apps announce workflow events through the kernel (kernel.events) without
        # knowing who listens: this app, above them all, tells the people and the channels.
        from kernel.events import register_listener
        from kernel.jobs import register_requeue

        from .services import deliveries_requeue, event_handle

        register_listener("notices", event_handle)
        # Deliveries left pending while the broker was down are sent again by `requeue_jobs`.
        register_requeue("notices.deliveries", deliveries_requeue)
