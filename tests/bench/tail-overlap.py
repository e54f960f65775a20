#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""How much of a run's latency tail lines up with the usage writer's writes.

usage: tail-overlap.py REQUESTS_TRACE WRITES_TRACE
  REQUESTS_TRACE: aisbf-loadgen --trace ("start_ns latency_ns" per request)
  WRITES_TRACE:   AISBF_USAGE_TRACE ("start_ns written_ns freed_ns records" per write)
Both on CLOCK_MONOTONIC. A request "overlaps" a write when their time spans intersect. If the
writes did not matter, the requests at or above p99 would overlap them about as often as all
requests do; the report gives both, and the p99 of the requests that overlap no write.
"""
import bisect
import sys


def read(path):
    with open(path) as f:
        return [tuple(map(int, line.split())) for line in f if line.strip() and not line.startswith("#")]


def percentile(sorted_values, q):
    return sorted_values[int(q * (len(sorted_values) - 1))]


def main():
    requests, writes = read(sys.argv[1]), read(sys.argv[2])
    if not requests:
        sys.exit("no requests in the trace")
    begin, end = requests[0][0], max(s + l for s, l in requests)
    writes = sorted(w for w in writes if w[2] >= begin and w[0] <= end)
    starts = [w[0] for w in writes]

    def overlaps(start, latency):
        # Writes do not overlap each other (one thread): only the last one starting before the
        # request ends can reach into it.
        i = bisect.bisect_right(starts, start + latency) - 1
        return i >= 0 and writes[i][2] >= start

    latencies = sorted(l for _, l in requests)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    tail = [(s, l) for s, l in requests if l >= p99]
    share_all = sum(overlaps(s, l) for s, l in requests) / len(requests)
    share_tail = sum(overlaps(s, l) for s, l in tail) / len(tail)
    clear = sorted(l for s, l in requests if not overlaps(s, l))
    write_ns = sum(w[1] - w[0] for w in writes)
    free_ns = sum(w[2] - w[1] for w in writes)
    n = max(1, len(writes))
    print(f"requests {len(requests)}: p50 {p50 / 1000:.0f} us, p99 {p99 / 1000:.0f} us")
    print(f"writes {len(writes)}: {sum(w[3] for w in writes) / n:.0f} records, "
          f"{write_ns / n / 1000:.0f} us writing + {free_ns / n / 1000:.0f} us freeing each; "
          f"the writer busy {100 * (write_ns + free_ns) / (end - begin):.2f} % of the run")
    print(f"overlapping a write: {100 * share_all:.2f} % of all requests, "
          f"{100 * share_tail:.2f} % of those >= p99")
    if clear:
        print(f"p99 of the requests overlapping no write: {percentile(clear, 0.99) / 1000:.0f} us "
              f"(all: {p99 / 1000:.0f} us)")


if __name__ == "__main__":
    main()
