"""Every user-facing validation message of the forms package, in one place.

Each message is a ``Message``: a ``str`` whose text is the English message with its
arguments filled in (what the REST API returns), which also remembers its catalog id and
arguments, so that ``forms.localize`` can show it in any language later, without a Flask app
(the catalogs are read with Babel: see ``translations/``). ``pybabel extract`` finds every
literal wrapped in ``_`` below.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """An English message that can still be translated: ``msgid`` and ``params`` are kept.

    ``format`` returns another Message, so ``REQUIRED_WHEN.format(field=..., value=...)``
    stays translatable wherever it travels (marshmallow errors, FormInvalid, the engine).
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> "Message":
        params = dict(params or {})
        text = super().__new__(cls, msgid.format(**params) if params else msgid)
        text.msgid, text.params = msgid, params
        return text

    def format(self, *args: Any, **params: Any) -> "Message":
        """The same message with (more) arguments filled in."""
        return Message(self.msgid, {**self.params, **params})

    def __reduce__(self):
        return Message, (self.msgid, self.params)


def _(message: str) -> Message:
    """Mark ``message`` for extraction; it is translated at render time (``forms.localize``)."""
    return Message(message)


# No message may contain ";": FormInvalid's str() uses it as a separator.

# Form-level ("_schema") messages.
NOT_AN_OBJECT = _("Form data must be an object (a JSON dictionary).")

# Presence.
REQUIRED = _("This field is required.")
REQUIRED_WHEN = _("This field is required when {field} is '{value}'.")
UNKNOWN_FIELD = _("Unknown field.")
READ_ONLY = _("This field is read-only.")

# Strings.
NOT_A_STRING = _("Not a valid string.")
TOO_SHORT = _("Must be at least {min} characters long.")
TOO_LONG = _("Must be at most {max} characters long.")

# Dates.
NOT_A_DATE = _("Not a valid date (expected YYYY-MM-DD).")
DATE_IN_FUTURE = _("The date cannot be in the future.")

# Decimals.
NOT_A_NUMBER = _("Not a valid number.")
SPECIAL_NUMBER = _("NaN and infinity are not allowed.")
TOO_MANY_PLACES = _("At most {places} digits after the decimal point are allowed.")
NUMBER_TOO_LARGE = _("The number is too large.")
NOT_GREATER_THAN = _("Must be greater than {min}.")

# Currency.
NOT_A_CURRENCY = _("Not a valid currency code (expected 3 uppercase letters, ISO 4217).")

# Users.
NOT_A_USERNAME = _("Not a valid username.")
INACTIVE_USER = _("'{username}' is not an active user.")
NOT_IN_GROUP = _("'{username}' is not a member of group '{group}'.")
IS_INITIATOR = _("'{username}' started this process and cannot be chosen here.")

# Lists.
NOT_A_LIST = _("Not a valid list.")
TOO_FEW_ITEMS = _("Choose at least {min}.")
TOO_MANY_ITEMS = _("Choose at most {max}.")
DUPLICATE_ITEMS = _("Listed more than once: {values}.")

# Choices.
NOT_A_CHOICE = _("Must be one of: {choices}.")
UNKNOWN_CHOICES = _("Unknown choices: {values}. Allowed: {choices}.")

# Attachments.
NOT_AN_ATTACHMENT_ID = _("Not a valid attachment id.")
NO_SUCH_ATTACHMENT = _("Attachment '{attachment}' does not exist.")
NOT_UPLOADED_BY_INITIATOR = _("The document must be uploaded by the process initiator.")
NOT_UPLOADED_BY_ACTOR = _("The document must be uploaded by you.")

# Uploads (a file field of a web form; the REST API uploads before it submits).
UNSUPPORTED_FILE = _("Only PDF, PNG and JPEG files are accepted.")
EMPTY_FILE = _("The file is empty.")
