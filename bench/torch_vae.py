#!/usr/bin/env python3
"""PyTorch counterpart of `aevb bench --model NAME`: training throughput (samples/s) of the same
AEVB step (minibatch gather, forward, backward, Adagrad update with weight decay; M = 100, L = 1,
estimator B) on the CPU, the median of timed blocks after a warm-up, as the C# command measures it.

Models (as the C# presets):
  mnist      784-500-20, Bernoulli decoder (the paper's MNIST model, Figure 2)
  fig3       784-100-3,  Bernoulli decoder (Figure 3)
  frey       560-200-Nz, Gaussian decoder (Frey Face, Figure 2; --latent 2..20, default 10)
  custom     --input 784 --hidden H --latent Nz (Bernoulli)

Usage: /usr/bin/python3 bench/torch_vae.py --model fig3 --threads 1 [--steps 500] [--json]
Set OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) to the same thread count when PyTorch uses OpenBLAS.
Data: AEVB_DATA_DIR (MNIST / Frey Face idx files); without them uniform random data of the same shape.
"""
import argparse, gzip, json, os, struct, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {"mnist": (784, 500, 20, "bernoulli"), "fig3": (784, 100, 3, "bernoulli"), "frey": (560, 200, 10, "gaussian")}


def load_idx(path):
    with gzip.open(path) as f:
        magic, = struct.unpack(">i", f.read(4))
        dims = struct.unpack(">" + "i" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)
    return data.view(dims[0], -1).float() / 255.0


def load_data(dataset, features):
    d = os.environ.get("AEVB_DATA_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "cache"))
    name = "train-images-idx3-ubyte.gz" if dataset == "bernoulli" and features == 784 else "frey-faces-idx3-ubyte.gz"
    path = os.path.join(d, name)
    if os.path.exists(path):
        x = load_idx(path)
        if x.shape[1] == features:
            return x, "mnist" if features == 784 else "frey"
    g = torch.Generator().manual_seed(7)
    return torch.rand(60000 if features == 784 else 1965, features, generator=g), "random"


class Vae(nn.Module):
    def __init__(self, d, h, nz, decoder):
        super().__init__()
        self.decoder = decoder
        self.enc = nn.Linear(d, h); self.mu = nn.Linear(h, nz); self.lv = nn.Linear(h, nz)
        self.dec = nn.Linear(nz, h); self.out = nn.Linear(h, d)
        if decoder == "gaussian":
            self.out_lv = nn.Linear(h, d)
        for p in self.parameters():
            nn.init.normal_(p, 0.0, 0.01)

    def bound(self, x):
        he = torch.tanh(self.enc(x))
        mu, lv = self.mu(he), self.lv(he)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        hd = torch.tanh(self.dec(z))
        if self.decoder == "bernoulli":
            rec = -F.binary_cross_entropy_with_logits(self.out(hd), x, reduction="sum")
        else:
            m, olv = torch.sigmoid(self.out(hd)), self.out_lv(hd)
            rec = -0.5 * torch.sum(olv + (x - m) ** 2 * torch.exp(-olv) + 1.8378770664093453)
        kl = -0.5 * torch.sum(1 + lv - mu * mu - lv.exp())
        return (rec - kl) / x.shape[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="mnist", choices=sorted(PRESETS) + ["custom"])
    ap.add_argument("--input", type=int, default=784)
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--latent", type=int)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--steps", type=int, default=500, help="timed steps, split into 5 blocks")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    d, h, nz, decoder = PRESETS.get(a.model, (a.input, 500, 20, "bernoulli"))
    h = a.hidden or h
    nz = a.latent or nz
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, source = load_data(decoder, d)
    n = x.shape[0]
    model = Vae(d, h, nz, decoder)
    opt = torch.optim.Adagrad(model.parameters(), lr=0.02, weight_decay=1.0 / n)

    def step():
        idx = torch.randint(0, n, (a.batch,))
        loss = -model.bound(x[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    t0 = time.perf_counter()
    i = 0
    while i < 30 or time.perf_counter() - t0 < 2.0:  # warm-up, as the C# command
        step(); i += 1
    blocks, per = 5, max(1, a.steps // 5)
    load_before = list(os.getloadavg())
    rates, cpu_rates = [], []
    for _ in range(blocks):
        t, c = time.perf_counter(), time.process_time()
        for _ in range(per):
            loss = step()
        rates.append(per * a.batch / (time.perf_counter() - t))
        cpu_rates.append(per * a.batch / max(1e-9, time.process_time() - c))
    median = sorted(rates)[blocks // 2]
    cpu_median = sorted(cpu_rates)[blocks // 2]
    result = {"samples_per_s": round(median), "model": f"{d}-{h}-{nz}", "decoder": decoder, "data": source,
              "threads": torch.get_num_threads(), "torch": torch.__version__, "blocks": [round(r) for r in rates],
              "per_cpu_second": round(cpu_median), "load_average": load_before,
              "load_average_after": list(os.getloadavg()), "busy": load_before[0] >= 0.5 * os.cpu_count()}
    if a.json:
        print(json.dumps(result))
    else:
        print(f"torch {torch.__version__} {d}-{h}-{nz} {decoder}, threads {torch.get_num_threads()}, data {source}: "
              f"{median:,.0f} samples/s (blocks {[round(r) for r in rates]}; {cpu_median:,.0f} per CPU-second of the process; "
              f"bound {-loss.item():.1f}; load {' '.join(f'{v:.2f}' for v in load_before)})")


if __name__ == "__main__":
    sys.exit(main())
