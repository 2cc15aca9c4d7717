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


def write_stamp(digest, head, stage):
    tmp = stamp_path() + '.new'
    with open(tmp, 'w') as f:
        f.write('digest=%s\nhead=%s\nstage=%d\n' % (digest, head, stage))
    os.replace(tmp, stamp_path())


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


def nul_list(*args):
    return [p for p in git(*args).split('\0') if p]


def is_build_product(path):
    """Whether assemble may delete untracked PATH of build/linux unasked.

    Every build is out of tree (O=build/obj-*, selftests with OUTPUT=), so
    the only things a build leaves in build/linux are
     - Python byte code (__pycache__/, *.pyc) from running the tree's own
       Python tools on the host: kunit.py (results.py), scripts/kernel-doc
       (static), spdxcheck.py (checkpatch);
     - objects, programs and dependency files of a tools/ build made in
       the tree (make -C tools/fuse): ELF files, *.o, *.d, .*.cmd below
       tools/.
    Anything else is somebody's work, whatever .gitignore says: Debian's
    top-level .gitignore ignores every top-level entry ("/*"), so a new
    file not yet "git add -f"'d, a *.rej or *.orig of a patch that did not
    apply, or a scratch patch are all "ignored" to git.
    """
    parts = path.split('/')
    if '__pycache__' in parts[:-1] or path.endswith(('.pyc', '.pyo')):
        return True
    if parts[0] != 'tools' or path.endswith('/'):
        return False
    name = parts[-1]
    if name.endswith(('.o', '.d')) or (name.startswith('.') and
                                       name.endswith('.cmd')):
        return True
    try:
        with open(os.path.join(LINUX, path), 'rb') as f:
            return f.read(4) == b'\x7fELF'
    except OSError:
        return False


def untracked_work():
    """Untracked paths in build/linux that are not build products.

    Paths git does not ignore are always work; of the ignored ones, only
    build products (is_build_product) may go.  A nested repository is
    listed as "dir/" and counts as work.
    """
    visible = set(nul_list('ls-files', '-z', '--others', '--exclude-standard'))
    return [p for p in nul_list('ls-files', '-z', '--others')
            if p in visible or not is_build_product(p)]


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
    # Without a stamp (build/linux was just unpacked) HEAD must be base.
    want_head = st.get('head') or git('rev-parse', 'base^{commit}').strip()
    if not args.force and (want_head != head or dirty()):
        sys.exit('assemble: build/linux has work that is not in the repository '
                 '(HEAD or tree changed since assembly).\n'
                 '  make refresh   writes it back;  make assemble FORCE=1 '
                 'discards it.')
    if not args.force:
        work = untracked_work()
        if work:
            shown = ''.join('  %s\n' % p for p in work[:20])
            if len(work) > 20:
                shown += '  ... and %d more\n' % (len(work) - 20)
            sys.exit('assemble: build/linux has %d untracked file(s) that are '
                     'not build products:\n%s'
                     'Commit them ("git add -f": Debian\'s .gitignore ignores '
                     'everything) and make refresh, or move them away;\n'
                     'make assemble FORCE=1 deletes them.' % (len(work), shown))
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
    write_stamp(digest, head, stage)
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


def scratch_dir():
    """A directory for refresh's staging area, on the repository's file
    system so that the staged files can be renamed into place."""
    os.makedirs(BUILD, exist_ok=True)
    if os.stat(BUILD).st_dev == os.stat(TOP).st_dev:
        return BUILD
    return TOP


def same_file(path, data, mode):
    try:
        st = os.lstat(path)
        if not os.path.isfile(path) or os.path.islink(path):
            return False
        if (st.st_mode & 0o777) != mode:
            return False
        with open(path, 'rb') as fh:
            return fh.read() == data
    except OSError:
        return False


class KeepScratch(SystemExit):
    """An undo failed: the staging directory holds the only copy of some
    of the previous files, keep it."""


def swap_in(tmp, placed, gone):
    """Put the staged files in place, all or nothing.

    placed: [(staged path, destination)], gone: [destination to remove].
    Every destination that exists is first renamed into tmp/old, so that
    on any error (or an interrupt) each step can be undone in reverse.
    """
    backup = os.path.join(tmp, 'old')
    os.mkdir(backup)
    undo = []

    def aside(dst):
        b = os.path.join(backup, str(len(undo)))
        os.rename(dst, b)
        undo.append(('rename', b, dst))

    try:
        for dst in gone:
            aside(dst)
        for src, dst in placed:
            parent = os.path.dirname(dst)
            missing = []
            while not os.path.isdir(parent):
                missing.append(parent)
                parent = os.path.dirname(parent)
            for d in reversed(missing):
                os.mkdir(d)
                undo.append(('rmdir', d, None))
            if os.path.lexists(dst):
                aside(dst)
            os.rename(src, dst)
            undo.append(('rename', dst, src))
    except BaseException:
        failed = []
        for what, a, b in reversed(undo):
            try:
                if what == 'rename':
                    os.rename(a, b)
                else:
                    os.rmdir(a)
            except OSError as e:
                failed.append('%s %s: %s' % (what, a, e))
        if failed:
            sys.stderr.write('refresh: could not undo a partial write; the '
                             'previous files are in %s:\n  %s\n' %
                             (backup, '\n  '.join(failed)))
            raise KeepScratch(1) from None
        raise


def prune_empty_dirs(paths):
    """Remove the directories the removed files leave empty, up to TOP."""
    for p in paths:
        d = os.path.dirname(p)
        while d != TOP and d.startswith(TOP + os.sep):
            try:
                os.rmdir(d)
            except OSError:
                break
            d = os.path.dirname(d)


def refresh(args):
    """Write the commits after base back to patches/ and the new files.

    Everything is written aside first (a directory in build/): the new
    patches/ as a whole, and each file the commits create.  Only when all
    of it is complete are they renamed into place, patches/ last; if
    anything fails before or while they are, the repository is left as it
    was.
    """
    if dirty():
        sys.exit('refresh: build/linux has uncommitted changes: commit them first')
    commits = git('rev-list', '--reverse', 'base..HEAD').split()
    stages = stage_of_commits(commits)
    st = read_stamp()
    asm_stage = int(st.get('stage', 3))
    keep_stage = max([asm_stage] + list(stages.values()))
    old = read_series()
    rewritten = [(s, r) for s, r in old if s <= keep_stage]
    series = [(s, r) for s, r in old if s > keep_stage]
    old_files, kept_files = set(), set()
    for s, rel in old:
        names = new_files_of(open(os.path.join(PATCHES, rel)).read())
        (old_files if s <= keep_stage else kept_files).update(names)

    tmp = tempfile.mkdtemp(prefix='.refresh-', dir=scratch_dir())
    try:
        staged = os.path.join(tmp, 'patches')
        if os.path.isdir(PATCHES):
            shutil.copytree(PATCHES, staged, symlinks=True)
        else:
            os.mkdir(staged)
        for s, rel in rewritten:
            try:
                os.unlink(os.path.join(staged, rel))
            except FileNotFoundError:
                pass
        files = {}      # kernel path -> staged copy, for the files to write
        created = {}    # kernel path -> commit creating it
        counters = {}
        new = []
        for c in commits:
            s = stages[c]
            counters[s] = counters.get(s, 0) + 1
            added = [l.split('\t', 1)[1] for l in
                     git('show', '--format=', '-M', '--name-status',
                         c).splitlines()
                     if l.startswith('A\t')]
            for f in added:
                what = '%s creates %s' % (c[:12], f)
                if f in created:
                    sys.exit('refresh: %s, which %s created already: the '
                             'repository can hold only one of them' %
                             (what, created[f][:12]))
                if f.split('/')[0] in ('patches', 'build', '.git'):
                    sys.exit('refresh: %s: that path belongs to the '
                             'repository itself' % what)
                if f in kept_files:
                    sys.exit('refresh: %s, which a patch of a later stage '
                             'creates too' % what)
                created[f] = c
                data = subprocess.run(['git', 'show', '%s:%s' % (c, f)],
                                      cwd=LINUX, stdout=subprocess.PIPE,
                                      check=True).stdout
                mode = git('ls-tree', c, '--', f).split()[0]
                mode = 0o755 if mode == '100755' else 0o644
                dst = os.path.join(TOP, f)
                if same_file(dst, data, mode):
                    continue
                if os.path.lexists(dst) and f not in old_files:
                    sys.exit('refresh: %s, which exists in the repository '
                             'and no patch of the series creates: not '
                             'overwriting it' % what)
                sp = os.path.join(tmp, 'files', f)
                os.makedirs(os.path.dirname(sp), exist_ok=True)
                with open(sp, 'wb') as fh:
                    fh.write(data)
                os.chmod(sp, mode)
                files[f] = sp
            rel = 'stage%d/%04d-%s.patch' % (s, counters[s], slug(c))
            os.makedirs(os.path.join(staged, 'stage%d' % s), exist_ok=True)
            with open(os.path.join(staged, rel), 'w') as fh:
                fh.write(commit_patch(c, added))
            new.append((s, rel))
        allp = sorted(new + series, key=lambda x: (x[0], x[1]))
        with open(os.path.join(staged, 'series'), 'w') as fh:
            fh.write('# fsstack series, applied in this order on Debian '
                     '%s (scripts/series.py)\n' % BASE_PKG)
            last = None
            for s, rel in allp:
                if s != last:
                    fh.write('\n# stage %d: %s\n' % (s, STAGE_NAMES.get(s, '')))
                    last = s
                fh.write(rel + '\n')
        for d in os.listdir(staged):
            p = os.path.join(staged, d)
            if os.path.isdir(p) and not os.path.islink(p) and not os.listdir(p):
                os.rmdir(p)
        gone = sorted(os.path.join(TOP, f) for f in old_files - set(created)
                      if os.path.lexists(os.path.join(TOP, f)))
        placed = [(sp, os.path.join(TOP, f)) for f, sp in sorted(files.items())]
        placed.append((staged, PATCHES))
        swap_in(tmp, placed, gone)
    except KeepScratch:
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    prune_empty_dirs(gone)
    head = git('rev-parse', 'HEAD').strip()
    digest = inputs_digest(keep_stage)
    write_stamp(digest, head, keep_stage)
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
