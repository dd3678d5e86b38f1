"""Stage automation rules and their runs (admins)."""
