#!/usr/bin/env python3
"""Time the exploring commands on an archive against `news search humala`, in turns.

    python bench/explore.py --corpus /tmp/full            # the index in the usual cache
    python bench/explore.py --corpus /tmp/full --rounds 15

The machine is shared and noisy, so each round runs every command once, in turn, and the
table gives each command's median over the rounds and its ratio to `search humala`'s
median: load that comes and goes falls on every command alike.  The first round only
warms the index (and builds it, the first time: about a minute on the whole archive).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [
    ["search", "humala"],
    ["timeline", "humala"],
    ["timeline", "--query", "peru runoff", "--by", "week"],
    ["entities"],
    ["entities", "fujimoro"],
    ["sources"],
    ["stories"],
    ["stats"],
    ["on-this-day", "06-06"],
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    times: list[list[float]] = [[] for _ in COMMANDS]
    for round_number in range(args.rounds + 1):
        for command, found in zip(COMMANDS, times, strict=True):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "newscli", "-d", str(args.corpus), *command],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if round_number:
                found.append(time.perf_counter() - started)
    base = statistics.median(times[0])
    print("| command | median | fastest | ratio to `search humala` |")
    print("|---|---|---|---|")
    for command, found in zip(COMMANDS, times, strict=True):
        shown = " ".join(f"'{part}'" if " " in part else part for part in command)
        median = statistics.median(found)
        print(f"| `{shown}` | {median:.2f} s | {min(found):.2f} s | {median / base:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
