"""`make bench`: measure what users feel, each figure side by side with its baseline in the same run.

    .venv/bin/python bench/run.py [--quick] [--only 1,2,6] [--out bench/results.json]

Prints a table (figure, value, baseline, ratio, target, met?) and writes bench/results.json. How to read
it, and the last results: docs/performance.md. Exits 1 only when a figure could not be measured; a missed
target is a result, not an error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CHROMIUM, REPO, ClaudeLab, Row, Settings, claude_bin, machine  # noqa: E402
from fig10_codex_followup import codex_bin  # noqa: E402

FIGURES = ("1", "10", "2", "3", "6", "9", "11", "4", "5", "7", "12", "8")  # backend figures first, then the browser ones


def _raise_fd_limit() -> None:
    """Figure 6 opens 5,000 sockets on each side; children inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value != value:  # NaN
        return "—"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def print_table(rows: list[Row]) -> None:
    header = ("fig", "what", "value", "baseline", "ratio", "target", "met?")
    lines = [header]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        ratio = "—" if r.ratio is None else (f"{r.ratio:,.0f}×" if r.ratio >= 100 else f"{r.ratio:.3g}")
        lines.append((r.figure, r.name, _fmt(r.value, r.unit), _fmt(r.baseline, r.baseline_unit or r.unit),
                      ratio, r.target, met))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    notes = [r for r in rows if r.note or r.baseline_name]
    if notes:
        print()
        for r in notes:
            parts = [p for p in (f"baseline: {r.baseline_name}" if r.baseline_name else "", r.note) if p]
            print(f"  {r.figure}: " + "; ".join(parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer runs and shorter waits (about 3 minutes)")
    parser.add_argument("--only", default="", help="comma-separated figures to run, e.g. 1,2,6")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args(argv)

    wanted = [f for f in FIGURES if not args.only or f in args.only.split(",")]
    _raise_fd_limit()
    settings = Settings(quick=args.quick)
    started = time.monotonic()
    rows: list[Row] = []
    failed: list[str] = []
    lab: ClaudeLab | None = None
    has_claude = claude_bin().exists()
    has_codex = codex_bin().exists()
    has_chromium = Path(CHROMIUM).exists()

    def claude_lab() -> ClaudeLab:
        nonlocal lab
        if lab is None:
            lab = ClaudeLab(settings.tmp / "claude-lab")
        return lab

    def figure(number: str) -> Callable[[], list[Row]]:
        if number == "1":
            import fig1_followup
            return lambda: fig1_followup.run(settings, claude_lab())
        if number == "2":
            import fig2_catchup
            return lambda: fig2_catchup.run(settings)
        if number == "3":
            import fig3_validation
            return lambda: fig3_validation.run(settings, claude_lab())
        if number == "4":
            import fig4_network_back
            return lambda: fig4_network_back.run(settings)
        if number == "5":
            import fig5_dead_link
            return lambda: fig5_dead_link.run(settings)
        if number == "6":
            import fig6_scale
            return lambda: fig6_scale.run(settings)
        if number == "10":
            import fig10_codex_followup
            return lambda: fig10_codex_followup.run(settings)
        if number == "11":
            import fig11_file_search
            return lambda: fig11_file_search.run(settings)
        if number == "12":
            import fig12_long_conversation
            return lambda: fig12_long_conversation.run(settings)
        if number == "9":
            import fig9_flat_costs
            return lambda: fig9_flat_costs.run(settings)
        if number == "8":
            import fig8_approvals
            return lambda: fig8_approvals.run(settings, claude_lab())
        import fig7_app
        return lambda: fig7_app.run(settings)

    try:
        for number in wanted:
            if number in ("1", "3", "8", "9") and not has_claude:
                rows.append(Row(number, "needs the claude CLI", None, "", note=f"missing {claude_bin()}: run make test-deps"))
                failed.append(number)
                continue
            if number == "10" and not has_codex:
                rows.append(Row(number, "needs the codex CLI", None, "", note=f"missing {codex_bin()}: run make test-deps"))
                failed.append(number)
                continue
            if number in ("4", "5", "7", "8", "12") and not has_chromium:
                rows.append(Row(number, "needs Chromium", None, "", note=f"missing {CHROMIUM}: run make test-deps"))
                failed.append(number)
                continue
            t0 = time.monotonic()
            print(f"figure {number} …", file=sys.stderr, flush=True)
            try:
                got = figure(number)()
            except Exception as error:  # one broken figure must not hide the others
                traceback.print_exc()
                got = [Row(number, "could not be measured", None, "", met=False, note=f"{type(error).__name__}: {error}")]
                failed.append(number)
            for row in got:
                row.details.setdefault("figure_seconds", round(time.monotonic() - t0, 1))
            rows.extend(got)
            print(f"figure {number}: {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    finally:
        if lab is not None:
            lab.stop()
        if not args.keep:
            shutil.rmtree(settings.tmp, ignore_errors=True)

    order = {f: i for i, f in enumerate(sorted(FIGURES))}
    rows.sort(key=lambda r: (order.get(r.figure.rstrip("abc"), 99), r.figure))
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "duration_s": round(time.monotonic() - started, 1),
        "machine": machine(),
        "rows": [r.as_dict() for r in rows],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print()
    print_table(rows)
    print(f"\n{len(rows)} rows in {result['duration_s']:.0f} s; written to {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
