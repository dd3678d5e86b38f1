"""``/process-instances``: invoices in flight and done."""
