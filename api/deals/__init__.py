"""Deals pushed by a CRM: create or update, stage entries, read, list."""
