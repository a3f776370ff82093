#!/usr/bin/env python3
"""Frey Face AEVB, ours against the paper's Figure 2 (issue 16): how many samples ours needs to reach each of the
paper's values, and what a running average of minibatch bounds would draw as the training curve.

    python3 scripts/frey-early-shape.py [RESULTS] [TRAIN_LOG]

RESULTS: the results folder (default results/): reads fig2/frey-h200-z*-aevb/log.csv and the paper's values from
src/Aevb/Training/Runs/paper-values.csv. For each paper value (train and test at 1e5, 1e6, 1e7, 1e8) prints the
samples at which our curve reaches it (interpolated linearly in log samples between our evaluations, as the report
does) and the ratio paper samples / our samples: a constant ratio would be a different way of counting samples.
TRAIN_LOG: a log.csv written by `aevb train` (its minibatch_bound column is the mean of the minibatch estimates since
the previous row); prints beside the full training-set bound the running average of all minibatch estimates since
the start, the training curve a log of running averages would draw. Standard library only.
"""
import csv, math, os, sys

def read_log(path):
    with open(path) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]

def paper_values(path):
    values = {}
    with open(path) as f:
        for line in f:
            p = line.strip().split(',')
            if len(p) < 8 or p[0] != 'fig2' or p[1] != 'frey' or p[4] != 'aevb' or not p[7]:
                continue
            for split in (['train', 'test'] if p[6] == 'both' else [p[6]]):
                values[(int(p[3]), int(p[5]), split)] = float(p[7])
    return values

def reach(log, column, target):
    """Samples at which the curve first reaches target (log-linear between rows); None beyond the run, 0 before it."""
    xs, ys = [r['samples'] for r in log], [r[column] for r in log]
    if ys[0] >= target:
        return 0
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if y0 < target <= y1:
            t = (target - y0) / (y1 - y0)
            return 10 ** (math.log10(x0) + t * (math.log10(x1) - math.log10(x0)))
    return None

def ratios(results, paper):
    print('Nz | paper samples | split | paper | ours there | ours reaches it at | ratio paper / ours')
    for nz in (2, 5, 10, 20):
        log = read_log(os.path.join(results, 'fig2', f'frey-h200-z{nz}-aevb', 'log.csv'))
        for samples in (100_000, 1_000_000, 10_000_000, 100_000_000):
            for split in ('train', 'test'):
                value = paper.get((nz, samples, split))
                if value is None:
                    continue
                column = split + '_bound'
                there = next((r[column] for r in log if r['samples'] == samples), None)
                at = reach(log, column, value)
                where = (f'before {log[0]["samples"]:.0e}' if at == 0 else f'beyond {log[-1]["samples"]:.0e}'
                         if at is None else f'{at:.3g}')
                ratio = (f'> {samples / log[0]["samples"]:.3g}' if at == 0 else f'< {samples / log[-1]["samples"]:.3g}'
                         if at is None else f'{samples / at:.2f}')
                print(f'{nz} | {samples:.0e} | {split} | {value:g} | {"—" if there is None else f"{there:.1f}"} '
                      f'| {where} | {ratio}')

def running_average(path):
    log = read_log(path)
    print('samples | train bound | test bound | mean of minibatches since the last row | running mean since start')
    total, previous = 0.0, 0.0
    for r in log:
        total += r['minibatch_bound'] * (r['samples'] - previous)
        previous = r['samples']
        print(f'{r["samples"]:.0f} | {r["train_bound"]:.1f} | {r["test_bound"]:.1f} | {r["minibatch_bound"]:.1f} '
              f'| {total / previous:.1f}')

if __name__ == '__main__':
    results = sys.argv[1] if len(sys.argv) > 1 else 'results'
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ratios(results, paper_values(os.path.join(root, 'src', 'Aevb', 'Training', 'Runs', 'paper-values.csv')))
    if len(sys.argv) > 2:
        print()
        running_average(sys.argv[2])
