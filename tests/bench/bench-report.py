#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Turns run-bench.sh results into the markdown tables and the PASS/FAIL target checks.

usage: bench-report.py RESULTS STREAMS TARGET...
RESULTS lines: "<target> <rr1|rr64|stream> <round> <loadgen json>".
Exit status 1 when a target check fails.
"""
import json
import statistics
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)  # (target, kind) -> [json, ...] in round order
    with open(path) as f:
        for line in f:
            target, kind, _round, payload = line.split(" ", 3)
            runs[(target, kind)].append(json.loads(payload))
    return runs


def median(runs, target, kind, key):
    values = [r[key] for r in runs.get((target, kind), [])]
    return statistics.median(values) if values else None


def paired_added(runs, target, kind, key):
    """Median over rounds of (target - direct) within the same round: the machine's drift
    between rounds moves both alike, so the difference is steadier than a difference of
    medians."""
    mine, base = runs.get((target, kind), []), runs.get(("direct", kind), [])
    diffs = [a[key] - b[key] for a, b in zip(mine, base)]
    return statistics.median(diffs) if diffs else None


def us(v):
    return "n/a" if v is None else f"{v:.0f} µs"


def signed_us(v):
    return "n/a" if v is None else f"{v:+.0f} µs"


def ratio(a, b):
    return None if a is None or not b else a / b


def main():
    path, streams, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    runs = load(path)
    rounds = max((len(v) for v in runs.values()), default=0)
    m = lambda t, k, key: median(runs, t, k, key)
    added = lambda t, k, key: paired_added(runs, t, k, key)

    print(f"\n### Request/response (median of {rounds} rounds)\n")
    print("| target | p50 c=1 | p99 c=1 | added p50 c=1 (vs direct) | added p99 c=1 | p50 c=64 "
          "| RPS c=64 | RPS vs nginx | errors / non-2xx |")
    print("|---|---|---|---|---|---|---|---|---|")
    for t in targets:
        rps = m(t, "rr64", "rps")
        vs_nginx = ratio(rps, m("nginx", "rr64", "rps"))
        bad = sum(r["errors"] for k in ("rr1", "rr64") for r in runs.get((t, k), []))
        non2xx = sum(r["non2xx"] for k in ("rr1", "rr64") for r in runs.get((t, k), []))
        print(f"| {t} | {us(m(t, 'rr1', 'p50_us'))} | {us(m(t, 'rr1', 'p99_us'))} "
              f"| {signed_us(added(t, 'rr1', 'p50_us'))} | {signed_us(added(t, 'rr1', 'p99_us'))} "
              f"| {us(m(t, 'rr64', 'p50_us'))} | {'n/a' if rps is None else f'{rps:.0f}'} "
              f"| {'n/a' if vs_nginx is None else f'{vs_nginx:.2f}'} | {bad} / {non2xx} |")

    print(f"\n### Streaming: {streams} streams (worst round for ok/failures/stalls, "
          "median TTFC p99, peak RSS)\n")
    print("| target | ok | failures | stalls | max gap | TTFC p99 | added TTFC p99 | RSS (peak VmRSS / VmHWM) |")
    print("|---|---|---|---|---|---|---|---|")
    for t in targets:
        rs = runs.get((t, "stream"), [])
        if not rs:
            continue
        rss = max(r["rss_kb"] for r in rs) / 1024
        hwm = max(r["hwm_kb"] for r in rs) / 1024
        mem = "-" if t == "direct" else f"{rss:.1f} / {hwm:.1f} MB"
        print(f"| {t} | {min(r['ok'] for r in rs)} | {max(r['failures'] for r in rs)} "
              f"| {max(r['stalls'] for r in rs)} | {max(r['max_gap_us'] for r in rs) / 1000:.1f} ms "
              f"| {us(m(t, 'stream', 'ttfc_p99_us'))} "
              f"| {signed_us(added(t, 'stream', 'ttfc_p99_us'))} | {mem} |")

    if "gateway-anthropic" in targets and "gateway" in targets:
        print("\n### Translation: anthropic-type provider vs openai-type, same gateway\n")
        for kind, key, label in (("rr1", "p50_us", "added p50 c=1"), ("rr1", "p99_us", "added p99 c=1"),
                                 ("stream", "ttfc_p99_us", "added TTFC p99")):
            a, o = added("gateway-anthropic", kind, key), added("gateway", kind, key)
            print(f"- {label}: anthropic {signed_us(a)} vs openai {signed_us(o)} "
                  f"(translation {signed_us(None if a is None or o is None else a - o)})")
        a, o = m("gateway-anthropic", "rr64", "rps"), m("gateway", "rr64", "rps")
        if a and o:
            print(f"- RPS c=64: anthropic {a:.0f} vs openai {o:.0f} ({a / o:.2f})")

    if "gateway-auth" in targets and "gateway-bare" in targets:
        print("\n### Control plane: auth + rate limits + usage recording (gateway-auth) vs "
              "none (gateway-bare)\n")
        for kind, key, label in (("rr1", "p50_us", "added p50 c=1"), ("rr1", "p99_us", "added p99 c=1"),
                                 ("rr64", "p50_us", "added p50 c=64")):
            a, b = added("gateway-auth", kind, key), added("gateway-bare", kind, key)
            print(f"- {label}: with {signed_us(a)} vs without {signed_us(b)} "
                  f"(control plane {signed_us(None if a is None or b is None else a - b)})")
        a, b = m("gateway-auth", "rr64", "rps"), m("gateway-bare", "rr64", "rps")
        if a and b:
            print(f"- RPS c=64: with {a:.0f} vs without {b:.0f} ({a / b:.2f})")
        a, b = added("gateway-auth", "rr1", "p50_us"), added("gateway-bare", "rr1", "p50_us")
        if a is not None and b is not None:
            verdict = "PASS" if a - b <= 20 else "FAIL"
            print(f"- {verdict} control plane adds <= 20 µs p50 at c=1: {a - b:+.0f} µs")

    print("\n### Target checks (gateway vs nginx)\n")
    if "gateway" not in targets:
        print("SKIP gateway not benchmarked (binary missing or failed to start)")
        return 0
    failed = False

    def check(name, ok, detail):
        nonlocal failed
        if ok is None:
            print(f"SKIP {name}: {detail}")
            return
        failed = failed or not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")

    have_nginx = "nginx" in targets
    ga, na = added("gateway", "rr1", "p50_us"), added("nginx", "rr1", "p50_us")
    check("added p50 at c=1 <= 2x nginx's", ga <= 2 * na if have_nginx else None,
          f"gateway {signed_us(ga)} vs nginx {signed_us(na)}")
    ga, na = added("gateway", "rr1", "p99_us"), added("nginx", "rr1", "p99_us")
    check("added p99 at c=1 <= 1.5x nginx's", ga <= 1.5 * na if have_nginx else None,
          f"gateway {signed_us(ga)} vs nginx {signed_us(na)}")
    g, n = m("gateway", "rr64", "rps"), m("nginx", "rr64", "rps")
    # A MODES subset leaves some checks without figures: those are skipped, not failed.
    have_rps = have_nginx and g is not None and n is not None
    check("RPS at c=64 >= 50% of nginx's", g >= 0.5 * n if have_rps else None,
          f"gateway {'n/a' if g is None else f'{g:.0f}'} vs nginx {'n/a' if n is None else f'{n:.0f}'}")
    rs = runs.get(("gateway", "stream"), [])
    fails, stalls = sum(r["failures"] for r in rs), sum(r["stalls"] for r in rs)
    check(f"{streams} streams: zero failures, zero stalls",
          fails == 0 and stalls == 0 if rs else None,
          f"{fails} failures, {stalls} stalls over {len(rs)} rounds")
    # VmHWM is updated lazily by the kernel, so take whichever of it and the sampled VmRSS is higher.
    peak = max((max(r["hwm_kb"], r["rss_kb"]) for r in rs), default=0) / 1024
    check("RSS < 100 MB", 0 < peak < 100 if rs else None, f"peak {peak:.1f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
