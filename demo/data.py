"""Invented demo data: learners with plausible South African names and valid-format ID numbers, a few classes with
v2 schedules, and the lookup rows they refer to. Nothing here is real; it is generated from a fixed seed, so every
bring-up of the demo holds the same people and classes (dates are relative to the day of the bring-up).

``load(conn, uploads_dir, today)`` writes it all into a database that holds the production schema and
``seed_minimal.sql``; the pure functions (``learners``, ``classes``; ID numbers from devstack/sa_id.py) are what
the tests look at.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from devstack.sa_id import sa_id_number

SEED = 20260202
LEARNER_COUNT = 60
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# --------------------------------------------------------------------------------------------------- names
# Common given names and surnames, mixed at random: any resemblance to a real person is a coincidence.
GROUPS = {
    # race as the learner forms store it (docs/contracts/learners.md#dropdown-data): Black, White, Coloured, Indian
    "Black": {
        "weight": 70,
        "Female": ["Thandiwe", "Nomvula", "Lerato", "Naledi", "Zanele", "Palesa", "Nokuthula", "Refilwe", "Busisiwe",
                   "Lindiwe", "Sibongile", "Zodwa", "Kgomotso", "Ayanda", "Dineo", "Boitumelo", "Nandi", "Khanyisile"],
        "Male": ["Thabo", "Sipho", "Bongani", "Tshepo", "Kagiso", "Mandla", "Themba", "Lwazi", "Sizwe", "Tumelo",
                 "Lethabo", "Siyabonga", "Musa", "Jabulani", "Vusumuzi", "Katlego", "Mpho", "Lungile"],
        "surnames": ["Nkosi", "Dlamini", "Mokoena", "Ndlovu", "Khumalo", "Mahlangu", "Mthembu", "Sithole", "Zulu",
                     "Molefe", "Ngcobo", "Mkhize", "Shabalala", "Nxumalo", "Radebe", "Maseko", "Tshabalala",
                     "Motaung", "Baloyi", "Hlongwane", "Ntuli", "Cele", "Mabuza", "Mofokeng"],
    },
    "White": {
        "weight": 10,
        "Female": ["Annelie", "Marike", "Elsabe", "Carina", "Liezl", "Ilse"],
        "Male": ["Pieter", "Johan", "Willem", "Ruan", "Dewald", "Hendrik"],
        "surnames": ["van der Merwe", "Botha", "Pretorius", "Venter", "du Plessis", "Nel", "Coetzee", "Steyn"],
    },
    "Coloured": {
        "weight": 10,
        "Female": ["Chantelle", "Charlene", "Bianca", "Monique", "Shireen", "Natasha"],
        "Male": ["Clint", "Jerome", "Riaan", "Ashley", "Gavin", "Ryno"],
        "surnames": ["Adams", "Jacobs", "Petersen", "Hendricks", "Abrahams", "Isaacs", "September", "Fortuin"],
    },
    "Indian": {
        "weight": 10,
        "Female": ["Priya", "Kavitha", "Anusha", "Fatima", "Nadia", "Shanthi"],
        "Male": ["Ashwin", "Rajesh", "Kevin", "Yusuf", "Pravesh", "Nivesh"],
        "surnames": ["Naidoo", "Pillay", "Govender", "Moodley", "Reddy", "Chetty", "Maharaj", "Padayachee"],
    },
}
STREETS = ["Mandela", "Church", "Main", "Voortrekker", "Jacaranda", "Protea", "Marula", "Sisulu", "Tambo", "Acacia",
           "Baobab", "Station", "Market", "Long", "Oak"]

# Extra towns for the demo (the seed's three locations are obviously invented test rows).
LOCATIONS = [
    # (suburb, town, province, postal code)
    ("Orlando West", "Soweto", "Gauteng", "1804"),
    ("Mamelodi East", "Pretoria", "Gauteng", "0122"),
    ("Khayelitsha", "Cape Town", "Western Cape", "7784"),
    ("Umlazi", "Durban", "KwaZulu-Natal", "4031"),
    ("Mdantsane", "East London", "Eastern Cape", "5219"),
    ("Seshego", "Polokwane", "Limpopo", "0742"),
    ("Botshabelo", "Bloemfontein", "Free State", "9781"),
    ("Kanyamazane", "Mbombela", "Mpumalanga", "1214"),
    ("Montshiwa", "Mahikeng", "North West", "2745"),
    ("Galeshewe", "Kimberley", "Northern Cape", "8345"),
]
EMPLOYERS = ["Ubuntu Freight Demo (Pty) Ltd", "Karoo Fresh Produce Demo CC", "Msunduzi Civil Works Demo",
             "Highveld Retail Demo Group"]
# Clients that run classes (name, SETA) and their sites (client index, site name, location index).
CLIENTS = [("Ubuntu Freight Demo (Pty) Ltd", "TETA"), ("Highveld Retail Demo Group", "W&RSETA")]
SITES = [(0, "Ubuntu Freight Durban Depot", 3), (0, "Ubuntu Freight Training Centre", 3),
         (1, "Highveld Retail Head Office", 0)]


# --------------------------------------------------------------------------------------------------- learners
@dataclass
class Learner:
    title: str
    first_name: str
    second_name: str | None
    surname: str
    gender: str
    race: str
    sa_id_no: str | None
    passport_number: str | None
    tel_number: str
    alternative_tel_number: str | None
    email_address: str
    address_line_1: str
    address_line_2: str | None
    location: int                   # index into LOCATIONS
    highest_qualification: int      # learner_qualifications.id of the seed (1..3)
    assessment_status: str
    placement_assessment_date: dt.date | None
    numeracy_level: int | None      # learner_placement_level ids of the seed: 1, 2 numeracy; 3, 4 communication
    communication_level: int | None
    employed: bool
    employer: int | None            # index into EMPLOYERS
    disability: bool
    created_at: dt.datetime
    portfolios: int = 0             # how many learner_portfolios rows (and PDF files)

    @property
    def initials(self) -> str:
        return (self.first_name[0] + (self.second_name[0] if self.second_name else "")).upper()

    @property
    def class_list_name(self) -> str:
        """The name the class learner table writes into learner_ids ("Thabo M Nkosi")."""
        middle = f" {self.second_name[0]}" if self.second_name else ""
        return f"{self.first_name}{middle} {self.surname}"


def _phone(rng: random.Random) -> str:
    return rng.choice(["060", "061", "071", "072", "073", "076", "079", "081", "082", "083", "084"]) + \
        f"{rng.randrange(10**7):07d}"


def learners(today: dt.date, count: int = LEARNER_COUNT, seed: int = SEED) -> list[Learner]:
    rng = random.Random(seed)
    groups = list(GROUPS)
    weights = [GROUPS[g]["weight"] for g in groups]
    used_names = set()
    used_ids = set()
    out = []
    while len(out) < count:
        race = rng.choices(groups, weights)[0]
        gender = rng.choice(["Female", "Male"])
        first = rng.choice(GROUPS[race][gender])
        surname = rng.choice(GROUPS[race]["surnames"])
        if (first, surname) in used_names:
            continue
        second = rng.choice(GROUPS[race][gender]) if rng.random() < 0.45 else None
        if second == first:
            second = None
        born = dt.date(rng.randint(1975, 2005), rng.randint(1, 12), rng.randint(1, 28))
        foreign = rng.random() < 0.05
        sa_id = None if foreign else sa_id_number(born, gender == "Female", rng.randrange(5000),
                                                  citizen=rng.random() > 0.05)
        if sa_id in used_ids:
            continue
        used_names.add((first, surname))
        used_ids.add(sa_id)
        passport = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randrange(10**8):08d}" if foreign else None
        if gender == "Female":
            title = rng.choice(["Ms", "Ms", "Mrs", "Miss"]) if born.year > 1980 else rng.choice(["Mrs", "Ms", "Dr"])
        else:
            title = "Mr" if rng.random() > 0.04 else "Dr"
        assessed = rng.random() < 0.7
        employed = rng.random() < 0.55
        email_surname = surname.lower().replace(" ", "")
        created = dt.datetime.combine(today - dt.timedelta(days=rng.randint(1, 150)),
                                      dt.time(rng.randint(7, 17), rng.randrange(60), rng.randrange(60)))
        out.append(Learner(
            title=title, first_name=first, second_name=second, surname=surname, gender=gender, race=race,
            sa_id_no=sa_id, passport_number=passport,
            tel_number=_phone(rng), alternative_tel_number=_phone(rng) if rng.random() < 0.3 else None,
            email_address=f"{first.lower()}.{email_surname}{rng.randrange(10, 99)}@example.org",
            address_line_1=f"{rng.randint(1, 250)} {rng.choice(STREETS)} Street",
            address_line_2=f"Unit {rng.randint(1, 40)}" if rng.random() < 0.2 else None,
            location=rng.randrange(len(LOCATIONS)),
            highest_qualification=rng.choice([1, 2, 2, 3]),
            assessment_status="Assessed" if assessed else "Not Assessed",
            placement_assessment_date=created.date() + dt.timedelta(days=rng.randint(0, 10)) if assessed else None,
            numeracy_level=rng.choice([1, 2]) if assessed else None,
            communication_level=rng.choice([3, 4]) if assessed else None,
            employed=employed, employer=rng.randrange(len(EMPLOYERS)) if employed else None,
            disability=rng.random() < 0.06,
            created_at=created,
            portfolios=rng.choice([0, 0, 0, 1, 1, 2]),
        ))
    return out


# --------------------------------------------------------------------------------------------------- classes
@dataclass
class DemoClass:
    client: int                    # index into CLIENTS
    site: int                      # index into SITES
    class_type: str                # seed class_types codes
    class_subject: str             # seed class_type_subjects codes
    duration: int
    start: dt.date
    end: dt.date
    pattern: str
    times: dict                    # day -> (start "HH:MM", end "HH:MM")
    learner_indexes: list[int]
    level: str
    address: str
    supervisor: int
    agent: int
    exceptions: list = field(default_factory=list)         # (date, reason)
    stop_restart: list = field(default_factory=list)       # (stop, restart)
    events: list = field(default_factory=list)             # (type, description, date, status)

    def class_code(self, client_name: str) -> str:
        """The capture form's client-side code: 3 letters of the client, then MM DD HH of the start."""
        letters = "".join(c for c in client_name.upper() if c.isalpha())[:3].ljust(3, "X")
        return f"{letters}{self.start:%m%d}09"


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _hours(start: str, end: str) -> float:
    (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
    return ((h2 * 60 + m2) - (h1 * 60 + m1)) / 60


def schedule_data(cls: DemoClass, today: dt.date) -> dict:
    """The v2 shape the class forms store (docs/contracts/classes.md#schedule-data): ``timeData.perDayTimes``
    with snake_case times, as saved through the UI, plus the camelCase ``perDay`` that the reference's calendar
    generator reads, so that a reader of either spelling finds the times."""
    stamp = dt.datetime.combine(today, dt.time(8, 0)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    per_day_times = {day: {"start_time": s, "end_time": e, "duration": f"{_hours(s, e):.2f}"}
                     for day, (s, e) in cls.times.items()}
    per_day = {day: {"startTime": s, "endTime": e, "duration": _hours(s, e)} for day, (s, e) in cls.times.items()}
    return {
        "version": "2.0",
        "pattern": cls.pattern,
        "startDate": cls.start.isoformat(),
        "endDate": cls.end.isoformat(),
        "dayOfMonth": None,
        "timeData": {"mode": "per-day", "perDayTimes": per_day_times, "perDay": per_day},
        "selectedDays": [d for d in DAYS if d in cls.times],
        "exceptionDates": [{"date": d.isoformat(), "reason": r} for d, r in cls.exceptions],
        "holidayOverrides": [],
        "metadata": {"lastUpdated": stamp, "validatedAt": stamp},
    }


def classes(today: dt.date, learner_count: int = LEARNER_COUNT, seed: int = SEED) -> list[DemoClass]:
    rng = random.Random(seed + 1)
    order = list(range(learner_count))
    rng.shuffle(order)
    month_start = today.replace(day=1)
    first = _monday_on_or_after(month_start - dt.timedelta(days=28))  # about a month ago: past and future sessions
    return [
        DemoClass(client=0, site=0, class_type="AET", class_subject="COMM", duration=120,
                  start=first, end=first + dt.timedelta(weeks=16), pattern="weekly",
                  times={"Monday": ("09:00", "11:00"), "Wednesday": ("13:00", "15:30")},
                  learner_indexes=order[0:14], level="COMM", address="Durban Depot, Boardroom 2",
                  supervisor=1, agent=3,
                  exceptions=[(first + dt.timedelta(weeks=3), "Client Cancelled")],
                  events=[("Deliveries", "Initial learner material", first - dt.timedelta(days=3), "Completed"),
                          ("Exams", "Final assessment", first + dt.timedelta(weeks=16, days=2), "Pending")]),
        DemoClass(client=1, site=2, class_type="AET", class_subject="NUM", duration=120,
                  start=first + dt.timedelta(days=1), end=first + dt.timedelta(weeks=15, days=1), pattern="weekly",
                  times={"Tuesday": ("08:30", "12:30"), "Thursday": ("08:30", "10:30")},
                  learner_indexes=order[14:26], level="NUM", address="Head Office, Training Room 1",
                  supervisor=2, agent=5,
                  stop_restart=[(first + dt.timedelta(weeks=5, days=1), first + dt.timedelta(weeks=6, days=1))],
                  events=[("Learner Packs", "Workbooks handed out", first + dt.timedelta(days=1), "Completed")]),
        DemoClass(client=0, site=1, class_type="SOFT", class_subject="IPC", duration=16,
                  start=first + dt.timedelta(days=4), end=first + dt.timedelta(weeks=8, days=4), pattern="biweekly",
                  times={"Friday": ("09:00", "13:00")},
                  learner_indexes=order[26:36], level="IPC", address="Training Centre, Room 3",
                  supervisor=3, agent=7,
                  events=[("QA Visit", "Quality assurance visit", first + dt.timedelta(weeks=4, days=4), "Pending")]),
        DemoClass(client=1, site=2, class_type="SOFT", class_subject="TM", duration=16,
                  start=_monday_on_or_after(today) + dt.timedelta(days=12),
                  end=_monday_on_or_after(today) + dt.timedelta(weeks=4, days=12), pattern="weekly",
                  times={"Saturday": ("08:00", "12:00")},
                  learner_indexes=order[36:44], level="TM", address="Head Office, Canteen",
                  supervisor=4, agent=9),
    ]


# --------------------------------------------------------------------------------------------------- loading
def _pdf(text: str) -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"% " + text.encode("ascii", "replace") + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def load(conn, uploads_dir: Path, today: dt.date | None = None) -> dict:
    """Insert the demo rows in one transaction; write the portfolio PDFs below uploads_dir.

    Returns a summary: {"learners": n, "portfolios": n, "classes": [{"id", "code", "subject", "type"}, ...]}.
    """
    today = today or dt.date.today()
    people = learners(today)
    demo_classes = classes(today, len(people))
    portfolio_dir = Path(uploads_dir) / "portfolios"
    portfolio_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with conn, conn.cursor() as cur:
            location_ids = []
            for suburb, town, province, postal in LOCATIONS:
                cur.execute("INSERT INTO public.locations (street_address, suburb, town, province, postal_code) "
                            "VALUES (%s, %s, %s, %s, %s) RETURNING location_id",
                            (f"1 {town} Road", suburb, town, province, postal))
                location_ids.append(cur.fetchone()[0])
            employer_ids = []
            for name in EMPLOYERS:
                cur.execute("INSERT INTO public.employers (employer_name) VALUES (%s) RETURNING employer_id", (name,))
                employer_ids.append(cur.fetchone()[0])
            client_ids = []
            for name, seta in CLIENTS:
                cur.execute("INSERT INTO public.clients (client_name, client_status, seta) "
                            "VALUES (%s, 'Active Client', %s) RETURNING client_id", (name, seta))
                client_ids.append(cur.fetchone()[0])
            site_ids = []
            for client, site_name, location in SITES:
                cur.execute("INSERT INTO public.sites (client_id, site_name, place_id) VALUES (%s, %s, %s) "
                            "RETURNING site_id", (client_ids[client], site_name, location_ids[location]))
                site_ids.append(cur.fetchone()[0])

            learner_ids = []
            portfolios = 0
            for person in people:
                location_id = location_ids[person.location]
                cur.execute(
                    "INSERT INTO public.learners (title, first_name, second_name, initials, surname, gender, race, "
                    "sa_id_no, passport_number, tel_number, alternative_tel_number, email_address, address_line_1, "
                    "address_line_2, city_town_id, province_region_id, postal_code, highest_qualification, "
                    "assessment_status, placement_assessment_date, numeracy_level, communication_level, "
                    "employment_status, employer_id, disability_status, created_at, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                    "%s, %s, %s, %s, %s, %s) RETURNING id",
                    (person.title, person.first_name, person.second_name, person.initials, person.surname,
                     person.gender, person.race, person.sa_id_no, person.passport_number, person.tel_number,
                     person.alternative_tel_number, person.email_address, person.address_line_1,
                     person.address_line_2, location_id, location_id, LOCATIONS[person.location][3],
                     person.highest_qualification, person.assessment_status, person.placement_assessment_date,
                     person.numeracy_level, person.communication_level, person.employed,
                     employer_ids[person.employer] if person.employer is not None else None, person.disability,
                     person.created_at, person.created_at))
                learner_id = cur.fetchone()[0]
                learner_ids.append(learner_id)
                paths = []
                for n in range(person.portfolios):
                    name = f"portfolio_{secrets.token_hex(7)}.{secrets.randbelow(10**8):08d}.pdf"
                    (portfolio_dir / name).write_bytes(_pdf(f"WeCoza demo portfolio {n + 1} of learner {learner_id}"))
                    written.append(portfolio_dir / name)
                    paths.append(f"portfolios/{name}")
                    cur.execute("INSERT INTO public.learner_portfolios (learner_id, file_path, upload_date) "
                                "VALUES (%s, %s, %s)",
                                (learner_id, paths[-1], person.created_at + dt.timedelta(days=n + 1)))
                    portfolios += 1
                if paths:
                    cur.execute("UPDATE public.learners SET scanned_portfolio = %s WHERE id = %s",
                                (", ".join(paths), learner_id))

            summary_classes = []
            for cls in demo_classes:
                members = [{"id": str(learner_ids[i]), "name": people[i].class_list_name, "level": cls.level,
                            "status": "CIC - Currently in Class"} for i in cls.learner_indexes]
                client_name, seta = CLIENTS[cls.client]
                code = cls.class_code(client_name)
                cur.execute(
                    "INSERT INTO public.classes (client_id, site_id, class_address_line, class_type, class_subject, "
                    "class_code, class_duration, original_start_date, seta_funded, seta, exam_class, exam_type, "
                    "project_supervisor_id, class_agent, initial_class_agent, initial_agent_start_date, "
                    "learner_ids, exam_learners, backup_agent_ids, schedule_data, stop_restart_dates, "
                    "class_notes_data, event_dates, order_nr, created_at, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, "
                    "%s::jsonb, %s::jsonb, %s::jsonb, '[]'::jsonb, %s::jsonb, %s, %s, %s) RETURNING class_id",
                    (client_ids[cls.client], site_ids[cls.site], cls.address, cls.class_type, cls.class_subject,
                     code, cls.duration, cls.start, True, seta, cls.class_type == "AET",
                     "Open book" if cls.class_type == "AET" else "",
                     cls.supervisor, cls.agent, cls.agent, cls.start,
                     json.dumps(members), json.dumps(members[:3] if cls.class_type == "AET" else []),
                     json.dumps([{"agent_id": cls.agent + 1, "date": (cls.start + dt.timedelta(weeks=2)).isoformat()}]),
                     json.dumps(schedule_data(cls, today)),
                     json.dumps([{"stop_date": s.isoformat(), "restart_date": r.isoformat()}
                                 for s, r in cls.stop_restart]),
                     json.dumps([{"type": t, "description": d, "date": day.isoformat(), "status": s, "notes": ""}
                                 for t, d, day, s in cls.events]),
                     f"PO-{cls.start:%y%m}-{cls.class_subject}",
                     dt.datetime.combine(cls.start - dt.timedelta(days=14), dt.time(9)),
                     dt.datetime.combine(cls.start - dt.timedelta(days=14), dt.time(9))))
                class_id = cur.fetchone()[0]
                summary_classes.append({"id": class_id, "code": code, "subject": cls.class_subject,
                                        "type": cls.class_type, "start": cls.start.isoformat()})
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return {"learners": len(learner_ids), "portfolios": portfolios, "classes": summary_classes}
