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
    """The source (ustr.gov) failed: network error, bad answer, unexpected content. `status`
    is the HTTP status it answered, when it answered one: code decides on it, never on the
    message's words."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def gone(self) -> bool:
        """The URL no longer serves anything (404 Not Found, 410 Gone)."""
        return self.status in (404, 410)


class BlockedError(SourceError):
    """The source refused this client (403, bot wall): never the same as 'no new report'."""


class StoreError(TrackerError):
    """The history database failed or holds something unexpected."""


class RevisionRefused(StoreError):
    """A report was not stored as a revision of a stored year: its own evidence says it may be
    another year's report (`year` is the year it claims, `reason` what disagreed)."""

    def __init__(self, message: str, year: int, reason: str) -> None:
        super().__init__(message)
        self.year, self.reason = year, reason


class NotFoundError(TrackerError):
    """A year, market or report asked for is not in the history."""


class Stopped(TrackerError):
    """The check was asked to stop (the daemon is shutting down)."""


class CorrectionRefused(TrackerError):
    """A person's identity correction that cannot be applied (two markets listed in one year,
    a name whose id another market holds...): nothing is stored."""
