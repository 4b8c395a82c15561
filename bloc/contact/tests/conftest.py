import pytest

from bloc.contact.tests.fakes import RecordingSms


@pytest.fixture(autouse=True)
def sms(settings):
    settings.BLOC_COMMS_BACKENDS = {"sms": "bloc.contact.tests.fakes.RecordingSms"}
    RecordingSms.reset()
    yield RecordingSms
    RecordingSms.reset()
