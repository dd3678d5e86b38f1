"""``/notifications`` and ``/me/channels``: what a user was told in the app, and how they want to be told."""
