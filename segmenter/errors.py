"""Errors that reach the user as one line (the CLI prints str(error), never a traceback)."""


class SegmenterError(Exception):
    """Base class: a clear one-line message about one input or one output."""


class InputError(SegmenterError):
    """An input file cannot be read or is not a newspaper dump."""


class OutputError(SegmenterError):
    """The output cannot be written."""


class SettingsError(SegmenterError, ValueError):
    """Unknown setting, or a value out of range."""
