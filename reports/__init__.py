"""The reporting module over CRM deals: deal records and their stage history, imports, stage
automation, and the conversion and funnel reports, computed by the database.

It shares the service's database and users but imports nothing of ``engine``: it receives a
SQLAlchemy session factory and, for automation, an object with ``start_in`` (see ``Reports``).
"""
from reports.config import ReportsSettings
from reports.models import metadata
from reports.records import DealRecord
from reports.service import Reports

__all__ = ["Reports", "ReportsSettings", "DealRecord", "metadata"]
