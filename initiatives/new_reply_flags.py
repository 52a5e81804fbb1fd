"""`Initiative.assignee_has_new_reply` follows every save that can change it.

The flag says the initiator wrote after the assigned officer last opened the initiative's page
(`InitiativeQuerySet.unseen_replies`). It changes when the initiator writes, when the officer
opens the page (`initiative_mark_seen` clears it) and when the initiative gets another officer
or none: the services, the admin and the forwarding all save the initiative or the message,
so these receivers see each of them. Bulk writes send no signal: the seeds call
`refresh_new_reply_flags` themselves. When an officer's account is deleted, their initiatives
lose their officer in one UPDATE and keep the flag: it then counts for no one (the counter is
`assigned_officer=user` and the flag), and the next officer assigned sets it again.
"""

from initiatives.constants import MessageKind
from initiatives.models import Initiative


def message_saved(sender, instance, created, raw=False, **kwargs):
    """A new message from the initiator is new to the assigned officer (unless they read on after
    its time, which the refresh checks)."""
    if created and not raw and instance.kind == MessageKind.FROM_INITIATOR:
        Initiative.objects.filter(pk=instance.initiative_id).refresh_new_reply_flags()


def initiative_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """The officer may have changed: a new initiative has no messages yet, and a save that
    leaves `assigned_officer` out of `update_fields` did not change it."""
    if created or raw:
        return
    if update_fields is None or "assigned_officer" in update_fields:
        Initiative.objects.filter(pk=instance.pk).refresh_new_reply_flags()
