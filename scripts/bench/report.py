#!/usr/bin/env python3
"""Summarise one guest-bench.sh run.

    report.py [--markdown] RAW_JSONL [OUTDIR]

Reads the JSON lines guest-bench.sh wrote ({"fs", "workload", "value",
"unit"} or {"fs", "workload", "error"}; lines without "fs" are run metadata)
and writes, in OUTDIR (build/bench by default):

  results.json  a list of {fs, workload, value, unit, ratio}, ratio being
                value / the native value of the same workload in the same
                run (null when native is missing); failed ones have value
                null and an "error" field
  ratios.svg    a grouped bar chart of the ratios, one group per workload,
                one bar per non-native filesystem, a reference line at 1.0

and prints a table: one row per workload, the native value and unit, then
the ratio of every other filesystem: the median over the repetitions
("rep" in each line; guest-bench.sh interleaves them), min-max in
parentheses.  With --markdown the table is printed
as markdown, for the README.  Plain python3, no third-party modules.
"""
import argparse
import json
import math
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(TOP, 'build', 'bench')

FS_ORDER = ['native', 'overlay', 'fuse', 'fuse-pt', 'fuse-pt-tuned',
            'fuse-pt-all', 'no-daemon', 'hp',
            'hp-pt']
WORKLOAD_ORDER = ['seqread', 'seqwrite', 'randread', 'randwrite',
                  'create', 'stat', 'readdir', 'unlink']
NATIVE = 'native'
# Bar colours for the non-native filesystems, in order.
COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2',
           '#edc948', '#9c755f', '#b07aa1', '#ff9da7']


def ordered(seen, preferred):
    """The names in seen, those of preferred first in its order."""
    return ([n for n in preferred if n in seen] +
            [n for n in seen if n not in preferred])


def load(path):
    """Return (meta, records by (fs, workload, rep), fs names, workload names)."""
    meta = {}
    recs = {}
    fss, wls = [], []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                print('report: %s:%d: not JSON (%s), skipped'
                      % (path, lineno, e), file=sys.stderr)
                continue
            if not isinstance(r, dict):
                continue
            if 'fs' not in r:
                meta.update(r.get('meta', {}))
                continue
            fs, wl = r['fs'], r.get('workload', '?')
            key = (fs, wl, r.get('rep', 1))
            if fs not in fss:
                fss.append(fs)
            if key in recs:
                print('report: %s:%d: second %s %s rep %s, keeping the last'
                      % (path, lineno, fs, wl, key[2]), file=sys.stderr)
            recs[key] = r
            # A "mount" error is about the filesystem, not a workload row.
            if wl != 'mount' and wl not in wls:
                wls.append(wl)
    return meta, recs, ordered(fss, FS_ORDER), ordered(wls, WORKLOAD_ORDER)


def good(r):
    return (r is not None and 'error' not in r and
            isinstance(r.get('value'), (int, float)))


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n % 2:
        return xs[n // 2]
    return (xs[n // 2 - 1] + xs[n // 2]) / 2


def build_results(recs, fss, wls):
    """One entry per (fs, workload): the median over the repetitions.

    A ratio is taken within one repetition (the value over native's value
    of the same repetition), so the medians and spreads of ratios are those
    of the per-repetition ratios, not ratios of medians.  A repetition that
    failed is left out of the median and counted in "failed".
    """
    reps = sorted({k[2] for k in recs})
    out = []
    for wl in wls:
        for fs in fss:
            vals, ratios, errors = [], [], []
            unit = None
            for rep in reps:
                r = recs.get((fs, wl, rep)) or recs.get((fs, 'mount', rep))
                if r is None:
                    continue
                if not good(r):
                    errors.append('rep %s: %s' % (rep, r.get('error', 'no value')))
                    continue
                vals.append(r['value'])
                unit = r.get('unit')
                nat = recs.get((NATIVE, wl, rep))
                if good(nat) and nat['value'] > 0:
                    ratios.append(r['value'] / nat['value'])
            if not vals and not errors:
                continue
            e = {'fs': fs, 'workload': wl, 'unit': unit, 'reps': len(vals),
                 'failed': len(errors), 'values': vals,
                 'value': median(vals) if vals else None,
                 'min': min(vals) if vals else None,
                 'max': max(vals) if vals else None,
                 'ratio': round(median(ratios), 4) if ratios else None,
                 'ratio_min': round(min(ratios), 4) if ratios else None,
                 'ratio_max': round(max(ratios), 4) if ratios else None}
            if errors:
                e['errors'] = errors
            if not vals:
                e['error'] = errors[0]
            out.append(e)
    return out


def fmt_value(v):
    if v >= 100000:
        return '%.0f' % v
    if v >= 100:
        return '%.1f' % v
    return '%.3g' % v


def table_rows(results, fss, wls):
    by = {(r['fs'], r['workload']): r for r in results}
    others = [fs for fs in fss if fs != NATIVE]
    head = ['workload', NATIVE] + others
    rows = []
    for wl in wls:
        nat = by.get((NATIVE, wl))
        if nat is None:
            cell = '-'
        elif nat.get('error'):
            cell = 'ERR'
        else:
            cell = '%s %s (%s-%s)' % (fmt_value(nat['value']), nat['unit'],
                                      fmt_value(nat['min']),
                                      fmt_value(nat['max']))
        row = [wl, cell]
        for fs in others:
            r = by.get((fs, wl))
            if r is None:
                row.append('-')
            elif r.get('error'):
                row.append('ERR')
            elif r['ratio'] is None:
                row.append('n/a')
            else:
                row.append('%.2fx (%.2f-%.2f)%s' % (
                    r['ratio'], r['ratio_min'], r['ratio_max'],
                    ' [%d failed]' % r['failed'] if r['failed'] else ''))
        rows.append(row)
    return head, rows


def print_table(head, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows)]

    def line(cells):
        # First column left-aligned, the numbers right-aligned.
        return '  '.join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(head))
    print('  '.join('-' * w for w in widths))
    for r in rows:
        print(line(r))


def print_markdown(head, rows):
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '|'.join([' --- '] + [' ---: '] * (len(head) - 1)) + '|')
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')


def esc(s):
    return (str(s).replace('&', '&amp;').replace('<', '&lt;')
            .replace('>', '&gt;').replace('"', '&quot;'))


def nice_step(span, target=6):
    """A 1/2/2.5/5 x 10^k step giving about target ticks over span."""
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def svg_chart(results, fss, wls, meta):
    others = [fs for fs in fss if fs != NATIVE]
    by = {(r['fs'], r['workload']): r for r in results}
    ratios = [r['ratio_max'] for r in results
              if r['fs'] != NATIVE and r['ratio'] is not None]
    top = max(ratios + [1.0]) * 1.12
    step = nice_step(top)
    ymax = math.ceil(top / step - 1e-9) * step

    W = max(640, 110 + len(wls) * (30 + 26 * max(1, len(others))))
    H = 420
    left, right, top_m, bottom = 70, 20, 50, 90
    pw, ph = W - left - right, H - top_m - bottom

    def y(v):
        return top_m + ph - (v / ymax) * ph

    o = []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
             % (W, H, W, H))
    o.append('<rect width="100%" height="100%" fill="white"/>')
    title = ('fsstack: throughput relative to native tmpfs, median and '
             'min-max of the repetitions (higher is better)')
    o.append('<text x="%d" y="22" text-anchor="middle" font-size="15" '
             'font-weight="bold">%s</text>' % (W / 2, esc(title)))
    sub = ', '.join('%s %s' % (k, meta[k])
                    for k in ('kernel', 'size', 'runtime', 'nfiles', 'reps')
                    if k in meta)
    if sub:
        o.append('<text x="%d" y="38" text-anchor="middle" fill="#555">%s'
                 '</text>' % (W / 2, esc(sub)))

    # Grid and y axis ticks.
    v = 0.0
    while v <= ymax + 1e-9:
        yy = y(v)
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e4e4e4"/>'
                 % (left, yy, left + pw, yy))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>'
                 % (left - 6, yy + 4, round(v, 6)))
        v += step
    o.append('<text x="18" y="%d" text-anchor="middle" '
             'transform="rotate(-90 18 %d)">ratio to native</text>'
             % (top_m + ph / 2, top_m + ph / 2))

    # Bars.
    gw = pw / max(1, len(wls))
    bw = min(40.0, gw * 0.8 / max(1, len(others)))
    for i, wl in enumerate(wls):
        gx = left + i * gw + (gw - bw * len(others)) / 2
        for j, fs in enumerate(others):
            x = gx + j * bw
            r = by.get((fs, wl))
            colour = COLOURS[j % len(COLOURS)]
            if r is not None and r['ratio'] is not None:
                yy = y(r['ratio'])
                o.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                         'fill="%s"><title>%s %s: %.3f</title></rect>'
                         % (x + 1, yy, bw - 2, top_m + ph - yy, colour,
                            esc(fs), esc(wl), r['ratio']))
                # The spread of the repetitions: a whisker, min to max.
                cx = x + bw / 2
                o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" '
                         'stroke="#222"/>' % (cx, y(r['ratio_min']), cx,
                                              y(r['ratio_max'])))
                o.append('<text x="%.1f" y="%.1f" text-anchor="middle" '
                         'font-size="9">%.2f</text>'
                         % (cx, min(yy, y(r['ratio_max'])) - 3, r['ratio']))
            else:
                label = 'ERR' if r is not None and r.get('error') else 'n/a'
                o.append('<text x="%.1f" y="%.1f" text-anchor="middle" '
                         'font-size="9" fill="#c00" transform="rotate(-90 '
                         '%.1f %.1f)">%s</text>'
                         % (x + bw / 2 + 3, top_m + ph - 4, x + bw / 2 + 3,
                            top_m + ph - 4, label))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                 % (left + i * gw + gw / 2, top_m + ph + 18, esc(wl)))
        if i:
            o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" '
                     'stroke="#ccc"/>' % (left + i * gw, top_m + ph,
                                          left + i * gw, top_m + ph + 6))

    # Axes, and native = 1.0 on top of the bars.
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top_m, left, top_m + ph))
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (left, top_m + ph, left + pw, top_m + ph))
    o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#333" '
             'stroke-width="1.5" stroke-dasharray="6 4"/>'
             % (left, y(1.0), left + pw, y(1.0)))

    # Legend, centred under the axis labels.
    items = others + ['native = 1.0']
    iw = [22 + 7 * len(n) + 22 for n in items]
    lx = left + (pw - sum(iw)) / 2
    ly = H - 30
    for j, name in enumerate(items):
        if j == len(others):
            o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" '
                     'stroke-width="1.5" stroke-dasharray="6 4"/>'
                     % (lx, ly - 4, lx + 18, ly - 4))
        else:
            o.append('<rect x="%.1f" y="%d" width="14" height="12" fill="%s"/>'
                     % (lx, ly - 10, COLOURS[j % len(COLOURS)]))
        o.append('<text x="%.1f" y="%d">%s</text>' % (lx + 22, ly, esc(name)))
        lx += iw[j]
    o.append('</svg>')
    return '\n'.join(o) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('raw', metavar='RAW_JSONL')
    ap.add_argument('outdir', metavar='OUTDIR', nargs='?', default=DEFAULT_OUT)
    ap.add_argument('--markdown', action='store_true',
                    help='print the table as markdown')
    args = ap.parse_args()

    meta, recs, fss, wls = load(args.raw)
    if not recs:
        sys.exit('report: no records in %s' % args.raw)
    results = build_results(recs, fss, wls)
    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
        f.write('\n')
    with open(os.path.join(args.outdir, 'ratios.svg'), 'w') as f:
        f.write(svg_chart(results, fss, wls, meta))

    head, rows = table_rows(results, fss, wls)
    if args.markdown:
        print_markdown(head, rows)
    else:
        print_table(head, rows)

    errors = [r for r in recs.values() if 'error' in r]
    if errors:
        errors.sort(key=lambda r: (r.get('rep', 1), r['fs']))
        # Kept off stdout with --markdown, so the table can be pasted whole.
        out = sys.stderr if args.markdown else sys.stdout
        print(file=out)
        for r in errors:
            print('rep %s %s %s: %s' % (r.get('rep', 1), r['fs'],
                                         r.get('workload'), r['error']),
                  file=out)
    if NATIVE not in fss or not any(good(r) for k, r in recs.items()
                                    if k[0] == NATIVE):
        print('report: no native results: ratios are null', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
