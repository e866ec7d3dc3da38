"""The teacher's password: checked in constant time, wrong guesses slowed down per address.

The teacher page is reachable by anyone who can reach the app, so every one of its actions asks
``Gate.allows(session)``; only ``Gate.login`` gives a session. Wrong passwords from one address
(kept in memory only, never written anywhere) lock that address out for a while that doubles with
each further wrong guess, so guessing is hopeless while the teacher, on another address, is never
locked out by a student.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_TRIES = 3  # wrong passwords allowed before the first pause
FIRST_PAUSE_S = 2.0  # then 2, 4, 8 … seconds, at most MAX_PAUSE_S
MAX_PAUSE_S = 300.0
SESSION_S = 12 * 3600.0  # a login lasts a school day
FORGET_S = 3600.0  # an address's wrong guesses are forgotten after an hour without one
MAX_ADDRESSES = 10_000  # bound on what is remembered (the oldest address is forgotten first)


@dataclass
class _Misses:
    count: int
    last: float
    locked_until: float


@dataclass(frozen=True)
class Login:
    ok: bool
    message: str
    session: str = ""  # the session key for the page's state (empty: not logged in)


class Gate:
    """Logins to the teacher page."""

    def __init__(self, password: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._password = password.encode("utf-8")
        self._clock = clock
        self._lock = threading.Lock()
        self._misses: dict[str, _Misses] = {}
        self._sessions: dict[str, float] = {}  # session key → when it ends

    def login(self, password: str, address: str) -> Login:
        now = self._clock()
        with self._lock:
            misses = self._misses.get(address)
            if misses and now - misses.last > FORGET_S:
                del self._misses[address]
                misses = None
            if misses and now < misses.locked_until:  # not even a right password is read now
                return Login(False, f"密码错误次数太多，请 {misses.locked_until - now:.0f} 秒后再试")
            if hmac.compare_digest(password.encode("utf-8"), self._password):
                self._misses.pop(address, None)
                session = secrets.token_urlsafe(24)
                self._sessions = {k: end for k, end in self._sessions.items() if end > now}
                self._sessions[session] = now + SESSION_S
                return Login(True, "已登录", session)
            misses = misses or _Misses(0, now, now)
            misses.count += 1
            misses.last = now
            if misses.count > FREE_TRIES:
                pause = min(FIRST_PAUSE_S * 2 ** (misses.count - FREE_TRIES - 1), MAX_PAUSE_S)
                misses.locked_until = now + pause
            self._misses[address] = misses
            if len(self._misses) > MAX_ADDRESSES:
                self._misses.pop(next(iter(self._misses)))
            return Login(False, "密码不对")

    def allows(self, session: str | None) -> bool:
        if not session:
            return False
        with self._lock:
            end = self._sessions.get(session)
            return end is not None and self._clock() < end

    def logout(self, session: str | None) -> None:
        with self._lock:
            self._sessions.pop(session or "", None)
