"""invoiceflow's engine: BPMN definitions, instances, tasks and their persistence. No Flask."""
from engine.facade import Engine

__all__ = ["Engine"]
