import pytest


@pytest.fixture
def english(client, settings):
    """Dutch is the default; tests that read English text ask for English like a browser would."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
