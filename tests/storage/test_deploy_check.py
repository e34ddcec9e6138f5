"""``manage.py check --deploy`` in S3 mode: each contradictory or incomplete setting fails with
its own message, and so do credentials that cannot list, put, read or delete in the bucket
(a real round trip against moto's server, with IAM checking the keys)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest

from .moto_s3 import ROOT_DIR, MotoServer

pytestmark = pytest.mark.services  # moto's S3 server
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "shuangchuang.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7!kq2#v9z@p4m8w1r6t3y5u0i-o_l;j,h.g/f'd~s=a+b{c}e[n]",
    "ALLOWED_HOSTS": "shuangchuang.example.gov.cn",
}
FULL_ACCESS = ["s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:GetBucketVersioning"]
READ_ONLY = ["s3:ListBucket", "s3:GetObject"]


def deploy_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL") and not key.startswith("S3_")
    }
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **variables)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


class Keys:
    def __init__(self, access: str, secret: str):
        self.access, self.secret = access, secret

    def environment(self) -> dict[str, str]:
        return {"S3_ACCESS_KEY_ID": self.access, "S3_SECRET_ACCESS_KEY": self.secret}


@pytest.fixture(scope="module")
def iam_moto():
    """A moto server of this module's own that checks keys and IAM policies: a bucket, a key
    that may do everything the portal does, one that may only read, and versioning on a
    second bucket. Authentication is switched on after the setup (moto's reset-auth)."""
    with tempfile.TemporaryDirectory(prefix="moto-iam-") as folder:
        server = MotoServer(Path(folder)).start()
        try:
            s3 = server.client()
            buckets = {
                "plain": f"portal-{uuid.uuid4().hex[:10]}",
                "versioned": f"kept-{uuid.uuid4().hex[:10]}",
            }
            for bucket in buckets.values():
                s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(
                Bucket=buckets["versioned"], VersioningConfiguration={"Status": "Enabled"}
            )
            keys = {
                "portal": _user_with(server, "portal", FULL_ACCESS, buckets.values()),
                "reader": _user_with(server, "reader", READ_ONLY, buckets.values()),
            }
            request = urllib.request.Request(
                f"{server.url}/moto-api/reset-auth",
                data=b"0",
                method="POST",
                headers={"Content-Type": "text/plain"},
            )
            with urllib.request.urlopen(request, timeout=5):
                pass
            yield server, buckets, keys
        finally:
            server.stop()


def _user_with(server: MotoServer, name: str, actions: list[str], buckets) -> Keys:
    import boto3

    iam = boto3.client(
        "iam",
        endpoint_url=server.url,
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
        region_name="us-east-1",
    )
    iam.create_user(UserName=name)
    resources = [f"arn:aws:s3:::{bucket}{suffix}" for bucket in buckets for suffix in ("", "/*")]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}],
    }
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-media", PolicyDocument=json.dumps(policy))
    created = iam.create_access_key(UserName=name)["AccessKey"]
    return Keys(created["AccessKeyId"], created["SecretAccessKey"])


def s3_settings(server: MotoServer, bucket: str, keys: Keys, **extra: str) -> dict[str, str]:
    return {**server.environment(bucket), **keys.environment(), **extra}


# --- settings that cannot work -------------------------------------------------------------


def test_s3_with_x_accel_redirect_fails(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    done = deploy_check(
        tmp_path,
        **s3_settings(
            server, buckets["plain"], keys["portal"], MEDIA_ACCEL_REDIRECT_PREFIX="/_protected_media"
        ),
    )

    assert done.returncode != 0
    assert "storage.E001" in done.stderr
    assert "MEDIA_STORAGE=s3 and MEDIA_ACCEL_REDIRECT_PREFIX are both set" in done.stderr


def test_an_empty_bucket_name_fails(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    done = deploy_check(tmp_path, **s3_settings(server, "", keys["portal"]))

    assert done.returncode != 0
    assert "storage.E002" in done.stderr and "S3_BUCKET is empty" in done.stderr


def test_missing_credentials_fail(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    done = deploy_check(
        tmp_path, **s3_settings(server, buckets["plain"], keys["portal"], S3_SECRET_ACCESS_KEY=None)
    )

    assert done.returncode != 0
    assert "storage.E003" in done.stderr and "S3_SECRET_ACCESS_KEY is not set" in done.stderr


def test_a_public_base_url_without_s3_fails(tmp_path):
    done = deploy_check(tmp_path, MEDIA_PUBLIC_BASE_URL="https://cdn.example.cn/media")

    assert done.returncode != 0
    assert "storage.E006" in done.stderr


def test_versioning_as_the_media_backup_needs_s3(tmp_path):
    done = deploy_check(tmp_path, MEDIA_BACKUP="versioning")

    assert done.returncode != 0
    assert "storage.E007" in done.stderr and "MEDIA_BACKUP=versioning needs MEDIA_STORAGE=s3" in done.stderr


# --- credentials: a real round trip ----------------------------------------------------------


def test_working_credentials_pass_and_leave_nothing_behind(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    done = deploy_check(tmp_path, **s3_settings(server, buckets["plain"], keys["portal"]))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr
    listed = server.client(keys["portal"].access, keys["portal"].secret).list_objects_v2(
        Bucket=buckets["plain"]
    )
    assert listed.get("KeyCount", 0) == 0


def test_unknown_credentials_fail_at_the_first_request(tmp_path, iam_moto):
    server, buckets, _keys = iam_moto

    done = deploy_check(
        tmp_path, **s3_settings(server, buckets["plain"], Keys("AKIAWRONGWRONGWRONG1", "nope"))
    )

    assert done.returncode != 0
    assert "storage.E005" in done.stderr
    assert f"The S3 credentials cannot list the objects of bucket '{buckets['plain']}'" in done.stderr
    assert "InvalidAccessKeyId" in done.stderr


def test_read_only_credentials_fail_at_put(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    done = deploy_check(tmp_path, **s3_settings(server, buckets["plain"], keys["reader"]))

    assert done.returncode != 0
    assert f"The S3 credentials cannot put an object into bucket '{buckets['plain']}'" in done.stderr
    assert "AccessDenied" in done.stderr


def test_a_bucket_that_does_not_exist_fails(tmp_path, iam_moto):
    server, _buckets, keys = iam_moto

    done = deploy_check(tmp_path, **s3_settings(server, "no-such-bucket-here", keys["portal"]))

    assert done.returncode != 0
    # IAM refuses a bucket the key has no rights on before it says whether the bucket exists.
    assert "The S3 credentials cannot list the objects of bucket 'no-such-bucket-here'" in done.stderr
    assert "AccessDenied" in done.stderr or "NoSuchBucket" in done.stderr


# --- backups ------------------------------------------------------------------------------


def test_versioning_as_the_backup_warns_when_the_bucket_keeps_no_versions(tmp_path, iam_moto):
    server, buckets, keys = iam_moto

    off = deploy_check(
        tmp_path, **s3_settings(server, buckets["plain"], keys["portal"], MEDIA_BACKUP="versioning")
    )
    on = deploy_check(
        tmp_path, **s3_settings(server, buckets["versioned"], keys["portal"], MEDIA_BACKUP="versioning")
    )

    assert off.returncode != 0
    assert "storage.W001" in off.stderr and "Backups cannot cover media" in off.stderr
    assert on.returncode == 0, on.stdout + on.stderr


def test_s3_settings_let_pictures_and_videos_load_from_the_store_and_the_cdn(tmp_path):
    """Public pages' <img> and <video> follow the redirect to another origin: the CSP allows it."""
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; o = s.STORAGES['default']['OPTIONS']; "
        "print(d['img-src'], d['media-src'], d['script-src'], o['max_memory_size'], o['querystring_expire'])"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    env.update(
        PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        MEDIA_STORAGE="s3",
        S3_BUCKET="media",
        S3_ENDPOINT_URL="https://oss-cn-hangzhou.example.com",
        MEDIA_PUBLIC_BASE_URL="https://cdn.example.cn/media/",
        MEDIA_SIGNED_URL_SECONDS="900",
    )

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    origins = "'https://oss-cn-hangzhou.example.com', 'https://*.oss-cn-hangzhou.example.com', 'https://cdn.example.cn'"
    assert done.stdout.split("\n")[0] == (
        f"[\"'self'\", 'data:', {origins}] [\"'self'\", 'blob:', {origins}] [\"'self'\"] 8388608 900"
    )
