"""Every retrieval test over the e-gov notes runs against both backends: the embedded store
(vectors searched in memory) and the same notes indexed on a real Chroma server (every search a
query to it, as every app process of a class deployment does)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", params=["embedded", "chroma-server"])
def egov_engine(request, egov_engine):
    """The session's e-gov engine (conftest), or the one over the Chroma server's index."""
    return egov_engine if request.param == "embedded" else request.getfixturevalue("egov_server_engine")
