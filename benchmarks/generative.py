"""``make generative``: generative answers on the dev set, against the extractive ones.

Starts the bundled test model (llama.cpp's server with Gemma 3 270M, the ``llm`` extra) unless
``--base-url`` names another OpenAI-compatible endpoint, asks every answerable single-turn question
of ``dev.jsonl`` and reports, from the model's raw replies (a spy around the client) and the answers
shown:

- of the raw reply's sentences (with something to check), the share supported by the passage they
  cite, before the check; the same share of the sentences shown, after it;
- how many answers were generated and how many fell back to the extractive answer (and why);
- key-term coverage (``must_include``) of the answers shown, and of the extractive answers;
- latency p50 / p95 of both.

    python -m benchmarks.generative [--base-url URL --model NAME]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.datasets import TEST_DATA, Dataset, settings_for
from benchmarks.latency import percentiles
from egov_qa.engine import Engine
from egov_qa.evaluation.metrics import read_questions
from egov_qa.generate.grounding import MIN_PAIRS, SUPPORTED, sentences, share_said
from egov_qa.text import bigrams

DEV = TEST_DATA / "eval" / "dev.jsonl"
NOTES = sorted((TEST_DATA / "egov").glob("*.txt"))


def _covers(answer: str, terms: list[str]) -> float:
    return sum(t in answer for t in terms) / len(terms) if terms else 1.0


def run(base_url: str, model: str, root: Path) -> dict[str, Any]:
    settings = settings_for(Dataset("generative", DEV, NOTES), root)
    extractive = Engine.open(settings, progress=False)
    generative = Engine(settings.model_copy(update={"llm_base_url": base_url, "llm_model": model}), extractive.index)
    assert generative.generator is not None
    replies: list[str] = []
    real = generative.generator.llm.stream

    def spy(messages: Any) -> Any:
        replies.append("")
        for piece in real(messages):
            replies[-1] += piece
            yield piece

    generative.generator.llm.stream = spy  # type: ignore[method-assign]
    questions = [q for q in read_questions(DEV) if q.answerable and not q.history]
    raw_ok = raw_all = shown_ok = shown_all = 0
    modes: Counter[str] = Counter()
    cover = {"generative": [], "extractive": []}
    times: dict[str, list[float]] = {"generative": [], "extractive": []}
    for q in questions:
        started = time.perf_counter()
        base = extractive.ask(q.question)
        times["extractive"].append((time.perf_counter() - started) * 1000)
        replies.clear()
        started = time.perf_counter()
        answer = generative.ask(q.question)
        times["generative"].append((time.perf_counter() - started) * 1000)
        modes[answer.mode if not answer.warning else f"fell back: {answer.warning}"] += 1
        cover["extractive"].append(_covers(base.answer, q.must_include))
        cover["generative"].append(_covers(answer.answer, q.must_include))
        blocks = generative.generator.blocks(base)
        for reply in replies:
            for s in sentences(reply, len(blocks)):
                if len(bigrams(s.text)) < MIN_PAIRS:
                    continue
                raw_all += 1
                raw_ok += any(share_said(s.text, blocks[b].text) >= SUPPORTED for b in s.cited)
        if answer.mode == "generative":
            body = answer.answer.rpartition("\n\n出处：")[0]
            texts = {p.chunk_id: p.display for p in answer.passages}
            for s in sentences(body, len(answer.citations)):
                shown_all += 1
                cited = answer.citations[s.cited[0]] if s.cited else None
                block = next((b for b in blocks if b.citation == cited), None)
                shown_ok += block is not None and share_said(s.text, texts.get(block.chunk_id, block.text)) >= 0.25
    return {
        "questions": len(questions),
        "raw_sentences": raw_all,
        "raw_supported_by_their_citation": round(raw_ok / raw_all, 3) if raw_all else None,
        "shown_sentences": shown_all,
        "shown_supported_by_their_citation": round(shown_ok / shown_all, 3) if shown_all else None,
        "modes": dict(modes),
        "key_terms": {k: round(sum(v) / len(v), 3) for k, v in cover.items()},
        "latency": {k: percentiles(v) for k, v in times.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", default="", help="An OpenAI-compatible endpoint (default: the bundled test model)"
    )
    parser.add_argument("--model", default="")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="egov-qa-gen-") as tmp:
        if args.base_url:
            results = run(args.base_url, args.model, Path(tmp))
        else:
            sys.path.insert(0, str(TEST_DATA.parent))  # tests/llm_helpers.py starts the bundled model
            from llm_helpers import gguf_path, start_llama_server, stop_llama_server

            server = start_llama_server(gguf_path(), log=Path(tmp) / "llama.log")
            try:
                results = run(server.base_url, server.model, Path(tmp))
            finally:
                stop_llama_server(server)
    for key, value in results.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
