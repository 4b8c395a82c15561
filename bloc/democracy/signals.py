"""Other apps react to certified results here; democracy never imports them.

    from bloc.democracy.signals import result_certified

    @receiver(result_certified)
    def on_result(sender, *, ballot, subject_type, subject_id, winners, passed, **kwargs): ...

Sent after the certifying transaction commits. `winners` are option labels; `passed` is True or
False for a yes/no question and None otherwise.
"""

from django.dispatch import Signal

result_certified = Signal()
