"""What several pages share: a form ready for the template, the people to pick from, flashes."""
from __future__ import annotations

import forms
from api.web.formdata import LIST_TYPES
from api.web.i18n import language

PEOPLE_TYPES = frozenset({"username", "usernames"})
EVERYONE = "employees"  # whom a username field without a group offers


def groups_to_pick(key: str) -> list[str]:
    """The groups whose members the form's username fields offer."""
    return sorted({f.options.get("group") or EVERYONE for f in forms.load_form(key).fields
                   if f.type in PEOPLE_TYPES and not f.readonly})


def form_view(key: str, actor, members: dict | None = None, values: dict | None = None,
              errors: dict | None = None, kept: dict | None = None) -> dict:
    """Everything the ``form_fields`` macro needs: the described form in the reader's language,
    the values to show, the errors beside their fields, the people to pick, kept uploads."""
    definition = forms.load_form(key)
    described = forms.describe_form(key, language())
    labels = {f["name"]: f["label"] for f in described["fields"]}
    localized = forms.localize_errors(errors or {}, language(), definition)
    return {
        "form": described,
        "entered": values or {},
        "errors": localized,
        "summary": [(name, labels.get(name), text) for name, texts in localized.items() for text in texts],
        "people": _people(definition, actor, members or {}),
        "kept": kept or {},
        "list_types": LIST_TYPES,
    }


def _people(definition, actor, members: dict) -> dict[str, list[tuple[str, str]]]:
    """For each username field: ``(username, full name)`` to choose from."""
    people = {}
    for fdef in definition.fields:
        if fdef.type not in PEOPLE_TYPES:
            continue
        group = fdef.options.get("group") or EVERYONE
        exclude = actor.username if fdef.options.get("not_initiator") else None
        people[fdef.name] = [(user.username, user.full_name) for user in members.get(group, [])
                             if user.username != exclude]
    return people
