"""Constants shared by tests: paths, demo people, a minimal PDF."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVOICE_BPMN = ROOT / "bpmn" / "invoice_approval.bpmn"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bpmn"

PEOPLE = {
    "ivanova": ("employees",),
    "kuznetsov": ("employees",),
    "petrov": ("employees", "managers"),
    "sidorova": ("employees", "managers"),
    "volkov": ("employees", "managers"),
    "director": ("employees", "director"),
    "buh": ("employees", "accountants"),
    "buh2": ("employees", "accountants"),
    "analyst": ("employees", "analysts"),
    "admin": ("admins",),
    "lawyer": ("employees", "lawyers"),
}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
