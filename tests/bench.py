#!/usr/bin/env python3
"""Benchmark: whole-process builds against the floor, scaling, rebuilds, memory and page weight.

python3 tests/bench.py [--runs 5] [--sizes 10,100,1000] [--memory-sizes 1000,2500,5000]

The floor is a fresh interpreter that imports jinja2 and markdown_it and writes the same number of files of
the same sizes as the build wrote: what no Python generator with these libraries can beat. The markdown floor
is a fresh interpreter that renders every source once with markdown-it. Each round runs a cold build into a
fresh folder, a warm build, a one-change rebuild and both floors, one after the other, so that every figure of a
round meets the same machine; min, median and max are reported, and the CPU time of cold builds. Peak memory is
measured by one cold build at each of the memory sizes.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PATHOLOGICAL, generate, normal_source  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
FLOOR = """
import sys, jinja2, markdown_it
from pathlib import Path
out = Path(sys.argv[2])
for line in Path(sys.argv[1]).read_text().splitlines():
    size, path = line.split(" ", 1)
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"x" * int(size))
"""
MARKDOWN_FLOOR = """
import sys, markdown_it
from pathlib import Path
md = markdown_it.MarkdownIt("js-default")
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    md.render(path.read_text(encoding="utf-8", errors="replace"))
"""
TARGETS = {"floor_ratio": 1.0, "cold_ratio": 1.6, "scaling": 11.0, "memory_mb": 250, "rebuild_share": 0.10,
           "markdown_ratio": 1.3, "memory_growth": 1.25, "page_kb": 12, "css_js_kb": 20, "search_kb": 40, "pathological": 5.0}


# Builds and the floor run alike, as a user's shell runs them: Python may keep compiled bytecode.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Run one process; its wall time and CPU time (user and system, children included) in seconds, peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in allowed:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build_command(content: Path, out: Path) -> list[str]:
    """The build as a user runs it."""
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out), "--quiet"]


def manifest(site: Path, target: Path) -> None:
    """Write the size and path of every file the build wrote, for the floor to copy."""
    lines = [f"{p.stat().st_size} {p.relative_to(site).as_posix()}" for p in sorted(site.rglob("*")) if p.is_file()]
    target.write_text("\n".join(lines) + "\n")


def touch_one(content: Path, round_: int) -> None:
    """Change one generated source, differently each round."""
    path = sorted(content.glob("generated-*.md"))[0]
    text = path.read_text()
    path.write_text(text.replace("A generated description", f"A changed ({round_}) description", 1) if round_ else text)


def measure(name: str, content: Path, runs: int) -> dict:
    """Build one corpus `runs` times cold, warm and after one change; and the floor as often."""
    place = WORK / name
    shutil.rmtree(place, ignore_errors=True)
    place.mkdir(parents=True)
    cache = place / ".cache"
    cold, cpu, warm, floor, markdown, rebuild, peak_mb = [], [], [], [], [], [], []
    for round_ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        out = place / f"site-{round_}"  # a fresh folder: a cold build has no previous site to link from
        seconds, used, peak = run(build_command(content, out), place)
        cold.append(seconds)
        cpu.append(used)
        peak_mb.append(peak)
        warm.append(run(build_command(content, out), place)[0])
        if name.startswith("generated"):
            touch_one(content, round_ + 1)
            rebuild.append(run(build_command(content, out), place)[0])
        manifest(out, place / "manifest.txt")
        shutil.rmtree(place / "floor", ignore_errors=True)
        floor.append(run([sys.executable, "-c", FLOOR, str(place / "manifest.txt"), str(place / "floor")], place)[0])
        markdown.append(run([sys.executable, "-c", MARKDOWN_FLOOR, str(content)], place)[0])
    return {
        "name": name,
        "sources": sum(1 for _ in content.rglob("*.md")),
        "bytes": sum(p.stat().st_size for p in content.rglob("*") if p.is_file()),
        "pages": sum(1 for _ in out.rglob("*.html")),
        "cold": statistics.median(cold),
        "spread": (min(cold), max(cold)),
        "cpu": statistics.median(cpu),
        "warm": statistics.median(warm),
        "rebuild": statistics.median(rebuild) if rebuild else None,
        "floor": statistics.median(floor),
        "markdown": statistics.median(markdown),
        "memory": max(peak_mb),
        "site": out,
        "content": content,
    }


def weight(site: Path) -> dict:
    """Page weight: the largest code page, all CSS and JavaScript, and the search data."""
    pages = [p for p in site.glob("[1-5][0-9][0-9]/index.html")]
    largest = max(pages, key=lambda p: p.stat().st_size)
    assets = [p for p in (site / "static").iterdir() if p.suffix in (".css", ".js") and p.name != "search-index.js"]
    return {
        "page": (largest.relative_to(site).as_posix(), largest.stat().st_size / 1024),
        "css_js": sum(p.stat().st_size for p in assets) / 1024,
        "search": (site / "static" / "search-index.js").stat().st_size / 1024,
    }


MISSED: list[str] = []


def verdict(ok: bool, what: str = "") -> str:
    """PASS or FAIL; a FAIL is remembered, so that the benchmark exits non-zero."""
    if not ok:
        MISSED.append(what)
    return "PASS" if ok else "FAIL"


def one_source(name: str, text: str, runs: int) -> float:
    """The median time of whole-process builds, without cache, of a content folder holding one source."""
    place = WORK / "one" / name.replace(" ", "-")
    shutil.rmtree(place, ignore_errors=True)
    (place / "content").mkdir(parents=True)
    (place / "content" / "source.md").write_text(text)
    command = build_command(place / "content", place / "site") + ["--no-cache"]
    return statistics.median(run(command, place, allowed=(0, 1))[0] for _ in range(runs))


def pathological(runs: int) -> None:
    """Each pathological shape of 100 KB against an ordinary source of 100 KB."""
    normal = one_source("normal", normal_source(), runs)
    print(f"\nPathological sources of 100 KB, whole builds, median of {runs} (an ordinary 100 KB source: {normal:.3f} s):")
    for name, text in sorted(PATHOLOGICAL.items()):
        seconds = one_source(name, text, runs)
        ratio = seconds / normal
        print(f"  {name:<26}{seconds:>7.3f} s {ratio:>6.2f}x  {verdict(ratio <= TARGETS['pathological'], name)}")


def memory(sizes: list[int]) -> None:
    """Peak memory of one cold build at each size: under the target at the largest, and growing no faster than linearly."""
    peaks = []
    for size in sizes:
        content = generate(WORK / f"content-{size}", size)
        place = WORK / f"memory-{size}"
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        peaks.append(run(build_command(content, place / "site") + ["--no-cache"], place)[2])
        shutil.rmtree(place)
    print("\nPeak memory of a cold build (the build and its workers), by sources:")
    for size, peak in zip(sizes, peaks):
        print(f"  {size:>6,} sources{peak:>8.0f} MB")
    print(f"  at {sizes[-1]:,} sources under {TARGETS['memory_mb']} MB: {peaks[-1]:.0f} MB  {verdict(peaks[-1] < TARGETS['memory_mb'], 'memory')}")
    if len(sizes) >= 3:
        early = (peaks[-2] - peaks[0]) / (sizes[-2] - sizes[0])
        late = (peaks[-1] - peaks[-2]) / (sizes[-1] - sizes[-2])
        ok = late <= TARGETS["memory_growth"] * max(early, 0.001)
        print(f"  growing linearly: {late * 1000:.1f} MB per 1,000 sources from {sizes[-2]:,} on, "
              f"{early * 1000:.1f} MB before (at most {TARGETS['memory_growth']}x)  {verdict(ok, 'memory growth')}")


def mkdocs(measured: list[dict], runs: int) -> None:
    """The same content through MkDocs, side by side with our cold builds, when MkDocs is installed; no target."""
    import importlib.util

    if importlib.util.find_spec("mkdocs") is None:
        print("\nMkDocs is not installed here: `.venv/bin/pip install -e '.[bench]'` adds it, to build the same content with it side by side.")
        return
    from importlib.metadata import version

    print(f"\nThe same content through MkDocs {version('mkdocs')} (a page per document, its default theme), median of {runs}:")
    for ours in measured:
        name, content = ours["name"], ours["content"]
        place = WORK / f"mkdocs-{name}"
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        config = place / "mkdocs.yml"
        config.write_text(f"site_name: HTTP status codes\ndocs_dir: {json.dumps(str(content))}\nsite_dir: site\n")
        times = []
        for _ in range(runs):
            shutil.rmtree(place / "site", ignore_errors=True)
            times.append(run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], place)[0])
        pages = sum(1 for _ in (place / "site").rglob("*.html"))
        print(f"  {name:<16}MkDocs {statistics.median(times):.3f} s for {pages} pages; "
              f"this generator cold {ours['cold']:.3f} s for {ours['pages']} pages")


def machine() -> str:
    """The machine the figures were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> int:
    """Measure and print every figure and target."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is reported (default 5)")
    parser.add_argument("--sizes", default="10,100,1000", help="generated source counts (default 10,100,1000)")
    parser.add_argument("--memory-sizes", default="1000,2500,5000", help="source counts of the memory runs (default 1000,2500,5000)")
    parser.add_argument("--only-pathological", action="store_true", help="measure only the pathological sources")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    print(f"Machine: {machine()}")
    if args.only_pathological:
        pathological(args.runs)
        return 1 if MISSED else 0
    print(f"Median of {args.runs} whole-process runs; cold = no cache, warm = cache from the previous run.\n")
    results = [measure("real", ROOT / "content", args.runs)]
    for size in sizes:
        results.append(measure(f"generated-{size}", generate(WORK / f"content-{size}", size), args.runs))
    header = (f"{'corpus':<16}{'sources':>8}{'KB read':>9}{'pages':>7}{'cold s (min-max)':>22}{'CPU s':>7}{'warm s':>8}"
              f"{'1 changed s':>12}{'floor s':>9}{'md s':>7}{'cold/floor':>11}{'warm/floor':>11}{'peak MB':>9}")
    print(header)
    for r in results:
        rebuild = f"{r['rebuild']:.3f}" if r["rebuild"] else "-"
        cold = f"{r['cold']:.3f} ({r['spread'][0]:.2f}-{r['spread'][1]:.2f})"
        print(f"{r['name']:<16}{r['sources']:>8}{r['bytes'] / 1024:>9.0f}{r['pages']:>7}{cold:>22}{r['cpu']:>7.2f}{r['warm']:>8.3f}"
              f"{rebuild:>12}{r['floor']:>9.3f}{r['markdown']:>7.3f}{r['cold'] / r['floor']:>11.2f}{r['warm'] / r['floor']:>11.2f}{r['memory']:>9.0f}")
    by_name = {r["name"]: r for r in results}
    real = by_name["real"]
    print("\nTargets:")
    ratio = real["warm"] / real["floor"]
    print(f"  real content, nothing changed, within {TARGETS['floor_ratio']}x the floor: {ratio:.2f}x  {verdict(ratio <= TARGETS['floor_ratio'], 'floor')}")
    ratio = real["cold"] / real["floor"]
    print(f"  real content, cold (no cache), within {TARGETS['cold_ratio']}x the floor: {ratio:.2f}x  {verdict(ratio <= TARGETS['cold_ratio'], 'cold')}")
    if 1000 not in sizes:
        print("  (the targets at 1,000 sources are measured only with 1000 in --sizes)")
    else:
        large = by_name["generated-1000"]
        if 100 in sizes:
            small = by_name["generated-100"]
            scale = large["cold"] / small["cold"]
            bytes_scale = large["bytes"] / small["bytes"]
            print(f"  1,000 sources at most {TARGETS['scaling']:.0f}x the time of 100 ({bytes_scale:.1f}x the bytes): {scale:.2f}x  {verdict(scale <= TARGETS['scaling'], 'scaling')}")
        share = large["rebuild"] / large["cold"]
        print(f"  rebuild after one change at 1,000 sources at most {TARGETS['rebuild_share']:.2f} of a full build: {large['rebuild']:.2f} s of {large['cold']:.2f} s = {share:.2f}  {verdict(share <= TARGETS['rebuild_share'], 'rebuild')}")
        ratio = large["cold"] / large["markdown"]
        print(f"  1,000 sources cold within {TARGETS['markdown_ratio']}x markdown-it alone: {ratio:.2f}x  {verdict(ratio <= TARGETS['markdown_ratio'], 'markdown')}")
    w = weight(real["site"])
    print(f"  largest code page ({w['page'][0]}) at most {TARGETS['page_kb']} KB: {w['page'][1]:.1f} KB  {verdict(w['page'][1] <= TARGETS['page_kb'], 'page')}")
    print(f"  all CSS and JavaScript at most {TARGETS['css_js_kb']} KB: {w['css_js']:.1f} KB  {verdict(w['css_js'] <= TARGETS['css_js_kb'], 'css_js')}")
    print(f"  search data at most {TARGETS['search_kb']} KB: {w['search']:.1f} KB  {verdict(w['search'] <= TARGETS['search_kb'], 'search')}")
    mkdocs([real, results[-1]], args.runs)
    memory([int(n) for n in args.memory_sizes.split(",")])
    pathological(args.runs)
    if MISSED:
        print(f"\nMissed: {', '.join(MISSED)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
