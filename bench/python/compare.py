#!/usr/bin/env python3
"""Driver of bench/python/run.sh: rotaplan's model build against PuLP's, on a ladder of scenarios.

For each size it
  1. generates the scenario with `rotaplan generate` (seed 1),
  2. runs `rotaplan solve DIR --mode mip --formulation expanded --strategy mip --time-limit 1`
     ROT_RUNS times. The first run goes to the end and its summary.json gives the model counts and
     timings_ms.build; the other runs are stopped (SIGKILL to that child, by its pid) as soon as
     HiGHS prints its first line, since the model line on stderr already carries build_ms, the
     same number summary.json reports. rotaplan_build_s is the best of the ROT_RUNS builds (a
     build of 15-300 ms is easily disturbed by other work on a shared 2-core machine; the
     stopped runs cost a second or two each, so rotaplan gets more tries than PuLP by default).
     rotaplan_handover_s (best of the stopped runs) is the time on stderr from rotaplan's
     "model: ... built in N ms" line to HiGHS's first line: the magnitude check plus handing the
     model to HiGHS through good_lp. It is not part of timings_ms.build.
  3. runs bench/python/build_pulp.py RUNS times (fresh process each; the first also times
     prob.writeMPS), and, unless IDIOMATIC=0, once with --style idiomatic,
     ratio = pulp_build_s / rotaplan_build_s (best wall times); ratio_pulp_cpu uses PuLP's best
     build CPU time instead, which a busy machine inflates less (a conservative figure: rotaplan's
     side stays wall time).
  4. checks the counts (variables, integer variables, rows, nonzeros) are equal, and for the sizes
     in MPS_CHECK compares rotaplan's MPS file (--write-mps on the first run) with PuLP's entry by
     entry (compare_mps.py).
Writes bench/results/python-compare.csv and prints a table.

Environment: ROTAPLAN (binary), WORK (scratch dir), SIZES (e.g. "small medium"), RUNS (PuLP, 3),
ROT_RUNS (rotaplan, 5),
IDIOMATIC (1), MPS_CHECK ("small"), PULP_TIMEOUT (seconds per PuLP run, 900), OUT (the CSV).
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable

LADDER = {
    # name: nations, sites, unit types, periods, nodes
    "small": (10, 20, 5, 52, 40),
    "medium": (20, 40, 8, 104, 80),
    "large": (30, 60, 10, 104, 120),
}


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def rotaplan_run(binary, scen, out, full, mps=None):
    """One `rotaplan solve`; returns build_ms, counts and handover seconds (None when not seen)."""
    cmd = [binary, "solve", scen, "--out", out, "--time-limit", "1", "--mode", "mip",
           "--formulation", "expanded", "--strategy", "mip"]
    if mps:
        cmd += ["--write-mps", mps]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    model_line, t_model, t_next = None, None, None
    for line in p.stderr:
        now = time.perf_counter() - t0
        if model_line is None:
            if line.startswith("model: "):
                model_line, t_model = line.strip(), now
        elif t_next is None:
            t_next = now
            if not full:
                p.kill()  # our own child, by pid
                break
    if full:
        for _ in p.stderr:
            pass
    rc = p.wait()
    p.stderr.close()
    if model_line is None:
        raise SystemExit(f"rotaplan printed no model line (exit {rc}): {' '.join(cmd)}")
    # "model: V variables (I integer), R constraints, N nonzeros, expanded form, built in B ms"
    w = model_line.replace("(", " ").replace(",", " ").split()
    res = {
        "variables": int(w[1]),
        "integer_variables": int(w[3]),
        "constraints": int(w[5]),
        "nonzeros": int(w[7]),
        "build_ms": int(w[w.index("built") + 2]),
        "handover_s": None if t_next is None or mps else t_next - t_model,
        "source": "stderr",
    }
    if full:
        if rc != 0:
            raise SystemExit(f"rotaplan exited {rc}: {' '.join(cmd)}")
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        m = s["model"]
        for k in ("variables", "integer_variables", "constraints", "nonzeros"):
            assert m[k] == res[k], (k, m[k], res[k])
        res["build_ms"] = s["timings_ms"]["build"]
        res["source"] = "summary.json"
    return res


def pulp_run(scen, style, mps=None, timeout=900):
    cmd = [PY, os.path.join(HERE, "build_pulp.py"), scen, "--style", style]
    if mps:
        cmd += ["--write-mps", mps]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout} s"}
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {r.returncode}: {tail}"}
    return json.loads(r.stdout)


def fmt(v, nd=3):
    if v is None or v == "":
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def show(rows, hdr):
    nd = lambda h: 1 if "ratio" in h or "rss" in h else 3
    table = [hdr] + [[fmt(r[h], nd(h)) for h in hdr] for r in rows]
    wd = [max(len(x[i]) for x in table) for i in range(len(hdr))]
    for x in table:
        print("  ".join(c.rjust(wd[i]) if i else c.ljust(wd[i]) for i, c in enumerate(x)))


def main():
    binary = os.environ.get("ROTAPLAN", os.path.join(ROOT, "target/release/rotaplan"))
    work = os.environ.get("WORK", os.path.join(ROOT, "target/pybench"))
    sizes = os.environ.get("SIZES", "small medium large").split()
    runs = int(os.environ.get("RUNS", "3"))
    rot_runs = int(os.environ.get("ROT_RUNS", "5"))
    idiomatic = os.environ.get("IDIOMATIC", "1") == "1"
    mps_check = os.environ.get("MPS_CHECK", "small").split()
    timeout = int(os.environ.get("PULP_TIMEOUT", "900"))
    os.makedirs(work, exist_ok=True)
    rows = []
    started = time.time()
    print(f"load average at start: {loadavg():.2f}", flush=True)
    for size in sizes:
        n, s, u, t, w = LADDER[size]
        scen = os.path.join(work, "scenarios", size)
        shutil.rmtree(scen, ignore_errors=True)
        subprocess.run([binary, "generate", scen, "--nations", str(n), "--sites", str(s),
                        "--unit-types", str(u), "--periods", str(t), "--nodes", str(w),
                        "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        label = f"{size} {n}x{s}x{u}x{t}x{w}"
        print(f"== {label}", flush=True)
        la0 = loadavg()
        check = size in mps_check
        rot_mps = os.path.join(work, f"{size}-rotaplan.mps") if check else None
        rot = []
        for i in range(rot_runs):
            r = rotaplan_run(binary, scen, os.path.join(work, "out", size), full=(i == 0),
                             mps=rot_mps if i == 0 else None)
            rot.append(r)
            print(f"   rotaplan run {i + 1}: build {r['build_ms']} ms ({r['source']})"
                  + (f", handover {r['handover_s']:.3f} s" if r["handover_s"] is not None else ""),
                  flush=True)
        pulp_mps = os.path.join(work, f"{size}-pulp.mps")
        pl = []
        for i in range(runs):
            r = pulp_run(scen, "fast", mps=pulp_mps if i == 0 else None, timeout=timeout)
            pl.append(r)
            print(f"   pulp fast run {i + 1}: " + (r.get("error") or
                  f"build {r['build_s']:.3f} s (cpu {r['build_cpu_s']:.3f} s)" + (f", writeMPS {r['mps_s']:.3f} s" if "mps_s" in r else "")
                  + f", peak RSS {r['peak_rss_mb']:.0f} MB"), flush=True)
        ok = [r for r in pl if "error" not in r]
        idi = None
        if idiomatic:
            idi = pulp_run(scen, "idiomatic", timeout=timeout)
            print("   pulp idiomatic: " + (idi.get("error") or
                  f"build {idi['build_s']:.3f} s, peak RSS {idi['peak_rss_mb']:.0f} MB"), flush=True)
        keys = ("variables", "integer_variables", "constraints", "nonzeros")
        ref = rot[0]
        counts_match = bool(ok) and all(r[k] == ref[k] for r in ok for k in keys)
        if idi and "error" not in idi:
            counts_match = counts_match and all(idi[k] == ref[k] for k in keys)
        mps_match = ""
        if check and ok and os.path.exists(pulp_mps):
            c = subprocess.run([PY, os.path.join(HERE, "compare_mps.py"), rot_mps, pulp_mps],
                               capture_output=True, text=True)
            print("   " + c.stdout.strip().replace("\n", "\n   "), flush=True)
            mps_match = "yes" if c.returncode == 0 else "NO"
        for f in (rot_mps, pulp_mps):
            if f and os.path.exists(f):
                os.remove(f)
        rot_s = min(r["build_ms"] for r in rot) / 1000.0
        hand = [r["handover_s"] for r in rot if r["handover_s"] is not None]
        pulp_s = min(r["build_s"] for r in ok) if ok else None
        pulp_cpu = min(r["build_cpu_s"] for r in ok) if ok else None
        mps_s = next((r["mps_s"] for r in ok if "mps_s" in r), None)
        row = {
            "size": label,
            "variables": ref["variables"],
            "integer_variables": ref["integer_variables"],
            "rows": ref["constraints"],
            "nonzeros": ref["nonzeros"],
            "rotaplan_build_s": rot_s,
            "pulp_build_s": pulp_s if pulp_s is not None else (pl[0].get("error") if pl else ""),
            "ratio": round(pulp_s / rot_s, 1) if pulp_s and rot_s > 0 else "",
            "ratio_pulp_cpu": round(pulp_cpu / rot_s, 1) if pulp_cpu and rot_s > 0 else "",
            "counts_match": "yes" if counts_match else "NO",
            "mps_entries_match": mps_match,
            "rotaplan_build_runs_ms": " ".join(str(r["build_ms"]) for r in rot),
            "pulp_build_runs_s": " ".join(fmt(r.get("build_s")) for r in pl),
            "pulp_build_cpu_s": pulp_cpu if pulp_cpu is not None else "",
            "rotaplan_handover_s": round(min(hand), 3) if hand else "",
            "pulp_writemps_s": mps_s if mps_s is not None else "",
            "pulp_peak_rss_mb_build": max((r["peak_rss_mb"] for r in ok if "mps_s" not in r), default=""),
            "pulp_peak_rss_mb_with_mps": next((r["peak_rss_mb"] for r in ok if "mps_s" in r), ""),
            "pulp_idiomatic_build_s": (idi.get("build_s") or idi.get("error")) if idi else "",
            "idiomatic_ratio": round(idi["build_s"] / rot_s, 1) if idi and "build_s" in idi and rot_s > 0 else "",
            "load_avg": f"{la0:.2f}-{loadavg():.2f}",
        }
        rows.append(row)
    out = os.environ.get("OUT", os.path.join(ROOT, "bench/results/python-compare.csv"))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        wr.writeheader()
        wr.writerows(rows)
    print()
    hdr = ["size", "variables", "rows", "nonzeros", "rotaplan_build_s", "pulp_build_s", "ratio", "ratio_pulp_cpu",
           "pulp_idiomatic_build_s", "idiomatic_ratio", "counts_match", "mps_entries_match"]
    show(rows, hdr)
    print()
    show(rows, ["size", "rotaplan_build_s", "rotaplan_handover_s", "pulp_build_s", "pulp_build_cpu_s", "pulp_writemps_s",
                "pulp_peak_rss_mb_build", "pulp_peak_rss_mb_with_mps", "load_avg"])
    print(f"\nwritten {os.path.relpath(out, ROOT)} in {time.time() - started:.0f} s; "
          f"load average at end: {loadavg():.2f}")


if __name__ == "__main__":
    main()
