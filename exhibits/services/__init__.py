"""Business actions of the exhibition hall.

Called alike by views, admin actions, management commands (and, later, the bulk import).
Each function takes keyword-only arguments and states its side effects; actions not allowed
in the object's current state raise ``ValidationError`` with a Chinese message; who may call
them is decided in ``rules.py``.

``projects``: a project's life and review, images, documents, page views; ``holders``:
invitations and joining; ``intents``: cooperation intents, their codes (``codes``: the
pluggable senders) and signings; ``imports``: a curator's bulk import (the checking itself is
in ``importing.py``, a layer above); ``images``: web versions of covers and images; ``videos``:
the worker's side of a project's video (check, web versions, sweep); ``presentations``: the
projects a 路演 or 对接会 presents. All are re-exported here.
"""

from .codes import BUILT_IN_SENDERS, code_sender, send_code_by_email
from .holders import (
    exhibition_for_join_token,
    holder_confirm_email,
    holder_confirmation_send,
    holder_confirmation_token,
    holder_for_confirmation,
    holder_join,
    holder_remove,
    holder_sign_up,
    holders_invite,
    invitation_for_token,
    invitation_token,
    invitation_url,
    join_link_renew,
    join_link_token,
    join_link_url,
)
from .images import cover_versions, image_versions, image_versions_schedule, project_image_versions_make
from .imports import (
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_jobs_tidy,
)
from .intents import (
    CODE_MAX_ATTEMPTS,
    CODE_VALID_FOR,
    intent_answer,
    intent_code_resend,
    intent_confirm,
    intent_create,
    intents_delete_unconfirmed,
    signing_record,
)
from .presentations import MAX_PER_EVENT, presentations_set
from .projects import (
    REQUIRED_TO_SUBMIT,
    missing_for_submit,
    project_accept,
    project_document_add,
    project_document_delete,
    project_feature,
    project_image_add,
    project_image_delete,
    project_reject,
    project_return,
    project_save,
    project_submit,
    project_video_add,
    project_video_delete,
    project_view_count,
    revision_stamp,
)
from .videos import (
    project_video_check,
    project_video_versions_make,
    project_videos_sweep,
    video_file_names,
)

__all__ = [
    "BUILT_IN_SENDERS",
    "CODE_MAX_ATTEMPTS",
    "CODE_VALID_FOR",
    "MAX_PER_EVENT",
    "REQUIRED_TO_SUBMIT",
    "code_sender",
    "cover_versions",
    "exhibition_for_join_token",
    "holder_confirm_email",
    "holder_confirmation_send",
    "holder_confirmation_token",
    "holder_for_confirmation",
    "holder_remove",
    "holder_join",
    "holder_sign_up",
    "holders_invite",
    "image_versions",
    "image_versions_schedule",
    "import_job_cancel",
    "import_job_confirm",
    "import_job_create",
    "import_jobs_tidy",
    "intent_answer",
    "intent_code_resend",
    "intent_confirm",
    "intent_create",
    "intents_delete_unconfirmed",
    "invitation_for_token",
    "invitation_token",
    "invitation_url",
    "join_link_renew",
    "join_link_token",
    "join_link_url",
    "missing_for_submit",
    "presentations_set",
    "project_accept",
    "project_document_add",
    "project_document_delete",
    "project_feature",
    "project_image_versions_make",
    "project_image_add",
    "project_image_delete",
    "project_reject",
    "project_return",
    "project_save",
    "project_submit",
    "project_video_add",
    "project_video_check",
    "project_video_delete",
    "project_video_versions_make",
    "project_videos_sweep",
    "project_view_count",
    "revision_stamp",
    "send_code_by_email",
    "signing_record",
    "video_file_names",
]
