from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bloc.people.claiming import services


def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in: mail scanners that open links spend nothing."""
    try:
        person = services.person_for_token(token)
    except services.LinkRefused as refused:
        return render(
            request,
            "people/claiming/sign_in_link.html",
            {"refused": refused.messages[0]},
            status=410,
        )
    if request.method == "POST":
        try:
            user, person = services.use_sign_in_link(token)
        except services.LinkRefused as refused:
            return render(
                request,
                "people/claiming/sign_in_link.html",
                {"refused": refused.messages[0]},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "You are signed in. Next time, sign in with a code by email.")
        return redirect("core:home")
    return render(request, "people/claiming/sign_in_link.html", {"first_name": person.first_name})
