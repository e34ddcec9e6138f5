import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.services import office_user_create


class Command(BaseCommand):
    help = "Create an office (市发改委) reviewer who can use /review/ and the admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--password",
            help="The password; asked for interactively when left out (safer: not in shell history).",
        )

    def handle(self, *args, username, email, full_name, password, **options):
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user = office_user_create(username=username, email=email, password=password, full_name=full_name)
        self.stdout.write(self.style.SUCCESS(f"Office reviewer '{user.username}' is ready."))
