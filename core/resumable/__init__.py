"""Resumable uploads with the tus 1.0 protocol (core, creation, termination, expiration).

Domain-free plumbing: an upload is a ``ResumableUpload`` row (who, for which purpose and
target, how long, how far) and a file in the staging folder that its PATCH requests append
to (``staging``); ``views`` speaks the protocol and leaves three decisions to the domain's
subclass: which target the URL names and whether the user may upload to it, whether a file
of the announced length may start at all (before its first byte is stored), and what a
finished file becomes. ``services.resumable_expire`` removes what was left unfinished.

Object storage (``MEDIA_STORAGE=s3``): an upload is an S3 multipart upload from its creation
(``objects``): PATCH bytes go to the bucket as parts, a remainder too small for a part waits
there as a small object, the row's lock stands for the file's ``flock``, and no web host
keeps anything of an unfinished upload (see docs/resumable_uploads.md).
"""
