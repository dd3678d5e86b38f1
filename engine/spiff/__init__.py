"""Everything that touches SpiffWorkflow lives in this package (and ``engine.script_engine``)."""

from engine.spiff import waiting  # noqa: F401,E402  (SpiffWorkflow's update_waiting_tasks, cheaper)
