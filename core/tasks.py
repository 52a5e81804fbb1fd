import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="core.heartbeat")
def heartbeat():
    """Proves beat and worker are alive; /healthz/ can read the last beat from the log."""
    logger.info("heartbeat at %s", timezone.now().isoformat())
    return True
