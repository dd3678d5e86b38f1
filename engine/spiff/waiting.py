"""A faster, equivalent ``Workflow.update_waiting_tasks`` (SpiffWorkflow 3.x internals).

After every completed task SpiffWorkflow refreshes each WAITING task of the workflow, found by
walking the task tree with its generic ``TaskIterator`` (filters, depth bookkeeping, properties
that rebuild child lists: several Python calls per node). When a timer fires, an instance with
ten waiting timers completes some twenty tasks in a row, so most of SpiffWorkflow's time went
into these walks.

``update_waiting_tasks`` below walks the same tree in the same order, lazily (a task the
refresh of an earlier one changes is seen as it is when the walk reaches it, children taken
when their parent is reached), with the same depth limit and depth bookkeeping, and refreshes
the same tasks: it is ``TaskIterator(task_tree, state=WAITING)`` with its checks written out
in one loop. ``tests/engine/test_spiff_waiting.py`` compares both walks on real trees.
"""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

_WAITING = TaskState.WAITING
# TaskIterator descends below a task only from this state on when asked for WAITING tasks
# (a definite state: predicted branches cannot hold waiting tasks) ...
_MIN_STATE = TaskState.FUTURE
# ... and no deeper than its default max_depth.
_MAX_DEPTH = 1000


def waiting_tasks(root, max_depth: int = _MAX_DEPTH):
    """The WAITING tasks under ``root``, as ``TaskIterator(root, state=TaskState.WAITING,
    max_depth=max_depth)`` yields them."""
    tasks = root.workflow.tasks
    task_list = [root]
    depth = 0
    while task_list:
        task = task_list.pop(0)
        if task._children and task._state >= _MIN_STATE and depth < max_depth \
                and task.task_spec.name is not None:  # TaskIterator's end_at_spec is None
            task_list = [tasks.get(child) for child in task._children] + task_list
            depth += 1
        elif task_list:  # a leaf: climb back to the depth of the next task's parent
            ancestor = tasks.get(task_list[0]._parent)
            current = tasks.get(task._parent)
            while current is not None and current is not ancestor:
                current = tasks.get(current._parent)
                depth -= 1
        if task._state & _WAITING:
            yield task


def update_waiting_tasks(self) -> None:
    """Update all tasks in the WAITING state (SpiffWorkflow's, with a cheaper walk)."""
    for task in waiting_tasks(self.task_tree):
        task.task_spec._update(task)


_original_update_waiting_tasks = Workflow.update_waiting_tasks
Workflow.update_waiting_tasks = update_waiting_tasks
