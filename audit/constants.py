"""Every action the audit log records. The values are stored: never change one (add a new one)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # accounts
    MFA_SETUP = "mfa.setup", _("Two-step verification set up")
    MFA_RECOVERY_CODES = "mfa.recovery_codes", _("Recovery codes renewed")
    # initiatives
    INITIATIVE_REGISTER = "initiative.register", _("Initiative registered")
    INITIATIVE_STATUS = "initiative.status", _("Initiative status changed")
    INITIATIVE_ASSIGN = "initiative.assign", _("Initiative assigned")
    INITIATIVE_MESSAGE = "initiative.message", _("Message sent to initiator")
    INITIATIVE_NOTE = "initiative.note", _("Internal note added")
    INITIATIVE_ROLE = "initiative.role", _("Role of the municipality set")
    INITIATIVE_DECIDE = "initiative.decide", _("Decision recorded")
    INITIATIVE_AUTO_CLOSE = "initiative.auto_close", _("Initiative closed automatically")
    INITIATIVE_ANONYMISE = "initiative.anonymise", _("Personal data removed")
    INITIATIVE_EXPORT = "initiative.export", _("Personal data exported")
    AGREEMENT_ADD = "agreement.add", _("Agreement added")
    AGREEMENT_DONE = "agreement.done", _("Agreement done")
    AGREEMENT_REOPEN = "agreement.reopen", _("Agreement reopened")
    GRANT_COMMIT = "grant.commit", _("Contribution committed")
    GRANT_PAID = "grant.paid", _("Contribution paid")
    GRANT_WITHDRAW = "grant.withdraw", _("Contribution withdrawn")
    ATTACHMENT_DOWNLOAD = "attachment.download", _("Attachment downloaded")
    # villages
    VILLAGE_PLAN_ACTION_LINK = "village.plan_action_link", _("Initiative linked to a village plan action")
    # vision
    VISION_VERSION = "vision.version", _("Vision version saved")
    VISION_STATUS = "vision.status", _("Vision status changed")
    TRAJECTORY_STAGES_CREATED = "trajectory.stages_created", _("Trajectory stages created")
    TRAJECTORY_STAGE_UPDATE = "trajectory.stage_update", _("Stage changed")
    TRAJECTORY_STAGE_COMPLETE = "trajectory.stage_complete", _("Stage completed")
    TRAJECTORY_DELIVERABLE_DONE = "trajectory.deliverable_done", _("Deliverable done")
    TRAJECTORY_DELIVERABLE_REOPEN = "trajectory.deliverable_reopen", _("Deliverable reopened")
    TRAJECTORY_MEMBER_ADD = "trajectory.member_add", _("Progress group member added")
    TRAJECTORY_MEMBER_UPDATE = "trajectory.member_update", _("Progress group member changed")
    TRAJECTORY_MEMBER_LEAVE = "trajectory.member_leave", _("Progress group member left")
    TRAJECTORY_CASE_ADD = "trajectory.case_add", _("Case added")
    TRAJECTORY_CASE_UPDATE = "trajectory.case_update", _("Case changed")
    TRAJECTORY_SUPPORT_COST = "trajectory.support_cost", _("Cost of local support changed")
    SCAN_OPEN = "scan.open", _("Scan opened")
    SCAN_REOPEN = "scan.reopen", _("Scan opened again for a member")
    SCAN_CLOSE = "scan.close", _("Scan closed")
    SCAN_ANSWER = "scan.answer", _("Scan answered")
    MEETING_SCHEDULE = "meeting.schedule", _("Meeting scheduled")
    MEETING_UPDATE = "meeting.update", _("Meeting changed")
    MEETING_MOVE = "meeting.move", _("Meeting moved")
    MEETING_INVITE = "meeting.invite", _("Meeting invitations sent")
    MEETING_ATTENDANCE = "meeting.attendance", _("Attendance recorded")
    MEETING_MINUTES = "meeting.minutes", _("Minutes published")
    MEETING_REMIND = "meeting.remind", _("Meeting reminders sent")
    ACTION_ITEM_ADD = "action_item.add", _("Action item added")
    ACTION_ITEM_DONE = "action_item.done", _("Action item done")
    ACTION_ITEM_REOPEN = "action_item.reopen", _("Action item reopened")
