#!/usr/bin/env python3
"""Move the fsstack series between the repository and build/linux.

assemble: base kernel (Debian linux-source-7.3) as one commit, then every
          patch of patches/series as one commit, the files a commit creates
          taken from their kernel paths in the repository.
refresh:  the reverse: every commit after the base in build/linux becomes a
          patch in patches/<stage>/ plus, for each file it creates, that file
          at its kernel path in the repository.

Each commit's stage is a git note ("stage: N") in build/linux; notes follow
commits through rebase and amend.  A commit without a note belongs to the
stage of its parent.  Assembling twice gives the same commit ids: author and
committer dates come from the patch.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, 'build')
LINUX = os.path.join(BUILD, 'linux')
PATCHES = os.path.join(TOP, 'patches')
SERIES = os.path.join(PATCHES, 'series')
BASE_PKG = 'linux-source-7.3'
TARBALL = os.path.join(BUILD, 'src', BASE_PKG + '.tar.xz')
NEWFILE = 'fsstack-new-file: '
STAGE_NAMES = {
    1: 'fs/stack library',
    2: 'FUSE passthrough for all operations',
    3: 'fuse-bpf on the passthrough paths',
}
BASE_IDENT = {
    'GIT_AUTHOR_NAME': 'Debian kernel team',
    'GIT_AUTHOR_EMAIL': 'debian-kernel@lists.debian.org',
    'GIT_AUTHOR_DATE': '2025-01-01T00:00:00+0000',
    'GIT_COMMITTER_NAME': 'Debian kernel team',
    'GIT_COMMITTER_EMAIL': 'debian-kernel@lists.debian.org',
    'GIT_COMMITTER_DATE': '2025-01-01T00:00:00+0000',
}


def git(*args, cwd=LINUX, env=None, inp=None, check=True):
    e = dict(os.environ)
    if env:
        e.update(env)
    r = subprocess.run(['git', *args], cwd=cwd, env=e, input=inp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and r.returncode:
        sys.exit('git %s: %s' % (' '.join(args), r.stderr.decode()))
    return r.stdout.decode()


def read_series():
    """[(stage, relpath)] in order."""
    out = []
    if not os.path.exists(SERIES):
        return out
    for line in open(SERIES):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        m = re.match(r'stage(\d+)/', line)
        if not m:
            sys.exit('series: cannot tell the stage of %s' % line)
        out.append((int(m.group(1)), line))
    return out


def new_files_of(patch_text):
    head = patch_text.split('\ndiff --git ', 1)[0]
    return [l[len(NEWFILE):].strip() for l in head.splitlines()
            if l.startswith(NEWFILE)]


def inputs_digest(stage):
    h = hashlib.sha256(('stage=%d\n' % stage).encode())
    for st, rel in read_series():
        if st > stage:
            continue
        text = open(os.path.join(PATCHES, rel)).read()
        h.update(rel.encode() + b'\0' + text.encode())
        for f in new_files_of(text):
            p = os.path.join(TOP, f)
            h.update(f.encode() + b'\0')
            h.update(open(p, 'rb').read())
            h.update(b'x' if os.access(p, os.X_OK) else b'-')
    return h.hexdigest()


def stamp_path():
    return os.path.join(LINUX, '.git', 'fsstack-assembled')


def read_stamp():
    try:
        d = dict(l.split('=', 1) for l in open(stamp_path()).read().split())
        return d
    except (OSError, ValueError):
        return {}


def base_version():
    try:
        return open(os.path.join(BUILD, 'src', 'VERSION')).read().strip()
    except OSError:
        return 'unknown'


def make_base():
    want = 'Debian %s %s' % (BASE_PKG, base_version())
    if os.path.isdir(os.path.join(LINUX, '.git')):
        if git('tag', '-l', 'base').strip():
            have = git('log', '-1', '--format=%s', 'base').strip()
            if have == want:
                return
            sys.exit('assemble: build/linux is based on "%s", not "%s": '
                     'move it aside (or remove it) and assemble again' %
                     (have, want))
    if not os.path.exists(TARBALL):
        sys.exit('%s missing: run scripts/deps' % TARBALL)
    ver = base_version()
    print('assemble: unpacking %s %s (once)' % (BASE_PKG, ver))
    shutil.rmtree(LINUX, ignore_errors=True)
    os.makedirs(BUILD, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=BUILD)
    subprocess.run(['tar', '-xJf', TARBALL, '-C', tmp], check=True)
    os.rename(os.path.join(tmp, BASE_PKG), LINUX)
    os.rmdir(tmp)
    git('init', '-q', '-b', 'fsstack')
    git('config', 'notes.rewriteRef', 'refs/notes/commits')
    git('config', 'core.autocrlf', 'false')
    git('config', 'user.name', 'fsstack developer')
    git('config', 'user.email', 'fsstack@localhost')
    git('add', '-A', '-f')
    git('commit', '-q', '-m', 'Debian %s %s' % (BASE_PKG, ver),
        env=BASE_IDENT)
    git('tag', 'base')


def dirty():
    return git('status', '--porcelain', '--untracked-files=no').strip()


def apply_patch(rel):
    path = os.path.join(PATCHES, rel)
    text = open(path).read()
    with tempfile.TemporaryDirectory() as td:
        msg, pat = os.path.join(td, 'msg'), os.path.join(td, 'patch')
        info = git('mailinfo', '-b', msg, pat, inp=text.encode())
        hdr = dict(l.split(': ', 1) for l in info.splitlines() if ': ' in l)
        body = open(msg).read()
        ptext = open(pat).read()
        if '\ndiff --git ' in '\n' + ptext:
            r = subprocess.run(['git', 'apply', '--index', '--whitespace=nowarn',
                                pat], cwd=LINUX, stderr=subprocess.PIPE)
            if r.returncode:
                sys.exit('assemble: %s does not apply:\n%s' %
                         (rel, r.stderr.decode()))
    for f in new_files_of(text):
        src = os.path.join(TOP, f)
        dst = os.path.join(LINUX, f)
        if not os.path.exists(src):
            sys.exit('assemble: %s names %s, missing in the repository' %
                     (rel, f))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        git('add', '-f', f)
    subject = hdr.get('Subject', '').strip()
    env = {
        'GIT_AUTHOR_NAME': hdr.get('Author', 'fsstack'),
        'GIT_AUTHOR_EMAIL': hdr.get('Email', 'fsstack@localhost'),
        'GIT_AUTHOR_DATE': hdr.get('Date', BASE_IDENT['GIT_AUTHOR_DATE']),
    }
    env['GIT_COMMITTER_NAME'] = env['GIT_AUTHOR_NAME']
    env['GIT_COMMITTER_EMAIL'] = env['GIT_AUTHOR_EMAIL']
    env['GIT_COMMITTER_DATE'] = env['GIT_AUTHOR_DATE']
    message = subject + ('\n\n' + body.strip() if body.strip() else '') + '\n'
    git('commit', '-q', '--allow-empty', '--cleanup=verbatim', '-F', '-',
        env=env, inp=message.encode())


def assemble(args):
    stage = args.stage
    make_base()
    digest = inputs_digest(stage)
    st = read_stamp()
    head = git('rev-parse', 'HEAD').strip()
    if st.get('digest') == digest and st.get('head') == head and not dirty():
        print('assemble: build/linux is up to date (stage %d, %s)' %
              (stage, head[:12]))
        return
    if not args.force and st and (st.get('head') != head or dirty()):
        sys.exit('assemble: build/linux has work that is not in the repository '
                 '(HEAD or tree changed since assembly).\n'
                 '  make refresh   writes it back;  make assemble FORCE=1 '
                 'discards it.')
    git('checkout', '-q', '-f', '-B', 'fsstack', 'base')
    git('clean', '-q', '-fdx', '-e', '/.git')
    git('notes', 'prune')
    for t in git('tag', '-l', 'stage*').split():
        git('tag', '-d', t)
    last = 0
    for st_, rel in read_series():
        if st_ > stage:
            break
        if last and st_ != last:
            git('tag', 'stage%d' % last)
        apply_patch(rel)
        if st_ != last:
            git('notes', 'add', '-f', '-m', 'stage: %d' % st_)
        last = st_
    if last:
        git('tag', 'stage%d' % last)
    head = git('rev-parse', 'HEAD').strip()
    with open(stamp_path(), 'w') as f:
        f.write('digest=%s\nhead=%s\nstage=%d\n' % (digest, head, stage))
    n = len([1 for s, _ in read_series() if s <= stage])
    print('assemble: build/linux = base + %d patches (stages 1..%d), HEAD %s'
          % (n, stage, head[:12]))


def stage_of_commits(commits):
    """Stage of each commit: its note, else the stage of its parent."""
    stages = {}
    cur = 1
    for c in commits:
        note = git('notes', 'show', c, check=False)
        m = re.search(r'stage:\s*(\d+)', note)
        if m:
            cur = int(m.group(1))
        stages[c] = cur
    return stages


def slug(c):
    return git('log', '-1', '--format=%f', c).strip()[:52].rstrip('-.')


def commit_patch(c, added):
    hdr = git('log', '-1', '--format=From: %an <%ae>%nDate: %aD%nSubject: '
              '[PATCH] %s%n%n%b', c).rstrip('\n') + '\n'
    stat = git('show', '--format=', '-M', '--stat=72,60', c)
    others = [l.split('\t')[-1] for l in
              git('show', '--format=', '-M', '--name-status', c).splitlines()
              if l and not l.startswith('A\t')]
    srcs = [l.split('\t')[1] for l in
            git('show', '--format=', '-M', '--name-status', c).splitlines()
            if l.startswith('R')]
    diff = ''
    if others:
        diff = git('show', '--format=', '-M', '--full-index', '--binary', c,
                   '--', *others, *srcs)
    out = 'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
    out += hdr + '---\n' + stat
    if added:
        out += '\n' + ''.join('%s%s\n' % (NEWFILE, f) for f in added)
    out += '\n' + diff
    return out


def refresh(args):
    if dirty():
        sys.exit('refresh: build/linux has uncommitted changes: commit them first')
    commits = git('rev-list', '--reverse', 'base..HEAD').split()
    stages = stage_of_commits(commits)
    st = read_stamp()
    asm_stage = int(st.get('stage', 3))
    keep_stage = max([asm_stage] + list(stages.values()))
    old = [(s, r) for s, r in read_series()]
    # files created by patches being rewritten: remove, then write anew
    for s, rel in old:
        if s <= keep_stage:
            p = os.path.join(PATCHES, rel)
            for f in new_files_of(open(p).read()):
                try:
                    os.unlink(os.path.join(TOP, f))
                except FileNotFoundError:
                    pass
            os.unlink(p)
    series = [(s, r) for s, r in old if s > keep_stage]
    counters = {}
    new = []
    for c in commits:
        s = stages[c]
        counters[s] = counters.get(s, 0) + 1
        added = [l.split('\t', 1)[1] for l in
                 git('show', '--format=', '-M', '--name-status', c).splitlines()
                 if l.startswith('A\t')]
        for f in added:
            dst = os.path.join(TOP, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            data = subprocess.run(['git', 'show', '%s:%s' % (c, f)], cwd=LINUX,
                                  stdout=subprocess.PIPE, check=True).stdout
            with open(dst, 'wb') as fh:
                fh.write(data)
            mode = git('ls-tree', c, '--', f).split()[0]
            os.chmod(dst, 0o755 if mode == '100755' else 0o644)
        rel = 'stage%d/%04d-%s.patch' % (s, counters[s], slug(c))
        os.makedirs(os.path.join(PATCHES, 'stage%d' % s), exist_ok=True)
        with open(os.path.join(PATCHES, rel), 'w') as fh:
            fh.write(commit_patch(c, added))
        new.append((s, rel))
    allp = sorted(new + series, key=lambda x: (x[0], x[1]))
    with open(SERIES, 'w') as fh:
        fh.write('# fsstack series, applied in this order on Debian '
                 '%s (scripts/series.py)\n' % BASE_PKG)
        last = None
        for s, rel in allp:
            if s != last:
                fh.write('\n# stage %d: %s\n' % (s, STAGE_NAMES.get(s, '')))
                last = s
            fh.write(rel + '\n')
    # remove empty stage dirs
    for d in os.listdir(PATCHES):
        p = os.path.join(PATCHES, d)
        if os.path.isdir(p) and not os.listdir(p):
            os.rmdir(p)
    head = git('rev-parse', 'HEAD').strip()
    digest = inputs_digest(keep_stage)
    with open(stamp_path(), 'w') as f:
        f.write('digest=%s\nhead=%s\nstage=%d\n' % (digest, head, keep_stage))
    print('refresh: %d commits written to patches/ (stages up to %d)' %
          (len(commits), keep_stage))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('assemble')
    a.add_argument('--stage', type=int, default=3)
    a.add_argument('--force', action='store_true')
    sub.add_parser('refresh')
    args = ap.parse_args()
    {'assemble': assemble, 'refresh': refresh}[args.cmd](args)


if __name__ == '__main__':
    main()
