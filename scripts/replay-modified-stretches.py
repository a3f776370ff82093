#!/usr/bin/env python3
"""Replays, with a build of a commit, the stretches of figure runs that a build from uncommitted code trained
("+dirty" in run.json's `revisions`), and records in run.json each replay that came out identical.

    python3 scripts/replay-modified-stretches.py [--bin DIR | --base] [--data-dir DIR] [--dry-run] RUN_FOLDER ...

e.g. `python3 scripts/replay-modified-stretches.py --bin /tmp/clean/src/Aevb.Cli/bin/Release/net10.0
results/fig2/frey-h200-z2-aevb`. Training is deterministic (same seed, same ISA: same bits), so where a clean build,
given the state the stretch started from, writes the same log rows and the same checkpoint, the numbers the run
reports are the ones committed code produces, and running the whole run again would change nothing.

For each stretch trained from uncommitted code and not yet replayed (neighbouring ones joined, one replay for all):
- the state it started from: an empty folder where it started at 0 (or where its start is not known: the replay
  from 0 covers it), else the committed version of the run folder whose run.json says `samples_seen` equals the
  stretch's start (skipped where no commit holds one);
- `aevb reproduce` with the run's figure, data set, latent size, method, training-set size and seed, to the
  stretch's end, in a temporary folder, one engine thread (AEVB_NUM_THREADS, unless set);
- compared: every log row of the run inside the stretch, all columns but the timings (`*_seconds`), as written (as
  the replay goes: it is stopped at the first row that differs); the replay's settings (those the run's run.json
  names) and step-size trial with the run's; the replay's checkpoint with the committed one at the stretch's end
  where a commit holds one, every tensor (the metadata holds timings).
With --base, each stretch is replayed by a build of the commit its tree was modified from instead (where the
engine has changed since, only that build can give the same bits; a build of any commit will do as evidence).
Where everything compares equal, the stretch in run.json gets `"replayed": {"git_revision", "log_rows",
"checkpoint": "identical" | "none committed", "isa"}`; otherwise the first difference is printed and run.json is
left alone. The build must be of a commit (its run.json revision without "+dirty"). Standard library only.
"""
import argparse, csv, io, json, os, re, struct, subprocess, sys, tempfile

from run_json import write_edited  # scripts/run_json.py


def git(*args, binary=False):
    out = subprocess.run(['git', *args], capture_output=True, check=True).stdout
    return out if binary else out.decode()


def committed_state(folder, samples):
    """The newest commit whose run.json in folder says samples_seen == samples and that holds a checkpoint."""
    for commit in git('log', '--format=%H', '--', f'{folder}/run.json').split():
        try:
            info = json.loads(git('show', f'{commit}:{folder}/run.json'))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue
        if info.get('samples_seen') == samples:
            try:
                git('cat-file', '-e', f'{commit}:{folder}/checkpoint.safetensors')
                return commit
            except subprocess.CalledProcessError:
                continue
    return None


def tensors(data):
    """name -> (dtype, shape, bytes) of a safetensors file, without its metadata."""
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    return {k: (v['dtype'], v['shape'], body[v['data_offsets'][0]:v['data_offsets'][1]])
            for k, v in header.items() if k != '__metadata__'}


def rows(text):
    """samples -> the row's values but the timings."""
    reader = csv.DictReader(io.StringIO(text))
    return {int(r['samples']): {k: v for k, v in r.items() if not k.endswith('_seconds')} for r in reader}


def first_difference(committed, path, start, end):
    """The first log row inside (start, end] that the replay has written and that differs from the run's, or None."""
    try:
        with open(path, encoding='utf-8') as f:
            replayed = rows(f.read())
    except FileNotFoundError:
        return None
    for s in sorted(s for s in replayed if start < s <= end and s in committed):
        if replayed[s] != committed[s]:
            return f'{s}: committed {committed[s]}, replayed {replayed[s]}'
    return None


def command(info, to):
    s = info['settings']
    args = ['reproduce', info['figure']]
    if info['figure'] == 'fig2':
        args += ['--dataset', s['dataset'], '--latent', str(s['latent'])]
    else:
        args += ['--ntrain', str(s['train_count'])]
    return args + ['--method', info['method'], '--seed', str(info['seed']), '--samples', str(to), '--no-charts']


def base(stretch):
    return stretch['git_revision'].removesuffix('+dirty')


def spans(stretches, by_base):
    """Neighbouring stretches joined (one replay covers them all), with by_base only those modified from one commit."""
    out = []
    for s in stretches:
        if (out and s['from_samples'] is not None and out[-1][-1]['to_samples'] == s['from_samples']
                and (not by_base or base(out[-1][-1]) == base(s))):
            out[-1].append(s)
        else:
            out.append([s])
    return out


def replay(folder, span, cli, data_dir, dry_run):
    start, end = span[0]['from_samples'], span[-1]['to_samples']
    if start is None:
        start = 0  # not known where it started: replayed from the start, which covers it whatever came before
    with open(os.path.join(folder, 'run.json'), encoding='utf-8') as f:
        info = json.load(f)
    name, figure = info['run'], info['figure']
    begin = None if start == 0 else committed_state(folder, start)
    if start > 0 and begin is None:
        return f'{start}-{end}: no commit holds its checkpoint at {start}; not replayed'
    finish = committed_state(folder, end)
    args = command(info, end)
    if dry_run:
        return f'{start}-{end}: would run `aevb {" ".join(args)}` from {begin or "an empty folder"}'
    with tempfile.TemporaryDirectory(prefix='aevb-replay-') as tmp:
        run_dir = os.path.join(tmp, figure, name)
        os.makedirs(run_dir)
        if begin is not None:
            for file in ('run.json', 'log.csv', 'checkpoint.safetensors', 'model.safetensors'):
                try:
                    data = git('show', f'{begin}:{folder}/{file}', binary=True)
                except subprocess.CalledProcessError:
                    continue
                with open(os.path.join(run_dir, file), 'wb') as f:
                    f.write(data)
        env = dict(os.environ, AEVB_NUM_THREADS=os.environ.get('AEVB_NUM_THREADS', '1'))
        isa = subprocess.run(['dotnet', cli, 'info'], capture_output=True, text=True, env=env).stdout.split('\n')[0]
        isa = isa.removeprefix('engine: ').split(',')[0]
        print(f'  {start}-{end}: aevb {" ".join(args)} ({isa}, from {begin[:7] if begin else "an empty folder"})',
              flush=True)
        with open(os.path.join(folder, 'log.csv'), encoding='utf-8') as f:
            committed = rows(f.read())
        # Compared as it goes, every 10 s: a replay that parts from the run is stopped at its first differing row
        # rather than trained to the end.
        # stderr to a file: a pipe nobody reads could fill and stall the replay.
        with open(os.path.join(tmp, 'stderr.txt'), 'w+', encoding='utf-8') as errors:
            child = subprocess.Popen(['dotnet', cli, *args, '--out', tmp, '--data-dir', data_dir], env=env,
                                     stdout=subprocess.DEVNULL, stderr=errors)
            try:
                while True:
                    try:
                        code = child.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        code = None
                    differs = first_difference(committed, os.path.join(run_dir, 'log.csv'), start, end)
                    if differs is not None:
                        return f'{start}-{end}: differs at {differs}; stopped there, nothing recorded'
                    if code is not None:
                        break
            finally:
                if child.poll() is None:
                    child.terminate()
                    child.wait()
            errors.seek(0)
            message = errors.read().strip().splitlines()[-1:]
        if code != 0:
            return f'{start}-{end}: the replay failed ({message})'
        with open(os.path.join(run_dir, 'run.json'), encoding='utf-8') as f:
            again = json.load(f)
        revision = again.get('git_revision', '')
        if revision.endswith('+dirty'):
            return f'{start}-{end}: the replaying build is from uncommitted code ({revision}); nothing recorded'
        # Settings added after the run began are missing from its run.json; their defaults are the behaviour before
        # them (the committed run.json files read back so), so only the keys both name are compared.
        mine = {k: v for k, v in info['settings'].items() if k != 'samples' and k in again['settings']}
        theirs = {k: v for k, v in again['settings'].items() if k != 'samples' and k in info['settings']}
        if mine != theirs or len(mine) < len(info['settings']) - 1:
            diff = sorted(k for k in info['settings'].keys() | theirs.keys() if k != 'samples' and mine.get(k) != theirs.get(k))
            return f'{start}-{end}: settings differ ({", ".join(diff)}); nothing recorded'
        if start == 0:
            a, b = ({k: v for k, v in i.get('learning_rate_selection', {}).items() if k != 'seconds'} for i in (info, again))
            if a != b:
                return f'{start}-{end}: the step-size trial differs ({a} against {b}); nothing recorded'
        with open(os.path.join(run_dir, 'log.csv'), encoding='utf-8') as f:
            replayed = rows(f.read())
        inside = sorted(s for s in committed if start < s <= end)
        if not inside:
            return f'{start}-{end}: the run logged nothing inside it, nothing to compare; nothing recorded'
        for s in inside:
            if replayed.get(s) != committed[s]:
                return f'{start}-{end}: differs at {s}: committed {committed[s]}, replayed {replayed.get(s)}; nothing recorded'
        checkpoint = 'none committed'
        if finish is not None:
            with open(os.path.join(run_dir, 'checkpoint.safetensors'), 'rb') as f:
                ours = tensors(f.read())
            if ours != tensors(git('show', f'{finish}:{folder}/checkpoint.safetensors', binary=True)):
                return f'{start}-{end}: log rows identical, checkpoint at {end} differs from {finish[:7]}\'s; nothing recorded'
            checkpoint = 'identical'
    for stretch in span:
        logged = sum(1 for s in inside if (stretch['from_samples'] or 0) < s <= stretch['to_samples'])
        at_end = checkpoint if stretch is span[-1] else 'none compared'
        record(folder, stretch, {'git_revision': revision, 'log_rows': logged, 'checkpoint': at_end, 'isa': isa})
    return f'{start}-{end}: identical ({len(inside)} log rows, checkpoint {checkpoint}), replayed by {revision[:7]} on {isa}'


def build(revision, builds):
    """A Release build of Aevb.Cli at revision, in a git worktree under builds (made once)."""
    tree = os.path.join(builds, revision)
    if not os.path.isdir(tree):
        os.makedirs(builds, exist_ok=True)
        git('worktree', 'add', '--detach', tree, revision)
    cli = os.path.join(tree, 'src/Aevb.Cli/bin/Release/net10.0/Aevb.Cli.dll')
    if not os.path.exists(cli):
        print(f'  building {revision[:7]} in {tree}', flush=True)
        subprocess.run(['dotnet', 'build', '-c', 'Release', '-v', 'q', 'src/Aevb.Cli'], cwd=tree, check=True,
                       stdout=subprocess.DEVNULL)
    return cli


def record(folder, stretch, replayed):
    """Writes replayed into the stretch's object in run.json as text, so the rest of the file stays as the run wrote it."""
    path = os.path.join(folder, 'run.json')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    pattern = (rf'( *)"git_revision": {re.escape(json.dumps(stretch["git_revision"]))},\n\s*"from_samples": '
               rf'{json.dumps(stretch["from_samples"])},\n\s*"to_samples": {stretch["to_samples"]}'
               r'(,\n\s*"reconstructed": true)?')
    match = re.search(pattern, text)
    if match is None:
        raise SystemExit(f'{path}: the stretch {stretch} is not where it was; nothing recorded')
    pad = match.group(1)
    body = ',\n'.join(f'{pad}  {json.dumps(k)}: {json.dumps(v)}' for k, v in replayed.items())
    text = text[:match.end()] + f',\n{pad}"replayed": {{\n{body}\n{pad}}}' + text[match.end():]
    write_edited(path, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('folders', nargs='+', metavar='RUN_FOLDER')
    parser.add_argument('--bin', default='src/Aevb.Cli/bin/Release/net10.0',
                        help='a Release build of Aevb.Cli from a commit (default: this checkout\'s)')
    parser.add_argument('--data-dir', default=os.path.abspath(os.environ.get('AEVB_DATA_DIR', 'data/cache')))
    parser.add_argument('--base', action='store_true',
                        help='replay each stretch with a build of the commit its tree was modified from (its revision '
                             'without "+dirty", built once in a git worktree under --builds) instead of --bin: where '
                             'the engine has changed since, only that build can give the same bits')
    parser.add_argument('--builds', default=os.path.join(tempfile.gettempdir(), 'aevb-replay-builds'))
    parser.add_argument('--dry-run', action='store_true', help='say what would run')
    a = parser.parse_args()
    cli = os.path.join(a.bin, 'Aevb.Cli.dll')
    if not os.path.exists(cli):
        sys.exit(f'{cli}: not found (build it: dotnet build -c Release src/Aevb.Cli)')
    cli, folders = os.path.abspath(cli), [os.path.abspath(f) for f in a.folders]
    os.chdir(git('rev-parse', '--show-toplevel').strip())  # git show takes paths from the repository's root
    for folder in folders:
        folder = os.path.relpath(folder)
        path = os.path.join(folder, 'run.json')
        if not os.path.exists(path):
            if os.path.isdir(folder):
                print(f'{path}: not found')
            continue
        with open(path, encoding='utf-8') as f:
            info = json.load(f)
        todo = [s for s in info.get('revisions', []) if s['git_revision'].endswith('+dirty') and 'replayed' not in s]
        print(f'{folder}: {len(todo)} stretch(es) from uncommitted code not yet replayed', flush=True)
        for span in spans(todo, a.base):
            with_cli = cli
            if a.base:
                try:
                    git('cat-file', '-e', f'{base(span[0])}^{{commit}}')
                except subprocess.CalledProcessError:
                    print(f'  {base(span[0])[:7]} is not in this repository\'s history; not replayed', flush=True)
                    continue
                with_cli = cli if a.dry_run else build(base(span[0]), a.builds)
            print(f'  {replay(folder, span, with_cli, a.data_dir, a.dry_run)}', flush=True)


if __name__ == '__main__':
    main()
