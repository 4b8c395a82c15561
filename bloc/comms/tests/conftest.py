import pytest

from bloc.comms import services
from bloc.comms.backends.locmem import InMemoryBackend


@pytest.fixture
def mem_backends(settings):
    settings.BLOC_COMMS_BACKENDS = {
        "email": "bloc.comms.backends.locmem.InMemoryEmail",
        "sms": "bloc.comms.backends.locmem.InMemorySms",
    }
    InMemoryBackend.reset()
    yield InMemoryBackend
    InMemoryBackend.reset()


@pytest.fixture
def entity(db):
    return services.create_legal_entity(
        actor=None,
        name="Bloc National Organization",
        coordination="nonpartisan",
        disclaimer="Paid for by Bloc National Organization.",
        postal_address="100 Example Street, Springfield, NY 10001",
    )


@pytest.fixture
def everyone(personas):
    """A national audience of everyone the admin may see."""
    return services.save_audience(actor=personas.admin, name="Everyone")


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit as a view would: the delivery tasks enqueued on commit run (immediate backend)."""

    def run(*, actor, broadcast):
        with django_capture_on_commit_callbacks(execute=True):
            return services.submit_broadcast(actor=actor, broadcast=broadcast)

    return run
