from django.core.management.base import BaseCommand

from contests.demo import load_demo_contest


class Command(BaseCommand):
    help = "Load the demo contest of the demo week (idempotent; run load_demo_week first)."

    def handle(self, *args, **options):
        accounts = load_demo_contest()
        self.stdout.write(
            self.style.SUCCESS("Demo contest loaded (/contest/). Accounts (username / password):")
        )
        self.stdout.write(f"  organizer (人社局): {accounts.organizer} (the demo week's organizer password)")
        self.stdout.write(
            f"  applicants: {accounts.applicants[0]} … {accounts.applicants[-1]} / {accounts.applicant_password}"
        )
        self.stdout.write("  jurors of 预赛 (open a link in a phone browser):")
        for name, link in accounts.juror_links:
            self.stdout.write(f"    {name}: {link}")
        self.stdout.write(f"  public vote: {accounts.vote_url}")
