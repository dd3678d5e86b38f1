"""Stage automation: when a deal enters a stage, start a business process (rules as data)."""
