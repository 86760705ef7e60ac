//! The supply network as each site and each hub's catchment sees it: a relaxation of the
//! sustainment families that rotation-first adds to its rotation model when the search, blind
//! to the network, would buy troops the sites cannot keep (docs/model.md#site-supply).
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
//! cost nothing here, and an arc's capacity limits only what its head node receives. A
//! bottleneck upstream, shared by several sites, is seen by the same balance over each hub's
//! catchment ([`add_catchments`]). So the rotation model with these families stays a relaxation
//! of the whole model, and its proven bound stays a bound of the whole plan.

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
    // Each demand node's D, U and S columns, for the catchments below.
    let mut met: Vec<Option<SiteCols>> = vec![None; wn * tn];
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
            let (s, r) = holds_and_receives(
                m,
                (Var::SiteStock { w: w32, t: t32 }, storage),
                (Var::SiteInflow { w: w32, t: t32 }, inflow[i]),
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
            met[i] = Some(SiteCols {
                demand: d,
                unmet: u,
                stock: s,
            });
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
    add_catchments(m, net, &met, &given, &mut buf);
}

/// What a site or a catchment holds and receives in a period: a stock column of at most
/// `storage` (none without storage) and a net inflow of at most `cap`, negative when more is
/// sent on than received.
fn holds_and_receives(
    m: &mut Model,
    (stock, storage): (Var, f64),
    (inflow, cap): (Var, f64),
) -> (Option<Col>, Col) {
    let s = (storage > 0.0).then(|| m.lp.col(stock, 0.0, storage, 0.0, false));
    (s, m.lp.col(inflow, -INF, cap, 0.0, false))
}

/// A demand node's columns in one period that its catchments share.
#[derive(Clone, Copy)]
struct SiteCols {
    demand: Col,
    unmet: Col,
    stock: Option<Col>,
}

/// Per hub h whose catchment C (see [`catchment`]) holds a demand node other than h alone, and
/// per period t, the site balance summed over C:
///
/// ```text
///   S_C[t] − S_C[t−1] − R_C[t] + Σ_{w∈C} (D[w,t] − U[w,t]) = Σ_{n∈C} (initial + arriving)
///   0 ≤ S_C[t] ≤ Σ_{n∈C} storage(n) + Σ_{arcs a inside C} lag_a · capacity_a · P
///   R_C[t] ≤ Σ output capacity in C + Σ capacity of the arcs into C from outside (sent at t − lag)
///   S_C[t] ≥ Σ_{w∈C} S[w,t]                                  (catchment_holds)
/// ```
///
/// Whatever the sites of C eat comes through h's arcs in or a depot inside C, so a bottleneck
/// shared by several sites (the rail into a hub that feeds several front sectors) limits them
/// here, which the rows per site cannot see; and the stock the sites hold for their days of
/// supply is part of C's, so it cannot also be eaten. Any whole plan maps onto these (S_C = its
/// stock in C plus the tons in transit on arcs inside C, R_C = its net inflow into C), with the
/// sites' U and S: the rows stay a relaxation.
fn add_catchments(
    m: &mut Model,
    net: &crate::scenario::Network,
    met: &[Option<SiteCols>],
    given: &[f64],
    buf: &mut Vec<(Col, f64)>,
) {
    let sc = m.sc;
    let (wn, tn) = (net.nodes.len(), sc.periods);
    let pd = sc.period_days as f64;
    for h in 0..wn {
        let inside = catchment(net, h);
        let demand: Vec<usize> = (0..wn)
            .filter(|&w| inside[w] && met[w * tn].is_some())
            .collect();
        if demand.is_empty() || demand == [h] {
            continue;
        }
        let mut storage: f64 = (0..wn)
            .filter(|&n| inside[n])
            .map(|n| net.nodes[n].storage_tons.max(0.0))
            .sum();
        let mut inflow = vec![0.0; tn];
        for sp in net.supply.iter().filter(|sp| inside[sp.node]) {
            for v in inflow.iter_mut() {
                *v += sp.tons_per_day * pd;
            }
        }
        for arc in net.arcs.iter().filter(|a| a.capacity_tons_per_day > 0.0) {
            match (inside[arc.from], inside[arc.to]) {
                (true, true) => storage += arc.lag as f64 * arc.capacity_tons_per_day * pd,
                (false, true) => {
                    for sent in 0..tn {
                        let t = sent + arc.lag;
                        if t < tn && sc.active(arc.available_from, arc.available_to, sent as i64) {
                            inflow[t] += arc.capacity_tons_per_day * pd;
                        }
                    }
                }
                _ => {}
            }
        }
        let h32 = h as u32;
        let mut before = None;
        for t in 0..tn {
            let t32 = t as u32;
            let (s, r) = holds_and_receives(
                m,
                (Var::CatchmentStock { h: h32, t: t32 }, storage),
                (Var::CatchmentInflow { h: h32, t: t32 }, inflow[t]),
            );
            buf.clear();
            buf.extend(s.map(|s| (s, 1.0)));
            buf.extend(before.map(|s| (s, -1.0)));
            buf.push((r, -1.0));
            for &w in &demand {
                if let Some(site) = met[w * tn + t] {
                    buf.extend([(site.demand, 1.0), (site.unmet, -1.0)]);
                }
            }
            let arriving: f64 = (0..wn)
                .filter(|&n| inside[n])
                .map(|n| given[n * tn + t])
                .sum();
            m.lp.row(
                RowKind::CatchmentBalance { h: h32, t: t32 },
                arriving,
                arriving,
                buf,
            );
            buf.clear();
            buf.extend(s.map(|s| (s, 1.0)));
            for &w in &demand {
                buf.extend(
                    met[w * tn + t]
                        .and_then(|site| site.stock)
                        .map(|s| (s, -1.0)),
                );
            }
            if buf.iter().any(|&(_, a)| a < 0.0) {
                m.lp.row(RowKind::CatchmentHolds { h: h32, t: t32 }, 0.0, INF, buf);
            }
            before = s;
        }
    }
}

/// The catchment of node h: h, and every node h reaches that no depot's output and no node
/// without arcs in reaches except through h. Supply enters it only through h's arcs in (or a
/// depot inside it); the rows count every arc into it from outside all the same, so they hold
/// for any set of nodes, and this choice only makes them tight.
fn catchment(net: &crate::scenario::Network, h: usize) -> Vec<bool> {
    let wn = net.nodes.len();
    let reach = |from: &mut Vec<usize>, seen: &mut Vec<bool>| {
        while let Some(v) = from.pop() {
            for a in net.arcs.iter().filter(|a| a.from == v) {
                if a.to != h && !seen[a.to] {
                    seen[a.to] = true;
                    from.push(a.to);
                }
            }
        }
    };
    // What reaches nodes without passing through h.
    let mut outside = vec![false; wn];
    let mut roots: Vec<usize> = (0..wn)
        .filter(|&v| {
            v != h
                && (net.supply.iter().any(|sp| sp.node == v) || !net.arcs.iter().any(|a| a.to == v))
        })
        .collect();
    for &v in &roots {
        outside[v] = true;
    }
    reach(&mut roots, &mut outside);
    // What h reaches.
    let mut from_h = vec![false; wn];
    reach(&mut vec![h], &mut from_h);
    (0..wn)
        .map(|v| v == h || (from_h[v] && !outside[v]))
        .collect()
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
