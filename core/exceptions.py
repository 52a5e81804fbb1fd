from django.core.exceptions import ValidationError


class NotAllowed(ValidationError):
    """A service refuses an actor who may not do this; the view shows the message like any other
    validation error."""
