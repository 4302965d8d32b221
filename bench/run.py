#!/usr/bin/env python3
"""Time `news` on the whole public archive, each figure beside a baseline from the same run.

    python bench/run.py                 # builds the archive into bench/corpus/ on first use
    python bench/run.py --corpus /tmp/full --runs 10

Needs hyperfine and rg (Debian: apt-get install hyperfine ripgrep) and ../shared/corpus to
build the archive.  The machine is shared and noisy, so every `news` figure is printed next
to a baseline measured in the same run: `python -c pass` for start-up, `rg -il humala` over
the same files for the rest.  The index lives in a temporary folder, so that the first run is
really a first run.  To time refreshes, one file is edited (its mtime moved on), one added
and one removed before each run; the archive is left as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent.parent / "shared" / "corpus" / "build_corpus.py"
ADDED = "bench-added-event.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("hyperfine", "rg"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is not installed (apt-get install hyperfine ripgrep)")
    corpus = args.corpus.resolve()
    if not (corpus / "news").is_dir():
        if not BUILD.exists():
            sys.exit(f"bench: no archive at {corpus} and no {BUILD} to build one")
        print(f"building the whole archive into {corpus} (a few minutes)...", file=sys.stderr)
        subprocess.run([sys.executable, str(BUILD), str(corpus)], check=True)

    bench = Bench(corpus, args.runs)
    try:
        print("\n".join(bench.report()))
    finally:
        bench.clean()
    return 0


class Bench:
    def __init__(self, corpus: Path, runs: int) -> None:
        self.corpus = corpus
        self.runs = runs
        self.cache = Path(tempfile.mkdtemp(prefix="news-bench-cache-"))
        self.env = {**os.environ, "NEWS_CACHE_DIR": str(self.cache), "NEWS_PAGER": "cat"}
        # run from compiled modules, as pip leaves an installed package: with
        # PYTHONDONTWRITEBYTECODE set, compiling our own modules cost every run 50 ms
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "newscli")],
                       check=True, env={**self.env, "PYTHONDONTWRITEBYTECODE": ""})
        self.news = f"{shlex.quote(sys.executable)} -m newscli -d {shlex.quote(str(corpus))}"
        self.day = corpus / "news" / "2011" / "06" / "6"
        self.edited = next(p for p in sorted(self.day.glob("*.md")) if p.name != "index.md")
        self.rg = f"rg -il humala {shlex.quote(str(corpus / 'news'))}"

    def clean(self) -> None:
        (self.day / ADDED).unlink(missing_ok=True)
        shutil.rmtree(self.cache, ignore_errors=True)

    def report(self) -> list[str]:
        files = sum(1 for _ in (self.corpus / "news").rglob("*.md"))
        cold = self.first_run()
        warm = [
            ("start-up (`news --version`)", f"{sys.executable} -c pass", f"{self.news} --version"),
            ("show a day (`show 2011-06-06`)", self.rg, f"{self.news} show 2011-06-06"),
            ("search (`search humala`)", self.rg, f"{self.news} search humala"),
            ("search with a typo (`search 'keiko fujimoro'`)", self.rg,
             f"{self.news} search 'keiko fujimoro'"),
            ("entity timeline (`related 'Ollanta Humala'`)", self.rg,
             f"{self.news} related 'Ollanta Humala'"),
            ("related to an event (`related ollanta-humala-is-elected`)", self.rg,
             f"{self.news} related ollanta-humala-is-elected"),
        ]
        rows = [self.compare(label, baseline, ours) for label, baseline, ours in warm]
        edits = self.refreshes()
        memory = self.peak_memory("search", "humala")
        completion = self.compare("a Tab (`related oll<Tab>`)", f"{sys.executable} -c pass", self.tab())
        self.watch("--detach")
        try:
            watched = [self.compare(f"{label}, with `news watch`", baseline, ours)
                       for label, baseline, ours in warm[1:]]
            watched_edits = self.refreshes()
        finally:
            self.watch("--stop")
        lines = [
            f"archive: {self.corpus} ({files} .md files); hyperfine, {self.runs} runs after 1 warm-up",
            f"first run, no index yet (`search humala`): {cold:.1f} s",
            f"peak memory, warm `search humala`: {memory / 1024:.0f} MB",
            "",
            "| task | baseline | baseline time | news | ratio |",
            "|---|---|---|---|---|",
            *rows,
            completion,
            *watched,
            "",
            "| after one file was ... | `search humala` | the same, warm | difference |",
            "|---|---|---|---|",
            *edits,
            "",
            "with `news watch` running:",
            "",
            "| after one file was ... | `search humala` | the same, warm | difference |",
            "|---|---|---|---|",
            *watched_edits,
        ]
        return lines

    def watch(self, how: str) -> None:
        subprocess.run(f"{self.news} watch {how}", shell=True, check=True, env=self.env,
                       stderr=subprocess.DEVNULL)

    def tab(self) -> str:
        """What bash runs on a Tab after `news related oll`."""
        words = shlex.quote(f"news -d {self.corpus} related oll")
        return f"_NEWS_COMPLETE=complete_bash COMP_WORDS={words} COMP_CWORD=4 {self.news}"

    def first_run(self) -> float:
        started = time.perf_counter()
        subprocess.run(f"{self.news} search humala > /dev/null", shell=True, check=True, env=self.env)
        return time.perf_counter() - started

    def hyperfine(self, *commands: str, prepare: str | None = None) -> list[tuple[float, float]]:
        report = self.cache / "hyperfine.json"
        argv = ["hyperfine", "--shell", "bash", "--warmup", "1", "--runs", str(self.runs),
                "--ignore-failure", "--style", "none", "--export-json", str(report)]
        if prepare:
            argv += ["--prepare", prepare]
        argv += [f"{command} > /dev/null 2>&1" for command in commands]
        subprocess.run(argv, check=True, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = json.loads(report.read_text())["results"]
        return [(r["mean"], r["stddev"]) for r in results]

    def compare(self, label: str, baseline: str, ours: str) -> str:
        (base, base_sd), (mine, mine_sd) = self.hyperfine(baseline, ours)
        tool = baseline.split()[0].rsplit("/", 1)[-1]
        if tool.startswith("python"):
            tool = "python -c pass"
        elif tool == "rg":
            tool = "rg -il humala"
        return (f"| {label} | `{tool}` | {base * 1000:.0f} ± {base_sd * 1000:.0f} ms | "
                f"{mine * 1000:.0f} ± {mine_sd * 1000:.0f} ms | {mine / base:.2f}x |")

    def refreshes(self) -> list[str]:
        """`search humala` right after an edit, an addition, a removal, against the warm run."""
        search = f"{self.news} search humala"
        edited = shlex.quote(str(self.edited))
        added = shlex.quote(str(self.day / ADDED))
        text = shlex.quote("### [2011-06-6](/news/2011/06/6/index.md)\n\n# Humala meets the press.\n")
        moments = [
            # a new mtime each run, a minute back: not racy, so the run after reads nothing again
            ("edited", f"touch -d \"@$(( $(date +%s) - 60 - $RANDOM ))\" {edited}"),
            ("added", f"rm -f {added} && {search} > /dev/null; printf %s {text} > {added}; "
                      f"touch -d \"@$(( $(date +%s) - 60 ))\" {added}"),
            ("removed", f"printf %s {text} > {added}; touch -d \"@$(( $(date +%s) - 60 ))\" {added}; "
                        f"{search} > /dev/null; rm -f {added}"),
        ]
        rows = []
        for what, prepare in moments:
            refreshed, _ = self.hyperfine(search, prepare=prepare)[0]
            warm, _ = self.hyperfine(search)[0]
            rows.append(f"| {what} | {refreshed * 1000:.0f} ms | {warm * 1000:.0f} ms | "
                        f"{(refreshed - warm) * 1000:+.0f} ms |")
        (self.day / ADDED).unlink(missing_ok=True)
        subprocess.run(f"{search} > /dev/null", shell=True, check=True, env=self.env)
        return rows

    def peak_memory(self, *args: str) -> int:
        """Peak resident set size of a warm run, in kB (GNU time)."""
        argv = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "newscli", "-d", str(self.corpus), *args]
        done = subprocess.run(argv, check=True, env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        return int(done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
