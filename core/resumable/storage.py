"""django-storages' S3 backend that stores a finished resumable upload by a copy inside S3.

A domain saves the file of a finished upload through the storage like any upload
(``storage.save(name, staged)``). Given the complete object of a resumable upload
(``objects.StagedObject``) in the same bucket, this backend has S3 copy it to ``name``
(boto3's managed copy: CopyObject, or UploadPartCopy parts for a large one) instead of
reading it through the web process and sending it again; any other content is stored as
the plain backend stores it. Used when ``STORAGES["default"]["BACKEND"]`` names it.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .objects import StagedObject


class MediaS3Storage(S3Storage):
    def _save(self, name, content):
        if not isinstance(content, StagedObject) or content.bucket != self.bucket_name:
            return super()._save(name, content)
        cleaned = clean_name(name)
        target = self._normalize_name(cleaned)
        parameters = {**self._get_write_parameters(target, content), "MetadataDirective": "REPLACE"}
        self.connection.meta.client.copy(
            {"Bucket": content.bucket, "Key": content.object_key},
            self.bucket_name,
            target,
            ExtraArgs=parameters,
            Config=self.transfer_config,
        )
        return cleaned
