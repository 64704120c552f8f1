"""One polite HTTP client for every publisher the fetchers read.

httpx with explicit connect and read timeouts and a User-Agent naming the project. Every request goes
through `Http.request`, which:

- keeps a minimum spacing between two requests to the same host (`Policy.spacing`);
- retries connection failures, timeouts, cut-short bodies and 5xx answers with doubling backoff;
- treats the policy's rate-limit statuses (429 everywhere; 403 for Contracts Finder, which answers a rate limit
  that way) as "wait, then try again", honouring `Retry-After` (seconds or an HTTP date), and gives up with a
  `FetchError` when the publisher asks for a longer wait than `Policy.max_wait`;
- reads the body inside the retry loop (`consume`), so a body shorter than its Content-Length is retried too;
- raises `FetchError(url, reason)` for anything else: a 404, a 410, a DNS failure once retries are spent.

Waits go through `sleep(seconds * wait_scale)`: tests set a tiny scale and still see the waits asked for
(`Http.waits`), so a 5-minute Contracts Finder pause costs milliseconds and is still checked.
Nothing here knows a publisher: policies and base URLs come from the caller.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

T = TypeVar("T")

#: Statuses worth another try after a pause: the server's trouble, not the request's.
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class FetchError(Exception):
    """A request that did not give a usable answer: the URL and the reason, in words."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class Policy:
    """How to treat one publisher's host."""

    spacing: float = 0.25  # minimum seconds between two requests to the host
    rate_limit_statuses: frozenset[int] = frozenset({429})
    rate_limit_wait: float = 60.0  # the pause when a rate-limit answer gives no Retry-After
    retries: int = 4  # further attempts after the first
    backoff: float = 2.0  # the first pause after a 5xx or a connection failure; doubled each time
    max_wait: float = 900.0  # a Retry-After longer than this gives the source up


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class HttpSettings:
    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    wait_scale: float = 1.0  # every pause is multiplied by this (tests: about 0.001)


@dataclass(frozen=True)
class Wait:
    url: str
    seconds: float  # as asked for, before wait_scale
    why: str


@dataclass
class Http:
    """The client; `requests` counts every request sent and `waits` every pause taken."""

    settings: HttpSettings
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    on_wait: Callable[[Wait], None] | None = None
    requests: int = 0
    waits: list[Wait] = field(default_factory=list)
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        s = self.settings
        self.client = httpx.Client(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
            follow_redirects=True,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pause(self, url: str, seconds: float, why: str) -> None:
        wait = Wait(url, seconds, why)
        self.waits.append(wait)
        if self.on_wait is not None:
            self.on_wait(wait)
        self.sleep(seconds * self.settings.wait_scale)

    def _space(self, url: str, policy: Policy) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            last = self._last.get(host)
        if last is not None:
            due = last + policy.spacing * self.settings.wait_scale - self.clock()
            if due > 0:
                self.sleep(due)
        with self._lock:
            self._last[host] = self.clock()

    def request(
        self,
        url: str,
        consume: Callable[[httpx.Response], T],
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        policy: Policy = DEFAULT_POLICY,
    ) -> T:
        """GET `url` and return `consume(response)` for a 2xx or 304 answer, retrying as the policy says.

        `consume` reads the streamed body; a transport failure while it reads (a body cut short) is retried.
        """
        attempt = 0
        while True:
            self._space(url, policy)
            self.requests += 1
            try:
                with self.client.stream("GET", url, params=params, headers=headers) as response:
                    pause = self._pause_for(response, policy, attempt)
                    if pause is None:
                        _raise_for_status(response)
                        result = consume(response)
                        _check_length(response)
                        return result
            except httpx.TransportError as exc:
                if attempt >= policy.retries:
                    raise FetchError(url, _transport_reason(exc, attempt)) from exc
                pause = (policy.backoff * 2**attempt, f"{_transport_reason(exc, 0)}: trying again")
            attempt += 1
            self.pause(url, *pause)

    def _pause_for(self, response: httpx.Response, policy: Policy, attempt: int) -> tuple[float, str] | None:
        """(seconds, why) when the answer says "try again later", None when it is the answer."""
        status = response.status_code
        url = str(response.request.url)
        if status in policy.rate_limit_statuses:
            asked = retry_after(response.headers.get("Retry-After"))
            seconds = policy.rate_limit_wait if asked is None else asked
            if seconds > policy.max_wait:
                raise FetchError(
                    url,
                    f"HTTP {status} rate limit: the publisher asks for a pause of {seconds:,.0f} s, longer than the "
                    f"{policy.max_wait:,.0f} s this fetch waits",
                )
            if attempt >= policy.retries:
                raise FetchError(url, f"HTTP {status} rate limit still in force after {attempt + 1} attempts")
            source = "Retry-After" if asked is not None else "no Retry-After: the publisher's documented pause"
            return seconds, f"HTTP {status} rate limit ({source})"
        if status in RETRY_STATUSES:
            if attempt >= policy.retries:
                raise FetchError(url, f"HTTP {status} {response.reason_phrase} after {attempt + 1} attempts")
            asked = retry_after(response.headers.get("Retry-After"))
            seconds = policy.backoff * 2**attempt if asked is None else min(asked, policy.max_wait)
            return seconds, f"HTTP {status}: trying again"
        return None


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400 or status == 304:
        return
    response.read()
    snippet = " ".join(response.text[:200].split())
    raise FetchError(
        str(response.request.url),
        f"HTTP {status} {response.reason_phrase}" + (f" ({snippet})" if snippet else ""),
    )


def _check_length(response: httpx.Response) -> None:
    """A body shorter than its Content-Length is cut short, whatever the transport let through."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and response.status_code != 304 and response.request.method != "HEAD":
        if response.num_bytes_downloaded < int(declared):
            raise httpx.RemoteProtocolError(
                f"body cut short: {response.num_bytes_downloaded:,} of {int(declared):,} bytes",
                request=response.request,
            )


def _transport_reason(exc: httpx.TransportError, attempt: int) -> str:
    kind = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "no answer within the read timeout",
        httpx.ConnectError: "could not connect (DNS or network)",
        httpx.RemoteProtocolError: "the connection broke off (body cut short or malformed)",
    }.get(type(exc), type(exc).__name__)
    detail = str(exc) or type(exc).__name__
    tries = f" after {attempt + 1} attempts" if attempt else ""
    return f"{kind}{tries}: {detail}"
