#!/usr/bin/env python3
"""Time `news` on the whole public archive, each figure beside a baseline from the same run.

    python bench/run.py                 # builds the archive into bench/corpus/ on first use
    python bench/run.py --corpus /tmp/full --runs 10

Needs hyperfine and rg (Debian: apt-get install hyperfine ripgrep) and ../shared/corpus to
build the archive.  The machine is shared and noisy, so every `news` figure is printed
next to a baseline measured in the same run: `python -c pass` for start-up, `rg` for
text search.  The cache lives in a temporary folder so that the cold run is really cold.  To time an
edit, one file's mtime is moved a second on and then put back.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent.parent / "shared" / "corpus" / "build_corpus.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("hyperfine", "rg"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is not installed (apt-get install hyperfine ripgrep)")
    corpus = args.corpus
    if not (corpus / "news").is_dir():
        if not BUILD.exists():
            sys.exit(f"bench: no archive at {corpus} and no {BUILD} to build one")
        print(f"building the whole archive into {corpus} (a few minutes)...", file=sys.stderr)
        subprocess.run([sys.executable, str(BUILD), str(corpus)], check=True)

    news = f"{sys.executable} -m newscli -d {corpus}"
    cache = Path(tempfile.mkdtemp(prefix="news-bench-cache-"))
    env = {**os.environ, "NEWS_CACHE_DIR": str(cache)}
    files = sum(1 for _ in (corpus / "news").rglob("*.md"))

    def one_run() -> float:
        started = time.perf_counter()
        subprocess.run(f"{news} show 2011-06-06 > /dev/null", shell=True, check=True, env=env)
        return time.perf_counter() - started

    cold = one_run()
    # one file edited: its mtime moves a second on, then back (the archive is left as it was)
    edited = next((news_dir := corpus / "news").glob("2011/06/6/*.md"))
    before = edited.stat()
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    incremental = one_run()
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    one_run()  # a current cache again for what follows

    pairs = [
        ("start-up", f"{sys.executable} -c pass", f"{sys.executable} -m newscli --version"),
        ("show a day", f"rg -l --fixed-strings '[2011-06-6]' {news_dir}", f"{news} show 2011-06-06"),
        ("search two words", f"rg -il -e peru -e runoff {news_dir}", f"{news} search 'peru runoff'"),
        ("search with a typo", f"rg -il fujimori {news_dir}", f"{news} search 'keiko fujimoro'"),
        ("entity timeline", f"rg -l 'Ollanta Humala' {news_dir}", f"{news} related 'Ollanta Humala'"),
    ]
    rows = []
    for label, baseline, ours in pairs:
        report = cache / "hyperfine.json"
        subprocess.run(
            ["hyperfine", "--warmup", "1", "--runs", str(args.runs), "--ignore-failure",
             "--style", "none", "--export-json", str(report), f"{baseline} > /dev/null",
             f"{ours} > /dev/null 2>&1"],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )
        results = json.loads(report.read_text())["results"]
        rows.append((label, results[0]["mean"], results[0]["stddev"], results[1]["mean"],
                     results[1]["stddev"], baseline.split()[0].rsplit("/", 1)[-1]))
    shutil.rmtree(cache, ignore_errors=True)

    lines = [
        f"archive: {corpus} ({files} .md files); runs: {args.runs} after 1 warm-up",
        f"first run (parse every file, write the cache): {cold:.1f} s",
        f"after one file changed (parse it, rebuild the indexes): {incremental:.1f} s",
        "",
        "| task | baseline | baseline time | news (cached) | ratio |",
        "|---|---|---|---|---|",
    ]
    for label, base, base_sd, ours, ours_sd, tool in rows:
        lines.append(f"| {label} | {tool} | {base * 1000:.0f} ± {base_sd * 1000:.0f} ms | "
                     f"{ours * 1000:.0f} ± {ours_sd * 1000:.0f} ms | {ours / base:.1f}x |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
