"""Keep a workflow's task tree the same size however many times its loops go round.

SpiffWorkflow adds a child task for every element a token passes, so each pass of a loop makes
the tree deeper. Its task iterator stops at depth 1,000 (an instance stops showing its ready task
after about 330 revision rounds) and every round makes the snapshot bigger and slower to load.

History is kept in our audit table, not in the tree, so after every step we drop what the engine
can no longer need:

1. finished side branches (a subtree with no unfinished task that hangs off a finished task);
2. finished tasks in the middle of a straight chain (one child, no unfinished child, not a
   split), splicing the chain so the ancestor/descendant order of what stays is unchanged.

Kept on purpose: the root and its first child, every unfinished task and its parent (a task
inherits its parent's data when it becomes ready, and joins look at their inputs' parents),
every task with several children (splits), and every task that owns a live subprocess.
"""
from __future__ import annotations

from SpiffWorkflow.util.task import TaskState


def compact_workflow(workflow) -> int:
    """Prune the top-level workflow and its subprocesses in place; return the tasks removed."""
    removed = _compact_tree(workflow, workflow.subprocesses)
    for subprocess in list(workflow.subprocesses.values()):
        removed += _compact_tree(subprocess, workflow.subprocesses)
    return removed


def _compact_tree(workflow, subprocesses) -> int:
    tasks = workflow.tasks
    root = workflow.task_tree
    live = _live_ids(tasks)
    removed = 0
    for task in list(tasks.values()):
        if task.id not in tasks or task.id in live or task.parent is None:
            continue
        if task.parent.id in live and not _is_unfinished(task.parent):
            removed += _drop_subtree(workflow, task, subprocesses)
    for task_id in list(live):
        task = tasks.get(task_id)
        if task is not None and _removable_link(task, root, live, subprocesses):
            _splice_out(workflow, task)
            removed += 1
    if workflow.last_task is not None and workflow.last_task.id not in tasks:
        workflow.last_task = None
    return removed


def _is_unfinished(task) -> bool:
    return not task.has_state(TaskState.FINISHED_MASK)


def _live_ids(tasks) -> set:
    """Ids of every unfinished task and of all their ancestors."""
    live = set()
    for task in tasks.values():
        if not _is_unfinished(task):
            continue
        node = task
        while node is not None and node.id not in live:
            live.add(node.id)
            node = node.parent
    return live


def _drop_subtree(workflow, task, subprocesses) -> int:
    parent = task.parent
    parent._children = [child for child in parent._children if child != task.id]
    removed = 0
    stack = [task]
    while stack:
        node = stack.pop()
        stack.extend(child for child in node.children if child is not None)
        _forget_subprocess(node.id, subprocesses)
        del workflow.tasks[node.id]
        removed += 1
    return removed


def _removable_link(task, root, live, subprocesses) -> bool:
    """A finished link of a straight chain, below the root's first child."""
    parent = task.parent
    if parent is None or parent is root or _is_unfinished(task):
        return False
    if len(task._children) != 1 or task.id in subprocesses:
        return False
    # The parent of an unfinished task stays: it is where that task takes its data from.
    child = task.children[0]
    return child is not None and child.id in live and not _is_unfinished(child)


def _splice_out(workflow, task) -> None:
    parent, child = task.parent, task.children[0]
    parent._children = [child.id if cid == task.id else cid for cid in parent._children]
    child._parent = parent.id
    del workflow.tasks[task.id]


def _forget_subprocess(task_id, subprocesses) -> None:
    subprocess = subprocesses.pop(task_id, None)
    if subprocess is None:
        return
    for nested_id in list(subprocess.tasks):
        _forget_subprocess(nested_id, subprocesses)
