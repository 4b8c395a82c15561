from typing import Any

from django.http import HttpRequest

from bloc.core.navigation import menu_for
from bloc.core.organization import organization


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": menu_for(request), "org": organization()}
