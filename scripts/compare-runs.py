#!/usr/bin/env python3
"""Compare the selftest and libfuse results of two guest runs.

  compare-runs.py SERIES_RUNDIR BASE_RUNDIR
Prints one line per test (name, result on the series, result on the base)
for those that differ, then a summary line.  KUnit is left out: the
series' suites do not exist on the base.  Exit 1 if any result differs or
either run has none.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402


def collect(rundir):
    out = {}
    for r in results.selftests(rundir):
        out[r[1]] = r[2]
    for r in results.libfuse(rundir):
        out[r[1]] = r[2]
    return out


def main():
    series, base = (collect(d) for d in sys.argv[1:3])
    if not series or not base:
        print('compare: no results in %s' %
              ' and '.join(d for d, r in zip(sys.argv[1:3], (series, base))
                           if not r))
        return 1
    diff = 0
    for name in sorted(set(series) | set(base)):
        s, b = series.get(name, 'missing'), base.get(name, 'missing')
        if s != b:
            diff += 1
            print('  %-60s series %-7s plain 7.3 %s' % (name, s, b))
    same = len(set(series) & set(base)) - diff
    count = {}
    for v in base.values():
        count[v] = count.get(v, 0) + 1
    print('compare: %d tests, %d with the same result on the series and on '
          'plain 7.3 (plain 7.3: %s), %d different' %
          (len(set(series) | set(base)), same,
           ', '.join('%d %s' % (n, k.lower()) for k, n in sorted(count.items())),
           diff))
    return 1 if diff else 0


if __name__ == '__main__':
    sys.exit(main())
