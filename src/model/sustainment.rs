//! Sustainment, constraint 6 of docs/model.md: multi-commodity flows per period over the supply
//! network, fed by depot output and stocks, drawn down by the troops the plan puts on the ground.
//!
//! Demand gets a variable of its own per (commodity, node, period), defined once from the
//! on-ground counts; the balance, unmet and days-of-supply rows then use that one column, so
//! every row here stays short whatever the force size.

use super::lp::{RowKind, Var};
use super::vars::{Model, NetVars};
use crate::scenario::Network;

const INF: f64 = f64::INFINITY;

/// Adds every sustainment family to the model.
pub fn build(m: &mut Model) {
    let sc = m.sc;
    let Some(net) = &sc.network else { return };
    let (kn, wn, an, tn) = (
        net.commodities.len(),
        net.nodes.len(),
        net.arcs.len(),
        sc.periods,
    );
    let mut v = NetVars {
        commodities: kn,
        nodes: wn,
        arcs: an,
        periods: tn,
        demand: vec![None; kn * wn * tn],
        demand_const: vec![0.0; kn * wn * tn],
        flow: vec![None; kn * an * tn],
        output: vec![None; net.supply.len() * tn],
        stock: vec![None; kn * wn * tn],
        unmet: vec![None; kn * wn * tn],
        dos_short: vec![None; kn * wn * tn],
    };
    demand(m, net, &mut v);
    flows(m, net, &mut v);
    depot_output(m, net, &mut v);
    stocks(m, net, &mut v);
    arc_capacity(m, net, &v);
    storage_capacity(m, net, &v);
    balance(m, net, &mut v);
    days_of_supply(m, net, &mut v);
    m.net = Some(v);
}

/// Tons of commodity k a day per unit of each type (0 where not listed).
pub(super) fn consumption(m: &Model, net: &Network, k: usize) -> Vec<f64> {
    let mut per_unit = vec![0.0; m.sc.unit_types.len()];
    for c in net.consumption.iter().filter(|c| c.commodity == k) {
        per_unit[c.unit_type] = c.tons_per_day;
    }
    per_unit
}

/// d[k,w,t] = Σ over sites fed at w of consumption·P·(units on the ground), initial tours included.
fn demand(m: &mut Model, net: &Network, v: &mut NetVars) {
    let sc = m.sc;
    let pd = sc.period_days as f64;
    let mut buf = Vec::new();
    for k in 0..v.commodities {
        let per_unit = consumption(m, net, k);
        // Constant demand of the tours under way.
        for it in &sc.deployed {
            let Some(w) = sc.sites[it.site].node else {
                continue;
            };
            let l = sc.unit_types[it.unit_type].tour as i64;
            for t in it.start_period.max(0)..(it.start_period + l).min(v.periods as i64) {
                let i = v.kwt(k, w, t as usize);
                v.demand_const[i] += per_unit[it.unit_type] * pd * it.units as f64;
            }
        }
        for w in 0..v.nodes {
            let feeding: Vec<usize> = (0..m.triples.len())
                .filter(|&tr| {
                    sc.sites[m.triples[tr].site].node == Some(w)
                        && per_unit[m.triples[tr].unit_type] > 0.0
                })
                .collect();
            for t in 0..v.periods {
                let konst = v.demand_const[v.kwt(k, w, t)];
                buf.clear();
                for &tr in &feeding {
                    m.push_ground(tr, t, -per_unit[m.triples[tr].unit_type] * pd, &mut buf);
                }
                if buf.is_empty() && konst <= 0.0 {
                    continue;
                }
                let c = m.lp.col(
                    Var::Demand {
                        k: k as u32,
                        w: w as u32,
                        t: t as u32,
                    },
                    0.0,
                    INF,
                    0.0,
                    false,
                );
                buf.push((c, 1.0));
                m.lp.row(
                    RowKind::DemandDef {
                        k: k as u32,
                        w: w as u32,
                        t: t as u32,
                    },
                    konst,
                    konst,
                    &buf,
                );
                let i = v.kwt(k, w, t);
                v.demand[i] = Some(c);
            }
        }
    }
}

/// f[k,a,t] ≥ 0 on arcs usable in the sending period t, at cost_per_ton.
fn flows(m: &mut Model, net: &Network, v: &mut NetVars) {
    let sc = m.sc;
    for k in 0..v.commodities {
        for (a, arc) in net.arcs.iter().enumerate() {
            for t in 0..v.periods {
                if !sc.active(arc.available_from, arc.available_to, t as i64)
                    || arc.capacity_tons_per_day <= 0.0
                {
                    continue;
                }
                let c = m.lp.col(
                    Var::Flow {
                        k: k as u32,
                        arc: a as u32,
                        t: t as u32,
                    },
                    0.0,
                    INF,
                    arc.cost_per_ton,
                    false,
                );
                let i = v.kat(k, a, t);
                v.flow[i] = Some(c);
            }
        }
    }
}

/// 0 ≤ o[k,w,t] ≤ tons_per_day·P at each supplying node (a bound, so its dual is the column's).
fn depot_output(m: &mut Model, net: &Network, v: &mut NetVars) {
    let sc = m.sc;
    let pd = sc.period_days as f64;
    for (i, sp) in net.supply.iter().enumerate() {
        for t in 0..v.periods {
            let c = m.lp.col(
                Var::Output {
                    k: sp.commodity as u32,
                    supply: i as u32,
                    t: t as u32,
                },
                0.0,
                sp.tons_per_day * pd,
                sp.cost_per_ton,
                false,
            );
            v.output[i * v.periods + t] = Some(c);
        }
    }
}

/// I[k,w,t] ≥ 0 at nodes with storage; unmet and days-of-supply shortfall where there is demand.
fn stocks(m: &mut Model, net: &Network, v: &mut NetVars) {
    let sc = m.sc;
    let pd = sc.period_days as f64;
    for (k, com) in net.commodities.iter().enumerate() {
        for (w, node) in net.nodes.iter().enumerate() {
            for t in 0..v.periods {
                let (k32, w32, t32) = (k as u32, w as u32, t as u32);
                if node.storage_tons > 0.0 {
                    let c = m.lp.col(
                        Var::Stock {
                            k: k32,
                            w: w32,
                            t: t32,
                        },
                        0.0,
                        INF,
                        0.0,
                        false,
                    );
                    let i = v.kwt(k, w, t);
                    v.stock[i] = Some(c);
                }
                if v.demand[v.kwt(k, w, t)].is_some() {
                    let c = m.lp.col(
                        Var::Unmet {
                            k: k32,
                            w: w32,
                            t: t32,
                        },
                        0.0,
                        INF,
                        com.shortfall_penalty,
                        false,
                    );
                    let i = v.kwt(k, w, t);
                    v.unmet[i] = Some(c);
                    if com.days_of_supply > 0.0 {
                        let c = m.lp.col(
                            Var::DosShort {
                                k: k32,
                                w: w32,
                                t: t32,
                            },
                            0.0,
                            INF,
                            sc.penalties.days_of_supply * pd,
                            false,
                        );
                        let i = v.kwt(k, w, t);
                        v.dos_short[i] = Some(c);
                    }
                }
            }
        }
    }
}

/// Σ_k f[k,a,t] ≤ capacity·P: commodities share an arc's capacity in the sending period.
fn arc_capacity(m: &mut Model, net: &Network, v: &NetVars) {
    let sc = m.sc;
    let mut buf = Vec::new();
    for (a, arc) in net.arcs.iter().enumerate() {
        for t in 0..v.periods {
            buf.clear();
            buf.extend(
                (0..v.commodities)
                    .filter_map(|k| v.flow[v.kat(k, a, t)])
                    .map(|c| (c, 1.0)),
            );
            if !buf.is_empty() {
                let cap = arc.capacity_tons_per_day * sc.period_days as f64;
                m.lp.row(
                    RowKind::ArcCapacity {
                        arc: a as u32,
                        t: t as u32,
                    },
                    -INF,
                    cap,
                    &buf,
                );
            }
        }
    }
}

/// Σ_k I[k,w,t] ≤ storage_tons: commodities share a node's storage.
fn storage_capacity(m: &mut Model, net: &Network, v: &NetVars) {
    let mut buf = Vec::new();
    for (w, node) in net.nodes.iter().enumerate() {
        if node.storage_tons <= 0.0 {
            continue;
        }
        for t in 0..v.periods {
            buf.clear();
            buf.extend(
                (0..v.commodities)
                    .filter_map(|k| v.stock[v.kwt(k, w, t)])
                    .map(|c| (c, 1.0)),
            );
            m.lp.row(
                RowKind::Storage {
                    w: w as u32,
                    t: t as u32,
                },
                -INF,
                node.storage_tons,
                &buf,
            );
        }
    }
}

/// Stock balance, and unmet ≤ demand:
/// I[t] − I[t−1] − o[t] − Σ_in f[t−λ] + Σ_out f[t] + d[t] − unmet[t] = 0, with I[−1] the initial stock.
fn balance(m: &mut Model, net: &Network, v: &mut NetVars) {
    let mut initial = vec![0.0; v.commodities * v.nodes];
    for s in &net.initial_stocks {
        initial[s.commodity * v.nodes + s.node] += s.tons;
    }
    // Arrivals sent before `start` (a rolling-horizon window's carry-over) are constants here.
    let mut arriving = vec![0.0; v.commodities * v.nodes * v.periods];
    for a in &net.in_transit {
        if a.period < v.periods {
            arriving[v.kwt(a.commodity, a.node, a.period)] += a.tons;
        }
    }
    let mut buf = Vec::new();
    for k in 0..v.commodities {
        for w in 0..v.nodes {
            for t in 0..v.periods {
                buf.clear();
                let i = v.kwt(k, w, t);
                if let Some(c) = v.stock[i] {
                    buf.push((c, 1.0));
                }
                if t > 0 {
                    if let Some(c) = v.stock[v.kwt(k, w, t - 1)] {
                        buf.push((c, -1.0));
                    }
                }
                for (si, sp) in net.supply.iter().enumerate() {
                    if sp.node == w && sp.commodity == k {
                        if let Some(c) = v.output[si * v.periods + t] {
                            buf.push((c, -1.0));
                        }
                    }
                }
                for (a, arc) in net.arcs.iter().enumerate() {
                    if arc.to == w && t >= arc.lag {
                        if let Some(c) = v.flow[v.kat(k, a, t - arc.lag)] {
                            buf.push((c, -1.0));
                        }
                    }
                    if arc.from == w {
                        if let Some(c) = v.flow[v.kat(k, a, t)] {
                            buf.push((c, 1.0));
                        }
                    }
                }
                if let Some(d) = v.demand[i] {
                    buf.push((d, 1.0));
                }
                if let Some(u) = v.unmet[i] {
                    buf.push((u, -1.0));
                }
                let rhs = arriving[i]
                    + if t == 0 {
                        initial[k * v.nodes + w]
                    } else {
                        0.0
                    };
                if buf.is_empty() {
                    continue;
                }
                let (k32, w32, t32) = (k as u32, w as u32, t as u32);
                m.lp.row(
                    RowKind::Balance {
                        k: k32,
                        w: w32,
                        t: t32,
                    },
                    rhs,
                    rhs,
                    &buf,
                );
                if let (Some(u), Some(d)) = (v.unmet[i], v.demand[i]) {
                    m.lp.row(
                        RowKind::UnmetCap {
                            k: k32,
                            w: w32,
                            t: t32,
                        },
                        -INF,
                        0.0,
                        &[(u, 1.0), (d, -1.0)],
                    );
                }
            }
        }
    }
}

/// I[k,w,t] + dos_short ≥ days_of_supply_k · d[k,w,t]/P where there is demand (slack where d = 0;
/// at a node without storage the shortfall cannot be avoided).
fn days_of_supply(m: &mut Model, net: &Network, v: &mut NetVars) {
    let sc = m.sc;
    let pd = sc.period_days as f64;
    for (k, com) in net.commodities.iter().enumerate() {
        if com.days_of_supply <= 0.0 {
            continue;
        }
        for w in 0..v.nodes {
            for t in 0..v.periods {
                let i = v.kwt(k, w, t);
                let (Some(d), Some(s)) = (v.demand[i], v.dos_short[i]) else {
                    continue;
                };
                let mut row = vec![(s, 1.0), (d, -com.days_of_supply / pd)];
                if let Some(c) = v.stock[i] {
                    row.push((c, 1.0));
                }
                m.lp.row(
                    RowKind::DaysOfSupply {
                        k: k as u32,
                        w: w as u32,
                        t: t as u32,
                    },
                    0.0,
                    INF,
                    &row,
                );
            }
        }
    }
}
