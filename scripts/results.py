#!/usr/bin/env python3
"""Turn one guest run (build/run/<name>) into test counts.

  results.py RUNDIR LINUXDIR
KUnit: the KTAP in dmesg.txt, parsed by the tree's kunit.py (JSON).
Selftests: every selftest-*.log the guest job wrote (kselftest TAP).
libfuse: libfuse-results.jsonl (scripts/libfuse-tests): one case of
libfuse's own suite a line, counted as 'libfuse.<case>'; skipped ones are
printed with their reason.  When the job (RUNDIR/job) ran the suite, a
missing or truncated results file is a failure.
Splats: console.log scanned for KASAN, lockdep, WARNING, BUG, Oops, hung
tasks; each one is printed with context and fails the run.
Host-side checks: build/host-results.txt (next to LINUXDIR), 'ok NAME',
'not ok NAME [# reason]' or 'ok NAME # SKIP reason' a line (scripts/check
writes it), one test each, kind 'host'.
Expected suites: every suite scripts/expected-suites names for the stages
LINUXDIR holds must have a result, else 'not ok expected-suite KIND NAME
missing', one failure each.
Prints one line per failure or skip, then 'N passed, N failed[, N skipped]'
as its last line.  Exit 1 if anything failed or splatted.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SPLAT = re.compile(
    r'(BUG: |WARNING: |UBSAN: |Oops|general protection fault|'
    r'kernel BUG at|INFO: possible|INFO: trying to register|'
    r'inconsistent lock state|INFO: task .* blocked|'
    r'Kernel panic|Call Trace:|list_add corruption|list_del corruption|'
    r'detected stall|soft lockup|hard LOCKUP|Unable to handle kernel)')


def kunit(rundir, linux):
    dmesg = os.path.join(rundir, 'dmesg.txt')
    if not os.path.exists(dmesg):
        return []
    with tempfile.NamedTemporaryFile(suffix='.json') as tf:
        r = subprocess.run([sys.executable,
                            os.path.join(linux, 'tools/testing/kunit/kunit.py'),
                            'parse', '--json=' + tf.name, dmesg],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           cwd=linux)
        with open(os.path.join(rundir, 'kunit.txt'), 'wb') as f:
            f.write(r.stdout)
        try:
            tree = json.load(open(tf.name))
        except ValueError:
            return [('kunit', 'parse', 'FAIL')]
    out = []

    def walk(node, path):
        for c in node.get('test_cases', []):
            out.append(('kunit', '%s.%s' % (path, c['name']), c['status']))
        for g in node.get('sub_groups', []):
            walk(g, g['name'] if not path else path + '.' + g['name'])
    walk(tree, '')
    # KTAP that kunit.py could not follow (a crash or a splat in the
    # middle of a suite) loses cases: count what it reports as errors.
    m = re.search(r'Testing complete\..*errors: (\d+)', r.stdout.decode())
    if m and int(m.group(1)):
        out.append(('kunit', 'KTAP.(%s parse errors, see kunit.txt)' %
                    m.group(1), 'FAIL'))
    return out


TAP = re.compile(r'^(not ok|ok) \d+ (\S+)(.*)$')


def selftests(rundir):
    out = []
    for fn in sorted(os.listdir(rundir)):
        m = re.match(r'selftest-(.+)\.log$', fn)
        if not m:
            continue
        prog = m.group(1)
        text = open(os.path.join(rundir, fn), errors='replace').read()
        seen = 0
        for line in text.splitlines():
            t = TAP.match(line)
            if not t:
                continue
            seen += 1
            name = '%s.%s' % (prog, t.group(2))
            if '# SKIP' in t.group(3):
                out.append(('selftest', name, 'SKIP'))
            elif t.group(1) == 'ok':
                out.append(('selftest', name, 'PASS'))
            else:
                out.append(('selftest', name, 'FAIL'))
        rcf = os.path.join(rundir, 'selftest-%s.rc' % prog)
        rc = open(rcf).read().strip() if os.path.exists(rcf) else 'missing'
        if not seen or rc not in ('0', '4'):
            # no TAP at all, or the program died/failed without saying so
            if rc != '0' and not any(s == 'FAIL' for k, n, s in out
                                     if n.startswith(prog + '.')):
                out.append(('selftest', prog + '.(exit %s)' % rc, 'FAIL'))
    return out


LIBFUSE_RESULTS = 'libfuse-results.jsonl'
LIBFUSE_JOB_MARK = 'scripts/libfuse-tests --guest'


def libfuse(rundir):
    """libfuse's test suite: (kind, name, status, reason) per case."""
    job = os.path.join(rundir, 'job')
    expected = (os.path.exists(job) and
                LIBFUSE_JOB_MARK in open(job, errors='replace').read())
    path = os.path.join(rundir, LIBFUSE_RESULTS)
    if not os.path.exists(path):
        if expected:
            return [('libfuse', 'libfuse.(no %s: the suite did not run)' %
                     LIBFUSE_RESULTS, 'FAIL', '')]
        return []
    out = []
    runner_exit = None
    for lineno, line in enumerate(open(path, errors='replace'), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except ValueError:
            out.append(('libfuse', 'libfuse.(%s:%d is not JSON)' %
                        (LIBFUSE_RESULTS, lineno), 'FAIL', ''))
            continue
        if 'runner_exit' in r:
            runner_exit = str(r['runner_exit'])
            continue
        status = r.get('status')
        if status not in ('PASS', 'FAIL', 'SKIP'):
            status = 'FAIL'
        out.append(('libfuse', 'libfuse.' + str(r.get('name', '?')), status,
                    r.get('reason') or ''))
    if runner_exit is None:
        out.append(('libfuse', 'libfuse.(results truncated: no runner exit)',
                    'FAIL', ''))
    elif runner_exit != '0' and not any(r[2] == 'FAIL' for r in out):
        out.append(('libfuse', 'libfuse.(run-tests.py exit %s)' % runner_exit,
                    'FAIL', ''))
    if not out:
        out.append(('libfuse', 'libfuse.(no cases)', 'FAIL', ''))
    return out


def splats(rundir):
    path = os.path.join(rundir, 'console.log')
    if not os.path.exists(path):
        return ['no console log']
    lines = open(path, errors='replace').read().splitlines()
    found = []
    i = 0
    while i < len(lines):
        if SPLAT.search(lines[i]):
            found.append('\n'.join(lines[max(0, i - 2):i + 25]))
            i += 25
        else:
            i += 1
    return found


# ---- host-side checks and expected suites
HOST_RESULTS = 'host-results.txt'
HOST_LINE = re.compile(r'^(ok|not ok) (\S+)(?:\s+#\s*(SKIP\b)?\s*(.*))?$')
EXPECTED = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'expected-suites')


def host_results(linux):
    """build/host-results.txt: (kind, name, status) per line; the check
    printed its reasons already."""
    path = os.path.join(os.path.dirname(linux), HOST_RESULTS)
    if not os.path.exists(path):
        return []
    out = []
    for lineno, line in enumerate(open(path, errors='replace'), 1):
        if not line.strip():
            continue
        m = HOST_LINE.match(line.strip())
        if not m:
            out.append(('host', '(unreadable line %d)' % lineno, 'FAIL'))
        elif m.group(3):
            out.append(('host', m.group(2), 'SKIP'))
        else:
            out.append(('host', m.group(2),
                        'PASS' if m.group(1) == 'ok' else 'FAIL'))
    return out


def assembled_stage(linux):
    """The last stage of the series LINUXDIR holds: the highest "stage: N"
    note after base, 1 if no commit has one, 0 without commits.  If git
    cannot tell, every stage (expect everything)."""
    def git(*args):
        r = subprocess.run(['git', '-C', linux, *args], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        return r.stdout.decode() if r.returncode == 0 else None
    count = git('rev-list', '--count', 'base..HEAD')
    notes = git('log', '--format=%N', 'base..HEAD')
    if count is None or notes is None:
        return sys.maxsize
    stages = [int(n) for n in re.findall(r'stage:\s*(\d+)', notes)]
    return max(stages) if stages else (1 if int(count) else 0)


def missing_suites(linux, res):
    """'KIND NAME' of each suite scripts/expected-suites expects and res
    has no result of."""
    stage = assembled_stage(linux)
    try:
        lines = open(EXPECTED).read().splitlines()
    except OSError:
        return ['(%s unreadable)' % EXPECTED]
    missing = []
    for lineno, line in enumerate(lines, 1):
        f = line.split('#', 1)[0].split()
        if not f:
            continue
        if len(f) != 3 or not f[0].isdigit():
            missing.append('(expected-suites:%d unreadable)' % lineno)
            continue
        if int(f[0]) > stage:
            continue
        kind, name = f[1], f[2]
        if not any(r[0] == kind and (r[1] == name or
                                     r[1].startswith((name + '.', name + '/')))
                   for r in res):
            missing.append('%s %s' % (kind, name))
    return missing
# ---- end host-side checks and expected suites


def main():
    rundir, linux = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    res = kunit(rundir, linux) + selftests(rundir) + libfuse(rundir)
    res += host_results(linux)
    sp = splats(rundir)
    npass = sum(1 for r in res if r[2] == 'PASS')
    nfail = sum(1 for r in res if r[2] not in ('PASS', 'SKIP'))
    nskip = sum(1 for r in res if r[2] == 'SKIP')
    missing = missing_suites(linux, res)        # scripts/expected-suites
    nfail += len(missing)
    suites = sorted({(r[0], r[1].split('.')[0]) for r in res})
    for k, s in suites:
        sub = [r for r in res if r[0] == k and r[1].split('.')[0] == s]
        line = '  %-8s %-36s %3d cases, %d failed' % (
            k, s, len(sub), sum(1 for r in sub if r[2] == 'FAIL'))
        nsub_skip = sum(1 for r in sub if r[2] == 'SKIP')
        if nsub_skip:
            line += ', %d skipped' % nsub_skip
        print(line)
    for r in res:
        if r[2] != 'PASS':
            # A reason, where the suite gives one (libfuse's cases do).
            why = ': ' + r[3] if len(r) > 3 and r[3] else ''
            print('%s %s %s%s' % (r[2], r[0], r[1], why))
    for m in missing:
        print('not ok expected-suite %s missing' % m)
    for s in sp:
        print('SPLAT in guest log:\n' + s + '\n')
    with open(os.path.join(rundir, 'results.json'), 'w') as f:
        json.dump({'cases': res, 'splats': sp}, f, indent=1)
    rc = 1 if (nfail or sp or not res) else 0
    if sp:
        print('%d splat(s) in the guest log' % len(sp))
    line = '%d passed, %d failed' % (npass, nfail + len(sp))
    if nskip:
        line += ', %d skipped' % nskip
    print(line)
    sys.exit(rc)


if __name__ == '__main__':
    main()
