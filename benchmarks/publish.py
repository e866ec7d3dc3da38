"""The teacher publishing a file of notes through the teacher page, as a script (a subprocess of
``make loadtest INGEST_AT=S VIA=teacher``, away from the load generator's gevent): log in, upload
the file and wait for its preview, publish and wait until the page says the app serves it. Prints
one JSON object: ``{"ok", "preview_s", "publish_s", "said"}``.

    python -m benchmarks.publish URL PASSWORD FILE
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gradio_client import Client, handle_file


def publish(url: str, password: str, notes: Path) -> dict:
    client = Client(f"{url.rstrip('/')}/teacher/", verbose=False)
    said, _ = client.predict(password, api_name="/teacher_login")
    if said:
        return {"ok": False, "said": said}
    t0 = time.perf_counter()
    staged, preview = client.predict(handle_file(notes), api_name="/teacher_preview")
    t1 = time.perf_counter()
    if not staged:
        return {"ok": False, "said": preview[:500]}
    done, *_ = client.predict(staged, api_name="/teacher_publish")
    t2 = time.perf_counter()
    return {
        "ok": "已发布" in done and "已经用到新的笔记" in done,
        "preview_s": round(t1 - t0, 1),
        "publish_s": round(t2 - t1, 1),
        "said": done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("password")
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    print(json.dumps(publish(args.url, args.password, args.file), ensure_ascii=False))


if __name__ == "__main__":
    main()
