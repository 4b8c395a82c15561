"""The only write path for days of action, events, RSVPs, check-in and the volunteer hand-off."""

from bloc.events.services._common import SlotSpec
from bloc.events.services.check_in import CodeCheckIn, check_in_by_code, normalize_check_in_code
from bloc.events.services.rsvps import (
    OUTCOME_FIELDS,
    add_walk_in,
    cancel_rsvp,
    check_in,
    complete_follow_up,
    queue_due_reminders,
    record_outcomes,
    rsvp,
)
from bloc.events.services.submissions import (
    add_timeslot,
    approve_event,
    cancel_event,
    create_day_of_action,
    create_host_link,
    reject_event,
    request_changes,
    resubmit_event,
    revoke_host_link,
    submit_event,
    trust_host,
    update_day_of_action,
    verify_submission,
)

__all__ = [
    "OUTCOME_FIELDS",
    "CodeCheckIn",
    "SlotSpec",
    "add_timeslot",
    "add_walk_in",
    "approve_event",
    "cancel_event",
    "cancel_rsvp",
    "check_in",
    "check_in_by_code",
    "complete_follow_up",
    "create_day_of_action",
    "create_host_link",
    "normalize_check_in_code",
    "queue_due_reminders",
    "record_outcomes",
    "reject_event",
    "request_changes",
    "resubmit_event",
    "revoke_host_link",
    "rsvp",
    "submit_event",
    "trust_host",
    "update_day_of_action",
    "verify_submission",
]
