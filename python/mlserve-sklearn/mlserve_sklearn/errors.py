"""Errors raised by the exporter.

Every refusal is an :class:`ExportError`; a model or step the exporter cannot
translate faithfully is an :class:`UnsupportedError`, whose message lists what
is supported so the user knows what to change.
"""


class ExportError(ValueError):
    """The model cannot be exported (bad arguments, unfitted model, bad shapes)."""


class UnsupportedError(ExportError):
    """The model uses an estimator, transformer or option the exporter does not translate."""
