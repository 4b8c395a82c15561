"""Fictional people for the demo, tests and benchmarks. No real person's data, ever.

Names are drawn independently from common given names and surnames; emails use the reserved
`.test` domain; phone numbers use the 555-01xx range reserved for fiction.
"""

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

FIRST = [
    "Alex",
    "Jordan",
    "Sam",
    "Casey",
    "Riley",
    "Morgan",
    "Avery",
    "Quinn",
    "Jamie",
    "Taylor",
    "Rosa",
    "Mina",
    "Theo",
    "Luis",
    "Ada",
    "Nia",
    "Omar",
    "Priya",
    "Kofi",
    "Lena",
    "Marco",
    "Ines",
    "Yara",
    "Tomas",
    "Hana",
    "Emeka",
    "Sofia",
    "Ravi",
    "Elena",
    "Malik",
    "Noor",
    "Diego",
    "Aiko",
    "Farah",
    "Jonah",
    "Leila",
    "Pablo",
    "Zara",
    "Tariq",
    "Greta",
    "Ibrahim",
    "Maya",
    "Kenji",
    "Amara",
    "Felix",
    "Lucia",
    "Darius",
    "Esme",
    "Hugo",
]
LAST = [
    "Rivera",
    "Chen",
    "Okafor",
    "Novak",
    "Haddad",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Moreau",
    "Osei",
    "Larsen",
    "Petrov",
    "Ibarra",
    "Tanaka",
    "Mensah",
    "Costa",
    "Varga",
    "Lindqvist",
    "Abara",
    "Duarte",
    "Keller",
    "Rossi",
    "Mwangi",
    "Herrera",
    "Sato",
    "Quill",
    "Fenwick",
    "Castellan",
    "Marchetti",
    "Ortega",
    "Baptiste",
    "Kaur",
    "Delgado",
    "Fischer",
    "Obi",
    "Romero",
    "Park",
    "Weiss",
    "Santos",
    "Adeyemi",
    "Moreno",
    "Berg",
]
AREA_CODES = ("212", "312", "415", "617", "713", "206", "303", "404", "503", "612", "215", "313")


def fake_phone(index: int) -> str:
    """A fictional number: <area>-555-01xx. Unique for index < 100 * len(AREA_CODES)."""
    area = AREA_CODES[(index // 100) % len(AREA_CODES)]
    return f"+1{area}55501{index % 100:02d}"


def people_rows(
    count: int, zips: list[str], *, seed: int = 2028, bad_every: int = 0, today: date | None = None
) -> Iterator[dict[str, str]]:
    """Rows in the importer's default column names. Every `bad_every`-th row has one defect."""
    rng = random.Random(seed)
    today = today or date(2026, 11, 1)
    phones = 100 * len(AREA_CODES)
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        joined = today - timedelta(days=rng.randint(30, 3650))
        member = rng.random() < 0.7
        plan = rng.choices(
            ["monthly", "low_income", "income_based", "annual", "waived"], [50, 15, 15, 15, 5]
        )[0]
        paid = joined + timedelta(days=rng.randint(0, (today - joined).days + 365))
        row = {
            "First name": first,
            "Last name": last,
            "Email": f"{first}.{last}.{i}@members.bloc.test".lower(),
            "Phone": fake_phone(i) if i < phones and rng.random() < 0.5 else "",
            "ZIP": rng.choice(zips) if zips else "",
            "Joined on": joined.isoformat() if member else "",
            "Dues plan": plan if member else "",
            "Dues paid through": paid.isoformat() if member and plan != "waived" else "",
            "Email opt-in": rng.choice(["yes", "yes", "yes", "no"]),
        }
        if bad_every and i % bad_every == bad_every - 1:
            defect = (i // bad_every) % 4
            if defect == 0:
                row["Email"] = "not-an-email"
            elif defect == 1:
                row["ZIP"] = "ABCDE"
            elif defect == 2:
                row["Joined on"] = "31/12/2020"
                row["Dues plan"] = "monthly"
            else:
                row["Last name"] = ""
        yield row


IMPORT_HEADER_MAP = {
    "First name": "first_name",
    "Last name": "last_name",
    "Email": "email",
    "Phone": "phone",
    "ZIP": "zip_code",
    "Joined on": "joined_on",
    "Dues plan": "dues_plan",
    "Dues paid through": "paid_through_on",
    "Email opt-in": "email_opt_in",
}


def people_csv(count: int, zips: list[str], *, seed: int = 2028, bad_every: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(IMPORT_HEADER_MAP))
    writer.writeheader()
    writer.writerows(people_rows(count, zips, seed=seed, bad_every=bad_every))
    return out.getvalue().encode("utf-8")
