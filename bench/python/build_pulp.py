#!/usr/bin/env python3
"""Build rotaplan's model with PuLP, to compare model-build time with rotaplan's.

Reads a rotaplan scenario directory (scenario.toml + CSV tables, docs/inputs.md) and builds the same
model as `rotaplan solve --mode mip --formulation expanded` (docs/model.md, src/model/mod.rs and
src/model/sustainment.rs): the same columns with the same pruning, bounds and costs, the same rows
with the same coefficients and right-hand sides, named as rotaplan names them in its MPS file.
It does not solve.

What is timed (perf_counter, wall clock):
  load_s   reading scenario.toml and the CSVs into plain Python lists/dicts, with the durations
           already in periods, dates of `arrived` as periods, codes as indices. rotaplan's
           `scenario::load` does the same before its build starts.
  build_s  from creating the LpProblem to the last `prob += ...` (the objective, set last):
           the constants of tours under way, the pruned tour variables, every constraint family and
           the objective. This is what rotaplan's `model::build_with` does (timings_ms.build),
           which also ends with the whole model in memory, before anything is handed to HiGHS.
  mps_s    (with --write-mps) prob.writeMPS(FILE): how PuLP hands a model to an external solver.
build_cpu_s is the CPU time (user + system) of the build: on a busy machine it shows how much of
build_s was spent waiting for a core.

Two ways of writing PuLP are offered (--style):
  fast       every expression built in one go, LpAffineExpression([(var, coef), ...]) and
             LpConstraint(expr, sense, name, rhs): PuLP's quickest path that we know of.
  idiomatic  the way PuLP's docs and most user code write it: lpSum(coef * var for ...) <= rhs.
The model is the same either way.

Prints one JSON object: variables, integer_variables, constraints, nonzeros (matrix only, like
rotaplan's summary.json), load_s, build_s, build_cpu_s, [mps_s], peak_rss_mb, pulp, python, style.
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import sys
import time
import tomllib

import pulp
from pulp import LpAffineExpression, LpConstraint, LpProblem, lpSum

try:  # PuLP 3.x warns about APIs that change in 4.0; we use the 4.0 spelling where it exists.
    from pulp.v4_migration import set_v4_migration_warnings

    set_v4_migration_warnings(False)
except ImportError:  # pragma: no cover
    pass

LE, GE, EQ = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ
EPS = 1e-9


# --------------------------------------------------------------------------------------------
# Loading (timed as load_s): plain Python structures, no PuLP.
# --------------------------------------------------------------------------------------------


class Obj:
    """A record with attributes (a tiny struct)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def periods_up(days, p):
    return max(0, math.ceil(days / p - 1e-9))


def periods_down(days, p):
    return max(0, math.floor(days / p + 1e-9))


def read_csv(path, required=True):
    """Rows as dicts (blank cells -> None) with their line numbers; None when the file is absent."""
    if not os.path.exists(path):
        if required:
            sys.exit(f"{path}: missing")
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        if first.startswith("\ufeff"):
            first = first[1:]
        delim = ";" if (";" in first and "," not in first) else ","
        rd = csv.reader(f, delimiter=delim)
        header = None
        rows = []
        for cells in rd:
            if not any(c.strip() for c in cells):
                continue
            cells = [c.strip() for c in cells]
            if header is None:
                header = cells
                continue
            row = {h: (cells[i] if i < len(cells) and cells[i] != "" else None) for i, h in enumerate(header)}
            row["_line"] = rd.line_num
            rows.append(row)
    return rows


def num(v, default=None):
    return default if v is None else float(v)


def date(v):
    return None if v is None else dt.date.fromisoformat(v)


def load(d):
    with open(os.path.join(d, "scenario.toml"), "rb") as f:
        toml = tomllib.load(f)
    start = toml["start"]
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    P = int(toml.get("period_days", 7))
    T = int(toml["periods"])
    pen = toml.get("penalties", {})
    sc = Obj(
        start=start,
        P=P,
        T=T,
        pen_coverage=float(pen.get("coverage", 10000.0)),
        pen_sustainment=float(pen.get("sustainment", 1000.0)),
        pen_dos=float(pen.get("days_of_supply", 10.0)),
    )
    # start(t) for t in the horizon; windows are tested on these dates.
    sc.period_start = [start + dt.timedelta(days=t * P) for t in range(T)]
    rd = lambda name, req=True: read_csv(os.path.join(d, name), req)

    sc.nations = [
        Obj(code=r["nation"], af=date(r.get("available_from")), at=date(r.get("available_to")))
        for r in rd("nations.csv")
    ]
    nation_ix = {n.code: i for i, n in enumerate(sc.nations)}
    sc.unit_types = []
    for r in rd("unit_types.csv"):
        sc.unit_types.append(
            Obj(
                code=r["unit_type"],
                domain=r["domain"],
                role=r["role"],
                role_value=num(r.get("role_value"), 1.0),
                troops=int(float(r["troops"])),
                L=periods_up(float(r["tour_days"]), P),
                D=periods_up(float(r["dwell_days"]), P),
                H=periods_up(num(r.get("handover_days"), 0.0), P),
            )
        )
    unit_ix = {u.code: i for i, u in enumerate(sc.unit_types)}
    sc.offers = []
    for r in rd("offers.csv"):
        md = r.get("max_deployed")
        sc.offers.append(
            Obj(
                nation=nation_ix[r["nation"]],
                unit_type=unit_ix[r["unit_type"]],
                units=int(float(r["units"])),
                max_deployed=None if md is None else int(float(md)),
                cost_per_day=num(r.get("cost_per_day"), 0.0),
                cost_per_tour=num(r.get("cost_per_tour"), 0.0),
            )
        )
    nodes_rows = rd("nodes.csv", False)
    has_net = nodes_rows is not None
    node_ix = {}
    if has_net:
        sc.nodes = []
        for r in nodes_rows:
            pax = r.get("pax_per_day")
            node_ix[r["node"]] = len(sc.nodes)
            sc.nodes.append(
                Obj(
                    code=r["node"],
                    storage=num(r.get("storage_tons"), 0.0),
                    pax=None if pax is None else float(pax),
                )
            )
    sc.sites = []
    for r in rd("sites.csv"):
        node = r.get("node") if has_net else None
        rec = r.get("reception") if has_net else None
        sc.sites.append(
            Obj(
                code=r["site"],
                zone=r["zone"],
                node=None if node is None else node_ix[node],
                reception=None if rec is None else node_ix[rec],
            )
        )
    site_ix = {s.code: i for i, s in enumerate(sc.sites)}
    sc.requirements = [
        Obj(
            site=site_ix[r["site"]],
            role=r["role"],
            required=float(r["required"]),
            priority=num(r.get("priority"), 1.0),
            frm=date(r.get("from")),
            to=date(r.get("to")),
            line=r["_line"],
        )
        for r in rd("requirements.csv")
    ]
    star = lambda v, ix=None: None if v == "*" else (ix[v] if ix is not None else v)
    sc.limits = [
        Obj(
            nation=star(r["nation"], nation_ix),
            zone=star(r["zone"]),
            domain=star(r["domain"]),
            max_troops=float(r["max_troops"]),
            frm=date(r.get("from")),
            to=date(r.get("to")),
            line=r["_line"],
        )
        for r in (rd("limits.csv", False) or [])
    ]
    sc.deployed = [
        Obj(
            nation=nation_ix[r["nation"]],
            unit_type=unit_ix[r["unit_type"]],
            site=site_ix[r["site"]],
            start_period=(dt.date.fromisoformat(r["arrived"]) - start).days // P,
            units=int(float(r["units"])),
        )
        for r in (rd("deployed.csv", False) or [])
    ]
    sc.net = None
    if has_net:
        arcs_r = rd("arcs.csv", False) or []
        supply_r = rd("supply.csv", False) or []
        cons_r = rd("consumption.csv", False) or []
        com_r = rd("commodities.csv", False) or []
        stock_r = rd("initial_stocks.csv", False) or []
        names = sorted({r["commodity"] for t in (supply_r, cons_r, com_r, stock_r) for r in t})
        com_ix = {c: i for i, c in enumerate(names)}
        commodities = [Obj(code=c, dos=0.0, penalty=sc.pen_sustainment) for c in names]
        for r in com_r:
            c = commodities[com_ix[r["commodity"]]]
            c.dos = num(r.get("days_of_supply"), 0.0)
            c.penalty = num(r.get("shortfall_penalty"), sc.pen_sustainment)
        arcs = []
        for r in arcs_r:
            a, b = node_ix[r["from"]], node_ix[r["to"]]
            bidi = (r.get("bidirectional") or "false").lower() == "true"
            for fr, to in [(a, b), (b, a)] if bidi else [(a, b)]:
                arcs.append(
                    Obj(
                        frm=fr,
                        to=to,
                        mode=r["mode"],
                        cap=float(r["capacity_tons_per_day"]),
                        cost=num(r.get("cost_per_ton"), 0.0),
                        lag=periods_down(num(r.get("transit_days"), 0.0), P),
                        af=date(r.get("available_from")),
                        at=date(r.get("available_to")),
                    )
                )
        supply = [
            Obj(
                node=node_ix[r["node"]],
                commodity=com_ix[r["commodity"]],
                tons=float(r["tons_per_day"]),
                cost=num(r.get("cost_per_ton"), 0.0),
            )
            for r in supply_r
        ]
        consumption = [
            Obj(unit_type=unit_ix[r["unit_type"]], commodity=com_ix[r["commodity"]], tons=float(r["tons_per_day"]))
            for r in cons_r
        ]
        stocks = [
            Obj(node=node_ix[r["node"]], commodity=com_ix[r["commodity"]], tons=float(r["tons"])) for r in stock_r
        ]
        sc.net = Obj(arcs=arcs, supply=supply, consumption=consumption, commodities=commodities, stocks=stocks)
    return sc


# --------------------------------------------------------------------------------------------
# Building (timed as build_s): everything rotaplan's model::build_with does, with PuLP.
# --------------------------------------------------------------------------------------------


def active(sc, frm, to, t):
    s = sc.period_start[t]
    return (frm is None or frm <= s) and (to is None or s <= to)


def limit_matches(sc, lim, n, u, s):
    return (
        (lim.nation is None or lim.nation == n)
        and (lim.domain is None or lim.domain == sc.unit_types[u].domain)
        and (lim.zone is None or lim.zone == sc.sites[s].zone)
    )


class Builder:
    """Builds the PuLP problem. `style` picks how expressions and rows are written (see top)."""

    def __init__(self, sc, style, mip=True):
        self.sc = sc
        self.fast = style == "fast"
        self.mip = mip
        self.prob = LpProblem("rotaplan", pulp.LpMinimize)
        self.vars = []  # every column created, in rotaplan's order
        self.obj = []  # (var, cost) for the nonzero costs

    # -- columns and rows ------------------------------------------------------------------
    def col(self, name, lo, hi, cost, integer=False):
        v = self.prob.add_variable(name, lo, hi, pulp.LpInteger if integer else pulp.LpContinuous)
        self.vars.append(v)
        if cost != 0.0:
            self.obj.append((v, cost))
        return v

    def row(self, name, terms, sense, rhs):
        """Adds `Σ coef·var  sense  rhs`; terms is a list of (var, coef) (zeros dropped, as rotaplan)."""
        if self.fast:
            e = LpAffineExpression([tc for tc in terms if tc[1] != 0.0])
            self.prob += LpConstraint(e, sense, name, rhs)
        else:
            e = lpSum(c * v for v, c in terms if c != 0.0)
            if sense == LE:
                self.prob += e <= rhs, name
            elif sense == GE:
                self.prob += e >= rhs, name
            else:
                self.prob += e == rhs, name

    # -- the model ----------------------------------------------------------------------------
    def build(self):
        self.initial_tours()
        self.tour_variables()
        self.pool()
        self.max_deployed()
        self.coverage()
        self.contingent_limits()
        self.reception()
        if self.sc.net is not None:
            self.sustainment()
        if self.fast:
            self.prob += LpAffineExpression(self.obj)
        else:
            self.prob += lpSum(c * v for v, c in self.obj)
        return self.prob

    def offer_index(self, n, u):
        for o, off in enumerate(self.sc.offers):
            if off.nation == n and off.unit_type == u:
                return o
        return None

    def initial_tours(self):
        sc, T = self.sc, self.sc.T
        nn = len(sc.nodes) if sc.net is not None else 0
        self.ini_busy = [[0.0] * T for _ in sc.offers]
        self.ini_ground = [[0.0] * T for _ in sc.offers]
        self.ini_cover = {}
        self.ini_limit = [[0.0] * T for _ in sc.limits]
        self.ini_depart = [[0.0] * T for _ in range(nn)]
        for it in sc.deployed:
            ut = sc.unit_types[it.unit_type]
            o = self.offer_index(it.nation, it.unit_type)
            if o is None:
                continue
            k = float(it.units)
            tau, L, H, D = it.start_period, ut.L, ut.H, ut.D
            lims = [li for li, lim in enumerate(sc.limits) if limit_matches(sc, lim, it.nation, it.unit_type, it.site)]
            rec = sc.sites[it.site].reception
            for t in range(T):
                if tau <= t < tau + L + D:
                    self.ini_busy[o][t] += k
                if tau <= t < tau + L:
                    self.ini_ground[o][t] += k
                    for li in lims:
                        self.ini_limit[li][t] += k * ut.troops
                if tau + H <= t < tau + L:
                    self.ini_cover.setdefault((it.site, ut.role), [0.0] * T)[t] += k * ut.role_value
                if t == tau + L - 1 and rec is not None:
                    self.ini_depart[rec][t] += k * ut.troops

    def tour_variables(self):
        """x[n,u,s,t] with rotaplan's pruning (availability, never covering, rows already full)."""
        sc, T, P = self.sc, self.sc.T, float(self.sc.P)
        site_roles = [set() for _ in sc.sites]
        for r in sc.requirements:
            site_roles[r.site].add(r.role)
        # Each pruning test asks "is some period of a window blocked?": prefix counts of blocked
        # periods answer it in O(1) (rotaplan loops over the window; the result is the same).
        def prefix(blocked):
            acc = [0]
            for b in blocked:
                acc.append(acc[-1] + (1 if b else 0))
            return acc

        unavail = [prefix(not active(sc, n.af, n.at, t) for t in range(T)) for n in sc.nations]
        lim_full = [
            [active(sc, lim.frm, lim.to, p) and self.ini_limit[li][p] >= lim.max_troops - EPS for p in range(T)]
            for li, lim in enumerate(sc.limits)
        ]
        self.triples = []  # (nation, unit_type, site, offer, x list)
        self.by_offer = [[] for _ in sc.offers]
        for o, off in enumerate(sc.offers):
            if off.units == 0 or off.max_deployed == 0:
                continue
            ut = sc.unit_types[off.unit_type]
            L, H, D = ut.L, ut.H, ut.D
            nat = sc.nations[off.nation]
            na = unavail[off.nation]
            busy_full = prefix(b >= off.units - EPS for b in self.ini_busy[o])
            ground_full = prefix(
                off.max_deployed is not None and g >= off.max_deployed - EPS for g in self.ini_ground[o]
            )
            for s, site in enumerate(sc.sites):
                if ut.role not in site_roles[s]:
                    continue
                lims = [li for li, lim in enumerate(sc.limits) if limit_matches(sc, lim, off.nation, off.unit_type, s)]
                limit_full = prefix(any(lim_full[li][p] for li in lims) for p in range(T))
                pax = None
                if site.reception is not None:
                    pax = sc.nodes[site.reception].pax
                tri = len(self.triples)
                x = [None] * T
                for t in range(T):
                    g_end = min(t + L, T)
                    if t + H >= T or na[g_end] != na[t]:
                        continue
                    if busy_full[min(t + L + D, T)] != busy_full[t]:
                        continue
                    if ground_full[g_end] != ground_full[t] or limit_full[g_end] != limit_full[t]:
                        continue
                    if pax is not None:
                        cap = pax * P
                        dep = self.ini_depart[site.reception]
                        last = t + L - 1
                        if dep[t] >= cap - EPS or (last < T and dep[last] >= cap - EPS):
                            continue
                    cost = off.cost_per_day * (float(g_end - t) * P) + off.cost_per_tour
                    x[t] = self.col(
                        f"x[{nat.code},{ut.code},{site.code},{t}]", 0.0, None, cost, integer=self.mip
                    )
                if all(v is None for v in x):
                    continue
                self.by_offer[o].append(tri)
                self.triples.append((off.nation, off.unit_type, s, o, x))

    # Expanded windowed sums: the tour starts of a window, each with its coefficient.
    @staticmethod
    def starts(x, lo, hi, coef, out):
        """Appends (x[τ], coef) for τ in lo..=hi clipped to the horizon."""
        lo = max(lo, 0)
        hi = min(hi, len(x) - 1)
        if hi < lo:  # (also keeps a negative hi from slicing from the end)
            return
        out += [(v, coef) for v in x[lo : hi + 1] if v is not None]

    def offer_name(self, o):
        off = self.sc.offers[o]
        return f"{self.sc.nations[off.nation].code},{self.sc.unit_types[off.unit_type].code}"

    def pool(self):
        sc = self.sc
        for o, off in enumerate(sc.offers):
            if not self.by_offer[o]:
                continue
            ut = sc.unit_types[off.unit_type]
            busy = ut.L + ut.D
            xs = [self.triples[tr][4] for tr in self.by_offer[o]]
            name = self.offer_name(o)
            for t in range(sc.T):
                terms = []
                for x in xs:
                    self.starts(x, t - busy + 1, t, 1.0, terms)
                self.row(f"pool[{name},{t}]", terms, LE, off.units - self.ini_busy[o][t])

    def max_deployed(self):
        sc = self.sc
        for o, off in enumerate(sc.offers):
            if off.max_deployed is None or not self.by_offer[o]:
                continue
            L = sc.unit_types[off.unit_type].L
            xs = [self.triples[tr][4] for tr in self.by_offer[o]]
            name = self.offer_name(o)
            for t in range(sc.T):
                terms = []
                for x in xs:
                    self.starts(x, t - L + 1, t, 1.0, terms)
                self.row(f"max_deployed[{name},{t}]", terms, LE, off.max_deployed - self.ini_ground[o][t])

    def coverage(self):
        sc, T, P = self.sc, self.sc.T, float(self.sc.P)
        # rotaplan orders the (site, role) groups by site index, then role name.
        groups = {}
        for i, r in enumerate(sc.requirements):
            groups.setdefault((r.site, r.role), []).append(i)
        self.short = {}
        for (s, role), reqs in sorted(groups.items()):
            cov = [
                (tr[4], sc.unit_types[tr[1]])
                for tr in self.triples
                if tr[2] == s and sc.unit_types[tr[1]].role == role
            ]
            already = self.ini_cover.get((s, role))
            for t in range(T):
                act = [i for i in reqs if active(sc, sc.requirements[i].frm, sc.requirements[i].to, t)]
                required = 0.0
                for i in act:
                    required += sc.requirements[i].required
                need = required - (already[t] if already else 0.0)
                if need <= EPS:
                    continue
                terms = []
                for x, ut in cov:
                    self.starts(x, t - ut.L + 1, t - ut.H, ut.role_value, terms)
                for i in act:
                    r = sc.requirements[i]
                    if r.required <= 0.0:
                        continue
                    c = self.col(f"short[req{r.line},{t}]", 0.0, r.required, sc.pen_coverage * r.priority * P)
                    self.short[(i, t)] = c
                    terms.append((c, 1.0))
                self.row(f"coverage[{sc.sites[s].code},{role},{t}]", terms, GE, need)

    def contingent_limits(self):
        sc = self.sc
        for li, lim in enumerate(sc.limits):
            matching = [
                (tr[4], sc.unit_types[tr[1]].L, float(sc.unit_types[tr[1]].troops))
                for tr in self.triples
                if limit_matches(sc, lim, tr[0], tr[1], tr[2])
            ]
            if not matching:
                continue
            for t in range(sc.T):
                if not active(sc, lim.frm, lim.to, t):
                    continue
                terms = []
                for x, L, m in matching:
                    self.starts(x, t - L + 1, t, m, terms)
                if not terms:
                    continue
                self.row(f"limit[line{lim.line},{t}]", terms, LE, lim.max_troops - self.ini_limit[li][t])

    def reception(self):
        sc = self.sc
        if sc.net is None:
            return
        P = float(sc.P)
        for w, node in enumerate(sc.nodes):
            if node.pax is None:
                continue
            through = [
                (tr[4], sc.unit_types[tr[1]].L, float(sc.unit_types[tr[1]].troops))
                for tr in self.triples
                if sc.sites[tr[2]].reception == w
            ]
            if not through:
                continue
            for t in range(sc.T):
                terms = []
                for x, L, m in through:
                    if L == 1:
                        if x[t] is not None:
                            terms.append((x[t], 2.0 * m))
                        continue
                    if x[t] is not None:
                        terms.append((x[t], m))
                    ls = t - L + 1
                    if ls >= 0 and x[ls] is not None:
                        terms.append((x[ls], m))
                if not terms:
                    continue
                self.row(f"reception[{node.code},{t}]", terms, LE, node.pax * P - self.ini_depart[w][t])

    def sustainment(self):
        sc, net, T, P = self.sc, self.sc.net, self.sc.T, float(self.sc.P)
        K, W = len(net.commodities), len(sc.nodes)
        kc = [c.code for c in net.commodities]
        wc = [n.code for n in sc.nodes]
        arc_name = [f"{wc[a.frm]}>{wc[a.to]}:{a.mode}" for a in net.arcs]
        demand = {}  # (k, w, t) -> var
        # d[k,w,t] = Σ consumption·P·(units on the ground), initial tours as a constant.
        for k in range(K):
            per_unit = [0.0] * len(sc.unit_types)
            for c in net.consumption:
                if c.commodity == k:
                    per_unit[c.unit_type] = c.tons
            konst = [[0.0] * T for _ in range(W)]
            for it in sc.deployed:
                w = sc.sites[it.site].node
                if w is None:
                    continue
                L = sc.unit_types[it.unit_type].L
                for t in range(max(it.start_period, 0), min(it.start_period + L, T)):
                    konst[w][t] += per_unit[it.unit_type] * P * it.units
            for w in range(W):
                feeding = [
                    (tr[4], sc.unit_types[tr[1]].L, -per_unit[tr[1]] * P)
                    for tr in self.triples
                    if sc.sites[tr[2]].node == w and per_unit[tr[1]] > 0.0
                ]
                for t in range(T):
                    kc_ = konst[w][t]
                    terms = []
                    for x, L, coef in feeding:
                        self.starts(x, t - L + 1, t, coef, terms)
                    if not terms and kc_ <= 0.0:
                        continue
                    d = self.col(f"d[{kc[k]},{wc[w]},{t}]", 0.0, None, 0.0)
                    terms.append((d, 1.0))
                    self.row(f"demand_def[{kc[k]},{wc[w]},{t}]", terms, EQ, kc_)
                    demand[(k, w, t)] = d
        # f[k,a,t] on arcs usable when sent.
        flow = {}
        for k in range(K):
            for a, arc in enumerate(net.arcs):
                for t in range(T):
                    if not active(sc, arc.af, arc.at, t) or arc.cap <= 0.0:
                        continue
                    flow[(k, a, t)] = self.col(f"f[{kc[k]},{arc_name[a]},{t}]", 0.0, None, arc.cost)
        # Depot output, a bounded column.
        output = {}
        for i, sp in enumerate(net.supply):
            for t in range(T):
                output[(i, t)] = self.col(
                    f"o[{kc[sp.commodity]},{wc[sp.node]},{t}]", 0.0, sp.tons * P, sp.cost
                )
        # Stock, unmet, days-of-supply shortfall.
        stock, unmet, dos_short = {}, {}, {}
        for k, com in enumerate(net.commodities):
            for w, node in enumerate(sc.nodes):
                for t in range(T):
                    if node.storage > 0.0:
                        stock[(k, w, t)] = self.col(f"I[{kc[k]},{wc[w]},{t}]", 0.0, None, 0.0)
                    if (k, w, t) in demand:
                        unmet[(k, w, t)] = self.col(f"unmet[{kc[k]},{wc[w]},{t}]", 0.0, None, com.penalty)
                        if com.dos > 0.0:
                            dos_short[(k, w, t)] = self.col(
                                f"dos_short[{kc[k]},{wc[w]},{t}]", 0.0, None, sc.pen_dos * P
                            )
        # Arc capacity, shared by the commodities in the sending period.
        for a, arc in enumerate(net.arcs):
            for t in range(T):
                terms = [(flow[(k, a, t)], 1.0) for k in range(K) if (k, a, t) in flow]
                if terms:
                    self.row(f"arc_capacity[{arc_name[a]},{t}]", terms, LE, arc.cap * P)
        # Storage, shared by the commodities.
        for w, node in enumerate(sc.nodes):
            if node.storage <= 0.0:
                continue
            for t in range(T):
                terms = [(stock[(k, w, t)], 1.0) for k in range(K) if (k, w, t) in stock]
                self.row(f"storage[{wc[w]},{t}]", terms, LE, node.storage)
        # Balance and unmet ≤ demand.
        initial = {}
        for s in net.stocks:
            initial[(s.commodity, s.node)] = initial.get((s.commodity, s.node), 0.0) + s.tons
        supply_at = {}
        for i, sp in enumerate(net.supply):
            supply_at.setdefault((sp.node, sp.commodity), []).append(i)
        arcs_in = [[] for _ in range(W)]
        arcs_out = [[] for _ in range(W)]
        for a, arc in enumerate(net.arcs):
            arcs_in[arc.to].append((a, arc.lag))
            arcs_out[arc.frm].append(a)
        for k in range(K):
            for w in range(W):
                sups = supply_at.get((w, k), [])
                for t in range(T):
                    key = (k, w, t)
                    terms = []
                    if key in stock:
                        terms.append((stock[key], 1.0))
                    if t > 0 and (k, w, t - 1) in stock:
                        terms.append((stock[(k, w, t - 1)], -1.0))
                    for i in sups:
                        terms.append((output[(i, t)], -1.0))
                    # (rotaplan walks all arcs in one loop; the terms are the same, in another order.)
                    for a, lag in arcs_in[w]:
                        f = flow.get((k, a, t - lag)) if t >= lag else None
                        if f is not None:
                            terms.append((f, -1.0))
                    for a in arcs_out[w]:
                        f = flow.get((k, a, t))
                        if f is not None:
                            terms.append((f, 1.0))
                    d = demand.get(key)
                    u = unmet.get(key)
                    if d is not None:
                        terms.append((d, 1.0))
                    if u is not None:
                        terms.append((u, -1.0))
                    if not terms:
                        continue
                    rhs = initial.get((k, w), 0.0) if t == 0 else 0.0
                    self.row(f"balance[{kc[k]},{wc[w]},{t}]", terms, EQ, rhs)
                    if u is not None and d is not None:
                        self.row(f"unmet_cap[{kc[k]},{wc[w]},{t}]", [(u, 1.0), (d, -1.0)], LE, 0.0)
        # Days of supply where there is demand.
        for k, com in enumerate(net.commodities):
            if com.dos <= 0.0:
                continue
            coef = -com.dos / P
            for w in range(W):
                for t in range(T):
                    key = (k, w, t)
                    d, s = demand.get(key), dos_short.get(key)
                    if d is None or s is None:
                        continue
                    terms = [(s, 1.0), (d, coef)]
                    if key in stock:
                        terms.append((stock[key], 1.0))
                    self.row(f"days_of_supply[{kc[k]},{wc[w]},{t}]", terms, GE, 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--style", choices=["fast", "idiomatic"], default="fast")
    ap.add_argument("--mode", choices=["mip", "lp"], default="mip")
    ap.add_argument("--write-mps", metavar="FILE", help="also time prob.writeMPS(FILE)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    sc = load(args.scenario)
    load_s = time.perf_counter() - t0

    t1, c1 = time.perf_counter(), time.process_time()
    b = Builder(sc, args.style, mip=args.mode == "mip")
    prob = b.build()
    build_s = time.perf_counter() - t1
    build_cpu_s = time.process_time() - c1

    # Counting is not timed.
    cons = prob.constraints()
    out = {
        "scenario": os.path.basename(os.path.normpath(args.scenario)),
        "style": args.style,
        "variables": len(b.vars),
        "variables_in_problem": prob.numVariables(),
        "integer_variables": sum(1 for v in b.vars if v.cat == pulp.LpInteger),
        "constraints": len(cons),
        "nonzeros": sum(len(c) for c in cons),
        "load_s": round(load_s, 4),
        "build_s": round(build_s, 4),
        "build_cpu_s": round(build_cpu_s, 4),
    }
    if args.write_mps:
        t2 = time.perf_counter()
        prob.writeMPS(args.write_mps)
        out["mps_s"] = round(time.perf_counter() - t2, 4)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["pulp"] = pulp.__version__
    out["python"] = platform.python_version()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
