#!/usr/bin/env python3
"""Sort compiler, sparse or kernel-doc warnings into the series' and
upstream's, by the line they point at.

  ours.py [--kdoc] [--objdir DIR] LINUXDIR < warnings

A line is the series' when the series wrote it: it is an added line of
"git diff -M base" in LINUXDIR (the working tree against the base), which
covers every line of a file the series creates and every line its patches
add or change; a file the series only moves (fs/backing-file.c to
fs/stack/) keeps its upstream lines upstream's.

Input: the output of sparse or the compiler ("FILE:LINE[:COL]: warning:
...", FILE absolute, relative to DIR (the object directory) or to
LINUXDIR) or, with --kdoc, of scripts/kernel-doc ("Warning: FILE:LINE
..."; kernel-doc names the line of the declaration a comment documents, so
a warning is also the series' when the series wrote any line of the
/** comment above that line).  Each warning or error is printed once,
its path relative to LINUXDIR, after "ours: " or "upstream: "; lines
that follow one (sparse's "expected"/"got", kernel-doc's quote) are
printed indented under it.  Other lines are dropped.
"""
import argparse
import os
import re
import subprocess
import sys

CC = re.compile(r'^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:\d+:)? '
                r'(?P<what>(?:fatal )?error|warning): ')
KDOC = re.compile(r'^(?P<what>Warning|Error): (?P<file>[^\s:][^:]*):'
                  r'(?P<line>\d+)[: ]')
HUNK = re.compile(r'^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@')


def added_lines(linux):
    """{path: set of line numbers} the series wrote (working tree)."""
    out = subprocess.run(['git', '-C', linux, 'diff', '-M', '-U0',
                          '--no-color', '--no-ext-diff', 'base', '--'],
                         stdout=subprocess.PIPE, check=True).stdout
    lines = {}
    cur = None
    for raw in out.decode('utf-8', 'replace').splitlines():
        if raw.startswith('+++ '):
            cur = raw[6:] if raw.startswith('+++ b/') else None
            if cur is not None:
                lines.setdefault(cur, set())
        elif raw.startswith('@@') and cur is not None:
            m = HUNK.match(raw)
            start, n = int(m.group(1)), int(m.group(2) or 1)
            lines[cur].update(range(start, start + n))
    return lines


def rel_path(path, linux, objdir):
    """PATH relative to LINUXDIR if it is a file there, else as given.
    A relative PATH is the object directory's when it exists there."""
    if not os.path.isabs(path):
        for d in (objdir, linux):
            if d and os.path.exists(os.path.join(d, path)):
                path = os.path.normpath(os.path.join(d, path))
                break
        else:
            return path
    real = os.path.realpath(path)
    if real.startswith(linux + os.sep):
        return os.path.relpath(real, linux)
    return path


def doc_start(linux, path, line, cache):
    """First line of the /** comment that ends at or before LINE."""
    if path not in cache:
        try:
            with open(os.path.join(linux, path), errors='replace') as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    text = cache[path]
    i = min(line, len(text))
    while i > 0:
        if text[i - 1].lstrip().startswith('/**'):
            return i
        i -= 1
    return line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kdoc', action='store_true')
    ap.add_argument('--objdir')
    ap.add_argument('linux')
    args = ap.parse_args()
    linux = os.path.realpath(args.linux)
    objdir = os.path.realpath(args.objdir) if args.objdir else None
    wrote = added_lines(linux)
    pat = KDOC if args.kdoc else CC
    seen = set()
    cache = {}
    follow = False
    for raw in sys.stdin.read().splitlines():
        m = pat.match(raw)
        if not m:
            if follow and raw.startswith((' ', '\t')):
                print('        ' + raw.strip())
            else:
                follow = False
            continue
        path = rel_path(m.group('file'), linux, objdir)
        text = path + raw[m.end('file'):]
        if args.kdoc:
            text = m.group('what') + ': ' + text
        if text in seen:
            follow = False
            continue
        seen.add(text)
        line = int(m.group('line'))
        mine = wrote.get(path, ())
        first = doc_start(linux, path, line, cache) if args.kdoc else line
        ours = any(n in mine for n in range(first, line + 1))
        print(('ours: ' if ours else 'upstream: ') + text)
        follow = True


if __name__ == '__main__':
    main()
