"""``/me``: who am I."""
