"""The diagram drawn from the BPMN file's layout, its current step the engine's."""
from __future__ import annotations

import re

from api.web.diagram import layout, render_svg
from api.web.svgtext import wrap
from support import INVOICE_BPMN

XML = INVOICE_BPMN.read_text(encoding="utf-8")


def current_of(svg: str) -> list[str]:
    return re.findall(r'<g class="shape [^"]*current[^"]*" data-element="([^"]+)"', svg)


def test_every_shape_and_flow_of_the_layout_is_drawn():
    shapes, edges = layout("invoice", XML)
    assert len(shapes) == XML.count("<bpmndi:BPMNShape") and len(edges) == XML.count("<bpmndi:BPMNEdge")
    svg = render_svg(XML, ["Task_pay"], str, "diagram")
    assert svg.count("<polyline") == len(edges) and svg.count('data-element="') == len(shapes)
    assert current_of(svg) == ["Task_pay"]
    assert '<title id="diagram-title">diagram</title>' in svg


def test_names_are_translated_and_escaped():
    svg = render_svg(XML, [], lambda name: "<b>" + name.upper(), "t")
    assert "&lt;b&gt;" in svg and "<b>" not in svg and "ОПЛАТИТЬ" in svg


def test_a_diagram_without_layout_draws_nothing():
    xml = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", XML, flags=re.S)
    assert "BPMNShape" not in xml and str(render_svg(xml, [], str, "t")) == ""


def test_long_names_are_wrapped_to_the_shape():
    lines = wrap("Согласовать счет (генеральный директор)", 92)
    assert len(lines) > 1 and all(len(line) <= 15 for line in lines if " " in line)


def test_an_ended_invoice_highlights_the_end_it_reached(engine, invoice_process, invoice_data):
    instance = engine.start("invoice_approval", invoice_data(approvers=["petrov"]), "ivanova")

    def do(actor, **data):
        task = engine.instance(instance.id, "admin").open_tasks[0]
        engine.complete(task.id, data, actor)

    do("petrov", decision="approve")
    do("director", decision="reject", comment="Дорого")
    page = engine.invoice_page(instance.id, "ivanova")
    assert page.instance.status == "rejected" and page.current_elements == ["EndEvent_rejected_director"]
    assert current_of(render_svg(page.bpmn_xml, page.current_elements, str, "t")) == ["EndEvent_rejected_director"]


def test_a_running_invoice_highlights_its_open_task(engine, invoice_process, invoice_data):
    instance = engine.start("invoice_approval", invoice_data(), "ivanova")
    page = engine.invoice_page(instance.id, "ivanova")
    assert page.current_elements == ["Task_approve_manager"]
    assert page.people["petrov"] == "Petrov" and "Согласовать счет (менеджер)" in page.bpmn_xml
