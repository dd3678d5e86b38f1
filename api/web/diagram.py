"""The process diagram as SVG, drawn on the server from the BPMN file's own layout (its DI).

No JavaScript and nothing from outside: shapes and arrows are placed where the modeller put
them, names are shown in the reader's language (the catalogs translate the shipped diagram's
names), and the current steps, which the engine names, are highlighted.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from markupsafe import Markup, escape

from api.web.svgtext import wrap

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}
PADDING = 20


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Shape:
    id: str
    kind: str  # the BPMN element's tag: userTask, exclusiveGateway, endEvent ...
    name: str
    box: Box
    label: Box | None
    dashed: bool  # an event subprocess or a non-interrupting boundary event


@dataclass(frozen=True)
class Edge:
    id: str
    name: str
    points: tuple[tuple[float, float], ...]
    label: Box | None


def render_svg(xml: str, current: Iterable[str], translate: Callable[[str], str], title: str) -> Markup:
    """The diagram as an ``<svg>`` element, ``current`` element ids highlighted."""
    shapes, edges = layout(hashlib.sha256(xml.encode()).hexdigest(), xml)
    if not shapes:
        return Markup("")
    current = set(current)
    x0, y0, x1, y1 = _extent(shapes, edges)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn" role="img" aria-labelledby="diagram-title" '
             f'viewBox="{x0} {y0} {x1 - x0} {y1 - y0}" width="{x1 - x0}" height="{y1 - y0}">',
             f'<title id="diagram-title">{escape(title)}</title>', _DEFS]
    parts += [_edge(edge, translate) for edge in edges]
    parts += [_shape(shape, shape.id in current, translate) for shape in shapes]
    parts.append("</svg>")
    return Markup("".join(parts))


@lru_cache(maxsize=32)
def layout(digest: str, xml: str) -> tuple[tuple[Shape, ...], tuple[Edge, ...]]:
    """Shapes (containers first, so they are drawn below) and edges of a diagram's first plane."""
    tree = etree.fromstring(xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    elements = {node.get("id"): node for node in tree.iter(f"{{{NS['bpmn']}}}*") if node.get("id")}
    shapes, edges = [], []
    for di in tree.iterfind(".//bpmndi:BPMNShape", NS):
        node = elements.get(di.get("bpmnElement"))
        if node is not None:
            shapes.append(_shape_of(node, di))
    for di in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        node = elements.get(di.get("bpmnElement"))
        points = tuple((float(p.get("x")), float(p.get("y"))) for p in di.iterfind("di:waypoint", NS))
        if node is not None and len(points) >= 2:
            edges.append(Edge(node.get("id"), _name(node), points, _label(di)))
    shapes.sort(key=lambda shape: shape.kind != "subProcess")
    return tuple(shapes), tuple(edges)


def _shape_of(node, di) -> Shape:
    kind = etree.QName(node).localname
    dashed = node.get("triggeredByEvent") == "true" or node.get("cancelActivity") == "false"
    bounds = di.find("dc:Bounds", NS)
    box = Box(*(float(bounds.get(k)) for k in ("x", "y", "width", "height")))
    return Shape(node.get("id"), kind, _name(node), box, _label(di), dashed)


def _name(node) -> str:
    return (node.get("name") or "").strip()


def _label(di) -> Box | None:
    bounds = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
    if bounds is None:
        return None
    return Box(*(float(bounds.get(k)) for k in ("x", "y", "width", "height")))


def _extent(shapes, edges) -> tuple[int, int, int, int]:
    xs, ys = [], []
    for shape in shapes:
        for box in filter(None, (shape.box, shape.label)):
            xs += [box.x, box.x + box.w]
            ys += [box.y, box.y + box.h]
    for edge in edges:
        xs += [x for x, _ in edge.points]
        ys += [y for _, y in edge.points]
    return (int(min(xs)) - PADDING, int(min(ys)) - PADDING, int(max(xs)) + PADDING, int(max(ys)) + PADDING)


_DEFS = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/>'
         '</marker></defs>')


def _edge(edge: Edge, translate) -> str:
    points = " ".join(f"{x},{y}" for x, y in edge.points)
    line = f'<polyline class="flow" points="{points}" marker-end="url(#arrow)"/>'
    if not edge.name or edge.label is None:
        return f'<g class="edge">{line}</g>'
    return f'<g class="edge">{line}{_text_in(edge.label, translate(edge.name), "label")}</g>'


def _shape(shape: Shape, current: bool, translate) -> str:
    classes = ["shape", shape.kind] + (["dashed"] if shape.dashed else []) + (["current"] if current else [])
    name = translate(shape.name) if shape.name else ""
    box = shape.box
    aria = ' aria-current="step"' if current else ""
    body = _outline(shape)
    if shape.kind.endswith(("Task", "task")) or shape.kind in ("task", "callActivity"):
        body += _text_in(Box(box.x + 4, box.y + 4, box.w - 8, box.h - 8), name, "name", middle=True)
    elif shape.kind == "subProcess":
        body += _text_in(Box(box.x + 8, box.y + 6, box.w - 16, 30), name, "name")
    elif name and shape.label is not None:
        body += _text_in(shape.label, name, "label")
    return f'<g class="{" ".join(classes)}" data-element="{escape(shape.id)}"{aria}>{body}</g>'


def _outline(shape: Shape) -> str:
    b = shape.box
    cx, cy = b.x + b.w / 2, b.y + b.h / 2
    if shape.kind.endswith("Event"):
        r = min(b.w, b.h) / 2
        inner = f'<circle class="inner" cx="{cx}" cy="{cy}" r="{r - 3}"/>' if "intermediate" in shape.kind \
            or shape.kind == "boundaryEvent" else ""
        return f'<circle class="outline" cx="{cx}" cy="{cy}" r="{r}"/>{inner}'
    if shape.kind.endswith("Gateway"):
        diamond = f"{cx},{b.y} {b.x + b.w},{cy} {cx},{b.y + b.h} {b.x},{cy}"
        return f'<polygon class="outline" points="{diamond}"/>'
    return f'<rect class="outline" x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}" rx="10"/>'


def _text_in(box: Box, text: str, css: str, middle: bool = False) -> str:
    lines = wrap(text, box.w)
    height = 13 * len(lines)
    top = box.y + (box.h - height) / 2 if middle else box.y
    spans = "".join(f'<tspan x="{box.x + box.w / 2}" y="{top + 11 + 13 * i}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text class="{css}" text-anchor="middle">{spans}</text>'
