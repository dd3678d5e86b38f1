"""Deploying diagrams: versions, identical content, and diagrams refused with a clear reason."""
from __future__ import annotations

import pytest

from support import FIXTURES, INVOICE_BPMN
from engine.errors import InvalidBpmn, NotAllowed

pytestmark = pytest.mark.usefixtures("people")


def test_only_analysts_and_admins_deploy(engine):
    with pytest.raises(NotAllowed):
        engine.deploy_file(INVOICE_BPMN, "petrov")
    assert engine.definitions() == []
    assert engine.deploy_file(INVOICE_BPMN, "admin").version == 1
    assert engine.deploy_file(INVOICE_BPMN, None).created is False  # the operator at the shell


def test_first_deploy_creates_version_one_and_identical_content_returns_it(engine):
    first = engine.deploy_file(INVOICE_BPMN, "analyst")
    assert (first.key, first.version, first.created) == ("invoice_approval", 1, True)
    again = engine.deploy_file(INVOICE_BPMN, "analyst")
    assert (again.version, again.created, again.sha256) == (1, False, first.sha256)
    assert [v.version for v in engine.definition_versions("invoice_approval")] == [1]


def test_changed_content_creates_a_new_version(engine):
    engine.deploy_file(INVOICE_BPMN, "analyst")
    changed = engine.deploy_file(FIXTURES / "invoice_approval_legal_review.bpmn", "analyst")
    assert (changed.version, changed.created) == (2, True)
    latest = {d.key: d.version for d in engine.definitions()}
    assert latest["invoice_approval"] == 2


def test_not_well_formed_xml_names_the_line(engine):
    with pytest.raises(InvalidBpmn) as err:
        engine.deploy_file(FIXTURES / "not_well_formed.bpmn", "analyst")
    assert "line" in err.value.message
    assert engine.definitions() == []


def test_unknown_form_is_refused_naming_the_element(engine):
    with pytest.raises(InvalidBpmn) as err:
        engine.deploy_file(FIXTURES / "unknown_form.bpmn", "analyst")
    assert "no_such_form" in err.value.message and "element '" in err.value.message


@pytest.mark.parametrize("name, fragment", [
    ("unsafe_condition.bpmn", "underscore"),
    ("unsafe_script.bpmn", "import"),
])
def test_unsafe_code_is_refused_at_deploy_time(engine, name, fragment):
    with pytest.raises(InvalidBpmn) as err:
        engine.deploy_file(FIXTURES / name, "analyst")
    assert fragment in err.value.message.lower()
    assert "line" in err.value.message


def test_schema_violation_is_refused(engine):
    xml = INVOICE_BPMN.read_text(encoding="utf-8").replace(
        "<bpmn:process ", "<bpmn:process bogus=\"1\" ", 1)
    with pytest.raises(InvalidBpmn):
        engine.deploy(xml, "analyst")


def test_user_task_without_assignment_is_refused(engine):
    xml = (FIXTURES / "simple_two_steps.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('camunda:candidateGroups="employees"', "")
    with pytest.raises(InvalidBpmn) as err:
        engine.deploy(xml, "analyst")
    assert "camunda:assignee or camunda:candidateGroups" in err.value.message
