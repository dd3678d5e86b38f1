"""``/webhooks``: integrators' endpoints, signed deliveries, dead letters (admins only)."""
