//! The supply network as each site sees it: a relaxation of the sustainment families that
//! rotation-first adds to its rotation model when the search, blind to the network, would buy
//! troops the sites cannot keep (docs/model.md#site-supply).
//!
//! Per demand node w and period t, all commodities summed into tons, the network is cut down to
//! what reaches w: a stock S ≤ the node's storage, an inflow R no larger than what the node's
//! depot output and its incoming arcs can bring in that period, unmet tons U and days-of-supply
//! shortfall Q:
//!
//! ```text
//!   D[w,t] = Σ_k d[k,w,t]                                  (site_demand_def)
//!   E[w,t] = Σ_k days_of_supply_k · d[k,w,t] / P           (site_dos_need_def)
//!   S[t] − S[t−1] − R[t] + D[t] − U[t] = initial + arriving (site_balance)
//!   U[t] ≤ D[t]                                            (site_unmet_cap)
//!   S[t] + Q[t] ≥ E[t]                                     (site_days_of_supply)
//!   R[t] ≤ Σ output capacity at w + Σ capacity of arcs into w (sent at t − lag)
//! ```
//!
//! D and E are written as D[t] = D[t−1] + (change of the ground counts): two entries per
//! triple and period, where D[t] written out takes a tour's length of starts per triple, so the
//! written-out form, solved by simplex, stays small.
//!
//! Every plan of the whole model maps onto these (S = Σ_k stock, R = net inflow over all
//! commodities, U = Σ_k unmet, Q = Σ_k days-of-supply shortfall), and its sustainment cost is at
//! least min_k(unmet penalty)·U + (days-of-supply penalty)·Q, because transport and depot output
//! cost nothing here, and an arc's capacity limits only what its head node receives (a
//! bottleneck upstream limits no site here). So the rotation model with these families stays a
//! relaxation of the whole model, and its proven bound stays a bound of the whole plan.

use super::lp::{Col, RowKind, Var};
use super::sustainment::consumption;
use super::vars::Model;

const INF: f64 = f64::INFINITY;

/// Adds the site-supply relaxation above to a model built without the sustainment families
/// (a no-op for a scenario without a network, or a model that has them).
pub fn add(m: &mut Model) {
    let sc = m.sc;
    let Some(net) = &sc.network else { return };
    if m.net.is_some() {
        return;
    }
    let (wn, tn) = (net.nodes.len(), sc.periods);
    let pd = sc.period_days as f64;
    // Tons a period per unit of each type, and tons of days-of-supply stock it asks for.
    let mut tons = vec![0.0; sc.unit_types.len()];
    let mut dos_tons = vec![0.0; sc.unit_types.len()];
    let mut unmet_penalty = INF;
    for (k, com) in net.commodities.iter().enumerate() {
        let per_unit = consumption(m, net, k);
        if per_unit.iter().any(|&p| p > 0.0) {
            unmet_penalty = unmet_penalty.min(com.shortfall_penalty);
        }
        for (u, p) in per_unit.iter().enumerate() {
            tons[u] += p * pd;
            dos_tons[u] += p * com.days_of_supply.max(0.0);
        }
    }
    if !unmet_penalty.is_finite() {
        return;
    }
    let any_dos = dos_tons.iter().any(|&e| e > 0.0);
    // Constants: demand and days-of-supply stock of the tours under way; initial stock and
    // arrivals already sent.
    let mut konst = vec![0.0; wn * tn];
    let mut konst_dos = vec![0.0; wn * tn];
    for it in &sc.deployed {
        let Some(w) = sc.sites[it.site].node else {
            continue;
        };
        let l = sc.unit_types[it.unit_type].tour as i64;
        for t in it.start_period.max(0)..(it.start_period + l).min(tn as i64) {
            konst[w * tn + t as usize] += tons[it.unit_type] * it.units as f64;
            konst_dos[w * tn + t as usize] += dos_tons[it.unit_type] * it.units as f64;
        }
    }
    let mut given = vec![0.0; wn * tn];
    for s in &net.initial_stocks {
        if tn > 0 {
            given[s.node * tn] += s.tons;
        }
    }
    for a in &net.in_transit {
        if a.period < tn {
            given[a.node * tn + a.period] += a.tons;
        }
    }
    // What can reach w in t: its depots' output and its incoming arcs' capacity.
    let mut inflow = vec![0.0; wn * tn];
    for sp in &net.supply {
        for t in 0..tn {
            inflow[sp.node * tn + t] += sp.tons_per_day * pd;
        }
    }
    for arc in &net.arcs {
        for sent in 0..tn {
            let t = sent + arc.lag;
            if t < tn
                && arc.capacity_tons_per_day > 0.0
                && sc.active(arc.available_from, arc.available_to, sent as i64)
            {
                inflow[arc.to * tn + t] += arc.capacity_tons_per_day * pd;
            }
        }
    }
    let dos_penalty = sc.penalties.days_of_supply * pd;
    let mut buf = Vec::new();
    // A value's change from t − 1 (the constants of the chained definitions).
    let change = |v: &[f64], i: usize, t: usize| v[i] - if t > 0 { v[i - 1] } else { 0.0 };
    for w in 0..wn {
        let feeding: Vec<usize> = (0..m.triples.len())
            .filter(|&tr| {
                sc.sites[m.triples[tr].site].node == Some(w) && tons[m.triples[tr].unit_type] > 0.0
            })
            .collect();
        if feeding.is_empty() && (0..tn).all(|t| konst[w * tn + t] <= 0.0) {
            continue;
        }
        let storage = net.nodes[w].storage_tons.max(0.0);
        let w32 = w as u32;
        let (mut before, mut d_before, mut e_before) = (None, None, None);
        for t in 0..tn {
            let (i, t32) = (w * tn + t, t as u32);
            let d =
                m.lp.col(Var::SiteDemand { w: w32, t: t32 }, 0.0, INF, 0.0, false);
            let rhs = change(&konst, i, t);
            let kind = RowKind::SiteDemandDef { w: w32, t: t32 };
            chained(m, kind, (d, d_before), &feeding, &tons, t, rhs, &mut buf);
            let s = (storage > 0.0).then(|| {
                m.lp.col(Var::SiteStock { w: w32, t: t32 }, 0.0, storage, 0.0, false)
            });
            // Net inflow: negative when w sends more on than it receives.
            let r = m.lp.col(
                Var::SiteInflow { w: w32, t: t32 },
                -INF,
                inflow[i],
                0.0,
                false,
            );
            let u = m.lp.col(
                Var::SiteUnmet { w: w32, t: t32 },
                0.0,
                INF,
                unmet_penalty,
                false,
            );
            buf.clear();
            buf.extend(s.map(|s| (s, 1.0)));
            buf.extend(before.map(|s| (s, -1.0)));
            buf.extend([(r, -1.0), (d, 1.0), (u, -1.0)]);
            m.lp.row(
                RowKind::SiteBalance { w: w32, t: t32 },
                given[i],
                given[i],
                &buf,
            );
            m.lp.row(
                RowKind::SiteUnmetCap { w: w32, t: t32 },
                -INF,
                0.0,
                &[(u, 1.0), (d, -1.0)],
            );
            if any_dos {
                // E[t]: tons of days-of-supply stock the troops at w ask for, by the same recursion.
                let e =
                    m.lp.col(Var::SiteDosNeed { w: w32, t: t32 }, 0.0, INF, 0.0, false);
                let rhs = change(&konst_dos, i, t);
                let kind = RowKind::SiteDosNeedDef { w: w32, t: t32 };
                chained(
                    m,
                    kind,
                    (e, e_before),
                    &feeding,
                    &dos_tons,
                    t,
                    rhs,
                    &mut buf,
                );
                let q = m.lp.col(
                    Var::SiteDosShort { w: w32, t: t32 },
                    0.0,
                    INF,
                    dos_penalty,
                    false,
                );
                buf.clear();
                buf.extend([(q, 1.0), (e, -1.0)]);
                buf.extend(s.map(|s| (s, 1.0)));
                m.lp.row(RowKind::SiteDaysOfSupply { w: w32, t: t32 }, 0.0, INF, &buf);
                e_before = Some(e);
            }
            d_before = Some(d);
            before = s;
        }
    }
}

/// The row of a chained definition X[t] − X[t−1] − Σ_tr per_type[u]·(change of tr's ground
/// count in t) = `rhs` (the change of the constant part), for the column pair (X[t], X[t−1]).
#[allow(clippy::too_many_arguments)]
fn chained(
    m: &mut Model,
    kind: RowKind,
    (now, before): (Col, Option<Col>),
    feeding: &[usize],
    per_type: &[f64],
    t: usize,
    rhs: f64,
    buf: &mut Vec<(Col, f64)>,
) {
    buf.clear();
    for &tr in feeding {
        m.push_ground_change(tr, t, -per_type[m.triples[tr].unit_type], buf);
    }
    buf.push((now, 1.0));
    buf.extend(before.map(|c| (c, -1.0)));
    m.lp.row(kind, rhs, rhs, buf);
}
