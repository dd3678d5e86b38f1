"""``/tasks``: the user tasks people work on."""
