"""Two people acting on the same task at the same moment: exactly one wins, nothing doubles."""
from __future__ import annotations

import threading

import pytest

from engine.errors import Conflict
from helpers import open_task


def race(actions):
    """Run the callables at the same moment in threads; return their results or exceptions."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            results[index] = action()
        except Exception as err:  # collected and asserted by the test
            results[index] = err

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.usefixtures("invoice_process")
def test_two_completions_of_the_same_task_one_wins(engine, invoice_data):
    instance = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    task = open_task(engine, "petrov", instance.id)
    results = race([
        lambda: engine.complete(task.id, {"decision": "approve"}, "petrov"),
        lambda: engine.complete(task.id, {"decision": "revise", "comment": "Печать"}, "petrov"),
    ])
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], Conflict)
    history = engine.history(instance.id, "ivanova")
    assert [e.event for e in history].count("task_completed") == 1
    state = engine.instance(instance.id, "ivanova")
    expected = "in_approval" if winners[0][0].outcome == "approve" else "in_revision"
    assert state.status == expected and len(state.open_tasks) == 1


@pytest.mark.usefixtures("invoice_process")
def test_two_accountants_claiming_at_once_one_wins(engine, invoice_data):
    from helpers import approve

    instance = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")
    approve(engine, "petrov", instance.id)
    approve(engine, "director", instance.id)
    task = open_task(engine, "buh", instance.id)
    results = race([lambda: engine.claim(task.id, "buh"), lambda: engine.claim(task.id, "buh2")])
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


def test_only_a_lost_race_is_a_conflict_a_broken_invariant_is_not(engine, people):
    """A unique key taken meanwhile is the caller's Conflict; a NOT NULL violation is a bug and
    surfaces as the database error it is (a 500, not a misleading 409)."""
    from sqlalchemy.exc import IntegrityError

    from engine.models import User

    def add_user(username):
        return lambda uc: uc.session.add(User(username=username))

    with pytest.raises(Conflict):
        engine._run(add_user("petrov"))  # taken already
    with pytest.raises(IntegrityError):
        engine._run(add_user(None))
