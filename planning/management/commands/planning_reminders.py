import datetime

from django.core.management.base import BaseCommand, CommandError

from planning.services import local_today, reminders_run


def _days(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise CommandError(f"Give days as whole numbers separated by commas, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Mark overdue work-plan items and notify the people responsible (what the daily celery beat "
        "job does). Safe to run twice on the same day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today, Asia/Shanghai)")
        parser.add_argument("--days-before", help="e.g. 7,1 (default: PLANNING_REMIND_DAYS_BEFORE)")
        parser.add_argument("--days-after", help="e.g. 1,7,30 (default: PLANNING_REMIND_DAYS_AFTER)")
        parser.add_argument("--no-email", action="store_true", help="in-app notifications only")

    def handle(self, *args, **options):
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else local_today()
        except ValueError as exc:
            raise CommandError(f"--date: give a date as YYYY-MM-DD, not {options['date']!r}.") from exc
        result = reminders_run(
            today=today,
            days_before=_days(options["days_before"]) if options["days_before"] else None,
            days_after=_days(options["days_after"]) if options["days_after"] else None,
            send_email=not options["no_email"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{today}: {result['marked_overdue']} marked overdue, "
                f"{result['notifications']} notifications, {result['emailed']} e-mailed."
            )
        )
