#!/usr/bin/env python3
"""Compare two MPS files of the same model: rotaplan's (written by HiGHS) and PuLP's.

Usage: compare_mps.py ROTAPLAN.mps PULP.mps

Both are read as free MPS. Names are brought to PuLP's spelling (PuLP replaces some characters
with `_`: "-+[] ->/" in column names, "-+[] " in row names) and then compared one by one:
  - the objective coefficient of every column,
  - every matrix entry (row, column) -> coefficient,
  - every row's sense and right-hand side,
  - every column's bounds (lower, upper) and integrality.
Name-free checks are printed too: the multiset of objective coefficients, of matrix coefficients,
and of right-hand sides. Numbers are equal when within a relative 1e-11 (PuLP writes 13
significant digits). Exit 0 when everything matches, 1 otherwise.
"""

import math
import sys
from collections import Counter

COL_TRANS = str.maketrans("-+[] ->/", "________")
ROW_TRANS = str.maketrans("-+[] ", "_____")
INF = math.inf


def read_mps(path):
    rows = {}  # name -> sense (N/L/G/E)
    obj_name = None
    obj = {}
    matrix = {}
    rhs = {}
    bounds = {}  # col -> [lo, hi]
    integer = set()
    cols_seen = []
    section = None
    in_int = False
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("*"):
                continue
            if not line[0].isspace():
                section = line.split()[0]
                continue
            tok = line.split()
            if section == "ROWS":
                sense, name = tok[0], tok[1].translate(ROW_TRANS)
                if sense == "N":
                    if obj_name is None:
                        obj_name = name
                    continue
                rows[name] = sense
            elif section == "COLUMNS":
                if len(tok) >= 3 and tok[1] == "'MARKER'":
                    in_int = tok[2] == "'INTORG'"
                    continue
                col = tok[0].translate(COL_TRANS)
                if col not in bounds:
                    bounds[col] = [0.0, INF]
                    cols_seen.append(col)
                if in_int:
                    integer.add(col)
                for i in range(1, len(tok) - 1, 2):
                    r, v = tok[i].translate(ROW_TRANS), float(tok[i + 1])
                    if r == obj_name:
                        obj[col] = v
                    else:
                        matrix[(r, col)] = v
            elif section == "RHS":
                rest = tok[1:] if len(tok) % 2 == 1 else tok
                for i in range(0, len(rest) - 1, 2):
                    r, v = rest[i].translate(ROW_TRANS), float(rest[i + 1])
                    if r != obj_name:
                        rhs[r] = v
            elif section == "BOUNDS":
                kind, col = tok[0], tok[2].translate(COL_TRANS)
                v = float(tok[3]) if len(tok) > 3 else None
                b = bounds.setdefault(col, [0.0, INF])
                if kind in ("LO", "LI"):
                    b[0] = v
                elif kind in ("UP", "UI"):
                    b[1] = v
                elif kind == "FX":
                    b[0] = b[1] = v
                elif kind == "FR":
                    b[0], b[1] = -INF, INF
                elif kind == "MI":
                    b[0] = -INF
                elif kind == "PL":
                    b[1] = INF
                elif kind == "BV":
                    b[0], b[1] = 0.0, 1.0
                    integer.add(col)
                if kind in ("LI", "UI"):
                    integer.add(col)
            elif section in ("RANGES",):
                raise SystemExit(f"{path}: RANGES not expected")
    return dict(rows=rows, obj=obj, matrix=matrix, rhs=rhs, bounds=bounds, integer=integer)


def close(a, b):
    if a == b:
        return True
    return abs(a - b) <= 1e-11 * max(abs(a), abs(b))


def compare_maps(what, a, b, eq=close, show=5):
    bad = []
    for k in a.keys() | b.keys():
        if k not in a or k not in b or not eq(a[k], b[k]):
            bad.append((k, a.get(k), b.get(k)))
    print(f"{what:28s} {len(a):>10} vs {len(b):>10}  {'same' if not bad else f'{len(bad)} DIFFER'}")
    for k, x, y in sorted(bad, key=str)[:show]:
        print(f"    {k}: rotaplan {x}  pulp {y}")
    return not bad


def rounded(vals):
    return Counter(float(f"{v:.11e}") for v in vals)


def main():
    ra, pa = sys.argv[1], sys.argv[2]
    r, p = read_mps(ra), read_mps(pa)
    ok = True
    ok &= compare_maps("columns (bounds)", r["bounds"], p["bounds"], eq=lambda x, y: all(close(i, j) for i, j in zip(x, y)))
    ok &= compare_maps("integer columns", {c: 1 for c in r["integer"]}, {c: 1 for c in p["integer"]}, eq=lambda x, y: True)
    ok &= compare_maps("objective coefficients", r["obj"], p["obj"])
    ok &= compare_maps("rows (sense)", r["rows"], p["rows"], eq=lambda x, y: x == y)
    rr = {k: r["rhs"].get(k, 0.0) for k in r["rows"]}
    pr = {k: p["rhs"].get(k, 0.0) for k in p["rows"]}
    ok &= compare_maps("right-hand sides", rr, pr)
    ok &= compare_maps("matrix entries", r["matrix"], p["matrix"])
    for what, x, y in [
        ("objective multiset", r["obj"].values(), p["obj"].values()),
        ("matrix coef multiset", r["matrix"].values(), p["matrix"].values()),
        ("rhs multiset", rr.values(), pr.values()),
    ]:
        same = rounded(x) == rounded(y)
        ok &= same
        print(f"{what:28s} {'same' if same else 'DIFFER'}")
    print("MODELS MATCH" if ok else "MODELS DIFFER")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
