//! Checks on flows.csv and stocks.csv (docs/model.md constraint 6): arcs, arc capacities, storage,
//! unmet demand, and the stock balance at every (commodity, node, period) — with depot output,
//! which the plan does not write, derived from the balance.
//!
//! Demand is recomputed from the tours (a moved battalion moves its demand). Every tonnage in the
//! files is rounded to 3 decimals, so each comparison allows half a thousandth per rounded number
//! it adds up (flows below 0.0005 t are not written at all, which the same allowance covers).

use super::findings::{day, last_day, qty, Findings};
use super::forces::Forces;
use crate::planfile::read::{FlowRow, PlanFiles, StockRow, HALF_MILLI};
use crate::scenario::{Network, Scenario};

/// The sustainment side of the objective, with the rounding each total may carry.
#[derive(Debug, Clone, Default)]
pub struct Sustainment {
    pub transport_cost: f64,
    pub transport_slack: f64,
    pub supply_cost: f64,
    pub supply_slack: f64,
    pub sustainment_penalty: f64,
    pub sustainment_slack: f64,
    pub days_of_supply_penalty: f64,
    pub days_of_supply_slack: f64,
    pub unmet_tons: f64,
    pub unmet_slack: f64,
}

/// Dense [k][x][t] table.
type Cube<T> = Vec<Vec<Vec<T>>>;

fn cube<T: Clone>(k: usize, x: usize, t: usize, v: T) -> Cube<T> {
    vec![vec![vec![v; t]; x]; k]
}

/// Runs the sustainment checks when the scenario has a network and the plan has both files.
pub fn check(
    sc: &Scenario,
    plan: &PlanFiles,
    forces: &Forces,
    f: &mut Findings,
) -> Option<Sustainment> {
    let net = sc.network.as_ref()?;
    let (flows, stocks) = plan.sustainment.as_ref()?;
    let mut out = Sustainment::default();
    let flow = read_flows(sc, net, flows, &mut out, f);
    let st = Stocks::new(sc, net, stocks, f);
    check_storage(sc, net, &st, f);
    let (demand, demand_slack) = demand(sc, net, plan, forces);
    balance(sc, net, &flow, &st, &demand, &demand_slack, &mut out, f);
    days_of_supply(sc, net, &st, &demand, &demand_slack, &mut out, f);
    Some(out)
}

/// Sums flows.csv into [k][arc][t]; checks each row's arc, its opening and its derived
/// capacity_tons, then each arc's capacity per period (shared by the commodities).
fn read_flows(
    sc: &Scenario,
    net: &Network,
    rows: &[FlowRow],
    out: &mut Sustainment,
    f: &mut Findings,
) -> Cube<f64> {
    const FILE: &str = "flows.csv";
    let tn = sc.periods;
    let pd = sc.period_days as f64;
    let mut flow = cube(net.commodities.len(), net.arcs.len(), tn, 0.0);
    let mut rows_on = vec![vec![0u32; tn]; net.arcs.len()];
    for r in rows {
        let line = Some(r.line);
        let (from, to) = (&net.nodes[r.from].code, &net.nodes[r.to].code);
        if r.period < 0 || r.period >= tn as i64 {
            f.violation(
                FILE,
                line,
                None,
                format!(
                    "a flow outside the horizon ({} to {}): {}",
                    day(sc, 0),
                    last_day(sc, tn as i64 - 1),
                    day(sc, r.period)
                ),
            );
            continue;
        }
        let Some(a) = r.arc else {
            f.violation(
                FILE,
                line,
                None,
                format!("no arc from {from} to {to} by {} in arcs.csv", r.mode),
            );
            continue;
        };
        let arc = &net.arcs[a];
        if !sc.active(arc.available_from, arc.available_to, r.period) {
            f.violation(
                FILE,
                line,
                Some(r.period),
                format!(
                    "{} {from} → {to} (arcs.csv:{}) is not open",
                    arc.mode, arc.line
                ),
            );
        }
        let cap = arc.capacity_tons_per_day * pd;
        if let Some(c) = r.capacity_tons.as_deref() {
            if !crate::planfile::read::derived_number(c)
                .is_some_and(|v| (v - cap).abs() <= HALF_MILLI + 1e-9 * cap)
            {
                f.warn(FILE, line, Some("capacity_tons"), None, format!("`{c}` does not match the arc ({} t/day × {} days = {}); the recomputed value is used", qty(arc.capacity_tons_per_day), sc.period_days, qty(cap)));
            }
        }
        flow[r.commodity][a][r.period as usize] += r.tons;
        rows_on[a][r.period as usize] += 1;
        out.transport_cost += arc.cost_per_ton * r.tons;
        out.transport_slack += arc.cost_per_ton * HALF_MILLI;
    }
    for (a, arc) in net.arcs.iter().enumerate() {
        let cap = arc.capacity_tons_per_day * pd;
        for t in 0..tn {
            let total: f64 = (0..net.commodities.len()).map(|k| flow[k][a][t]).sum();
            if total > cap + 1e-6 + 1e-9 * cap + HALF_MILLI * rows_on[a][t] as f64 {
                f.violation(
                    "arcs.csv",
                    Some(arc.line),
                    Some(t as i64),
                    format!(
                        "tons on {} {} → {}: {} > capacity {} ({} t/day × {} days)",
                        arc.mode,
                        net.nodes[arc.from].code,
                        net.nodes[arc.to].code,
                        qty(total),
                        qty(cap),
                        qty(arc.capacity_tons_per_day),
                        sc.period_days
                    ),
                );
            }
        }
    }
    flow
}

/// stocks.csv as [k][w][t]: a missing row is a node with nothing in stock and nothing unmet.
struct Stocks<'r> {
    stock: Cube<f64>,
    unmet: Cube<f64>,
    row: Cube<Option<&'r StockRow>>,
}

impl<'r> Stocks<'r> {
    fn new(sc: &Scenario, net: &Network, rows: &'r [StockRow], f: &mut Findings) -> Stocks<'r> {
        let (kn, wn, tn) = (net.commodities.len(), net.nodes.len(), sc.periods);
        let mut s = Stocks {
            stock: cube(kn, wn, tn, 0.0),
            unmet: cube(kn, wn, tn, 0.0),
            row: cube(kn, wn, tn, None),
        };
        for r in rows {
            if r.period < 0 || r.period >= tn as i64 {
                f.warn(
                    "stocks.csv",
                    Some(r.line),
                    Some("period_start"),
                    None,
                    format!("{} is outside the horizon; row ignored", day(sc, r.period)),
                );
                continue;
            }
            let t = r.period as usize;
            s.stock[r.commodity][r.node][t] = r.stock;
            s.unmet[r.commodity][r.node][t] = r.unmet;
            s.row[r.commodity][r.node][t] = Some(r);
        }
        s
    }

    /// The row to name for (k, w, t): its stocks.csv line, or the node's line in nodes.csv.
    fn place(&self, net: &Network, k: usize, w: usize, t: usize) -> (&'static str, usize) {
        match self.row[k][w][t] {
            Some(r) => ("stocks.csv", r.line),
            None => ("nodes.csv", net.nodes[w].line),
        }
    }
}

/// Σ_k I[k,w,t] ≤ storage_tons; a node without storage holds nothing.
fn check_storage(sc: &Scenario, net: &Network, st: &Stocks, f: &mut Findings) {
    for (w, node) in net.nodes.iter().enumerate() {
        for t in 0..sc.periods {
            let total: f64 = (0..net.commodities.len()).map(|k| st.stock[k][w][t]).sum();
            let slack = HALF_MILLI * net.commodities.len() as f64;
            if total > node.storage_tons + 1e-6 + 1e-9 * node.storage_tons + slack {
                f.violation(
                    "nodes.csv",
                    Some(node.line),
                    Some(t as i64),
                    format!(
                        "tons in stock at {}: {} > storage {}",
                        node.code,
                        qty(total),
                        qty(node.storage_tons)
                    ),
                );
            }
        }
    }
}

/// d[k,w,t] recomputed from the tours on the ground at sites fed by w, and its rounding slack.
fn demand(
    sc: &Scenario,
    net: &Network,
    plan: &PlanFiles,
    forces: &Forces,
) -> (Cube<f64>, Cube<f64>) {
    let pd = sc.period_days as f64;
    let (kn, wn, tn) = (net.commodities.len(), net.nodes.len(), sc.periods);
    let mut d = cube(kn, wn, tn, 0.0);
    let mut slack = cube(kn, wn, tn, 0.0);
    for c in &net.consumption {
        for (s, site) in sc.sites.iter().enumerate() {
            let Some(w) = site.node else { continue };
            for t in 0..tn {
                let per = c.tons_per_day * pd;
                d[c.commodity][w][t] += per * forces.ground[s][c.unit_type][t];
                slack[c.commodity][w][t] +=
                    per * plan.unit_rounding * forces.ground_rows[s][c.unit_type][t] as f64;
            }
        }
    }
    (d, slack)
}

/// What one balance row reads: I[t] = I[t−1] + o + arriving − sent − d + unmet.
struct Balance {
    prev: f64,
    arriving: f64,
    sent: f64,
    demand: f64,
    stock: f64,
    /// Rounded numbers in the row (for the allowance).
    terms: usize,
}

impl Balance {
    /// o + unmet: what output and unmet demand must make up.
    fn need(&self) -> f64 {
        self.stock - self.prev - self.arriving + self.sent + self.demand
    }
}

/// Every stock balance, with the depot output it implies (0 ≤ o ≤ tons_per_day·P, 0 at nodes
/// that supply nothing) and unmet ≤ demand. A balance that closes only with a different unmet
/// (the flows deliver less than stocks.csv says) is a warning: the plan is feasible, and the
/// unmet tons and their penalty are taken as the balance gives them.
#[allow(clippy::too_many_arguments)]
fn balance(
    sc: &Scenario,
    net: &Network,
    flow: &Cube<f64>,
    st: &Stocks,
    demand: &Cube<f64>,
    demand_slack: &Cube<f64>,
    out: &mut Sustainment,
    f: &mut Findings,
) {
    let pd = sc.period_days as f64;
    let mut initial = vec![vec![0.0; net.nodes.len()]; net.commodities.len()];
    for s in &net.initial_stocks {
        initial[s.commodity][s.node] += s.tons;
    }
    for (k, com) in net.commodities.iter().enumerate() {
        for (w, node) in net.nodes.iter().enumerate() {
            let supply = net.supply.iter().find(|s| s.node == w && s.commodity == k);
            let cap = supply.map_or(0.0, |s| s.tons_per_day * pd);
            let arcs_here = net.arcs.iter().filter(|a| a.from == w || a.to == w).count();
            for t in 0..sc.periods {
                let b = Balance {
                    prev: if t == 0 {
                        initial[k][w]
                    } else {
                        st.stock[k][w][t - 1]
                    },
                    arriving: net
                        .arcs
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| a.to == w && t >= a.lag)
                        .map(|(a, arc)| flow[k][a][t - arc.lag])
                        .sum(),
                    sent: net
                        .arcs
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| a.from == w)
                        .map(|(a, _)| flow[k][a][t])
                        .sum(),
                    demand: demand[k][w][t],
                    stock: st.stock[k][w][t],
                    terms: 3 + arcs_here,
                };
                let tol = 1e-6
                    + 1e-9 * (b.stock + b.prev + b.arriving + b.sent + b.demand)
                    + HALF_MILLI * b.terms as f64
                    + demand_slack[k][w][t];
                let stated = st.unmet[k][w][t];
                let (file, line) = st.place(net, k, w, t);
                let what = format!("{} at {}", com.code, node.code);
                if stated > b.demand + tol {
                    f.violation(
                        file,
                        Some(line),
                        Some(t as i64),
                        format!("{what}: unmet {} > demand {}", qty(stated), qty(b.demand)),
                    );
                }
                let need = b.need();
                let (output, unmet) = if (-tol..=cap + tol).contains(&(need - stated)) {
                    ((need - stated).clamp(0.0, cap), stated)
                } else {
                    // The stated unmet does not close the balance: does another one, within 0..d?
                    let (o, u) = (need.clamp(0.0, cap), (need - cap).max(0.0));
                    if need >= -tol && u <= b.demand + tol {
                        let at =
                            st.row[k][w][t].map_or(String::new(), |r| format!("line {}: ", r.line));
                        f.warn_detail(
                            "stocks.csv",
                            t as i64,
                            format!("{what}: unmet demand differs from what the flows deliver"),
                            format!("{at}unmet {}, the balance gives {}", qty(stated), qty(u)),
                        );
                        (o, u.min(b.demand))
                    } else {
                        report_imbalance(
                            sc,
                            net,
                            &b,
                            (k, w, t),
                            supply.map(|s| (s.line, s.tons_per_day)),
                            (file, line),
                            f,
                        );
                        (need.clamp(0.0, cap), stated.clamp(0.0, b.demand))
                    }
                };
                let row_slack = HALF_MILLI * b.terms as f64 + demand_slack[k][w][t];
                if let Some(s) = supply {
                    out.supply_cost += s.cost_per_ton * output;
                    out.supply_slack += s.cost_per_ton * row_slack;
                }
                out.sustainment_penalty += com.shortfall_penalty * unmet;
                out.unmet_tons += unmet;
                if unmet > 0.0 {
                    out.sustainment_slack += com.shortfall_penalty * row_slack;
                    out.unmet_slack += row_slack;
                }
            }
        }
    }
}

/// A balance no output within 0..tons_per_day·P and no unmet within 0..demand can close.
fn report_imbalance(
    sc: &Scenario,
    net: &Network,
    b: &Balance,
    (k, w, t): (usize, usize, usize),
    supply: Option<(usize, f64)>,
    (file, line): (&str, usize),
    f: &mut Findings,
) {
    let pd = sc.period_days as f64;
    let what = format!("{} at {}", net.commodities[k].code, net.nodes[w].code);
    let need = b.need();
    if let (Some((sline, tpd)), true) = (supply, need > 0.0) {
        let o = need - b.demand; // the least output that closes it, leaving all demand unmet
        f.violation(
            "supply.csv",
            Some(sline),
            Some(t as i64),
            format!(
                "{what}: output needed to balance the stock: {} > {} ({} t/day × {} days)",
                qty(o),
                qty(tpd * pd),
                qty(tpd),
                sc.period_days
            ),
        );
        return;
    }
    // Show the balance with the output and unmet that come closest.
    let cap = supply.map_or(0.0, |s| s.1 * pd);
    let (o, u) = if need > 0.0 {
        (cap, b.demand)
    } else {
        (0.0, 0.0)
    };
    let closest = b.prev + o + b.arriving - b.sent - b.demand + u;
    f.violation(
        file,
        Some(line),
        Some(t as i64),
        format!(
            "{what} does not balance: previous stock {} + output {} + arriving {} − sent {} − demand {} + unmet {} = {}, but the stock is {}",
            qty(b.prev),
            qty(o),
            qty(b.arriving),
            qty(b.sent),
            qty(b.demand),
            qty(u),
            qty(closest),
            qty(b.stock)
        ),
    );
}

/// dos_short = max(0, days_of_supply·d/P − I), recomputed and priced; stocks.csv's column and
/// its demand column are derived, so a mismatch is a warning.
fn days_of_supply(
    sc: &Scenario,
    net: &Network,
    st: &Stocks,
    demand: &Cube<f64>,
    demand_slack: &Cube<f64>,
    out: &mut Sustainment,
    f: &mut Findings,
) {
    let pd = sc.period_days as f64;
    let price = sc.penalties.days_of_supply * pd;
    for (k, com) in net.commodities.iter().enumerate() {
        for (w, node) in net.nodes.iter().enumerate() {
            for t in 0..sc.periods {
                let d = demand[k][w][t];
                let what = format!("{} at {}", com.code, node.code);
                let row = st.row[k][w][t];
                if let Some(cell) = row.and_then(|r| r.demand.as_deref()) {
                    if !crate::planfile::read::derived_number(cell)
                        .is_some_and(|v| (v - d).abs() <= HALF_MILLI + 1e-6 + demand_slack[k][w][t])
                    {
                        let line = row.map_or(0, |r| r.line);
                        f.warn_detail(
                            "stocks.csv",
                            t as i64,
                            format!(
                                "{what}: demand differs from what the troops on the ground need"
                            ),
                            format!("line {line} says {cell}, recomputed {}", qty(d)),
                        );
                    }
                }
                let level = com.days_of_supply * d / pd;
                let short = (level - st.stock[k][w][t]).max(0.0);
                let slack = HALF_MILLI + com.days_of_supply / pd * demand_slack[k][w][t];
                if let Some(cell) = row.and_then(|r| r.dos_short.as_deref()) {
                    if !crate::planfile::read::derived_number(cell)
                        .is_some_and(|v| (v - short).abs() <= slack + HALF_MILLI + 1e-6)
                    {
                        let line = row.map_or(0, |r| r.line);
                        f.warn_detail(
                            "stocks.csv",
                            t as i64,
                            format!("{what}: dos_short differs from the days-of-supply shortfall"),
                            format!("line {line} says {cell}, recomputed {}", qty(short)),
                        );
                    }
                }
                out.days_of_supply_penalty += price * short;
                if short > 0.0 {
                    out.days_of_supply_slack += price * slack;
                }
            }
        }
    }
}
