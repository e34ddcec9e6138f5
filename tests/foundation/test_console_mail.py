"""On a developer's machine e-mails are printed readably: Chinese subject and body as text."""

import io
import pathlib

from django.core.mail import EmailMessage

from core.console_mail import ReadableConsoleBackend


def test_the_console_prints_the_decoded_subject_and_body():
    stream = io.StringIO()
    backend = ReadableConsoleBackend(stream=stream)

    backend.send_messages(
        [EmailMessage("双创周：重置密码", "请点击下面的链接设置新密码。", to=["a@example.com"])]
    )

    printed = stream.getvalue()
    assert "Subject: 双创周：重置密码" in printed
    assert "请点击下面的链接设置新密码。" in printed
    assert "To: a@example.com" in printed


def test_make_run_defaults_to_the_readable_console():
    import subprocess
    import sys

    script = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "shuangchuang.settings", "PATH": "/usr/bin:/bin"}
    root = pathlib.Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "core.console_mail.ReadableConsoleBackend"
