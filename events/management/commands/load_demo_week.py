from django.core.management.base import BaseCommand
from django.utils import timezone

from events.demo import load_demo_week


class Command(BaseCommand):
    help = "Load the demo week from the Kunshan 2017 plan (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            action="store_true",
            help="Shift the week so that it is running today (Asia/Shanghai).",
        )

    def handle(self, *args, today: bool, **options):
        accounts = load_demo_week(today=timezone.localdate() if today else None)
        self.stdout.write(self.style.SUCCESS("Demo week loaded. Accounts (username / password):"))
        self.stdout.write(f"  office reviewer (市发改委): {accounts.office[0]} / {accounts.office[1]}")
        for unit, username, password in accounts.organizers:
            self.stdout.write(f"  organizer {unit}: {username} / {password}")
