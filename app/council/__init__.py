"""The council: bodies set up by decree (Dewan, Tim Pelaksana, Forum), their members, meetings with
attendance and minutes, and decisions that become action items on programs."""

from flask_babel import lazy_gettext as _l

from app.core.form_errors import register_field_labels
from app.core.nav import register_nav
from app.core.paths import register_path_param
from app.council.models import (
    CouncilActionItem,
    CouncilAgendaItem,
    CouncilBody,
    CouncilBodyKind,
    CouncilDecision,
    CouncilDecree,
    CouncilInvitee,
    CouncilMeeting,
    CouncilMeetingFile,
    CouncilMember,
    CouncilPosition,
)

register_nav("tenant", "council.index", _l("Council"), order=30)
register_nav("tenant", "council.action_items", _l("Action items"), order=31)

ACTION_STATUS_LABELS = {"open": _l("Open"), "done": _l("Done")}

register_path_param("body_kind_id", CouncilBodyKind)
register_path_param("body_id", CouncilBody)
register_path_param("decree_id", CouncilDecree)
register_path_param("position_id", CouncilPosition)
register_path_param("council_member_id", CouncilMember)
register_path_param("meeting_id", CouncilMeeting)
register_path_param("agenda_item_id", CouncilAgendaItem)
register_path_param("invitee_id", CouncilInvitee)
register_path_param("meeting_file_id", CouncilMeetingFile)
register_path_param("decision_id", CouncilDecision)
register_path_param("council_action_item_id", CouncilActionItem)

register_field_labels(
    {
        "kind": _l("Kind"),
        "secretariat_opd_id": _l("Secretariat (OPD)"),
        "decree_date": _l("Date signed"),
        "signer": _l("Signed by"),
        "valid_from": _l("Valid from"),
        "valid_until": _l("Valid until"),
        "relation": _l("Relation"),
        "previous_id": _l("Earlier decree"),
        "position_id": _l("Position"),
        "user_id": _l("User of the tenant"),
        "institution": _l("Office or institution"),
        "pentahelix": _l("Pentahelix element"),
        "term_start": _l("Term from"),
        "term_end": _l("Term until"),
        "decree_id": _l("Appointed by decree"),
        "starts_at": _l("Starts"),
        "ends_at": _l("Ends"),
        "mode": _l("Mode"),
        "place": _l("Place"),
        "online_link": _l("Online link"),
        "agenda": _l("Agenda"),
        "body_ids": _l("Bodies"),
        "entries": _l("Attendance"),
        "minutes": _l("Minutes"),
        "agenda_item_id": _l("Agenda item"),
        "owner_opd_id": _l("Owner OPD"),
        "owner_member_id": _l("Owner member"),
        "due_on": _l("Due date"),
        "program_ids": _l("Programs"),
        "note": _l("Note"),
    }
)


def _register_audit_labels() -> None:
    """How the council's objects read on the audit pages."""
    from app.core.audit import register_object_label, register_value_label

    for object_type, label in {
        "CouncilBodyKind": _l("Kind of body"),
        "CouncilBody": _l("Council body"),
        "CouncilDecree": _l("Decree (SK)"),
        "CouncilPosition": _l("Position in a body"),
        "CouncilMember": _l("Member of a body"),
        "CouncilMeeting": _l("Meeting"),
        "CouncilAgendaItem": _l("Agenda item"),
        "CouncilInvitee": _l("Meeting invitee"),
        "CouncilMeetingFile": _l("Meeting file"),
        "CouncilDecision": _l("Meeting decision"),
        "CouncilActionItem": _l("Action item of a decision"),
        "CouncilActionItemProgram": _l("Program of an action item"),
    }.items():
        register_object_label(object_type, label)
    register_value_label("CouncilActionItem", "status", lambda code: ACTION_STATUS_LABELS.get(code, code))


def init_app(app) -> None:
    """The council registers its pages, API, jobs and file owners here."""
    from app.core.api import register_api
    from app.core.dashboard import register_panel
    from app.core.program_panels import register_program_panel
    from app.core.reminders import register_reminders

    # jobs: its kind; action_views: its pages join the council's blueprint
    from app.council import (  # noqa: F401
        action_views,
        actions,
        api,
        bodies,
        jobs,
        meetings,
        reminders,
        services,
        views,
    )
    from app.files.services import register_owner
    from app.tenants.services import register_opd_reference

    app.register_blueprint(views.bp)
    register_api(app, *api.blueprints)
    register_owner(bodies.DECREE_OWNER, bodies.can_read_decree_file)
    register_owner(meetings.MEETING_OWNER, meetings.can_read_meeting_file)
    register_panel("council/_dashboard_meetings.html", services.dashboard_panel, order=30)
    register_program_panel("council/_program_action_items.html", services.program_panel, order=30)
    register_opd_reference(actions.opd_references)
    register_reminders("council_action_items", reminders.LABEL, reminders.send_reminders)
    _register_audit_labels()
