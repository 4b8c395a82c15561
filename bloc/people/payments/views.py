"""The payment processors' webhook endpoint: /people/payments/<processor>/webhook/.

CSRF-exempt (processors have no session) but authenticated by each processor's own means
(Stripe's signature, ActBlue's basic auth). A refused request stores nothing and is logged with
the processor and the reason only: never its body, an address or a name. An unknown or
unconfigured processor is a 404."""

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bloc.people.payments import processor as processor_named
from bloc.people.payments.base import RefusedRequest
from bloc.people.payments.services import record_payment_events

logger = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, processor: str) -> HttpResponse:
    found = processor_named(processor)
    if found is None or not found.is_configured():
        raise Http404("Not configured.")
    if len(request.body) > MAX_BODY:
        logger.warning("payment webhook refused: processor=%s reason=too large", found.name)
        return HttpResponse("Too large.", status=413)
    try:
        events = found.parse(request)
    except RefusedRequest as refused:
        logger.warning(
            "payment webhook refused: processor=%s reason=%s", found.name, refused.reason
        )
        response = HttpResponse("Refused.", status=refused.status)
        if refused.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="bloc-payments"'
        return response
    counts = record_payment_events(events)
    return JsonResponse({"received": len(events), **counts})
