"""The teacher page's password gate: a session only from the right password, wrong guesses from one
address paused for longer and longer (even a right password is not read during a pause), other
addresses never locked out, sessions that end (a test clock stands in for waiting hours)."""

from __future__ import annotations

import pytest

from egov_qa.teacher.auth import FIRST_PAUSE_S, FORGET_S, FREE_TRIES, SESSION_S, Gate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_only_the_right_password_gives_a_session(clock: Clock) -> None:
    gate = Gate("粉笔-2026", clock)
    assert not gate.login("粉笔-2025", "10.0.0.5").ok
    assert not gate.allows("") and not gate.allows(None) and not gate.allows("made-up")
    login = gate.login("粉笔-2026", "10.0.0.5")
    assert login.ok and login.session and gate.allows(login.session)
    other = gate.login("粉笔-2026", "10.0.0.6")
    assert other.session != login.session and gate.allows(other.session)
    gate.logout(login.session)
    assert not gate.allows(login.session) and gate.allows(other.session)


def test_wrong_guesses_pause_that_address_for_longer_each_time(clock: Clock) -> None:
    gate = Gate("right", clock)
    for _ in range(FREE_TRIES):
        assert gate.login("wrong", "student").message == "密码不对"
    assert gate.login("wrong", "student").message == "密码不对"  # this one starts the first pause
    paused = gate.login("right", "student")
    assert not paused.ok and "秒后再试" in paused.message  # not even the right password is read now
    assert gate.login("right", "teacher").ok  # the teacher, elsewhere, is not locked out
    clock.now += FIRST_PAUSE_S + 0.1
    assert gate.login("wrong", "student").message == "密码不对"
    clock.now += FIRST_PAUSE_S + 0.1  # the second pause is twice as long: still paused
    assert not gate.login("right", "student").ok
    clock.now += FIRST_PAUSE_S
    assert gate.login("right", "student").ok  # after the pause the right password works, and resets
    assert gate.login("wrong", "student").message == "密码不对"


def test_guesses_are_forgotten_after_a_quiet_hour(clock: Clock) -> None:
    gate = Gate("right", clock)
    for _ in range(FREE_TRIES + 3):
        gate.login("wrong", "student")
    clock.now += FORGET_S + 1
    assert gate.login("right", "student").ok


def test_a_session_ends_after_a_school_day(clock: Clock) -> None:
    gate = Gate("right", clock)
    session = gate.login("right", "teacher").session
    clock.now += SESSION_S - 1
    assert gate.allows(session)
    clock.now += 2
    assert not gate.allows(session)
