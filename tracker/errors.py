"""The project's small exception hierarchy; the CLI maps each to an exit code and one line."""


class TrackerError(Exception):
    """A failure the user should hear about in one line (exit code 1)."""

    exit_code = 1


class ConfigError(TrackerError):
    """The configuration file or an override is invalid (exit code 2)."""

    exit_code = 2


class ExtractionError(TrackerError):
    """A PDF could not be read as a Notorious Markets List."""


class SourceError(TrackerError):
    """The source (ustr.gov) failed: network error, bad answer, unexpected content."""


class BlockedError(SourceError):
    """The source refused this client (403, bot wall): never the same as 'no new report'."""


class StoreError(TrackerError):
    """The history database failed or holds something unexpected."""


class NotFoundError(TrackerError):
    """A year, market or report asked for is not in the history."""


class DeliveryError(TrackerError):
    """An alert channel did not accept a message."""


class Stopped(TrackerError):
    """The check was asked to stop (the daemon is shutting down)."""
