"""Fixtures of the browser tests: one headless Chromium per test module, and the screen sizes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright import sync_api

from helpers import SIZES, launch


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module", params=list(SIZES))
def size(request) -> str:
    return request.param
