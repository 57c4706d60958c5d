from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kernel.jobs import register_requeue


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Assessment")

    def ready(self):
        # Imported once the models are loaded (Django's convention for ready()).
        from .jobs import computation_runs_requeue

        # `requeue_jobs` (the command, celery beat every minute) sends lost computation runs again.
        register_requeue("evaluation.computation_runs", computation_runs_requeue)
