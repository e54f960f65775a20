#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Medians over rounds of the "ROUND NAME p50 p90 p99 errors" rows of bench-lib.sh's rr_row,
per name in order of first appearance, with p50 relative to the first name."""
import collections
import statistics
import sys

rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    _round, name, p50, _p90, p99, errors = line.split()
    rows[name].append((int(p50), int(p99), int(errors)))
print("\nmedians over rounds (µs):")
base = None
for name, values in rows.items():
    p50 = statistics.median(v[0] for v in values)
    base = p50 if base is None else base
    print(f"  {name}: p50 {p50:.0f} ({p50 - base:+.0f})  "
          f"p99 {statistics.median(v[1] for v in values):.0f}  errors {sum(v[2] for v in values)}")
