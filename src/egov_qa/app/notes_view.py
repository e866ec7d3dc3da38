"""What the page shows of the notes one engine serves: the tree, the units by key and by label,
the course names. Made once per engine; the page's handlers take the view of the engine serving
now (``NotesViews.current``), so after a new index build is swapped in, every event uses the new
notes throughout and none mixes the two."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from egov_qa.app.render import Node, node_for_chunk, node_for_citation, node_html, outline_nodes
from egov_qa.ingest.notes import Notes
from egov_qa.models import Chunk, Citation


def notes_fingerprint(chunks: Sequence[Chunk]) -> str:
    """A digest of the notes as loaded. It keys the browser's stored conversation: when the notes
    change, a kept chat (whose citations point into the old notes) is not restored. Gradio's
    BrowserState sends this "secret" to the page, so it hides nothing; it only has to be stable."""
    digest = hashlib.sha256()
    for c in chunks:
        digest.update(f"{c.source}\0{c.label}\0{c.text}\0".encode())
    return digest.hexdigest()[:32]


E = TypeVar("E")


@dataclass
class NotesView(Generic[E]):
    engine: E
    notes: Notes
    nodes: list[Node] = field(init=False)
    by_key: dict[str, Node] = field(init=False)
    by_label: dict[tuple[str, str], Chunk] = field(init=False)  # a citation names its unit by either label
    sources: str = field(init=False)  # the course names, for the page's title

    def __post_init__(self) -> None:
        self.nodes = outline_nodes(self.notes.outlines)
        self.by_key = {n.key: n for n in self.nodes}
        self.by_label = {}
        for c in self.notes.chunks:
            self.by_label.setdefault((c.source, c.label), c)
            self.by_label.setdefault((c.source, c.shown_label), c)
        self.sources = "、".join(Path(o.source).stem for o in self.notes.outlines)

    @property
    def chunks(self) -> list[Chunk]:
        return self.notes.chunks

    def citation_node(self, citation: Citation) -> Node | None:
        """Where a citation sits in the notes tree."""
        chunk = self.by_label.get((citation.source, citation.label))
        return node_for_chunk(self.nodes, chunk) if chunk else node_for_citation(self.nodes, citation)

    def notes_at(self, citation: Citation, quotes: Sequence[str]) -> tuple[str, str] | None:
        """The notes tab at a citation (tree value, view with ``quotes`` highlighted)."""
        node = self.citation_node(citation)
        return (node.key, node_html(node, self.chunks, quotes)) if node else None


class NotesViews(Generic[E]):
    """The view of the engine ``current()`` returns, made when that engine is first seen."""

    def __init__(self, current: Callable[[], E], notes_of: Callable[[E], Notes]) -> None:
        self._current = current
        self._notes_of = notes_of
        self._lock = threading.Lock()
        self._view: NotesView[E] | None = None

    def current(self) -> NotesView[E]:
        engine = self._current()
        view = self._view
        if view is None or view.engine is not engine:
            with self._lock:
                view = self._view
                if view is None or view.engine is not engine:
                    view = self._view = NotesView(engine, self._notes_of(engine))
        return view
