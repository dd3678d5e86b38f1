"""A Babel extractor for BPMN diagrams: every element's ``name`` is a message.

The names are what people read on the web pages (task names, the diagram, the timeline), so
``pybabel extract`` collects them with ``babel.cfg``'s
``[translations.extract:extract_bpmn: bpmn/*.bpmn]`` line.
"""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Definitions the engine refers to by name, never shown to a person.
UNSHOWN = frozenset({"signal", "message", "error", "escalation"})


def extract_bpmn(fileobj, keywords, comment_tags, options):
    """Yield ``(line, funcname, message, comments)`` for each named BPMN element, as Babel wants."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    tree = etree.parse(fileobj, parser)
    for node in tree.iter(f"{{{BPMN}}}*"):
        name = (node.get("name") or "").strip()
        if name and etree.QName(node).localname not in UNSHOWN:
            yield node.sourceline, None, name, [f"BPMN {etree.QName(node).localname} {node.get('id')}"]
