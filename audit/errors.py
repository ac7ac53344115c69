"""User-facing errors and the exit codes the CLI maps them to.

Every error a user can cause (a bad file, a bad config key, a busy warehouse)
is raised as a subclass of :class:`AuditError` with a message that says what
failed and how to fix it; the CLI prints the message and exits with
``exit_code``, never a traceback.
"""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REJECTED_ROWS = 3
EXIT_VIOLATIONS_ABOVE_THRESHOLD = 4
EXIT_LOCKED = 5


class AuditError(Exception):
    """Base class for errors caused by input, configuration or state."""

    exit_code = EXIT_ERROR


class ConfigError(AuditError):
    """The configuration file has an unknown key or a bad value."""


class InputFileError(AuditError):
    """An input file cannot be read at all; nothing was loaded from it."""


class QueryError(AuditError):
    """A query is unknown, refused (it writes) or failed."""


class WarehouseError(AuditError):
    """The warehouse is missing, or in a state the command cannot use."""


class WarehouseLocked(AuditError):
    """Another run or ingest holds the warehouse lock."""

    exit_code = EXIT_LOCKED
