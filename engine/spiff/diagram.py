"""Parse and check a BPMN diagram: SpiffWorkflow's spec plus what the Camunda attributes say.

SpiffWorkflow's Camunda parser reads only ``camunda:formKey`` of a user task; assignment,
candidate groups, due dates and the ``status`` extension property are read here from the XML,
keyed by element id, so the diagram stays the single source of truth for all of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import InvalidBpmn

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "camunda": CAMUNDA}

_VALIDATOR = BpmnValidator()


@dataclass(frozen=True)
class Element:
    """What the diagram says about one flow element, beyond what SpiffWorkflow keeps."""

    id: str
    name: str
    tag: str
    line: int | None
    assignee: str | None = None
    candidate_groups: str | None = None
    form_key: str | None = None
    due_date: str | None = None
    status: str | None = None
    # Segregation of duties: the instance's initiator may never act on this task.
    exclude_initiator: bool = False
    # A boundary event's task, and what an element tells people when it is entered.
    attached_to: str | None = None
    notify: str | None = None
    # For a notify element: the task whose boundary event leads to it (who gets reminded).
    reminds: str | None = None

    def describe(self) -> str:
        """How an error message names this element: id, name and line."""
        name = f" ({self.name})" if self.name else ""
        line = f", line {self.line}" if self.line else ""
        return f"element '{self.id}'{name}{line}"


@dataclass
class Diagram:
    """A parsed, executable diagram: the spec SpiffWorkflow runs and our element index."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    elements: dict[str, Element] = field(default_factory=dict)
    tree: etree._Element | None = None
    start_form: str | None = None
    business_key_field: str | None = None
    # (timeDate | timeDuration | timeCycle, expression) of a timer start event, if any.
    start_timer: tuple[str, str] | None = None
    start_event_id: str | None = None

    def element(self, element_id: str) -> Element | None:
        """The element with this id, if the diagram has one."""
        return self.elements.get(element_id)


def parse_diagram(xml: str | bytes) -> Diagram:
    """Parse BPMN text into a runnable diagram, or raise InvalidBpmn naming the line or element."""
    tree = _parse_xml(xml)
    parser = CamundaParser(validator=_VALIDATOR)
    try:
        parser.add_bpmn_xml(tree, filename="diagram.bpmn")
        process_id = _executable_process(parser, tree)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as err:
        raise InvalidBpmn(_validation_message(err)) from err
    except SpiffWorkflowException as err:
        raise InvalidBpmn(f"The diagram cannot be run: {err}") from err
    process = tree.find(f".//{{{BPMN}}}process[@id='{process_id}']")
    start = process.find(f"{{{BPMN}}}startEvent")
    return Diagram(
        process_id=process_id,
        name=process.get("name") or process_id,
        spec=spec,
        subprocess_specs=subprocess_specs,
        elements=_link_reminders(tree, _index_elements(tree)),
        tree=tree,
        start_form=start.get(f"{{{CAMUNDA}}}formKey") if start is not None else None,
        business_key_field=_property(start, "businessKey") if start is not None else None,
        start_timer=_timer_definition(start) if start is not None else None,
        start_event_id=start.get("id") if start is not None else None,
    )


def _parse_xml(xml: str | bytes) -> etree._Element:
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        line = err.lineno or (err.position[0] if err.position else "?")
        raise InvalidBpmn(f"The file is not well-formed XML: line {line}: {err.msg}") from err


def _executable_process(parser: CamundaParser, tree) -> str:
    ids = parser.get_process_ids()
    if len(ids) != 1:
        found = ", ".join(ids) or "none"
        raise InvalidBpmn(f"A diagram must contain exactly one executable process (found: {found}).")
    return ids[0]


def _validation_message(err: ValidationException) -> str:
    where = []
    if getattr(err, "line_number", ""):
        where.append(f"line {err.line_number}")
    if getattr(err, "id", ""):
        where.append(f"element '{err.id}'" + (f" ({err.name})" if err.name else ""))
    prefix = ", ".join(where)
    message = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    return f"{prefix}: {message}" if prefix else message


def _index_elements(tree) -> dict[str, Element]:
    elements = {}
    for node in tree.iter(f"{{{BPMN}}}*"):
        element_id = node.get("id")
        if not element_id or node.tag.endswith(("}process", "}definitions", "}collaboration")):
            continue
        elements[element_id] = Element(
            id=element_id,
            name=(node.get("name") or "").strip(),
            tag=etree.QName(node).localname,
            line=node.sourceline,
            assignee=node.get(f"{{{CAMUNDA}}}assignee"),
            candidate_groups=node.get(f"{{{CAMUNDA}}}candidateGroups"),
            form_key=node.get(f"{{{CAMUNDA}}}formKey"),
            due_date=node.get(f"{{{CAMUNDA}}}dueDate"),
            status=_property(node, "status"),
            exclude_initiator=(_property(node, "excludeInitiator") or "").lower() == "true",
            attached_to=node.get("attachedToRef"),
            notify=_property(node, "notify"),
        )
    return elements


def _link_reminders(tree, elements: dict[str, Element]) -> dict[str, Element]:
    """Give each notify element the task of the boundary event upstream of it."""
    sources: dict[str, list[str]] = {}
    for flow in tree.iter(f"{{{BPMN}}}sequenceFlow"):
        sources.setdefault(flow.get("targetRef"), []).append(flow.get("sourceRef"))
    for element in list(elements.values()):
        if element.notify:
            task = _upstream_boundary_task(element.id, sources, elements)
            elements[element.id] = replace(element, reminds=task)
    return elements


def _upstream_boundary_task(element_id, sources, elements) -> str | None:
    seen, queue = set(), list(sources.get(element_id, []))
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        found = elements.get(current)
        if found is not None and found.attached_to:
            return found.attached_to
        queue.extend(sources.get(current, []))
    return None


def _timer_definition(node) -> tuple[str, str] | None:
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        found = node.find(f"bpmn:timerEventDefinition/bpmn:{kind}", NS)
        if found is not None and (found.text or "").strip():
            return kind, found.text.strip()
    return None


def _property(node, name: str) -> str | None:
    """A ``camunda:properties`` extension value, as Camunda Modeler's properties panel writes it."""
    for prop in node.findall("bpmn:extensionElements/camunda:properties/camunda:property", NS):
        if prop.get("name") == name:
            return prop.get("value")
    return None
