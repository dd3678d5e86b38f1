"""``/process-definitions``: deployed BPMN diagrams and their versions."""
