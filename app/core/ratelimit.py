"""Rate limits behind one small interface, announced with `RateLimit-*` headers.

`RateLimiter.hit(key, rate)` counts one request against `key` and says whether it may
proceed. The default `InMemoryRateLimiter` keeps fixed windows in process memory: right for
one process (the embedded default and tests); with several workers or hosts each keeps its
own counts, so the effective limit is multiplied by their number. A shared store (Redis,
the database) only needs to implement `hit` and be passed to `create_app(rate_limiter=...)`.

Routes call `enforce(request, response, "login", key)`; the rule comes from settings
(`rate_limit_login = "10/5m"`). Allowed requests carry `RateLimit-Limit`,
`RateLimit-Remaining` and `RateLimit-Reset` (seconds); refused ones are a 429 problem with
the same headers and `Retry-After`.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.core.errors import TooManyRequests

if TYPE_CHECKING:
    from fastapi import Request, Response

_RATE = re.compile(r"^\s*([1-9][0-9]{0,6})\s*/\s*([1-9][0-9]{0,4})?\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """`"10/5m"` -> 10 requests per 300 seconds; `"100/h"` -> 100 per hour."""
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"not a rate: {text!r} (expected e.g. '10/5m', '100/h')")
    count, multiple, unit = match.groups()
    return Rate(int(count), int(multiple or 1) * _UNIT_SECONDS[unit])


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter(Protocol):
    def hit(self, key: str, rate: Rate) -> RateDecision:
        """Count one request against `key`; refused requests are not counted."""
        ...


class InMemoryRateLimiter:
    """Fixed windows per key, opened by the key's first request. Thread-safe."""

    PRUNE_EVERY = 1024

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._hits = 0

    def hit(self, key: str, rate: Rate) -> RateDecision:
        now = self._clock()
        with self._lock:
            self._hits += 1
            if self._hits % self.PRUNE_EVERY == 0:
                self._prune(now, rate.seconds)
            started, count = self._windows.get(key, (now, 0))
            if now >= started + rate.seconds:
                started, count = now, 0
            allowed = count < rate.limit
            if allowed:
                count += 1
            self._windows[key] = (started, count)
        reset = max(1, math.ceil(started + rate.seconds - now))
        return RateDecision(allowed, rate.limit, rate.limit - count, reset)

    def _prune(self, now: float, seconds: int) -> None:
        # Windows are at most a day long; anything older than that (or than this rule) is done.
        horizon = max(seconds, 86400)
        for key in [k for k, (started, _) in self._windows.items() if now - started > horizon]:
            del self._windows[key]


def client_address(request: Request) -> str:
    """The client's address (uvicorn resolves X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def enforce(request: Request, response: Response | None, rule: str, key: str) -> None:
    """Count a request under the settings rule `rate_limit_<rule>`; 429 when over it."""
    rate = parse_rate(getattr(request.app.state.settings, f"rate_limit_{rule}"))
    limiter: RateLimiter = request.app.state.rate_limiter
    decision = limiter.hit(f"{rule}:{key}", rate)
    headers = decision.headers()
    if not decision.allowed:
        raise TooManyRequests(
            f"Too many requests; try again in {decision.reset_seconds} s.",
            headers={**headers, "Retry-After": str(decision.reset_seconds)},
        )
    if response is not None:
        response.headers.update(headers)
