"""Resumable uploads with the tus 1.0 protocol (core, creation, termination, expiration).

Domain-free plumbing: an upload is a ``ResumableUpload`` row (who, for which purpose and
target, how long, how far) and a file in the staging folder that its PATCH requests append
to (``staging``); ``views`` speaks the protocol and leaves three decisions to the domain's
subclass: which target the URL names and whether the user may upload to it, whether a file
of the announced length may start at all (before its first byte is stored), and what a
finished file becomes. ``services.resumable_expire`` removes what was left unfinished.

Object storage: the bytes are always staged on local disk (parts never sit in memory); the
domain's finishing step hands the staged file to the storage, which for S3 sends it as a
multipart upload from that file. Parts are not sent to S3 while the upload is running (see
docs/resumable_uploads.md).
"""
