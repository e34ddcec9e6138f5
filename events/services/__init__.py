"""Business actions on weeks, units, members and events.

Called alike by views, admin actions, management commands and tasks. Each function takes
keyword-only arguments and says its side effects in its docstring. Actions that are not
allowed in the object's current state raise ``ValidationError`` with a Chinese message;
who may call them is decided in ``rules.py``, not here.

``people`` holds the office's reviewers, units, invitations, applications and notices;
``workflow`` an event's life from draft to approval, change requests and bulk import;
``covers`` the web versions of an event's cover; ``imports`` the large spreadsheet uploads a
worker checks; ``plans`` the import of the city's plan (工作方案). All are re-exported here, so callers write ``services.event_approve(...)``.
"""

from .covers import (
    COVER_MAX_PIXELS,
    COVER_WIDTHS,
    CoverVersion,
    cover_versions_make,
    cover_versions_schedule,
    current_cover_versions,
)
from .imports import (
    IMPORT_IN_WORKER_BYTES,
    import_in_worker,
    import_job_claim,
    import_job_create,
    import_job_finish,
    import_job_start,
    import_jobs_delete_old,
)
from .people import (
    application_accept,
    application_decline,
    application_submit,
    invitation_accept,
    invitation_create,
    invitation_existing_user,
    invitation_for_token,
    invitation_token,
    invitation_url,
    membership_remove,
    notices_mark_read,
    office_reviewers,
    office_user_create,
    organizer_create,
)
from .plans import PlanResult, plan_apply
from .workflow import (
    GUARDED_FIELDS,
    PUBLIC_FACE_FIELDS,
    REQUIRED_TO_SUBMIT,
    PartnerSpec,
    apply_guarded_values,
    change_request_accept,
    change_request_reject,
    event_approve,
    event_approve_many,
    event_cancel,
    event_import_rows,
    event_reporting_set,
    event_return,
    event_save,
    event_submit,
    event_unit_people_set,
    event_withdraw,
    guarded_values,
    missing_for_submit,
)

__all__ = [
    "COVER_MAX_PIXELS",
    "COVER_WIDTHS",
    "CoverVersion",
    "GUARDED_FIELDS",
    "IMPORT_IN_WORKER_BYTES",
    "PUBLIC_FACE_FIELDS",
    "REQUIRED_TO_SUBMIT",
    "PartnerSpec",
    "PlanResult",
    "application_accept",
    "application_decline",
    "application_submit",
    "apply_guarded_values",
    "change_request_accept",
    "change_request_reject",
    "cover_versions_make",
    "cover_versions_schedule",
    "current_cover_versions",
    "event_approve",
    "event_approve_many",
    "event_cancel",
    "event_import_rows",
    "event_reporting_set",
    "event_return",
    "event_save",
    "event_submit",
    "event_unit_people_set",
    "event_withdraw",
    "guarded_values",
    "import_in_worker",
    "import_job_claim",
    "import_job_create",
    "import_job_finish",
    "import_job_start",
    "import_jobs_delete_old",
    "invitation_accept",
    "invitation_create",
    "invitation_existing_user",
    "invitation_for_token",
    "invitation_token",
    "invitation_url",
    "membership_remove",
    "missing_for_submit",
    "notices_mark_read",
    "office_reviewers",
    "office_user_create",
    "organizer_create",
    "plan_apply",
]
