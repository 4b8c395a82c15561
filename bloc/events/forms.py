"""Forms validate input; services decide. Lengths are bounded and NUL bytes rejected."""

import zoneinfo
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from bloc.coalition.models import Partner
from bloc.core import geo
from bloc.events import selectors
from bloc.events.models import DayOfAction, Event, EventType, FollowUp
from bloc.events.services.check_in import normalize_check_in_code

#: The radius searched when none is chosen; the form shows it (never the first choice instead).
DEFAULT_RADIUS = 25
RADII = [(5, "5 miles"), (10, "10 miles"), (25, "25 miles"), (50, "50 miles"), (100, "100 miles")]
COMMON_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def on_the_calendar(value: date) -> None:
    """A date someone may mean. Far-off years break time zone arithmetic (9999-12-31 plus a
    day, or in UTC, is past the last date Python has)."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(f"Pick a date between {FIRST_DAY.year} and {LAST_DAY.year}.")


class SearchForm(forms.Form):
    zip = forms.CharField(label="ZIP code", max_length=10, required=False)
    radius = forms.TypedChoiceField(
        choices=RADII, coerce=int, initial=DEFAULT_RADIUS, required=False
    )
    type = forms.ChoiceField(
        label="Type", choices=[("", "Any type"), *EventType.choices], required=False
    )
    date = forms.DateField(
        validators=[on_the_calendar], required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, data: Any = None, *args: Any, default_radius: int = DEFAULT_RADIUS, **kwargs: Any
    ) -> None:
        # A search without a radius (a link with only ?zip=) searches the default: bind it, so
        # the box shows the radius searched rather than the first choice ("5 miles").
        if data is not None and not data.get("radius"):
            data = data.copy()
            data["radius"] = str(default_radius)
        super().__init__(data, *args, **kwargs)
        self.fields["radius"].initial = default_radius

    def clean_zip(self) -> str:
        value = self.cleaned_data["zip"]
        if value and not geo.lookup(value):
            raise ValidationError("Not a US ZIP code we know.")
        return geo.normalize_zip(value)


class RSVPForm(forms.Form):
    timeslot = forms.ChoiceField(label="Shift")
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=30, required=False)
    zip_code = forms.CharField(label="ZIP code", max_length=10)
    guests = forms.IntegerField(min_value=0, max_value=10, initial=0, required=False)
    email_opt_in = forms.BooleanField(label="Email me about other actions near me", required=False)
    sms_opt_in = forms.BooleanField(
        label="Text me updates (message rates may apply)", required=False
    )

    def __init__(self, *args: Any, slots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["timeslot"]
        field.choices = [(str(s.pk), _slot_label(s)) for s in slots]
        if len(slots) == 1:
            self.fields["timeslot"].initial = str(slots[0].pk)

    def clean_zip_code(self) -> str:
        value = geo.normalize_zip(self.cleaned_data["zip_code"])
        if not value:
            raise ValidationError("Enter a five-digit ZIP code.")
        return value


def _slot_label(slot: Any) -> str:
    tz = zoneinfo.ZoneInfo(slot.event.timezone)
    start = slot.starts_at.astimezone(tz)
    label = f"{start:%a %b %-d, %-I:%M %p}"
    if slot.role:
        label = f"{slot.role} · {label}"
    if getattr(slot, "is_full", False):
        label += " (full: waitlist)"
    return label


class WalkInForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254, required=False)
    phone = forms.CharField(max_length=30, required=False)
    zip_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    email_opt_in = forms.BooleanField(label="Agreed to email updates", required=False)
    sms_opt_in = forms.BooleanField(label="Agreed to text messages", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("email") or data.get("phone")):
            raise ValidationError("An email address or a phone number is needed.")
        return data


class CheckInCodeForm(forms.Form):
    """The door: a scanner types the code from the QR code and Enter; a person types it."""

    code = forms.CharField(
        label="Check-in code",
        max_length=32,
        help_text="Scan the QR code in the person's confirmation, or type the code printed "
        "under it (6 letters and digits; spaces and dashes are ignored).",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "scan-input",
            }
        ),
        error_messages={"required": "Enter or scan a check-in code."},
    )

    def clean_code(self) -> str:
        value = normalize_check_in_code(self.cleaned_data["code"])
        if not 4 <= len(value) <= 8:
            raise ValidationError(
                "A check-in code has 6 letters and digits, like K7P2QX.", code="format"
            )
        return value


class OutcomesForm(forms.Form):
    attendance_reported = forms.IntegerField(label="Attendance", min_value=0, required=False)
    doors_knocked = forms.IntegerField(label="Doors knocked", min_value=0, required=False)
    calls_made = forms.IntegerField(label="Calls made", min_value=0, required=False)
    pledges = forms.IntegerField(label="Pledges", min_value=0, required=False)
    signups = forms.IntegerField(label="Sign-ups", min_value=0, required=False)


MAX_CO_HOSTS = 20


class _DayGroupedOptions:
    """Options grouped by day of action; each option carries its day as `data-day`, so
    `submit.js` can show only the partners of the chosen day. Without JavaScript the groups,
    labelled by day, say the same."""

    group_days: list[int | None]

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        groups = super().optgroups(name, value, attrs)  # type: ignore[misc]
        days = getattr(self, "group_days", [])
        for _group_name, options, index in groups:
            day_pk = days[index] if index < len(days) else None
            if day_pk is not None:
                for option in options:
                    option["attrs"]["data-day"] = str(day_pk)
        return groups


class DayPartnerSelect(_DayGroupedOptions, forms.Select):
    pass


class DayPartnerCheckboxes(_DayGroupedOptions, forms.CheckboxSelectMultiple):
    pass


def _day_group_label(day: DayOfAction) -> str:
    return f"{day.name} ({day.starts_on:%b} {day.starts_on.day}, {day.starts_on.year})"


class SubmitEventForm(forms.Form):
    day = forms.ModelChoiceField(
        label="Day of action",
        queryset=DayOfAction.objects.filter(is_published=True),
        required=False,
        empty_label="Not part of a day of action",
    )
    title = forms.CharField(max_length=200)
    event_type = forms.ChoiceField(label="Type", choices=EventType.choices)
    description = forms.CharField(widget=forms.Textarea, max_length=5000, required=False)
    visibility = forms.ChoiceField(choices=Event.Visibility.choices, initial="public")
    date = forms.DateField(
        validators=[on_the_calendar], widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=[("", "From the ZIP code"), *[(z, z.replace("_", " ")) for z in COMMON_ZONES]],
        required=False,
    )
    capacity = forms.IntegerField(min_value=1, max_value=100000, required=False)
    is_virtual = forms.BooleanField(label="Virtual event", required=False)
    virtual_url = forms.URLField(
        label="Link for a virtual event", required=False, assume_scheme="https"
    )
    venue_name = forms.CharField(max_length=200, required=False)
    address_line1 = forms.CharField(label="Address", max_length=200, required=False)
    zip_code = forms.CharField(label="ZIP code", max_length=10, required=False)
    host_name = forms.CharField(label="Your name", max_length=200)
    host_email = forms.EmailField(label="Your email", max_length=254, required=False)
    host_partner = forms.ModelChoiceField(
        label="Hosting partner",
        queryset=Partner.objects.none(),
        required=False,
        widget=DayPartnerSelect,
        help_text="The coalition partner organization that hosts this event, if one does.",
    )
    co_hosts = forms.ModelMultipleChoiceField(
        label="Co-hosting partners",
        queryset=Partner.objects.none(),
        required=False,
        widget=DayPartnerCheckboxes,
        help_text="Other coalition partners of the day that host the event with you.",
    )

    PARTNER_FIELDS = ("host_partner", "co_hosts")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "host_partner" in self.fields:
            self._offer_day_partners()

    def _offer_day_partners(self) -> None:
        """Partners are offered per day of action: only the coalition of the chosen day may be
        named. No published day has partners: the two fields are left out."""
        day_field: Any = self.fields["day"]
        groups = selectors.partners_by_day(day_field.queryset)
        if not groups:
            for name in self.PARTNER_FIELDS:
                del self.fields[name]
            return
        chosen = str(self.data.get("day") or self.initial.get("day") or "")
        groups.sort(key=lambda group: str(group[0].pk) != chosen)  # the chosen day first
        partner_ids = {p.pk for _day, partners in groups for p in partners}
        grouped = [
            (_day_group_label(day), [(p.pk, p.name) for p in partners]) for day, partners in groups
        ]
        days = [day.pk for day, _partners in groups]
        host: Any = self.fields["host_partner"]
        host.queryset = Partner.objects.filter(pk__in=partner_ids)
        host.choices = [("", "None: no partner hosts it"), *grouped]
        host.widget.group_days = [None, *days]
        co_hosts: Any = self.fields["co_hosts"]
        co_hosts.queryset = Partner.objects.filter(pk__in=partner_ids)
        co_hosts.choices = grouped
        co_hosts.widget.group_days = days

    @property
    def has_partner_fields(self) -> bool:
        return "host_partner" in self.fields

    def _clean_partners(self, data: dict[str, Any]) -> None:
        host = data.get("host_partner")
        co_hosts = list(data.get("co_hosts") or [])
        if not (host or co_hosts):
            return
        day = data.get("day")
        if day is None:
            self.add_error(
                "host_partner" if host else "co_hosts",
                "Choose the day of action first: hosting partners come from its coalition.",
            )
            return
        allowed = set(day.partners.values_list("pk", flat=True))
        if host and host.pk not in allowed:
            self.add_error("host_partner", f"{host.name} is not a coalition partner of {day.name}.")
        strays = [p.name for p in co_hosts if p.pk not in allowed]
        if strays:
            self.add_error(
                "co_hosts", f"Not coalition partners of {day.name}: {', '.join(strays)}."
            )
        if host and host in co_hosts:
            self.add_error(
                "co_hosts",
                f"{host.name} is already the hosting partner: leave it out of the co-hosts.",
            )
        if len(co_hosts) > MAX_CO_HOSTS:
            self.add_error("co_hosts", f"Name at most {MAX_CO_HOSTS} co-hosting partners.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any("\x00" in str(v) for v in data.values()):
            raise ValidationError("Text cannot contain NUL characters.")
        self._clean_partners(data)
        zip5 = geo.normalize_zip(data.get("zip_code"))
        info = geo.lookup(zip5) if zip5 else None
        if not data.get("is_virtual") and info is None:
            self.add_error("zip_code", "Enter the US ZIP code where the event happens.")
            return data
        tz_name = data.get("timezone") or (info.timezone if info else "") or "America/New_York"
        if tz_name not in zoneinfo.available_timezones():
            tz_name = "America/New_York"
        data["tz"] = tz_name
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            tz = zoneinfo.ZoneInfo(tz_name)
            data["starts_at"] = datetime.combine(data["date"], data["start_time"], tzinfo=tz)
            data["ends_at"] = datetime.combine(data["date"], data["end_time"], tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "The event must end after it starts.")
        return data

    def submission_kwargs(self) -> dict[str, Any]:
        """Every argument of `services.submit_event` this form gives, for a valid form:
        `services.submit_event(actor=request.user, **form.submission_kwargs())`."""
        data = self.cleaned_data
        return {
            "day": data["day"],
            "title": data["title"],
            "event_type": data["event_type"],
            "description": data["description"],
            "visibility": data["visibility"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "tz": data["tz"],
            "capacity": data["capacity"],
            "is_virtual": data["is_virtual"],
            "virtual_url": data["virtual_url"],
            "venue_name": data["venue_name"],
            "address_line1": data["address_line1"],
            "zip_code": data["zip_code"],
            "host_name": data["host_name"],
            "host_email": data["host_email"],
            "host_partner": data.get("host_partner"),
            "co_hosts": list(data.get("co_hosts") or []),
        }


class ResubmitEventForm(SubmitEventForm):
    """What a host may change after an organizer asked for changes."""

    day = None  # type: ignore[assignment]
    visibility = None  # type: ignore[assignment]
    capacity = None  # type: ignore[assignment]
    host_name = None  # type: ignore[assignment]
    host_email = None  # type: ignore[assignment]
    host_partner = None  # type: ignore[assignment]
    co_hosts = None  # type: ignore[assignment]


class DayOfActionForm(forms.Form):
    """National staff call a day of action and keep it up to date."""

    name = forms.CharField(
        max_length=200,
        help_text="As supporters will see it, e.g. “May Day 2028: Strike for Our Future”.",
    )
    starts_on = forms.DateField(
        validators=[on_the_calendar],
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        validators=[on_the_calendar],
        label="Last day",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The same as the first day for a single day of action.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text="What the day is for; shown at the top of its public page.",
    )
    demands = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text="One demand per line; the public page lists them under “Our demands”.",
    )
    toolkit_url = forms.URLField(
        label="Host toolkit link",
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text="Where hosts find the materials: talking points, flyers, safety plan.",
    )
    partners: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Coalition partners",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Shown on the public page, and offered to hosts as hosting and co-hosting "
        "partners when they submit an event for this day. Hold Ctrl (⌘ on a Mac) to choose "
        "several.",
    )
    is_published = forms.BooleanField(
        label="Published",
        required=False,
        initial=True,
        help_text="Published days have a public page and appear in the host-your-own form. "
        "Leave unticked while the day is being prepared.",
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["partners"]
        field.queryset = partners
        if not partners.exists():
            field.help_text = (
                "No partner organizations yet: add them in the coalition pages, then come back."
            )

    @classmethod
    def initial_for(cls, day: DayOfAction) -> dict[str, Any]:
        return {
            "name": day.name,
            "starts_on": day.starts_on,
            "ends_on": day.ends_on,
            "description": day.description,
            "demands": day.demands,
            "toolkit_url": day.toolkit_url,
            "partners": list(day.partners.all()),
            "is_published": day.is_published,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any("\x00" in str(v) for v in data.values()):
            raise ValidationError("Text cannot contain NUL characters.")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "A day of action cannot end before it starts.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "description": data["description"],
            "demands": data["demands"],
            "toolkit_url": data["toolkit_url"],
            "partners": list(data["partners"]),
            "is_published": data["is_published"],
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("changes", "Ask for changes"),
            ("reject", "Reject"),
        ]
    )
    note = forms.CharField(
        label="Note to the host", widget=forms.Textarea, max_length=2000, required=False
    )
    trust_host = forms.BooleanField(label="Trust this host from now on", required=False)


class ShiftForm(forms.Form):
    date = forms.DateField(
        validators=[on_the_calendar], widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    role = forms.CharField(max_length=100, required=False)
    capacity = forms.IntegerField(min_value=1, max_value=100000, required=False)

    def times(self, tz_name: str) -> tuple[datetime, datetime]:
        tz = zoneinfo.ZoneInfo(tz_name)
        data = self.cleaned_data
        return (
            datetime.combine(data["date"], data["start_time"], tzinfo=tz),
            datetime.combine(data["date"], data["end_time"], tzinfo=tz),
        )


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(choices=FollowUp.Outcome.choices)
    notes = forms.CharField(widget=forms.Textarea, max_length=2000, required=False)
