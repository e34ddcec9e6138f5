from django.core.management.base import BaseCommand

from exhibits.demo import load_demo_exhibition


class Command(BaseCommand):
    help = "Load the demo online hall of the demo week (idempotent; run load_demo_week first)."

    def handle(self, *args, **options):
        accounts = load_demo_exhibition()
        self.stdout.write(self.style.SUCCESS("Demo hall loaded (/expo/). Accounts (username / password):"))
        self.stdout.write(f"  curator (科协): {accounts.curator[0]} / {accounts.curator[1]}")
        for username, password in accounts.holders:
            self.stdout.write(f"  project holder: {username} / {password}")
