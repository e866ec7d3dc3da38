"""The app's run-time environment: where its files go (inside the index folder, never the
system's temp folder), and the per-event work Gradio does for features this app does not use.

Besides the index itself, two libraries write files while the app runs: Gradio (its temp folder,
``GRADIO_TEMP_DIR``, default ``/tmp/gradio``: uploads and cached files) and jieba (its dictionary
cache, ``jieba.cache``, default in the system temp folder). Both are pointed at
``<index folder>/tmp/``, so everything the app writes is under the one folder it owns (its parent
is often the working directory or the checkout, which it does not own). The index store only
touches ``CURRENT``, ``builds/`` and ``.lock`` there. Chroma writes only inside its build folders;
nothing else writes at run time (no matplotlib, no model downloads, Gradio analytics off).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from pathlib import Path

import jieba

from egov_qa.config import Settings

log = logging.getLogger(__name__)

RUNTIME_DIR = "tmp"


def keep_files_in_index(settings: Settings) -> Path | None:
    """Point Gradio's temp folder and jieba's cache into ``<index_dir>/tmp`` (call before gradio
    is imported and before jieba loads its dictionary). A ``GRADIO_TEMP_DIR`` already set is kept.
    Returns the folder, or None when it cannot be made (a read-only index folder: then the
    libraries' defaults stay)."""
    folder = (settings.index_dir / RUNTIME_DIR).resolve()
    try:
        (folder / "gradio").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("运行时文件夹无法创建 / cannot create the run-time folder %s: %s", folder, exc)
        return None
    if not os.environ.get("GRADIO_TEMP_DIR"):  # a teacher's own choice stands
        os.environ["GRADIO_TEMP_DIR"] = str(folder / "gradio")
    jieba.dt.tmp_dir = str(folder)
    logging.getLogger("jieba").addFilter(_cache_failure_in_one_line)
    return folder


def _cache_failure_in_one_line(record: logging.LogRecord) -> bool:
    """jieba logs a failed cache write (a full disk) as an error with its traceback; the cache only
    saves half a second at start, so it becomes one warning line."""
    if record.getMessage().startswith("Dump cache file failed") and record.exc_info:
        reason = record.exc_info[1]
        record.msg, record.args, record.exc_info, record.exc_text = (
            "jieba 词典缓存没有写入 / jieba's dictionary cache was not written: %s",
            (reason,),
            None,
            None,
        )
        record.levelno, record.levelname = logging.WARNING, "WARNING"
    return True


def lighter_gradio_events() -> None:
    """Two things Gradio does on every event that this app does not use, made cheap (measured
    together at ~20 % of the server's event-loop time under load; call before the queue is made):

    * it summarises its last 10,000 events in a pandas DataFrame after each one, for a monitoring
      page this app switches off (``enable_monitoring=False``): one event is kept, summarised
      once in a million;
    * it tries to import matplotlib around each event (to switch its backend); when matplotlib is
      not installed each attempt searches the whole import path again. Recording it as absent
      (``None`` in ``sys.modules``, Python's own "not importable" mark) makes the failed import
      instant.
    """
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000")
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
