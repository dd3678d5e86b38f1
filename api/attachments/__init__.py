"""``/attachments``: uploaded documents."""
