"""Response and request bodies (pydantic), so the OpenAPI schema says exactly what is sent."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model


class Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class EmailAddress(Out):
    address: str
    primary: bool
    status: str | None = Field(None, description="subscribed, unsubscribed, or absent: never asked")


class PhoneNumber(Out):
    number: str
    primary: bool
    number_type: str = "Mobile"
    sms_capable: bool = True
    status: str | None = Field(None, description="Text messages: subscribed or unsubscribed")
    do_not_call: bool = False


class PostalAddress(Out):
    primary: bool
    address_lines: list[str]
    locality: str
    region: str
    postal_code: str
    country: str
    status: str = "Verified"


class Person(Out):
    identifiers: list[str]
    created_date: datetime
    modified_date: datetime
    given_name: str
    family_name: str
    email_addresses: list[EmailAddress]
    phone_numbers: list[PhoneNumber]
    postal_addresses: list[PostalAddress]
    languages_spoken: list[str]
    custom_fields: dict[str, str]
    links: dict[str, Any] = Field(alias="_links")


class Location(Out):
    venue: str
    address_lines: list[str]
    locality: str
    region: str
    postal_code: str
    country: str


class Event(Out):
    identifiers: list[str]
    created_date: datetime
    modified_date: datetime
    origin_system: str = "Bloc"
    name: str
    title: str
    description: str
    type: str = "open"
    status: str
    visibility: str
    start_date: datetime
    end_date: datetime
    location: Location | None
    custom_fields: dict[str, str]
    links: dict[str, Any] = Field(alias="_links")


class Attendance(Out):
    identifiers: list[str]
    created_date: datetime
    modified_date: datetime
    status: str = Field(description="accepted, tentative (waitlisted) or declined")
    attended: bool
    links: dict[str, Any] = Field(alias="_links")


class Chapter(Out):
    identifiers: list[str]
    name: str
    slug: str
    status: str
    state: str
    parent: str | None
    member_count: int | None = Field(description="Only for chapters whose people you may see.")
    links: dict[str, Any] = Field(alias="_links")


class Membership(Out):
    joined_on: date
    status: str
    dues_plan: str
    paid_through_on: date | None
    in_good_standing: bool
    chapter: str | None
    links: dict[str, Any] = Field(alias="_links")


class Partner(Out):
    identifiers: list[str]
    name: str
    kind: str
    parent: str | None
    city: str
    state: str
    website: str
    tags: list[str]
    links: dict[str, Any] = Field(alias="_links")


class SharedKind(Out):
    kind: str
    label: str
    columns: list[str]
    links: dict[str, Any] = Field(alias="_links")


class SharedRows(Out):
    kind: str
    label: str
    columns: list[str]
    rows: list[dict[str, Any]]


class Problem(Out):
    detail: Any


#: The errors every operation may answer (documented so clients and schemathesis expect them).
ERRORS: dict[int, type[BaseModel]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
}


def collection(name: str, item: type[BaseModel]) -> type[BaseModel]:
    """A paged OSDI collection whose `_embedded` holds `osdi:<name>`."""
    embedded = create_model(  # type: ignore[call-overload]
        f"{name.title().replace('_', '')}Embedded",
        __base__=Out,
        items=(list[item], Field(alias=f"osdi:{name}")),  # type: ignore[valid-type]
    )
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{name.title().replace('_', '')}Collection",
        __base__=Out,
        total_pages=(int, ...),
        per_page=(int, ...),
        page=(int, ...),
        total_records=(int, ...),
        links=(dict[str, Any], Field(alias="_links")),
        embedded=(embedded, Field(alias="_embedded")),
    )


PeopleCollection = collection("people", Person)
EventsCollection = collection("events", Event)
AttendancesCollection = collection("attendances", Attendance)
ChaptersCollection = collection("chapters", Chapter)
PartnersCollection = collection("partners", Partner)


# --- The person signup helper -----------------------------------------------------------------


class In(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EmailIn(In):
    address: str = Field(max_length=254)
    status: str | None = Field(None, pattern="^(subscribed|unsubscribed)$")


class PhoneIn(In):
    number: str = Field(max_length=30)
    status: str | None = Field(None, pattern="^(subscribed|unsubscribed)$")


class PostalIn(In):
    postal_code: str = Field("", max_length=10)


class PersonIn(In):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    email_addresses: list[EmailIn] = Field(default_factory=list, max_length=5)
    phone_numbers: list[PhoneIn] = Field(default_factory=list, max_length=5)
    postal_addresses: list[PostalIn] = Field(default_factory=list, max_length=5)


class SignupIn(In):
    person: PersonIn
    source: str = Field("", max_length=120, description="Where the signup came from.")


class Accepted(Out):
    status: str = "accepted"


class Deadline(Out):
    kind: str
    label: str
    due_at: datetime


class Contract(Out):
    identifiers: list[str]
    union_local: str
    employer: str
    unit_name: str
    unit_size: int
    regime: str
    effective_at: datetime | None
    expires_at: datetime
    time_zone: str
    is_aligned: bool
    bargaining_state: str
    alignment_stage: str
    notice_deadlines: list[Deadline]
    links: dict[str, Any] = Field(alias="_links")


class SlateEntry(Out):
    candidate: str
    party: str
    office: str
    state: str
    district: str
    national: bool
    chapters: list[str]


ContractsCollection = collection("contracts", Contract)
