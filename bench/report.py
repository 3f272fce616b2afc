"""The benchmark's report: ratios, growth per row, and the markdown tables.

:func:`derive` adds to a results dict (as the harness writes it) the ratios of every measure
to the DuckDB peer (the fastest DuckDB shape on that data set and scale), to pandas and to
the scan floor, as ratios of medians and as medians of paired ratios; the faster polars
engine per query; and the growth of time per raw row between scales. :func:`markdown`
renders it all.

This file is not part of the test suite.
"""

from __future__ import annotations

import itertools
from typing import Any

from harness import paired
from measures import DUCKDB_SHAPES, ENGINE_PAIRS, MEASURES, RATIO_ROWS


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def derive(result: dict[str, Any]) -> None:
    """Add ratios, the engine choice per scale and growth per row to the results."""
    for sc in result["scales"]:
        med = sc["median"]

        def get(name: str, field: str, med: dict[str, Any] = med) -> float | None:
            v = med.get(name, {}).get(field)
            return v if isinstance(v, float) else None

        out: dict[str, Any] = {}
        # the strongest peer: the fastest DuckDB shape on this data set and scale
        shapes = [n for n in DUCKDB_SHAPES if get(n, "compute_s")]
        peer = min(shapes, key=lambda n: get(n, "compute_s") or 0.0, default="duckdb")
        sc["duckdb_peer"] = peer
        for field in ("compute_s", "wall_s"):
            floor = min(
                (v for v in (get("floor", field), get("floor-stream", field)) if v), default=None
            )
            for pk in RATIO_ROWS:
                out[f"{pk}/duckdb paired {field}"] = paired(sc["raw"], pk, peer, field)
                out[f"{pk}/duckdb {field}"] = ratio(get(pk, field), get(peer, field))
                out[f"{pk}/pandas {field}"] = ratio(get(pk, field), get("pandas", field))
                out[f"{pk}/floor {field}"] = ratio(get(pk, field), floor)
        for pk in RATIO_ROWS:
            out[f"{pk}/duckdb peak"] = ratio(get(pk, "peak_mib"), get(peer, "peak_mib"))
        sc["ratios"] = out
        winners = {}
        for base, streaming, in_memory in ENGINE_PAIRS:
            mem, stream = get(in_memory, "compute_s"), get(streaming, "compute_s")
            if mem and stream:
                winners[base] = {
                    "winner": "streaming" if stream < mem else "in-memory",
                    "streaming/in-memory": stream / mem,
                }
        sc["engine_winner"] = winners
    result["growth"], result["row_growth"] = {}, {}
    for dataset in dict.fromkeys(sc.get("dataset", "base") for sc in result["scales"]):
        growth, row_growth = _growth(
            [sc for sc in result["scales"] if sc.get("dataset", "base") == dataset]
        )
        result["growth"][dataset], result["row_growth"][dataset] = growth, row_growth


def _growth(scales: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, float]]:
    """Compute time per raw row and its growth between the scales of one data set."""
    growth: dict[str, Any] = {}
    raw_rows = {
        sc["scale"]: sc["rows"].get("deals", 0) + sc["rows"].get("activities", 0) for sc in scales
    }
    for name in MEASURES:
        per_row, seconds = {}, {}
        for sc in scales:
            v = sc["median"].get(name, {}).get("compute_s")
            rows = raw_rows[sc["scale"]]
            if v and rows:
                per_row[sc["scale"]] = v / rows * 1e9
                seconds[sc["scale"]] = v
        steps = list(seconds)
        times = {f"{a}->{b}": seconds[b] / seconds[a] for a, b in itertools.pairwise(steps)}
        if per_row:
            growth[name] = {"ns_per_row": per_row, "time_growth": times}
    names = list(raw_rows)
    row_growth = {f"{a}->{b}": raw_rows[b] / raw_rows[a] for a, b in itertools.pairwise(names)}
    return growth, row_growth


def fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}{unit}" if v < 10 else f"{v:.1f}{unit}"
    return f"{v}{unit}"


PROFILE_PARTS = {
    "as_of": "as_of (latest event date)",
    "deals": "deals: one filtered pass, per-partner sums",
    "last_activity": "activities: last date per partner (every row up to as_of)",
    "activities_in_w": "activities in W: per (partner, kind), then per partner",
    "whole": "the whole core query",
}


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"Benchmark of {result['started_utc']} — {m['nproc']} cores, {m['memory']}, "
        f"Python {m['python']}, polars {m['polars']}, DuckDB {m['duckdb']}, "
        f"pandas {m['pandas']}; medians of {result['runs']} runs taken in turn."
        + (f" **{result['note']}**" if result.get("note") else ""),
        "",
    ]
    for sc in result["scales"]:
        rows = sc["rows"]
        lines += [
            (
                f"### {sc.get('dataset', 'base')} {sc['scale']}: "
                f"{rows.get('partners', 0):,} partners, "
                f"{rows.get('deals', 0):,} deals, {rows.get('activities', 0):,} activities "
                f"(data: {sc['data']['generator']})"
            ),
            "",
            "| measure | compute s | whole process s | peak MiB | runs |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, s in sc["median"].items():
            label = name
            err = f" error: {s['errors'][0]}" if s["errors"] else ""
            lines.append(
                f"| {label} | {fmt(s['compute_s'])} | {fmt(s['wall_s'])} | "
                f"{fmt(s['peak_mib'])} | {s['runs']}{err} |"
            )
        r = sc["ratios"]
        lines += [
            "",
            f"DuckDB peer (the fastest DuckDB shape here): `{sc.get('duckdb_peer', 'duckdb')}`.",
            "",
            (
                "| ratio (whole process / in-process) | vs DuckDB, paired | vs DuckDB | "
                "peak vs DuckDB | vs pandas | vs scan floor |"
            ),
            "|---|---:|---:|---:|---:|---:|",
        ]
        for pk in RATIO_ROWS:
            if pk not in sc["median"]:
                continue
            pair = (
                f"{fmt(r.get(f'{pk}/duckdb paired wall_s'))} / "
                f"{fmt(r.get(f'{pk}/duckdb paired compute_s'))}"
            )
            cells = [
                f"{fmt(r.get(f'{pk}/{x} wall_s'))} / {fmt(r.get(f'{pk}/{x} compute_s'))}"
                for x in ("duckdb", "pandas", "floor")
            ]
            cells.insert(1, fmt(r.get(f"{pk}/duckdb peak")))
            lines.append(f"| {pk} | {pair} | " + " | ".join(cells) + " |")
        checks = sc["correctness"]
        if checks and all(v["ok"] for v in checks.values()):
            status = "all identical"
        else:
            status = "; ".join(
                f"{k}: {', '.join(v['problems'])}" for k, v in checks.items() if not v["ok"]
            )
        skipped = sorted({c for v in checks.values() for c in v["not_compared"]})
        if skipped:
            who = ", ".join(k for k, v in checks.items() if v["not_compared"])
            status += f" (not computed by {who}, so not compared: {', '.join(skipped)})"
        engines = "; ".join(
            f"{k} {v['winner']} ({v['streaming/in-memory']:.2f})"
            for k, v in sc["engine_winner"].items()
        )
        lines += [
            "",
            f"Correctness vs {sc['reference']}: {status}; vital few: {sc['vital_count']:,}.",
            "",
            (
                f"Faster polars engine (in-process medians, streaming / in-memory): {engines}. "
                if engines
                else ""
            )
            + "Load average (1 minute) during the runs: "
            + ", ".join(f"{x:.1f}" for x in sc["loadavg_1min"])
            + ".",
        ]
        inter = sc.get("interactive")
        if inter and "error" not in inter:
            lines += [
                "",
                f"Interactive on the collected scorecard ({inter['partners']:,} partners, "
                f"median of {inter['reps']} repetitions, source: {inter['source']}): "
                + ", ".join(f"{k} {v:.2f} ms" for k, v in inter["median_ms"].items()),
            ]
            if "tiled_100k" in inter:
                t = inter["tiled_100k"]
                lines.append(
                    f"Same on {t['partners']:,} partners (the scorecard tiled with fresh ids): "
                    + ", ".join(f"{k} {v:.2f} ms" for k, v in t["median_ms"].items())
                )
        elif inter:
            lines += ["", f"Interactive: error {inter['error']}"]
        lines += engine_lines(sc)
        lines += profile_lines(sc.get("profile"))
        lines.append("")
    for dataset, g in result.get("growth", {}).items():
        lines += growth_lines(
            dataset,
            g,
            [sc["scale"] for sc in result["scales"] if sc.get("dataset", "base") == dataset],
            result.get("row_growth", {}).get(dataset, {}),
        )
    return "\n".join(lines)


def growth_lines(
    dataset: str, g: dict[str, Any], scales: list[str], rows_up: dict[str, float]
) -> list[str]:
    """The growth tables of one data set."""
    lines: list[str] = []
    if g:
        lines += [
            f"### Growth ({dataset}): compute time per raw row (deals + activities), ns",
            "",
            "| measure | " + " | ".join(scales) + " |",
            "|---|" + "---:|" * len(scales),
        ]
        for name, v in g.items():
            cells = [fmt(v["ns_per_row"].get(s)) for s in scales]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        if rows_up:
            lines += [
                "",
                "Growth of the compute time between scales (linear = the growth of the rows: "
                + ", ".join(f"{k} x{v:.1f}" for k, v in rows_up.items())
                + "):",
                "",
                "| measure | " + " | ".join(rows_up) + " |",
                "|---|" + "---:|" * len(rows_up),
            ]
            for name, v in g.items():
                cells = [fmt(v.get("time_growth", {}).get(k)) for k in rows_up]
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


ENGINE_ROWS = ("pk-engine-polars", "pk-engine-duckdb", "pk-engine-spark")


def engine_lines(sc: dict[str, Any]) -> list[str]:
    """partnerkit's stage 1 on each engine: time, stage-1 part, memory, result check."""
    rows = [n for n in ENGINE_ROWS if n in sc["median"]]
    if not rows:
        return []
    lines = [
        "",
        (
            "partnerkit's stage 1 on each engine (read by the engine, facts built on its frames "
            "and collected to polars, then stage 2's core scorecard; medians, in-process):"
        ),
        "",
        (
            "| engine | compute s | of which stage 1 s | Spark start s | whole process s "
            "| peak MiB | / polars engine, paired (whole / in-process) | result |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    checks = sc.get("correctness", {})
    for name in rows:
        med, recs = sc["median"][name], [r for r in sc["raw"][name] if "error" not in r]
        stage = median_of([r.get("stage_one_s") for r in recs])
        start = median_of([r.get("session_s") for r in recs]) if name.endswith("spark") else None
        if name == sc.get("reference"):
            result = "reference"
        elif name in checks:
            result = "identical" if checks[name]["ok"] else "DIFFERS"
        else:
            result = "not checked"
        vs = (
            f"{fmt(paired(sc['raw'], name, ENGINE_ROWS[0], 'wall_s'))} / "
            f"{fmt(paired(sc['raw'], name, ENGINE_ROWS[0], 'compute_s'))}"
        )
        lines.append(
            f"| {name.removeprefix('pk-engine-')} | {fmt(med['compute_s'])} | {fmt(stage)} | "
            f"{fmt(start)} | {fmt(med['wall_s'])} | {fmt(med['peak_mib'])} | {vs} | {result} |"
        )
    return lines


def median_of(values: list[Any]) -> float | None:
    """Median of the numbers among ``values`` (None when there are none)."""
    numbers = sorted(v for v in values if isinstance(v, int | float))
    if not numbers:
        return None
    mid = len(numbers) // 2
    return numbers[mid] if len(numbers) % 2 else (numbers[mid - 1] + numbers[mid]) / 2


def profile_lines(prof: dict[str, Any] | None) -> list[str]:
    """Both engines' plans and where their time goes, summarised (see ``--profile``)."""
    if not prof:
        return []
    if "error" in prof:
        return ["", f"Profile: error {prof['error']}"]
    pol, duck = prof["polars"], prof["duckdb"]
    lines = [
        "",
        (
            "Where the time goes (in-process, one process each, median of "
            f"{pol['reps']} repetitions; the parts run alone, so they add up to more than the "
            "whole query, which overlaps them):"
        ),
        "",
        "| part | partnerkit (polars streaming) s | DuckDB s |",
        "|---|---:|---:|",
    ]
    for part, label in PROFILE_PARTS.items():
        lines.append(
            f"| {label} | {fmt(pol['parts_s'].get(part))} | {fmt(duck['parts_s'].get(part))} |"
        )
    lines += [
        "",
        "partnerkit's plan (`core_scorecard(...).explain(engine='streaming')`): "
        + "; ".join(pol["scans"])
        + f". {pol['aggregates']} group-bys, {pol['joins']} joins.",
        "",
        f"DuckDB's profile (`EXPLAIN (ANALYZE, FORMAT JSON)`, {duck['cpu_s']:.3f} s CPU in "
        "operators): scans "
        + "; ".join(duck["scans"])
        + ". Busiest operators: "
        + ", ".join(f"{o['type']} {o['s']:.3f} s ({o['rows']:,} rows)" for o in duck["top"])
        + ".",
    ]
    return lines
