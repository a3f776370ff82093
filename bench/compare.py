#!/usr/bin/env python3
"""Side-by-side, interleaved throughput comparisons for README "Performance" (the machine is shared, so only
ratios measured in one run, alternating the two programs round by round, mean anything).

  compare.py torch --model fig3 --threads 1 [--rounds 5] [--steps 300] [--latent N]
      `aevb bench --model fig3` against bench/torch_vae.py (PyTorch on the CPU: OPENBLAS_NUM_THREADS set to
      --threads, torch.set_num_threads(1) and OMP_NUM_THREADS=1 so that the two thread pools do not oversubscribe).
  compare.py rev BASE --model mcem --threads 1 [--rounds 5] [--own-cli]
      this checkout's engine against git revision BASE's (src/Aevb of BASE built with this checkout's CLI, so
      the same measurement code times both engines; with --own-cli, BASE's own CLI, where this checkout's no longer
      builds against BASE's engine).

Prints each round's rates, the load average before every run, and the ratio (median over rounds of the
per-round ratio) of wall-clock rates and of rates per CPU-second of the process (which waiting for a core
does not lower). Run from the repository root; needs `dotnet build -c Release src/Aevb.Cli` first.
Data: AEVB_DATA_DIR as for `aevb bench`.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join("src", "Aevb.Cli", "bin", "Release", "net10.0", "Aevb.Cli.dll")


def run_json(cmd, env=None):
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def aevb_cmd(root, a):
    cmd = ["dotnet", os.path.join(root, CLI), "bench", "--model", a.model, "--threads", str(a.threads), "--json", "--steps", str(a.steps)]
    if a.latent: cmd += ["--latent", str(a.latent)]
    if a.hidden: cmd += ["--hidden", str(a.hidden)]
    if a.points: cmd += ["--points", str(a.points)]
    return cmd


def build_revision(rev, own_cli=False):
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    dest = os.path.join(tempfile.gettempdir(), f"aevb-rev-{sha}{'-own-cli' if own_cli else ''}")
    if not os.path.exists(os.path.join(dest, CLI)):
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
        if not own_cli:
            # This checkout's CLI (the measurement code) on the revision's engine.
            shutil.rmtree(os.path.join(dest, "src", "Aevb.Cli"))
            shutil.copytree(os.path.join(ROOT, "src", "Aevb.Cli"), os.path.join(dest, "src", "Aevb.Cli"),
                            ignore=shutil.ignore_patterns("bin", "obj"))
        subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", os.path.join(dest, "src", "Aevb.Cli")], check=True,
                       stdout=subprocess.DEVNULL)
    return dest, sha


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["torch", "rev"])
    ap.add_argument("base", nargs="?", help="rev: the git revision to compare against")
    ap.add_argument("--model", default="mnist")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--latent", type=int)
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--points", type=int)
    ap.add_argument("--own-cli", action="store_true",
                    help="rev: time BASE with its own CLI (for a BASE whose engine API this checkout's CLI no longer builds against)")
    a = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads), MKL_NUM_THREADS=str(a.threads))
    ours = aevb_cmd(ROOT, a)
    if a.what == "torch":
        # PyTorch's own intra-op threads stay at 1 and OpenBLAS gets the cores (OPENBLAS_NUM_THREADS): torch threads on
        # top of OpenBLAS threads oversubscribe the cores and run several times slower here.
        env["OMP_NUM_THREADS"] = "1"
        other = ["/usr/bin/python3", os.path.join("bench", "torch_vae.py"), "--model", a.model, "--threads", "1", "--json", "--steps", str(a.steps)]
        if a.latent: other += ["--latent", str(a.latent)]
        if a.hidden: other += ["--hidden", str(a.hidden)]
        names = ("aevb", "torch")
    else:
        if not a.base: ap.error("rev needs the base revision")
        dest, sha = build_revision(a.base, a.own_cli)
        other = aevb_cmd(dest, a)
        names = ("aevb", f"aevb@{sha}")
    rate_key = "points_per_s" if a.model == "hmc-eval" else "samples_per_s"
    ratios, cpu_ratios, loads = [], [], []
    print(f"{a.what} {a.model} threads={a.threads}: {a.rounds} interleaved rounds ({' '.join(ours)} | {' '.join(other)})")
    for r in range(a.rounds):
        x = run_json(ours, env)
        y = run_json(other, env)
        loads += [x.get("load_average", [0])[0], y.get("load_average", [0])[0]]
        rx, ry = x[rate_key], y[rate_key]
        ratios.append(rx / ry)
        cpu_ratios.append(x["per_cpu_second"] / y["per_cpu_second"])
        print(f"  round {r + 1}: {names[0]} {rx:,.1f} ({x['per_cpu_second']:,.1f}/CPU-s), {names[1]} {ry:,.1f} ({y['per_cpu_second']:,.1f}/CPU-s), "
              f"ratio {ratios[-1]:.2f} (CPU {cpu_ratios[-1]:.2f}); load {x.get('load_average')} / {y.get('load_average')}")
    print(f"RESULT {a.what} {a.model} threads={a.threads} {names[0]}/{names[1]}: wall ratio {statistics.median(ratios):.2f} "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}), per-CPU-second ratio {statistics.median(cpu_ratios):.2f}; "
          f"1-min load {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(main())
