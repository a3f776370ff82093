#!/usr/bin/env python3
"""A second implementation of one Figure 2 run: AEVB on MNIST in PyTorch 1.13, under the protocol of
`aevb reproduce fig2 --lr RATE` (Section 5 and Appendix C of the paper, our choices where it is silent), so that the
engine's curve can be held against an independent one (issue 16).

What is the same as our runs, written independently (no code shared):
  model     784-H-Nz, tanh MLPs, Bernoulli decoder on grey levels in [0, 1] (our choice: targets are the
            intensities), every weight and bias drawn from N(0, 0.01²)
  step      estimator B (analytic KL), L = 1, M = 100, the minibatch bound scaled to the whole training set (N/M),
            the N(0, I) prior on the parameters as weight decay, Adagrad (ε = 1e-10, accumulators from 0)
  batches   a fresh random permutation of the 60000 training images each epoch
  log       the average lower bound per datapoint on all 60000 training and 10000 test images (estimator B, L = 1)
            at 1e5 samples and 5 log-spaced points per decade after (rounded up to whole minibatches), and at
            the end; `log.csv` with the columns our runs write
What differs: the random streams (PyTorch's generator, not ours), so only the spread over seeds compares. Put the
runs in results/second-implementation/pytorch-seedS (and ours, `--out results/second-implementation/ours-seedS`):
`aevb reproduce report` then prints the table of both sides (src/Aevb/Training/Runs/SecondImplementation.cs).

Usage:
  /usr/bin/python3 bench/torch_protocol.py --latent 20 --samples 1e6 --lr 0.02 --seed 1 --out DIR
Data: AEVB_DATA_DIR (train-images-idx3-ubyte.gz, t10k-images-idx3-ubyte.gz).
"""
import argparse, csv, math, os, sys, time


def evaluation_points(samples, first=100_000, per_decade=5, batch=100):
    """1e5, then 5 log-spaced points per decade, each rounded up to a whole minibatch; the end last."""
    points, k = [], 0
    while True:
        p = math.ceil(first * 10 ** (k / per_decade) / batch - 1e-9) * batch
        if p >= samples:
            break
        points.append(p)
        k += 1
    return points + [samples]


def train(a):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch_vae import load_idx  # the throughput benchmark's IDX reader, beside this file

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data_dir = os.environ.get("AEVB_DATA_DIR", "data/cache")
    train_x = load_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
    test_x = load_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    n, d = train_x.shape

    class Vae(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc, self.mu, self.lv = nn.Linear(d, a.hidden), nn.Linear(a.hidden, a.latent), nn.Linear(a.hidden, a.latent)
            self.dec, self.out = nn.Linear(a.latent, a.hidden), nn.Linear(a.hidden, d)
            for p in self.parameters():
                nn.init.normal_(p, 0.0, a.init_std)

        def bounds(self, x):
            """Per-datapoint lower bound, estimator B with one sample (Section 2.3, eq. 10)."""
            h = torch.tanh(self.enc(x))
            mu, lv = self.mu(h), self.lv(h)
            z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
            logits = self.out(torch.tanh(self.dec(z)))
            rec = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
            kl = -0.5 * (1 + lv - mu * mu - lv.exp()).sum(1)
            return rec - kl

    model = Vae()
    # Adagrad on -(N/M)·Σ bound + ½‖θ‖²: the same steps as the mean loss with weight decay 1/N (Adagrad is
    # invariant to the gradient's scale).
    opt = torch.optim.Adagrad(model.parameters(), lr=a.lr, weight_decay=1.0 / n, eps=1e-10)

    def evaluate(x):
        with torch.no_grad():
            return sum(model.bounds(x[i:i + 1000]).sum().item() for i in range(0, x.shape[0], 1000)) / x.shape[0]

    points = evaluation_points(a.samples)
    os.makedirs(a.out, exist_ok=True)
    log_path = os.path.join(a.out, "log.csv")
    rows, samples, train_s, eval_s, perm, pos = [], 0, 0.0, 0.0, None, n
    for point in points:
        t = time.process_time()
        while samples < point:
            if pos + a.batch > n:
                perm, pos = torch.randperm(n), 0
            x = train_x[perm[pos:pos + a.batch]]
            pos += a.batch
            loss = -model.bounds(x).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            samples += a.batch
        train_s += time.process_time() - t
        t = time.process_time()
        tr, te = evaluate(train_x), evaluate(test_x)
        eval_s += time.process_time() - t
        rows.append((samples, train_s, eval_s, tr, te))
        with open(log_path + ".tmp", "w", newline="") as f:  # replaced whole: a kill leaves the last complete log
            w = csv.writer(f)
            w.writerow(["samples", "train_seconds", "eval_seconds", "train_bound", "test_bound"])
            w.writerows(rows)
        os.replace(log_path + ".tmp", log_path)
        print(f"{samples:>11,} samples  train {tr:8.2f}  test {te:8.2f}  ({train_s:.0f} s training)", flush=True)
    with open(os.path.join(a.out, "settings.txt"), "w") as f:
        f.write(f"torch {torch.__version__}; {d}-{a.hidden}-{a.latent} bernoulli; lr {a.lr}; seed {a.seed}; "
                f"samples {a.samples}; threads {a.threads}; init_std {a.init_std}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latent", type=int, default=20)
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--samples", type=float, default=1e6)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--init-std", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True, help="the run folder (log.csv, settings.txt)")
    a = ap.parse_args()
    a.samples = int(a.samples)
    train(a)


if __name__ == "__main__":
    sys.exit(main())
