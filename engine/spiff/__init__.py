"""Everything that touches SpiffWorkflow lives in this package (and ``engine.script_engine``)."""
