"""Setup pages for national admins: role grants through pickers, chapters and their ZIP areas.

Pickers are search-as-you-type (htmx) with a plain "Find" button as the no-script path; what
is submitted is the choice made from the results, never an id typed by hand.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bloc.accounts import services as account_services
from bloc.accounts.models import Role, RoleAssignment, User
from bloc.people import permissions, search, services
from bloc.people.models import Chapter, Person
from bloc.people.selectors import people_visible_to
from bloc.people.setup import services as setup_services
from bloc.people.setup.forms import ChapterForm, RoleGrantForm, parse_zips

PICKS = 10


def _require_admin(request: HttpRequest) -> None:
    if not permissions.can_manage_chapters(request.user):
        raise Http404("Not found.")


def _accounts_matching(query: str) -> list[User]:
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        User.objects.filter(Q(email__icontains=query) | Q(display_name__icontains=query)).order_by(
            "email"
        )[:PICKS]
    )


def _chapters_matching(query: str) -> list[Chapter]:
    query = query.strip()
    if not query:
        return []
    return list(Chapter.objects.filter(name__icontains=query).order_by("name")[:PICKS])


def _picked(model: Any, value: Any) -> Any:
    if value and str(value).isdigit():
        return model.objects.filter(pk=int(value)).first()
    return None


@login_required
@require_GET
def pick_account(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "people/_pick_options.html",
        {"name": "account", "options": _accounts_matching(request.GET.get("account_q", ""))},
    )


@login_required
@require_GET
def pick_chapter(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "people/_pick_options.html",
        {"name": "chapter", "options": _chapters_matching(request.GET.get("chapter_q", ""))},
    )


@login_required
def role_grant(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    source = request.POST if request.method == "POST" else request.GET
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chapter = form.cleaned_data["chapter"]
        role = form.cleaned_data["role"]
        try:
            account_services.grant_role(
                actor=request.user,
                user=form.cleaned_data["account"],
                role=role,
                scope_id=chapter.pk if role == Role.CHAPTER_ORGANIZER else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Role granted.")
            return redirect("people:setup-role-grant")
    account = _picked(User, source.get("account"))
    chapter = _picked(Chapter, source.get("chapter"))
    account_options = _accounts_matching(source.get("account_q", ""))
    chapter_options = _chapters_matching(source.get("chapter_q", ""))
    if account and account not in account_options:
        account_options.insert(0, account)
    if chapter and chapter not in chapter_options:
        chapter_options.insert(0, chapter)
    organizers = RoleAssignment.objects.active().filter(role=Role.CHAPTER_ORGANIZER)
    names = dict(Chapter.objects.values_list("pk", "name"))
    grants = [
        {"account": a.user, "chapter": names.get(a.scope_id or 0, "a removed chapter")}
        for a in organizers.select_related("user").order_by("scope_id", "user__email")
    ]
    return render(
        request,
        "people/setup_role_grant.html",
        {
            "form": form,
            "account_q": source.get("account_q", ""),
            "chapter_q": source.get("chapter_q", ""),
            "account_options": account_options,
            "chapter_options": chapter_options,
            "picked_account": account.pk if account else None,
            "picked_chapter": chapter.pk if chapter else None,
            "grants": grants,
        },
    )


def _zip_preview(form: ChapterForm, chapter: Chapter | None) -> dict[str, str]:
    zips, _ = parse_zips(form.data.get("zip_codes", ""))
    return setup_services.zip_conflicts(zips, chapter) if zips else {}


@login_required
def chapter_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ChapterForm(request.POST or None)
    conflicts = _zip_preview(form, None) if form.is_bound else {}
    if request.method == "POST" and form.is_valid() and not conflicts:
        try:
            chapter = services.create_chapter(
                actor=request.user,
                name=form.cleaned_data["name"].strip(),
                state=form.cleaned_data["state"],
                zip_codes=form.cleaned_data["zip_codes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Created {chapter.name}.")
            return redirect("people:chapter-detail", slug=chapter.slug)
    return render(
        request,
        "people/setup_chapter_form.html",
        {"form": form, "conflicts": conflicts, "chapter": None},
    )


@login_required
def chapter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_admin(request)
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise Http404("No such chapter.")
    initial = {
        "name": chapter.name,
        "state": chapter.state,
        "zip_codes": "\n".join(
            chapter.zips.order_by("zip_code").values_list("zip_code", flat=True)
        ),
    }
    form = ChapterForm(request.POST or None, initial=initial)
    conflicts = _zip_preview(form, chapter) if form.is_bound else {}
    removed: list[str] = []
    if form.is_bound and form.is_valid():
        kept = set(form.cleaned_data["zip_codes"])
        removed = sorted(set(chapter.zips.values_list("zip_code", flat=True)) - kept)
    confirmed = not removed or request.POST.get("confirm_removal") == "on"
    if request.method == "POST" and form.is_valid() and not conflicts and confirmed:
        try:
            setup_services.update_chapter(
                actor=request.user,
                chapter=chapter,
                name=form.cleaned_data["name"],
                state=form.cleaned_data["state"],
                zips=form.cleaned_data["zip_codes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Chapter saved.")
            return redirect("people:chapter-detail", slug=chapter.slug)
    return render(
        request,
        "people/setup_chapter_form.html",
        {"form": form, "conflicts": conflicts, "chapter": chapter, "removed": removed},
    )


def _people_matching(request: HttpRequest, query: str) -> list[Person]:
    query = query.strip()
    if len(query) < 2:
        return []
    visible = people_visible_to(request.user).select_related("chapter")
    return list(search.by_relevance(search.search(visible, query), query)[:PICKS])


@login_required
@require_GET
def pick_person(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    options = _people_matching(request, request.GET.get("person_q", ""))
    return render(request, "people/_pick_options.html", {"name": "person", "options": options})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    """Give a person an account (their recorded email), then go on to grant it a role."""
    _require_admin(request)
    source = request.POST if request.method == "POST" else request.GET
    error = ""
    if request.method == "POST":
        picked = source.get("person", "")
        person = (
            people_visible_to(request.user).filter(pk=picked).first() if picked.isdigit() else None
        )
        if person is None:
            error = "Find the person and choose them."
        else:
            try:
                user = setup_services.create_account_for(actor=request.user, person=person)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, "Account ready: they sign in with a code sent to their email."
                )
                return redirect(f"{reverse('people:setup-role-grant')}?account={user.pk}")
    return render(
        request,
        "people/setup_account_create.html",
        {
            "person_q": source.get("person_q", ""),
            "options": _people_matching(request, source.get("person_q", "")),
            "error": error,
        },
    )
