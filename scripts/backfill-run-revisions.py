#!/usr/bin/env python3
"""Gives the run.json files committed before run.json recorded its `revisions` (which builds trained which samples)
that record, read back from the repository's history of each file.

    python3 scripts/backfill-run-revisions.py [RESULTS]      # default results/; rewrites the run.json files in place

Until 2026-12-07 a run's run.json named only the revision of the build that last wrote it (`git_revision`): a run
resumed across sessions by several builds kept the last one only, so a stretch trained from uncommitted code
("+dirty") disappeared once a clean build carried the run on. Every committed version of a run.json says which build
had trained the run up to its `samples_seen`; this script lays those versions end to end:
- a version whose `started_utc` differs from the one before, or whose `samples_seen` is lower, is another run in the
  same folder (started over): the record starts again;
- the first version of a run trained from 0 when its `resumes` is 0; otherwise from where is not known
  (`from_samples` null: earlier builds trained it without a commit of their run.json);
- each later version's build trained from the previous version's `samples_seen` to its own.
What this cannot see: builds that trained a run between two commits without their run.json being committed (their
samples are credited to the next committed build). Every stretch it writes says `"reconstructed": true`.
A run.json that already has `revisions` (written by the run itself) is left alone. Standard library only.
"""
import glob, json, os, re, subprocess, sys

from run_json import write_edited  # scripts/run_json.py


def git(*args):
    return subprocess.run(['git', *args], capture_output=True, text=True, check=True).stdout


def versions(path):
    """Every committed version of path, oldest first, then the working tree's if it differs from HEAD."""
    out = []
    for commit in git('log', '--format=%H', '--reverse', '--', path).split():
        try:
            out.append(json.loads(git('show', f'{commit}:{path}')))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue  # deleted or unreadable in that commit
    with open(path, encoding='utf-8') as f:
        current = json.load(f)
    if not out or out[-1] != current:
        out.append(current)
    return out


def stretches(path):
    record, started, reached = [], None, -1
    for v in versions(path):
        revision, samples = v.get('git_revision'), v.get('samples_seen')
        if revision is None or samples is None:
            continue
        if v.get('started_utc') != started or samples < reached:  # another run in this folder
            record = [[revision, 0 if v.get('resumes', 0) == 0 else None, samples]]
        elif record[-1][0] == revision:
            record[-1][2] = samples
        elif samples > reached:
            record.append([revision, reached, samples])
        started, reached = v.get('started_utc'), samples
    return record


def backfill(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if '"revisions"' in text:
        return 'has its record'
    record = stretches(path)
    if not record:
        return 'no revision in its history'
    match = re.search(r'^(\s*)"git_revision": .*,\n', text, re.M)
    if match is None:
        return 'no git_revision line'
    pad = match.group(1)
    items = ',\n'.join(
        f'{pad}  {{\n{pad}    "git_revision": {json.dumps(r)},\n{pad}    "from_samples": {json.dumps(a)},\n'
        f'{pad}    "to_samples": {b},\n{pad}    "reconstructed": true\n{pad}  }}' for r, a, b in record)
    text = text[:match.end()] + f'{pad}"revisions": [\n{items}\n{pad}],\n' + text[match.end():]
    write_edited(path, text)
    dirty = [f'{a}-{b}' for r, a, b in record if r.endswith('+dirty')]
    return f'{len(record)} stretches' + (f', uncommitted code at {", ".join(map(str, dirty))}' if dirty else '')


def main():
    results = sys.argv[1] if len(sys.argv) > 1 else 'results'
    for path in sorted(glob.glob(os.path.join(results, '**', 'run.json'), recursive=True)):
        print(f'{path}: {backfill(path)}')


if __name__ == '__main__':
    main()
