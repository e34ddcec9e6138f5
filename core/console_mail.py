"""The mail backend of a developer's machine (`make run`): every message printed as a person
reads it (decoded subject, recipients and plain-text body), not as MIME-encoded bytes."""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ReadableConsoleBackend(DjangoConsoleBackend):
    def write_message(self, message) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            message.body.rstrip(),
            "",
            "-" * 79,
        ]
        self.stream.write("\n".join(lines) + "\n")
