"""What a provider's HTTP answer means for the engine: one pure function, tested from a table.

404/410 and the providers' "token gone" reasons make the device invalid (never
retried); 429 and 503 are deferred for the Retry-After the provider gave;
other 4xx are permanent with the reason; 5xx without a Retry-After is the
provider's trouble (the breaker counts it); transport errors are temporary.
"""

import datetime as dt
from email.utils import parsedate_to_datetime

from postroom.delivery.transports.base import ResultKind, SendResult

# Reasons in a body that say the token or subscription itself is gone.
GONE_REASONS = ("UNREGISTERED", "BadDeviceToken", "Unregistered")
RESPONSE_CHARS = 500


def retry_after_seconds(header: str | None, *, now: dt.datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None without a usable one."""
    if not header:
        return None
    text = header.strip()
    if text.isdigit():  # capped at a day: a longer wait is the give-up horizon's business
        return min(float(text[:7]), 86_400.0)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max(0.0, (when - now).total_seconds()), 86_400.0)


def http_classify(
    status: int,
    body: str,
    *,
    retry_after: str | None = None,
    now: dt.datetime,
    duration_ms: int = 0,
    credentials_status: tuple[int, ...] = (401, 403),
) -> SendResult:
    """Map one provider answer to a result; status and body go to the attempt log."""
    response = f"{status} {body}".replace("\x00", "").strip()[:RESPONSE_CHARS]
    wait = retry_after_seconds(retry_after, now=now)

    def result(kind: ResultKind, delay: float | None = None) -> SendResult:
        return SendResult(kind, status, response, "http", duration_ms, retry_after=delay)

    if 200 <= status < 300:
        return result(ResultKind.DELIVERED)
    if status in (404, 410) or any(reason in body for reason in GONE_REASONS):
        return result(ResultKind.RECIPIENT_GONE)
    if wait is not None and (status == 429 or status >= 500):
        return result(ResultKind.TEMPORARY, wait)  # the provider said when: deferred that long
    if status == 429:
        return result(ResultKind.TEMPORARY)
    if status in credentials_status:
        # The workspace's credentials are refused: every device would be, so it is the provider's trouble.
        return result(ResultKind.RELAY_DOWN)
    if status >= 500:
        return result(ResultKind.RELAY_DOWN)
    return result(ResultKind.PERMANENT)


def transport_error(exc: Exception, *, duration_ms: int = 0) -> SendResult:
    """A timeout or a connection that failed: try again later."""
    return SendResult(
        ResultKind.TEMPORARY,
        None,
        f"{type(exc).__name__}: {exc}"[:RESPONSE_CHARS],
        "connect",
        duration_ms,
    )
