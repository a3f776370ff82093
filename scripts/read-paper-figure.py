#!/usr/bin/env python3
"""Reads curve values off the paper's Figures 2 and 3 by pixel (standard library only: a small PNG decoder).

    python3 scripts/read-paper-figure.py FIGURE.png fig2 mnist|frey NZ SAMPLES [COLOUR]
    python3 scripts/read-paper-figure.py FIGURE.png fig3 1000|50000 MILLIONS [COLOUR]

FIGURE.png: the paper's figure rendered at 600 dpi (2200 x 1100 px for Figure 2, 2100 x 800 for Figure 3; not part
of this repository). COLOUR: R (AEVB), G (wake-sleep), B (MCEM); all three if left out. For every pixel column
within 6 px of the x position, prints each run of that colour as (value at the run's middle, run height in px).
A solid (train) curve shows in every column; a dashed (test) one only in some: that is how they are told apart.
The axes are calibrated on the tick marks (see src/Aevb/Training/Runs/PAPER-VALUES.md for the numbers).
"""
import math, struct, sys, zlib

def read_png(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    i, idat = 8, b''
    while i < len(d):
        n, = struct.unpack('>I', d[i:i + 4]); t = d[i + 4:i + 8]; c = d[i + 8:i + 8 + n]; i += 12 + n
        if t == b'IHDR': w, h, bd, ct, _, _, il = struct.unpack('>IIBBBBB', c)
        elif t == b'IDAT': idat += c
    assert bd == 8 and il == 0, 'only 8-bit, non-interlaced PNGs'
    bpp = {2: 3, 6: 4, 0: 1, 4: 2}[ct]
    raw, stride, rows, prev, p = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp), 0
    for _ in range(h):
        f = raw[p]; line = bytearray(raw[p + 1:p + 1 + stride]); p += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return lambda x, y: tuple(rows[y][x * bpp:x * bpp + 3]) if bpp >= 3 else (rows[y][x * bpp],) * 3

def colour(p):
    r, g, b = p
    if r > 170 and g < 110 and b < 110: return 'R'
    if g > 80 and r < 90 and b < 90 and g > r + 40: return 'G'
    if b > 150 and r < 110 and g < 110: return 'B'
    return None

# Panels: left frame x (the first x tick), px per x unit, y of a reference tick, its value, px per y unit, top/bottom rows.
FIG2 = {  # x: log10(samples / 1e5) decades; MNIST 70.5 px per decade, Frey Face 79.8
    ('mnist', 3): 348.0, ('mnist', 5): 647.5, ('mnist', 10): 947.0, ('mnist', 20): 1246.5, ('mnist', 200): 1545.5,
    ('frey', 2): 647.5, ('frey', 5): 947.0, ('frey', 10): 1246.5, ('frey', 20): 1545.5,
}
FIG3 = {1000: (328.5, 7.883, 196.5, -100, 8.067), 50000: (896.0, 6.955, 196.5, -125, 13.8)}  # x0, px per M, y ref, value, px per nat

def main(a):
    px = read_png(a[0])
    if a[1] == 'fig2':
        ds, nz, s = a[2], int(a[3]), float(a[4])
        x = FIG2[(ds, nz)] + (70.5 if ds == 'mnist' else 79.8) * math.log10(s / 1e5)
        # MNIST: -100 at row 253, 39.25 px per 10 nats (ticks -100…-140 at 253, 292, 332, 371, 410); Frey: 1400 at 574, 27 px per 200.
        value = (lambda y: -100 - (y - 253) / 3.925) if ds == 'mnist' else (lambda y: 1400 - (y - 574) / 27 * 200)
        top, bottom = (235, 448) if ds == 'mnist' else (549, 762)
    else:
        x0, per, yref, vref, perNat = FIG3[int(a[2])]
        x = x0 + per * float(a[3])
        value = lambda y: vref - (y - yref) / perNat
        top, bottom = 198, 680
    colours = a[5] if a[1] == 'fig2' and len(a) > 5 else a[4] if a[1] == 'fig3' and len(a) > 4 else 'RGB'
    print(f'x = {x:.1f} px')
    for c in colours:
        for xi in range(round(x) - 6, round(x) + 7):
            runs, y = [], top
            while y < bottom:
                if colour(px(xi, y)) == c:
                    s0 = y
                    while y < bottom and colour(px(xi, y)) == c: y += 1
                    runs.append((round(value((s0 + y - 1) / 2), 1), y - s0))
                else: y += 1
            print(c, xi, runs)

if __name__ == '__main__':
    main(sys.argv[1:])
