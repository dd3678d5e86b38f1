"""Stage automation with the real engine: a deal entering prepayment_received starts the party
preparation process in the same transaction, exactly once per entry; a refused start is kept
for admins and the stage change still commits; anything else rolls everything back."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from reports import DealRecord, Reports, ReportsSettings
from reports.errors import InvalidInput, NotAllowed
from reports_support import ADMIN, DIRECTOR, PETROV, msk


def new_deal(reports, external_id="D1", manager="petrov", stage="new", created="2026-01-10 10:00"):
    reports.put_deal(DealRecord(external_id=external_id, title="Праздник «Пираты»", stage=stage, source="site",
                                manager=manager, created_at=msk(created), amount=None), ADMIN)


def party_instances(engine):
    views, _total = engine.instances("admin", key="party_preparation")
    return views


def test_entering_the_stage_starts_the_process_once(automated, engine, clock):
    new_deal(automated)
    change = automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN)
    assert change.recorded and change.deal.stage == "prepayment_received"
    [run] = change.runs
    assert run.rule_id == "party_preparation_on_prepayment" and run.error is None
    [instance] = party_instances(engine)
    assert instance.id == run.instance_id and instance.business_key == "D1"
    assert instance.data["manager"] == "petrov" and instance.data["deal_title"] == "Праздник «Пираты»"
    [task] = engine.instance(instance.id, "admin").open_tasks
    assert (task.assignee, task.form_key) == ("petrov", "confirm_party_program")
    assert task.due_at == clock.now() + timedelta(days=2)
    # The same entry again (a CRM retrying) changes nothing and starts nothing.
    again = automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN)
    assert not again.recorded and again.runs == []
    # Entering the stage the deal is already in is no move either.
    still = automated.record_stage("D1", "prepayment_received", msk("2026-01-14 12:00"), ADMIN)
    assert still.recorded and still.runs == []
    assert len(party_instances(engine)) == 1


def test_each_new_entry_into_the_stage_starts_it_again(automated, engine):
    new_deal(automated)
    automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN)
    automated.record_stage("D1", "proposal_sent", msk("2026-01-15 10:00"), ADMIN)
    # An entry slipped in before the latest one is history, not a move: nothing starts.
    late = automated.record_stage("D1", "consultation", msk("2026-01-12 10:00"), ADMIN)
    assert late.recorded and late.runs == [] and late.deal.stage == "proposal_sent"
    automated.record_stage("D1", "prepayment_received", msk("2026-01-16 10:00"), ADMIN)
    assert len(party_instances(engine)) == 2


def test_a_deal_created_at_the_stage_starts_it(automated, engine):
    _view, created, runs = automated.put_deal(DealRecord(
        external_id="D2", title="Выпускной", stage="prepayment_received", source="vk", manager="sidorova",
        created_at=msk("2026-01-10 10:00")), ADMIN)
    assert created and [run.error for run in runs] == [None]
    assert [i.business_key for i in party_instances(engine)] == ["D2"]


def test_a_refused_start_is_kept_for_admins_and_the_move_commits(automated, engine):
    # ivanova is not in `managers`: the process's start form refuses her as the deal's manager.
    new_deal(automated, manager="ivanova")
    change = automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN)
    [run] = change.runs
    assert run.instance_id is None and run.error and set(run.error_fields) == {"manager"}
    assert automated.deal("D1", ADMIN).stage == "prepayment_received"
    assert party_instances(engine) == []  # the savepoint took the half-started instance back
    failed, total = automated.automation_runs(ADMIN, failed=True)
    assert total == 1 and failed[0].deal_external_id == "D1" and failed[0].error == run.error
    with pytest.raises(NotAllowed):
        automated.automation_runs(DIRECTOR)


def test_an_admin_retries_a_failed_run_once_the_cause_is_fixed(automated, engine):
    new_deal(automated, manager="novikov")  # not a user yet
    [run] = automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN).runs
    assert "novikov" in run.error
    engine.create_user("novikov", full_name="Новиков", groups=("employees", "managers"))
    retried = automated.retry_automation_run(run.id, ADMIN)
    assert retried.error is None and retried.instance_id == party_instances(engine)[0].id
    assert automated.automation_runs(ADMIN, failed=True) == ([], 0)


def test_a_failure_that_is_no_refusal_rolls_the_move_back(database, clock, people, engine):
    class Broken:
        def start_in(self, session, key, data, actor):
            raise RuntimeError("the engine is broken")

    reports = Reports(database.sessions, ReportsSettings(), starter=Broken(), clock=clock.now)
    new_deal(reports)
    with pytest.raises(RuntimeError):
        reports.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN)
    deal = reports.deal("D1", ADMIN)
    assert deal.stage == "new" and [e.stage for e in deal.history] == ["new"]


def test_the_same_entry_sent_at_once_from_several_places_starts_one_process(automated, engine):
    new_deal(automated)
    barrier = threading.Barrier(4)
    results = []

    def send():
        barrier.wait()
        try:
            results.append(automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN))
        except Exception as err:  # collected and asserted below
            results.append(err)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [type(r).__name__ for r in results] == ["StageChange"] * 4
    assert sum(r.recorded for r in results) == 1
    assert len(party_instances(engine)) == 1


def test_admins_replace_the_rules(automated, engine):
    assert automated.automation_rules(ADMIN).origin == "default"
    with pytest.raises(InvalidInput) as refused:
        automated.replace_automation_rules([{"id": "x", "stage": "paid", "process_key": "p", "start_as": "${boss}"},
                                            {"id": "x", "stage": "won", "process_key": "p", "start_as": "admin"}],
                                           ADMIN)
    assert set(refused.value.errors) == {"rules.0.stage", "rules.0.start_as", "rules.1.id"}
    saved = automated.replace_automation_rules([], ADMIN)
    assert saved.rules == () and saved.origin == "saved" and saved.updated_by == "admin"
    new_deal(automated)
    assert automated.record_stage("D1", "prepayment_received", msk("2026-01-14 10:00"), ADMIN).runs == []
    assert party_instances(engine) == []
    with pytest.raises(NotAllowed):
        automated.automation_rules(PETROV)


def test_imports_load_history_and_start_nothing(automated, engine, tmp_path):
    """An import is history, not moves: deals created at the stage or entering it start no process."""
    deals = tmp_path / "deals.csv"
    deals.write_text("external_id;title;stage;source;manager;created_at\n"
                     "I1;Праздник;prepayment_received;site;petrov;2026-01-10 10:00\n"
                     "I2;Выпускной;won;vk;petrov;2026-01-11 10:00\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("external_id;stage;entered_at\nI1;new;2026-01-10 10:00\n"
                       "I1;prepayment_received;2026-01-12 10:00\nI2;prepayment_received;2026-01-11 10:00\n"
                       "I2;won;2026-01-13 10:00\n", encoding="utf-8")
    results = automated.import_files([deals, history])
    assert [r.problems for r in results] == [[], []] and results[1].totals.added == 4
    assert party_instances(engine) == []
    assert automated.automation_runs(ADMIN)[1] == 0
