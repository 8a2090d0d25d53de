#!/usr/bin/env python3
"""Paired whole-process CPU comparison of implementations of one contract.

Each implementation is a command line that prints the canonical line of
docs/events.md on stdout. For every corpus, every round runs every
implementation once, in an order that rotates from round to round (so
that no implementation always runs first after another's cache-warming),
and records each process's CPU seconds (user + system, from wait4's
rusage) and wall seconds. Rounds are pairs in the statistical sense: the
ratio of two implementations is taken within a round, and what is printed
is the median of those ratios over the rounds, beside each implementation's
median CPU seconds. Every output is compared with the first
implementation's: a different answer is a mismatch, printed loudly, and
makes the exit status 1.

The machine may be shared: a single absolute time means nothing here,
and no figure is a pass/fail verdict.

usage: paired.py -rounds N -corpus NAME=DIR... -impl NAME=CMD... [-ref NAME...]
       (CMD is split on spaces; {corpus} in it is the corpus directory)
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time


EMPTY = hashlib.sha256(b"").hexdigest()


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit status {p.returncode}")
    # (ru_maxrss is left out: it counts the forked Python before exec.)
    return ru.ru_utime + ru.ru_stime, wall, hashlib.sha256(out).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-rounds", type=int, default=5)
    ap.add_argument("-warmup", type=int, default=1, help="untimed rounds first (page cache)")
    ap.add_argument("-corpus", action="append", required=True)
    ap.add_argument("-impl", action="append", required=True)
    ap.add_argument("-ref", action="append", default=[], help="implementations the others are divided by")
    a = ap.parse_args()
    impls = [tuple(s.split("=", 1)) for s in a.impl]
    names = [n for n, _ in impls]
    refs = a.ref or names[:1]
    bad = False
    for spec in a.corpus:
        cname, cdir = spec.split("=", 1)
        cpu = {n: [] for n in names}
        wall = {n: [] for n in names}
        for r in range(a.warmup + a.rounds):
            order = impls[r % len(impls):] + impls[:r % len(impls)]
            digests = {}
            for n, cmd in order:
                c, w, d = run(cmd.replace("{corpus}", cdir).split())
                digests[n] = d
                if r >= a.warmup:
                    cpu[n].append(c)
                    wall[n].append(w)
            ref = digests[names[0]]
            for n in names:
                if digests[n] != ref and digests[n] != EMPTY:  # a read-only floor prints nothing
                    print(f"MISMATCH on {cname}: {n} printed a different answer from {names[0]}", file=sys.stderr)
                    bad = True
            print(f"{cname}: round {r + 1}/{a.warmup + a.rounds} done", file=sys.stderr)
        print(f"\n## {cname} ({cdir}), {a.rounds} paired rounds after {a.warmup} warm-up\n")
        head = "| implementation | median CPU s | median wall s |" + "".join(
            f" vs {ref} (median of paired CPU ratios, min–max) |" for ref in refs)
        print(head)
        print("|" + " --- |" * (3 + len(refs)))
        for n in names:
            row = f"| {n} | {statistics.median(cpu[n]):.3f} | {statistics.median(wall[n]):.3f} |"
            for ref in refs:
                ratios = [x / y for x, y in zip(cpu[n], cpu[ref])]
                row += f" {statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f}) |"
            print(row)
        sys.stdout.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
