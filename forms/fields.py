"""marshmallow fields, one class per definition field type.

Each field returns JSON-ready values (ISO date strings, decimal strings) so
cleaned data can go straight into process variables.  Every check that can
fail is collected, so a user sees all problems of a field at once.  Checks
that need the outside world read the FormContext set by validation.py.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from contextvars import ContextVar
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as mm

from . import messages as msg
from .context import FormContext, effective_initiator
from .definition import FieldDef

# marshmallow 4 dropped Schema.context; a ContextVar is its recommended
# replacement and keeps concurrent requests (threads or tasks) apart.
CURRENT_CONTEXT: ContextVar[FormContext] = ContextVar("forms_context")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SPECIAL_NUMBERS = {"nan", "snan", "inf", "infinity"}


def _fail_if(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


def _stripped(value: Any, message: str) -> str:
    # Blank strings never get here: validation.py turns them into "missing".
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(message)
    return value.strip()


def _string_list(value: Any, item_message: str) -> list[str]:
    if not isinstance(value, (list, tuple)):
        raise ValidationError(msg.NOT_A_LIST)
    return [_stripped(item, item_message) for item in value]


def _duplicates(items: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: dict[str, None] = {}  # a dict keeps first-repeat order without repeats
    for item in items:
        if item in seen:
            repeated[item] = None
        seen.add(item)
    return list(repeated)


class FormField(mm.Field):
    """Base class: wires the definition and our messages into marshmallow."""

    def __init__(self, spec: FieldDef) -> None:
        super().__init__(
            required=spec.required,
            error_messages={"required": msg.REQUIRED, "null": msg.REQUIRED},
        )
        self.spec = spec

    def option(self, name: str) -> Any:
        """A type option of this field (None when unset)."""
        return self.spec.options.get(name)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return self.clean(value, CURRENT_CONTEXT.get())

    def clean(self, value: Any, context: FormContext) -> Any:
        """Return the cleaned value or raise ValidationError with every message."""
        raise NotImplementedError

    def count_errors(self, items: list[Any]) -> list[str]:
        """Messages for min_items / max_items / unique violations."""
        errors = []
        low, high = self.option("min_items"), self.option("max_items")
        if low is not None and len(items) < low:
            errors.append(msg.TOO_FEW_ITEMS.format(min=low))
        if high is not None and len(items) > high:
            errors.append(msg.TOO_MANY_ITEMS.format(max=high))
        repeated = _duplicates(items) if self.option("unique") else []
        if repeated:
            errors.append(msg.DUPLICATE_ITEMS.format(values=", ".join(repeated)))
        return errors


class StringField(FormField):
    """Single-line text, trimmed."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Trim and check length limits."""
        text = self.normalize(_stripped(value, msg.NOT_A_STRING))
        low, high = self.option("min_length"), self.option("max_length")
        errors = []
        if low is not None and len(text) < low:
            errors.append(msg.TOO_SHORT.format(min=low))
        if high is not None and len(text) > high:
            errors.append(msg.TOO_LONG.format(max=high))
        _fail_if(errors)
        return text

    def normalize(self, text: str) -> str:
        """Hook for subclasses."""
        return text


class TextField(StringField):
    """Multi-line text; browsers send CRLF, we store LF."""

    def normalize(self, text: str) -> str:
        """Unify line endings."""
        return text.replace("\r\n", "\n").replace("\r", "\n")


class DateField(FormField):
    """An ISO ``YYYY-MM-DD`` date, returned as the same string."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Parse strictly (fromisoformat alone would accept '20240105') and check not_future."""
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            day = value
        elif isinstance(value, str) and _DATE.fullmatch(value.strip()):
            day = _parse_date(value.strip())
        else:
            raise ValidationError(msg.NOT_A_DATE)
        if self.option("not_future") and day > context.today:
            raise ValidationError(msg.DATE_IN_FUTURE)
        return day.isoformat()


def _parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(msg.NOT_A_DATE) from None


class DecimalField(FormField):
    """Money-like number: JSON number or string in, fixed-places string out."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Parse, refuse extra places instead of rounding, check min_exclusive."""
        number = _parse_decimal(value)
        places = self.option("places")
        try:
            rounded = number.quantize(decimal.Decimal(1).scaleb(-places))
        except decimal.InvalidOperation:  # needs more digits than the context allows
            raise ValidationError(msg.NUMBER_TOO_LARGE) from None
        errors = []
        if rounded != number:  # "1.500" is fine, "1.505" is not: never round money silently
            errors.append(msg.TOO_MANY_PLACES.format(places=places))
        low = self.option("min_exclusive")
        if low is not None and number <= low:
            errors.append(msg.NOT_GREATER_THAN.format(min=low))
        _fail_if(errors)
        return format(rounded.copy_abs() if rounded.is_zero() else rounded, "f")


def _parse_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):  # bool is an int subclass; True is not 1 rouble
        raise ValidationError(msg.NOT_A_NUMBER)
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(msg.SPECIAL_NUMBER)
        return decimal.Decimal(repr(value))  # repr is the shortest exact round-trip
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValidationError(msg.SPECIAL_NUMBER)
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lower().lstrip("+-") in _SPECIAL_NUMBERS:
            raise ValidationError(msg.SPECIAL_NUMBER)
        # A strict pattern: Decimal() alone accepts "1_000", "1e5" and other surprises.
        if _DECIMAL.fullmatch(text):
            return decimal.Decimal(text)
    raise ValidationError(msg.NOT_A_NUMBER)


class CurrencyField(FormField):
    """ISO 4217 alphabetic code."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Exactly three uppercase Latin letters."""
        code = _stripped(value, msg.NOT_A_CURRENCY)
        if not _CURRENCY.fullmatch(code):
            raise ValidationError(msg.NOT_A_CURRENCY)
        return code


def user_errors(field: FormField, username: str, context: FormContext) -> list[str]:
    """Messages for an inactive user, a missing group membership, or the initiator."""
    if not context.user_is_active(username):
        return [msg.INACTIVE_USER.format(username=username)]
    errors = []
    group = field.option("group")
    if group and not context.user_in_group(username, group):
        errors.append(msg.NOT_IN_GROUP.format(username=username, group=group))
    if field.option("not_initiator") and username == effective_initiator(context):
        errors.append(msg.IS_INITIATOR.format(username=username))
    return errors


class UsernameField(FormField):
    """One active user, optionally from a group."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Check the user exists, is active and in the group."""
        username = _stripped(value, msg.NOT_A_USERNAME)
        _fail_if(user_errors(self, username, context))
        return username


class UsernamesField(FormField):
    """A list of users, e.g. approvers."""

    def clean(self, value: Any, context: FormContext) -> list[str]:
        """Check count, repeats, then each distinct user once."""
        names = _string_list(value, msg.NOT_A_USERNAME)
        errors = self.count_errors(names)
        for username in dict.fromkeys(names):
            errors.extend(user_errors(self, username, context))
        _fail_if(errors)
        return names


class AttachmentField(FormField):
    """The id of an uploaded attachment, optionally uploaded by a given person."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Check the attachment exists and who uploaded it."""
        attachment = _stripped(value, msg.NOT_AN_ATTACHMENT_ID)
        owner = context.attachment_owner(attachment)
        if owner is None:
            raise ValidationError(msg.NO_SUCH_ATTACHMENT.format(attachment=attachment))
        if self.option("uploaded_by_initiator") and owner != effective_initiator(context):
            raise ValidationError(msg.NOT_UPLOADED_BY_INITIATOR)
        if self.option("uploaded_by_actor") and owner != context.actor:
            raise ValidationError(msg.NOT_UPLOADED_BY_ACTOR)
        return attachment


class ChoiceField(FormField):
    """One of the declared values."""

    def clean(self, value: Any, context: FormContext) -> str:
        """Compare exactly; values are identifiers, not labels."""
        allowed = self.spec.choice_values
        message = msg.NOT_A_CHOICE.format(choices=", ".join(allowed))
        choice = _stripped(value, message)
        if choice not in allowed:
            raise ValidationError(message)
        return choice


class MultiChoiceField(FormField):
    """A subset of the declared values."""

    def clean(self, value: Any, context: FormContext) -> list[str]:
        """Check every item is a declared value, then count and repeats."""
        allowed = self.spec.choice_values
        items = _string_list(value, msg.NOT_A_CHOICE.format(choices=", ".join(allowed)))
        errors = self.count_errors(items)
        unknown = [item for item in dict.fromkeys(items) if item not in allowed]
        if unknown:
            errors.append(msg.UNKNOWN_CHOICES.format(values=", ".join(unknown), choices=", ".join(allowed)))
        _fail_if(errors)
        return items


FIELD_CLASSES: dict[str, type[FormField]] = {
    "string": StringField,
    "text": TextField,
    "date": DateField,
    "decimal": DecimalField,
    "currency": CurrencyField,
    "username": UsernameField,
    "usernames": UsernamesField,
    "attachment": AttachmentField,
    "choice": ChoiceField,
    "multichoice": MultiChoiceField,
}
