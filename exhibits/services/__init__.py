"""Business actions of the exhibition hall.

Called alike by views, admin actions, management commands (and, later, the bulk import).
Each function takes keyword-only arguments and states its side effects; actions not allowed
in the object's current state raise ``ValidationError`` with a Chinese message; who may call
them is decided in ``rules.py``.

``projects``: a project's life and review, images, documents, page views; ``holders``:
invitations and joining; ``intents``: cooperation intents, their codes (``codes``: the
pluggable senders) and signings. All are re-exported here.
"""

from .codes import BUILT_IN_SENDERS, code_sender, send_code_by_email
from .holders import (
    exhibition_for_join_token,
    holder_join,
    holder_sign_up,
    holders_invite,
    invitation_for_token,
    invitation_token,
    invitation_url,
    join_link_renew,
    join_link_token,
    join_link_url,
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
    project_view_count,
)

__all__ = [
    "BUILT_IN_SENDERS",
    "CODE_MAX_ATTEMPTS",
    "CODE_VALID_FOR",
    "REQUIRED_TO_SUBMIT",
    "code_sender",
    "exhibition_for_join_token",
    "holder_join",
    "holder_sign_up",
    "holders_invite",
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
    "project_accept",
    "project_document_add",
    "project_document_delete",
    "project_feature",
    "project_image_add",
    "project_image_delete",
    "project_reject",
    "project_return",
    "project_save",
    "project_submit",
    "project_view_count",
    "send_code_by_email",
    "signing_record",
]
