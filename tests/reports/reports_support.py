"""Constants and data shared by the reports tests (imported by name; conftest is for fixtures):
viewers per role, Moscow times, and a hand-made January 2026 of the agency."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

MOSCOW = ZoneInfo("Europe/Moscow")


class Viewer(NamedTuple):
    username: str
    groups: tuple[str, ...]


ADMIN = Viewer("admin", ("admins",))
DIRECTOR = Viewer("director", ("employees", "director"))
ANALYST = Viewer("analyst", ("employees", "analysts"))
PETROV = Viewer("petrov", ("employees", "managers"))
SIDOROVA = Viewer("sidorova", ("employees", "managers"))
VOLKOV = Viewer("volkov", ("employees", "managers"))
EMPLOYEE = Viewer("kuznetsov", ("employees",))
INTEGRATOR = Viewer("crm", ("integrators",))


def msk(text: str) -> datetime:
    """'2026-01-10 12:00' as an aware time in Moscow."""
    return datetime.fromisoformat(text).replace(tzinfo=MOSCOW)


# A hand-made January 2026 of the agency (times in Moscow); the tests work out its answers.
# The path: new, consultation, proposal_sent, prepayment_received, won; lost is the failure.
JANUARY = {
    # D1 walks the whole path and is won.
    "D1": dict(history=[("new", "2026-01-10 10:00"), ("consultation", "2026-01-11 10:00"),
                        ("proposal_sent", "2026-01-13 10:00"), ("prepayment_received", "2026-01-14 10:00"),
                        ("won", "2026-01-20 10:00")], source="site", manager="petrov"),
    # D2 is lost after a consultation.
    "D2": dict(history=[("new", "2026-01-12 09:00"), ("consultation", "2026-01-12 15:00"),
                        ("lost", "2026-01-15 15:00")], source="site", manager="petrov"),
    # D3 is created directly at the target stage: it counts at every earlier stage too.
    "D3": dict(history=[("prepayment_received", "2026-01-15 12:00")], source="vk", manager="sidorova"),
    # D4 skips the consultation, pays, and is lost after paying: it counts at what it passed.
    "D4": dict(history=[("new", "2026-01-16 10:00"), ("proposal_sent", "2026-01-17 10:00"),
                        ("prepayment_received", "2026-01-19 10:00"), ("lost", "2026-01-25 10:00")],
               source="vk", manager="sidorova"),
    # D5 is still new.
    "D5": dict(history=[("new", "2026-01-20 10:00")], source="phone", manager="petrov"),
    # D6 skips the consultation and is lost after the proposal.
    "D6": dict(history=[("new", "2026-01-21 10:00"), ("proposal_sent", "2026-01-21 12:00"),
                        ("lost", "2026-01-22 12:00")], source="site", manager="sidorova"),
    # Period edges: D7 a second before January in Moscow (out); D8 at its first instant (in,
    # though it is still December 31 in UTC); D9 at its last second (in); D10 at February's
    # first instant (out, though it is still January 31 in UTC).
    "D7": dict(history=[("new", "2025-12-31 23:59:59"), ("prepayment_received", "2026-01-02 10:00")],
               source="instagram", manager="petrov"),
    "D8": dict(history=[("new", "2026-01-01 00:00")], source="instagram", manager="petrov"),
    "D9": dict(history=[("new", "2026-01-31 23:59:59"), ("consultation", "2026-02-01 10:00")],
               source="instagram", manager="sidorova"),
    "D10": dict(history=[("new", "2026-02-01 00:00"), ("prepayment_received", "2026-02-03 10:00")],
                source="instagram", manager="sidorova"),
}


def load_january(make_deal) -> None:
    """Create every deal of ``JANUARY``."""
    for external_id, deal in JANUARY.items():
        make_deal(external_id, **deal)
