//! Why a plan falls short, and what single change would fix it (docs/explain.md).
//!
//! Shortfalls are grouped into episodes: a site and role over a run of consecutive short periods
//! (or a node and commodity for unmet supply). For each episode the causes are read off the
//! solution: for coverage, every tour that could still cover a short period is tried against the
//! rows it would enter (pool, max deployed, contingent limits and caveats, reception, the
//! nation's availability) with the room the plan leaves in them; a tour that fits everywhere
//! means the shortfall is a choice of the weights (`penalty`). For supply, the network between
//! the sources and the node is searched for full arcs, depots and stores.
//!
//! Each cause that can be relaxed by one step is then re-solved with that step (one more unit in
//! the pool, the limit raised by one unit's troops, …) within a share of the time limit, so the
//! change in the episode's amount and the objective is a solver's number, not a dual's guess.

use crate::base::effort::{self, WorkLimits};
use crate::base::text::{fmt_num, thousands, Csv};
use crate::base::{budget, progress, signal, Error};
use crate::model::lp::{RowKind, Var};
use crate::model::{self, Model};
use crate::plan::Plan;
use crate::planfile::day;
use crate::scenario::{Mode, Scenario};
use crate::solve::{self, SolveOptions, Solved, Status};
use crate::strategy::decomposed;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

pub use crate::planfile::explanations::COLUMNS;

/// One row of explanations.csv: one cause of one episode.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// `coverage` or `supply`.
    pub kind: &'static str,
    pub where_: String,
    pub what: String,
    /// First and last short period.
    pub from: usize,
    pub to: usize,
    /// Role-unit-periods (coverage) or tons (supply).
    pub amount: f64,
    pub cause: &'static str,
    /// The binding input row, `file:line` (or `scenario.toml`).
    pub input: String,
    pub detail: String,
    pub what_if: String,
    pub amount_change: Option<f64>,
    pub objective_change: Option<f64>,
    /// `re-solve` when a solve produced the changes, else `estimate`.
    pub basis: &'static str,
    /// The one-step relaxation behind `what_if`, when there is one a solve can try.
    relax: Option<Relax>,
}

/// What the explanations found and checked, for summary.json.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub rows: Vec<Explanation>,
    pub episodes: usize,
    pub re_solves: usize,
    /// Episodes (as `where what from`) with a relaxation that no solve checked, and why.
    pub not_checked: Vec<String>,
    pub why_not_checked: Option<String>,
    /// Why the what-ifs were re-solved only around the plan, when they were.
    pub around_plan: Option<String>,
}

/// One relaxation step of the scenario.
#[derive(Debug, Clone, PartialEq)]
enum Relax {
    PoolUnit { offer: usize },
    MaxDeployed { offer: usize },
    Limit { limit: usize, troops: f64 },
    Reception { node: usize, pax_per_day: f64 },
    Availability { nation: usize },
    Arc { arc: usize, tons_per_day: f64 },
    Depot { supply: usize, tons_per_day: f64 },
    Storage { node: usize, tons: f64 },
}

impl Relax {
    fn apply(&self, sc: &mut Scenario) {
        match *self {
            Relax::PoolUnit { offer } => sc.offers[offer].units += 1,
            Relax::MaxDeployed { offer } => {
                if let Some(m) = sc.offers[offer].max_deployed.as_mut() {
                    *m += 1;
                }
            }
            Relax::Limit { limit, troops } => sc.limits[limit].max_troops += troops,
            Relax::Reception { node, pax_per_day } => {
                if let Some(net) = sc.network.as_mut() {
                    if let Some(p) = net.nodes[node].pax_per_day.as_mut() {
                        *p += pax_per_day;
                    }
                }
            }
            Relax::Availability { nation } => {
                sc.nations[nation].available_from = None;
                sc.nations[nation].available_to = None;
            }
            Relax::Arc { arc, tons_per_day } => {
                if let Some(net) = sc.network.as_mut() {
                    net.arcs[arc].capacity_tons_per_day += tons_per_day;
                }
            }
            Relax::Depot {
                supply,
                tons_per_day,
            } => {
                if let Some(net) = sc.network.as_mut() {
                    net.supply[supply].tons_per_day += tons_per_day;
                }
            }
            Relax::Storage { node, tons } => {
                if let Some(net) = sc.network.as_mut() {
                    net.nodes[node].storage_tons += tons;
                }
            }
        }
    }
}

/// A run of consecutive short periods of one (site, role) or (node, commodity).
#[derive(Debug, Clone)]
enum Where {
    Site { site: usize, role: String },
    Node { node: usize, commodity: usize },
}

#[derive(Debug, Clone)]
struct Episode {
    at: Where,
    from: usize,
    to: usize,
    amount: f64,
}

/// How what-ifs may be re-solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReSolve<'a> {
    /// The whole changed scenario from scratch (the plan is a proven optimum); around the plan
    /// when the share of the time limit left is shorter than the plan's own solve took.
    Whole,
    /// Only around the plan (the plan is not proven optimal, so only a change against this very
    /// plan is sound): every tour elsewhere kept as planned; the reason is said in the summary.
    AroundPlan(&'a str),
    /// Not at all, for the reason given (every what-if stays an estimate).
    No(&'a str),
}

/// Shortfalls below this (role-units or tons) are rounding, not an episode.
const EPS: f64 = 1e-6;

/// Episodes of the plan: coverage (site, role) first, then supply (node, commodity), each in
/// input order and by time.
fn episodes(sc: &Scenario, plan: &Plan) -> Vec<Episode> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for (i, r) in sc.requirements.iter().enumerate() {
        groups.entry((r.site, r.role.as_str())).or_default().push(i);
    }
    for ((site, role), rows) in groups {
        let per: Vec<f64> = (0..sc.periods)
            .map(|t| rows.iter().map(|&i| plan.short[i][t]).sum())
            .collect();
        runs(&per, |from, to, amount| {
            out.push(Episode {
                at: Where::Site {
                    site,
                    role: role.to_string(),
                },
                from,
                to,
                amount,
            })
        });
    }
    if let (Some(f), Some(net)) = (&plan.flows, &sc.network) {
        for k in 0..net.commodities.len() {
            for w in 0..net.nodes.len() {
                let Some(per) = f.unmet.get(k).and_then(|v| v.get(w)) else {
                    continue;
                };
                runs(per, |from, to, amount| {
                    out.push(Episode {
                        at: Where::Node {
                            node: w,
                            commodity: k,
                        },
                        from,
                        to,
                        amount,
                    })
                });
            }
        }
    }
    out
}

/// Calls `f(from, to, sum)` for each run of consecutive values above [`EPS`].
fn runs(per: &[f64], mut f: impl FnMut(usize, usize, f64)) {
    let mut t = 0;
    while t < per.len() {
        if per[t] > EPS {
            let from = t;
            let mut sum = 0.0;
            while t < per.len() && per[t] > EPS {
                sum += per[t];
                t += 1;
            }
            f(from, t - 1, sum);
        } else {
            t += 1;
        }
    }
}

/// Row activity of the solution, looked up by what the row stands for.
struct Activity {
    at: HashMap<RowKind, f64>,
}

impl Activity {
    fn new(m: &Model, x: &[f64]) -> Activity {
        let at = (0..m.lp.num_rows())
            .map(|r| {
                let a: f64 =
                    m.lp.row_entries(r)
                        .map(|(c, v)| v * x.get(c as usize).copied().unwrap_or(0.0))
                        .sum();
                (m.lp.row_kind[r], a)
            })
            .collect();
        Activity { at }
    }

    /// Activity of a row; 0 where the model has no such row (nothing could enter it).
    fn of(&self, k: RowKind) -> f64 {
        self.at.get(&k).copied().unwrap_or(0.0)
    }
}

/// Records that the row `key` blocks the tour being tried (`here`), with its explanation the
/// first time it is met.
fn mark(
    found: &mut Found,
    here: &mut Vec<(u8, String)>,
    key: (u8, String),
    v: (&'static str, String, Option<Relax>, Option<f64>),
) {
    here.push(key.clone());
    found.entry(key).or_insert(v);
}

/// Causes of one coverage episode, keyed by (cause, input) in a stable order.
type Found = BTreeMap<(u8, String), (&'static str, String, Option<Relax>, Option<f64>)>;

/// Explains every shortfall of `plan` (the solution `solved` of `m`); `how` says how the
/// what-ifs may be re-solved.
pub fn explain(
    m: &Model,
    plan: &Plan,
    solved: &Solved,
    opts: &SolveOptions,
    how: ReSolve,
) -> Report {
    let sc = m.sc;
    let eps = episodes(sc, plan);
    let act = Activity::new(m, &solved.values);
    let mut rows = Vec::new();
    for e in &eps {
        match &e.at {
            Where::Site { site, role } => coverage_causes(m, plan, &act, e, *site, role, &mut rows),
            Where::Node { node, commodity } => {
                supply_causes(sc, plan, e, *node, *commodity, &mut rows)
            }
        }
    }
    let mut report = Report {
        episodes: eps.len(),
        ..Report::default()
    };
    what_ifs(m, plan, solved, opts, how, &eps, &mut rows, &mut report);
    report.rows = rows;
    report
}

fn offer_line(sc: &Scenario, o: usize) -> String {
    format!("offers.csv:{}", sc.offers[o].line)
}

#[allow(clippy::too_many_arguments)]
fn coverage_causes(
    m: &Model,
    plan: &Plan,
    act: &Activity,
    e: &Episode,
    site: usize,
    role: &str,
    rows: &mut Vec<Explanation>,
) {
    let sc = m.sc;
    let t_n = sc.periods;
    let pd = sc.period_days as f64;
    let reqs: Vec<usize> = (0..sc.requirements.len())
        .filter(|&i| sc.requirements[i].site == site && sc.requirements[i].role == role)
        .collect();
    let req_line = reqs.first().map_or(String::new(), |&i| {
        format!("requirements.csv:{}", sc.requirements[i].line)
    });
    let row = |cause: &'static str, input: String, detail: String, what_if: String| Explanation {
        kind: "coverage",
        where_: sc.sites[site].code.clone(),
        what: role.to_string(),
        from: e.from,
        to: e.to,
        amount: e.amount,
        cause,
        input,
        detail,
        what_if,
        amount_change: None,
        objective_change: None,
        basis: "estimate",
        relax: None,
    };
    let offers: Vec<usize> = (0..sc.offers.len())
        .filter(|&o| sc.unit_types[sc.offers[o].unit_type].role == role)
        .collect();
    if offers.is_empty() {
        let has_type = sc.unit_types.iter().any(|u| u.role == role);
        let detail = if has_type {
            format!("no nation offers a unit type with the role {role}")
        } else {
            format!("no unit type in unit_types.csv has the role {role}")
        };
        rows.push(row(
            "no_unit",
            req_line,
            detail,
            format!("a unit type with the role {role}, offered by a nation"),
        ));
        return;
    }
    // A unit must clear a row by one whole unit in `mip` mode; any fraction helps in `lp` mode.
    let need = if m.mode == Mode::Mip { 1.0 - 1e-6 } else { EPS };
    let reception = sc.sites[site].reception;
    let mut found: Found = BTreeMap::new();
    // The (cause, input) keys blocking each tour that could have covered a short period.
    let mut blocks: Vec<Vec<(u8, String)>> = Vec::new();
    // Tours that fit every row, for the `penalty` cause: (cost, offer, start).
    let mut free: Vec<(f64, usize, usize)> = Vec::new();
    for &o in &offers {
        let off = &sc.offers[o];
        let ut = &sc.unit_types[off.unit_type];
        let (l, h, d) = (ut.tour as i64, ut.handover as i64, ut.dwell as i64);
        let troops = ut.troops as f64;
        let limits: Vec<usize> = (0..sc.limits.len())
            .filter(|&li| {
                crate::scenario::limit_matches(sc, &sc.limits[li], off.nation, off.unit_type, site)
            })
            .collect();
        // Starts that would cover at least one short period: start + H ≤ t < start + L.
        let first = (e.from as i64 - l + 1).max(0);
        let last = e.to as i64 - h;
        if last < first {
            continue;
        }
        for s in first..=last {
            let on_ground = s..(s + l).min(t_n as i64);
            let mut blocked = false;
            let mut here: Vec<(u8, String)> = Vec::new();
            if off.units == 0 || off.max_deployed == Some(0) {
                blocked = true;
                mark(
                    &mut found,
                    &mut here,
                    (0, offer_line(sc, o)),
                    (
                        "pool",
                        format!(
                            "{} offers no {} unit that may deploy",
                            sc.nations[off.nation].code, ut.code
                        ),
                        Some(Relax::PoolUnit { offer: o }),
                        Some(-((l - h) as f64 * ut.role_value).min(e.amount)),
                    ),
                );
            }
            if on_ground
                .clone()
                .any(|p| !sc.nation_available(off.nation, p))
            {
                blocked = true;
                let nat = &sc.nations[off.nation];
                found
                    .entry((4, format!("nations.csv:{}", nat.line)))
                    .or_insert((
                        "availability",
                        format!(
                            "{} may have new tours on the ground only {}",
                            nat.code,
                            window(nat.available_from, nat.available_to)
                        ),
                        Some(Relax::Availability { nation: off.nation }),
                        None,
                    ));
            }
            let busy = (s..(s + l + d).min(t_n as i64)).find(|&p| {
                let p = p as usize;
                off.units as f64
                    - m.initial.busy.get(o).map_or(0.0, |v| v[p])
                    - act.of(RowKind::Pool {
                        offer: o as u32,
                        t: p as u32,
                    })
                    < need
            });
            if let Some(p) = busy {
                blocked = true;
                // Until when: the first period from p on with a unit free again.
                let next = (p as usize..t_n).find(|&q| {
                    off.units as f64
                        - m.initial.busy.get(o).map_or(0.0, |v| v[q])
                        - act.of(RowKind::Pool {
                            offer: o as u32,
                            t: q as u32,
                        })
                        >= need
                });
                let until = match next {
                    Some(q) => format!("until {}", day(sc, q as i64)),
                    None => "to the end of the horizon".to_string(),
                };
                mark(&mut found, &mut here, (0, offer_line(sc, o)), (
                    "pool",
                    format!(
                        "one {} of {} sent for these weeks stays busy for {} periods on tour + {} in dwell, and from {} {until} all {} of its {} units are already on tour or in dwell",
                        ut.code, sc.nations[off.nation].code, ut.tour, ut.dwell, day(sc, p), off.units, ut.code
                    ),
                    Some(Relax::PoolUnit { offer: o }),
                    Some(-((l - h) as f64 * ut.role_value).min(e.amount)),
                ));
            }
            if let Some(max) = off.max_deployed {
                let full = on_ground.clone().find(|&p| {
                    let p = p as usize;
                    max as f64
                        - m.initial.ground.get(o).map_or(0.0, |v| v[p])
                        - act.of(RowKind::MaxDeployed {
                            offer: o as u32,
                            t: p as u32,
                        })
                        < need
                });
                if let Some(p) = full {
                    blocked = true;
                    mark(
                        &mut found,
                        &mut here,
                        (1, offer_line(sc, o)),
                        (
                            "max_deployed",
                            format!(
                                "{} has its most {} ({max}) on the ground from {}",
                                sc.nations[off.nation].code,
                                ut.code,
                                day(sc, p)
                            ),
                            Some(Relax::MaxDeployed { offer: o }),
                            Some(-((l - h) as f64 * ut.role_value).min(e.amount)),
                        ),
                    );
                }
            }
            for &li in &limits {
                let lim = &sc.limits[li];
                let full = on_ground.clone().find(|&p| {
                    let pu = p as usize;
                    sc.active(lim.from, lim.to, p)
                        && lim.max_troops
                            - m.initial.limit_troops.get(li).map_or(0.0, |v| v[pu])
                            - act.of(RowKind::ContingentLimit {
                                limit: li as u32,
                                t: pu as u32,
                            })
                            < troops * need
                });
                if let Some(p) = full {
                    blocked = true;
                    let what = if lim.max_troops <= 0.0 {
                        format!(
                            "a caveat keeps {} out of zone {} ({} troops allowed)",
                            lim.nation
                                .map_or("every nation".to_string(), |n| sc.nations[n].code.clone()),
                            lim.zone.clone().unwrap_or_else(|| "*".to_string()),
                            fmt_num(lim.max_troops)
                        )
                    } else {
                        format!(
                            "the contingent limit of {} troops ({}, zone {}) is full from {}",
                            fmt_num(lim.max_troops),
                            lim.nation
                                .map_or("coalition".to_string(), |n| sc.nations[n].code.clone()),
                            lim.zone.clone().unwrap_or_else(|| "*".to_string()),
                            day(sc, p)
                        )
                    };
                    found
                        .entry((2, format!("limits.csv:{}", lim.line)))
                        .or_insert((
                            "limit",
                            format!(
                                "{what}: no {} {} ({} troops) fits",
                                sc.nations[off.nation].code, ut.code, ut.troops
                            ),
                            Some(Relax::Limit { limit: li, troops }),
                            Some(-((l - h) as f64 * ut.role_value).min(e.amount)),
                        ));
                }
            }
            if let (Some(w), Some(net)) = (reception, &sc.network) {
                if let Some(pax) = net.nodes[w].pax_per_day {
                    let room = |p: i64| {
                        let pu = p as usize;
                        pax * pd
                            - m.initial.departures.get(w).map_or(0.0, |v| v[pu])
                            - act.of(RowKind::Reception {
                                node: w as u32,
                                t: pu as u32,
                            })
                    };
                    let mult = if l == 1 { 2.0 } else { 1.0 };
                    let dep = s + l - 1;
                    let full = if room(s) < mult * troops * need {
                        Some(s)
                    } else if dep < t_n as i64 && l > 1 && room(dep) < troops * need {
                        Some(dep)
                    } else {
                        None
                    };
                    if let Some(p) = full {
                        blocked = true;
                        mark(&mut found, &mut here, (3, format!("nodes.csv:{}", net.nodes[w].line)), (
                            "reception",
                            format!(
                                "arrivals and departures at {} are full in the period of {} ({} troops a day)",
                                net.nodes[w].code,
                                day(sc, p),
                                fmt_num(pax)
                            ),
                            Some(Relax::Reception { node: w, pax_per_day: troops / pd }),
                            Some(-((l - h) as f64 * ut.role_value).min(e.amount)),
                        ));
                    }
                }
            }
            if !here.is_empty() {
                blocks.push(here);
            }
            if !blocked {
                let days = ((s + l).min(t_n as i64) - s) as f64 * pd;
                let cost = off.cost_per_tour + off.cost_per_day * days;
                free.push((cost, o, s as usize));
            }
        }
    }
    // The shortfall a tour begun in `s` would fill (lowest priority rows are short first, so a
    // unit fills the highest priority first) and the penalty that saves.
    let fill = |o: usize, s: usize| {
        let ut = &sc.unit_types[sc.offers[o].unit_type];
        let (mut covered, mut saved) = (0.0, 0.0);
        for t in (s + ut.handover)..(s + ut.tour).min(t_n) {
            let mut left = ut.role_value;
            let mut short_rows: Vec<usize> = reqs
                .iter()
                .copied()
                .filter(|&i| plan.short[i][t] > EPS)
                .collect();
            short_rows.sort_by(|&a, &b| {
                sc.requirements[b]
                    .priority
                    .total_cmp(&sc.requirements[a].priority)
            });
            for i in short_rows {
                let take = left.min(plan.short[i][t]);
                covered += take;
                saved += take * sc.penalties.coverage * sc.requirements[i].priority * pd;
                left -= take;
                if left <= EPS {
                    break;
                }
            }
        }
        (covered, saved)
    };
    // The free tour that loses least (or gains most) against leaving the periods short.
    let best = free
        .iter()
        .map(|&(cost, o, s)| {
            let (covered, saved) = fill(o, s);
            (cost - saved, cost, o, s, covered, saved)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
    if let Some((net, cost, o, s, covered, saved)) = best {
        let off = &sc.offers[o];
        let ut = &sc.unit_types[off.unit_type];
        let prio: Vec<String> = reqs
            .iter()
            .map(|&i| fmt_num(sc.requirements[i].priority))
            .collect();
        let prices = format!(
            "{} per role-unit per day × priority {} × {} days",
            fmt_num(sc.penalties.coverage),
            prio.join("/"),
            sc.period_days
        );
        let tour = format!(
            "one tour of {} {} (offers.csv:{}) beginning {} fits every limit and costs {}",
            sc.nations[off.nation].code,
            ut.code,
            off.line,
            day(sc, s as i64),
            thousands(cost)
        );
        let mut r = if net < -1e-6 * cost.abs().max(1.0) {
            // The tour would pay for itself: the search stopped before it found it.
            row(
                "not_found",
                offer_line(sc, o),
                format!(
                    "the solver stopped before finding this: {tour} and would fill {} role-unit-periods, worth {} in shortfall penalty ({prices}); the plan is not proven optimal, so a longer --time-limit is likely to close it",
                    fmt_num(covered),
                    thousands(saved)
                ),
                format!("send that tour ({})", offer_line(sc, o)),
            )
        } else {
            row(
                "penalty",
                "scenario.toml".to_string(),
                format!(
                    "a choice of the weights, not a lack of forces: {tour}, but would fill only {} role-unit-periods, worth {} in shortfall penalty ({prices})",
                    fmt_num(covered),
                    thousands(saved)
                ),
                format!(
                    "send that tour anyway ({}), or raise the requirement's priority ({}) or the coverage penalty",
                    offer_line(sc, o),
                    req_line
                ),
            )
        };
        r.amount_change = Some(-covered);
        r.objective_change = Some(cost - saved);
        rows.push(r);
        return;
    }
    if found.is_empty() {
        // No tour begun inside the horizon covers these periods (relief in place takes H).
        rows.push(row(
            "availability",
            req_line,
            format!(
                "no tour begun on or after {} can cover before {}: the relief in place takes the first periods of every tour",
                day(sc, 0),
                day(sc, e.to as i64 + 1)
            ),
            "tours under way at the start (deployed.csv)".to_string(),
        ));
        return;
    }
    // Leading causes first: those that alone block a tour (relaxing them frees it), then those
    // that block the most tours.
    let mut sole: HashMap<&(u8, String), usize> = HashMap::new();
    let mut count: HashMap<&(u8, String), usize> = HashMap::new();
    for b in &blocks {
        let mut keys: Vec<&(u8, String)> = b.iter().collect();
        keys.sort();
        keys.dedup();
        if keys.len() == 1 {
            *sole.entry(keys[0]).or_default() += 1;
        }
        for k in keys {
            *count.entry(k).or_default() += 1;
        }
    }
    let mut keys: Vec<&(u8, String)> = found.keys().collect();
    keys.sort_by_key(|k| {
        (
            std::cmp::Reverse(sole.get(k).copied().unwrap_or(0)),
            std::cmp::Reverse(count.get(k).copied().unwrap_or(0)),
            *k,
        )
    });
    for key in keys {
        let (cause, detail, relax, estimate) = found[key].clone();
        let what_if = relax.as_ref().map_or(String::new(), |x| describe(sc, x));
        let alone = sole.get(key).copied().unwrap_or(0) > 0;
        let detail = if alone {
            detail
        } else {
            format!("{detail}; other rows bind the same tours, so relaxing this one alone may not be enough")
        };
        let mut r = row(cause, key.1.clone(), detail, what_if);
        r.amount_change = if alone { estimate } else { None };
        r.relax = relax;
        rows.push(r);
    }
}

/// `from … to …` of an availability window.
fn window(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("from {f} to {t}"),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("until {t}"),
        (None, None) => "always".to_string(),
    }
}

/// The change a relaxation tries, in words.
fn describe(sc: &Scenario, x: &Relax) -> String {
    match *x {
        Relax::PoolUnit { offer } => {
            let off = &sc.offers[offer];
            format!(
                "one more {} from {} (offers.csv:{} units {} → {})",
                sc.unit_types[off.unit_type].code,
                sc.nations[off.nation].code,
                off.line,
                off.units,
                off.units + 1
            )
        }
        Relax::MaxDeployed { offer } => {
            let off = &sc.offers[offer];
            let m = off.max_deployed.unwrap_or(0);
            format!(
                "{} may deploy one more {} at once (offers.csv:{} max_deployed {m} → {})",
                sc.nations[off.nation].code,
                sc.unit_types[off.unit_type].code,
                off.line,
                m + 1
            )
        }
        Relax::Limit { limit, troops } => {
            let lim = &sc.limits[limit];
            format!(
                "limit raised by one unit's troops (limits.csv:{} max_troops {} → {})",
                lim.line,
                fmt_num(lim.max_troops),
                fmt_num(lim.max_troops + troops)
            )
        }
        Relax::Reception { node, pax_per_day } => {
            let n = sc.network.as_ref().map(|net| &net.nodes[node]);
            let (code, line, pax) = n.map_or((String::new(), 0, 0.0), |n| {
                (n.code.clone(), n.line, n.pax_per_day.unwrap_or(0.0))
            });
            format!(
                "reception at {code} raised by one unit's troops per period (nodes.csv:{line} pax_per_day {} → {})",
                fmt_num(pax),
                fmt_num(pax + pax_per_day)
            )
        }
        Relax::Availability { nation } => {
            let n = &sc.nations[nation];
            format!("{} available throughout (nations.csv:{})", n.code, n.line)
        }
        Relax::Arc { arc, tons_per_day } => {
            let a = sc.network.as_ref().map(|net| &net.arcs[arc]);
            a.map_or(String::new(), |a| {
                format!(
                    "arc capacity raised by the tons missing (arcs.csv:{} capacity_tons_per_day {} → {})",
                    a.line,
                    fmt_num(a.capacity_tons_per_day),
                    fmt_num(a.capacity_tons_per_day + tons_per_day)
                )
            })
        }
        Relax::Depot {
            supply,
            tons_per_day,
        } => {
            let s = sc.network.as_ref().map(|net| &net.supply[supply]);
            s.map_or(String::new(), |s| {
                format!(
                    "depot output raised by the tons missing (supply.csv:{} tons_per_day {} → {})",
                    s.line,
                    fmt_num(s.tons_per_day),
                    fmt_num(s.tons_per_day + tons_per_day)
                )
            })
        }
        Relax::Storage { node, tons } => {
            let n = sc.network.as_ref().map(|net| &net.nodes[node]);
            n.map_or(String::new(), |n| {
                format!(
                    "storage raised by the tons missing (nodes.csv:{} storage_tons {} → {})",
                    n.line,
                    fmt_num(n.storage_tons),
                    fmt_num(n.storage_tons + tons)
                )
            })
        }
    }
}

/// Causes of one supply episode: the network between the commodity's sources and the node.
fn supply_causes(
    sc: &Scenario,
    plan: &Plan,
    e: &Episode,
    node: usize,
    k: usize,
    rows: &mut Vec<Explanation>,
) {
    let (Some(net), Some(f)) = (&sc.network, &plan.flows) else {
        return;
    };
    let pd = sc.period_days as f64;
    let com = &net.commodities[k].code;
    let unmet = |t: usize| f.unmet[k][node][t];
    let peak = (e.from..=e.to).map(unmet).fold(0.0, f64::max);
    let row =
        |cause: &'static str, input: String, detail: String, relax: Option<Relax>| Explanation {
            kind: "supply",
            where_: net.nodes[node].code.clone(),
            what: com.clone(),
            from: e.from,
            to: e.to,
            amount: e.amount,
            cause,
            input,
            detail,
            what_if: relax.as_ref().map_or(String::new(), |x| describe(sc, x)),
            amount_change: relax.as_ref().map(|_| -e.amount),
            objective_change: None,
            basis: "estimate",
            relax,
        };
    // Nodes that can send to `node` over arcs, whatever their dates.
    let mut reach: BTreeSet<usize> = BTreeSet::from([node]);
    loop {
        let before = reach.len();
        for a in &net.arcs {
            if reach.contains(&a.to) && a.capacity_tons_per_day > 0.0 {
                reach.insert(a.from);
            }
        }
        if reach.len() == before {
            break;
        }
    }
    let sources: Vec<usize> = (0..net.supply.len())
        .filter(|&i| net.supply[i].commodity == k && reach.contains(&net.supply[i].node))
        .collect();
    let stocked = net
        .initial_stocks
        .iter()
        .any(|s| s.commodity == k && reach.contains(&s.node) && s.tons > 0.0);
    if sources.is_empty() && !stocked {
        rows.push(row(
            "unreachable",
            format!("nodes.csv:{}", net.nodes[node].line),
            format!(
                "no depot with {com} and no stock of it can reach {} over the arcs",
                net.nodes[node].code
            ),
            None,
        ));
        return;
    }
    let mut any = false;
    for (a, arc) in net.arcs.iter().enumerate() {
        if !(reach.contains(&arc.to) && reach.contains(&arc.from)) {
            continue;
        }
        let cap = arc.capacity_tons_per_day * pd;
        let full = (0..sc.periods).find(|&t| {
            let arrive = t + arc.lag;
            arrive >= e.from
                && arrive <= e.to
                && cap > 0.0
                && f.flow.iter().map(|per| per[a][t]).sum::<f64>() >= cap - 1e-6 * cap.max(1.0)
        });
        if let Some(t) = full {
            any = true;
            rows.push(row(
                "arc",
                format!("arcs.csv:{}", arc.line),
                format!(
                    "the {} arc {} → {} carries its full {} t a day from {}",
                    arc.mode,
                    net.nodes[arc.from].code,
                    net.nodes[arc.to].code,
                    fmt_num(arc.capacity_tons_per_day),
                    day(sc, t as i64)
                ),
                Some(Relax::Arc {
                    arc: a,
                    tons_per_day: peak / pd,
                }),
            ));
        }
    }
    for &i in &sources {
        let sp = &net.supply[i];
        let cap = sp.tons_per_day * pd;
        let full = (0..=e.to).find(|&t| f.output[i][t] >= cap - 1e-6 * cap.max(1.0));
        if let Some(t) = full {
            any = true;
            rows.push(row(
                "depot",
                format!("supply.csv:{}", sp.line),
                format!(
                    "the depot at {} puts out its full {} t of {com} a day from {}",
                    net.nodes[sp.node].code,
                    fmt_num(sp.tons_per_day),
                    day(sc, t as i64)
                ),
                Some(Relax::Depot {
                    supply: i,
                    tons_per_day: peak / pd,
                }),
            ));
        }
    }
    for &w in &reach {
        let nd = &net.nodes[w];
        if nd.storage_tons <= 0.0 {
            continue;
        }
        let full = (e.from..=e.to).find(|&t| {
            f.stock.iter().map(|per| per[w][t]).sum::<f64>()
                >= nd.storage_tons - 1e-6 * nd.storage_tons.max(1.0)
        });
        if let Some(t) = full {
            any = true;
            rows.push(row(
                "storage",
                format!("nodes.csv:{}", nd.line),
                format!(
                    "the store at {} is full ({} t) on {}",
                    nd.code,
                    fmt_num(nd.storage_tons),
                    day(sc, t as i64)
                ),
                Some(Relax::Storage {
                    node: w,
                    tons: e.amount,
                }),
            ));
        }
    }
    if !any {
        rows.push(row(
            "penalty",
            "scenario.toml".to_string(),
            format!(
                "a choice of the weights: the network could carry more {com}, but the shortfall penalty of {} per ton is below what delivering it costs",
                fmt_num(net.commodities[k].shortfall_penalty)
            ),
            None,
        ));
    }
}

/// Re-solves each distinct relaxation within its share of the limit, coverage episodes first,
/// and writes the changes it produced into the rows; the rest stay estimates.
#[allow(clippy::too_many_arguments)]
fn what_ifs(
    m: &Model,
    plan: &Plan,
    solved: &Solved,
    opts: &SolveOptions,
    how: ReSolve,
    eps: &[Episode],
    rows: &mut [Explanation],
    report: &mut Report,
) {
    let sc = m.sc;
    let started = Instant::now();
    let share = opts.time_limit_s * budget::EXPLAIN_WHAT_IF_SHARE;
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].relax.is_some())
        .collect();
    // Coverage first (role-unit-periods and tons do not compare, and a coverage re-plan around
    // the plan is a small MIP where a supply one is the network's whole LP).
    order.sort_by(|&a, &b| {
        (rows[a].kind != "coverage")
            .cmp(&(rows[b].kind != "coverage"))
            .then(rows[b].amount.total_cmp(&rows[a].amount))
            .then(a.cmp(&b))
    });
    let mut done: HashMap<String, Option<Plan>> = HashMap::new();
    let mut stop: Option<String> = match how {
        ReSolve::No(why) => Some(why.to_string()),
        _ => None,
    };
    // Tours of the plan by (nation, unit type, site, start): what "around the plan" keeps.
    let planned: HashMap<(usize, usize, usize, usize), f64> = (0..m.lp.num_cols())
        .filter_map(|c| match m.lp.var[c] {
            Var::Tour { triple, t } => {
                let x = &m.triples[triple as usize];
                let v = solved.values.get(c).copied().unwrap_or(0.0);
                Some(((x.nation, x.unit_type, x.site, t as usize), v))
            }
            _ => None,
        })
        .collect();
    // Under an effort the what-ifs are a count, each stopping at a node count: no clock.
    let mut count_left = opts
        .effort
        .as_ref()
        .map(|e| e.count(effort::WHAT_IFS_PER_UNIT));
    for i in order {
        let left = match &opts.effort {
            Some(e) => e.seconds_left(),
            None => share - started.elapsed().as_secs_f64(),
        };
        // The plan's own solve is the best guess of how long a whole re-solve takes.
        let around = match how {
            ReSolve::AroundPlan(_) => true,
            _ => opts.effort.is_none() && solved.seconds > left,
        };
        // Around the plan, a coverage episode is re-planned at its site; a supply one only in
        // the network (every tour kept).
        let scope = match (around, rows[i].kind) {
            (false, _) => None,
            (true, "coverage") => sc.sites.iter().position(|x| x.code == rows[i].where_),
            (true, _) => Some(usize::MAX),
        };
        let key = format!("{}|{scope:?}", rows[i].what_if);
        if !done.contains_key(&key) && stop.is_none() {
            if let Some(e) = opts.effort.as_ref().filter(|e| e.past_deadline()) {
                e.note_time_stop();
                stop = Some("the time limit was reached".to_string());
            } else if count_left == Some(0) {
                stop = Some(format!(
                    "the effort's what-if re-solves ({}) were used up",
                    opts.effort
                        .as_ref()
                        .map_or(0, |e| e.count(effort::WHAT_IFS_PER_UNIT))
                ));
            } else if left <= 0.0 {
                stop = Some(format!(
                    "the what-if share of the time limit ({} s) was used up",
                    fmt_num(share)
                ));
            } else if signal::interrupted().load(std::sync::atomic::Ordering::Relaxed) {
                stop = Some("interrupted".to_string());
            } else {
                let Some(relax) = rows[i].relax.clone() else {
                    continue;
                };
                let mut sc2 = sc.clone();
                relax.apply(&mut sc2);
                // Around the plan at one site, the supply network is left out: re-planning one
                // site's tours is then a small MIP, where with the network it is the whole LP.
                let mut m2 = model::build_with(&sc2, m.mode, m.form, None, !rotation_only(scope));
                if let Some(site) = scope {
                    for c in 0..m2.lp.num_cols() {
                        if let Var::Tour { triple, t } = m2.lp.var[c] {
                            let x = &m2.triples[triple as usize];
                            if x.site != site {
                                let k = (x.nation, x.unit_type, x.site, t as usize);
                                let v = planned.get(&k).copied().unwrap_or(0.0);
                                m2.lp.col_lo[c] = v;
                                m2.lp.col_hi[c] = v;
                            }
                        }
                    }
                }
                if let Some(n) = &mut count_left {
                    *n -= 1;
                }
                let o2 = SolveOptions {
                    time_limit_s: left,
                    work: match &opts.effort {
                        Some(e) => {
                            WorkLimits::nodes(e.highs_count(effort::WHOLE_MIP_NODES_PER_UNIT))
                        }
                        None => WorkLimits::default(),
                    },
                    log: false,
                    // One site's tours alone make a small MIP: solved to the optimum, so the
                    // change is not lost in a gap measured on the whole plan's objective.
                    mip_gap: if rotation_only(scope) {
                        0.0
                    } else {
                        opts.mip_gap
                    },
                    ..opts.clone()
                };
                let t_what_if = Instant::now();
                // A whole LP goes the way `--mode lp` solved the plan (from its two halves where
                // they apply): HiGHS at once needs minutes where the plan took seconds
                // (coalition-30k: 17 s against about 117 s), so the share would run out.
                let answer = if m.mode == Mode::Lp && scope.is_none() {
                    decomposed::whole_lp(&m2, &o2)
                } else {
                    solve::solve_plan(&m2.lp, &o2, None)
                };
                let msg = format!(
                    "what-if {}: {} in {:.1} s",
                    rows[i].what_if,
                    match &answer {
                        Ok(s) => s.status.as_str().to_string(),
                        Err(e) => e.to_string(),
                    },
                    t_what_if.elapsed().as_secs_f64()
                );
                progress::event(
                    &msg,
                    serde_json::json!({"event": "what_if", "message": msg}),
                );
                let result = match answer {
                    Ok(s) if s.status == Status::Optimal => Some(model::extract(&m2, &s.values)),
                    Ok(_) => None,
                    Err(Error::Interrupted) => {
                        stop = Some("interrupted".to_string());
                        None
                    }
                    Err(_) => None,
                };
                report.re_solves += 1;
                done.insert(key.clone(), result);
            }
        }
        if scope.is_some() && matches!(done.get(&key), Some(Some(_))) {
            let r = &mut rows[i];
            r.what_if = if r.kind == "coverage" && sc.network.is_some() {
                format!(
                    "{}, re-planned at {} only (every other tour kept as planned; the objective change leaves out supply and transport)",
                    r.what_if, r.where_
                )
            } else if r.kind == "coverage" {
                format!(
                    "{}, re-planned at {} only (every other tour kept as planned)",
                    r.what_if, r.where_
                )
            } else {
                format!("{}, every tour kept as planned", r.what_if)
            };
        }
        let ep = episode_of(eps, &rows[i]);
        match (done.get(&key), ep) {
            (Some(Some(p2)), Some(e)) => {
                let r = &mut rows[i];
                let in_episode = amount_in(sc, p2, e, false) - e.amount;
                // Shortfall the re-plan moves to other periods of the same place and need is
                // netted: a relief shifted in time fixes nothing.
                let moved =
                    (amount_in(sc, p2, e, true) - amount_in(sc, plan, e, true)) - in_episode;
                if moved > EPS {
                    r.what_if = format!(
                        "{}; the re-plan removes {} in these periods but leaves {} more short at other times there",
                        r.what_if,
                        fmt_num(-in_episode),
                        fmt_num(moved)
                    );
                    r.amount_change = Some(in_episode + moved);
                } else {
                    r.amount_change = Some(in_episode);
                }
                r.objective_change = Some(if rotation_only(scope) {
                    rotation_terms(p2) - rotation_terms(plan)
                } else {
                    p2.terms.total() - plan.terms.total()
                });
                r.basis = "re-solve";
            }
            _ => {
                let r = &rows[i];
                let name = format!("{} {} {}", r.where_, r.what, day(sc, r.from as i64));
                if !report.not_checked.contains(&name) {
                    report.not_checked.push(name);
                }
            }
        }
    }
    if let (ReSolve::AroundPlan(why), true) = (how, report.re_solves > 0) {
        report.around_plan = Some(why.to_string());
    }
    if !report.not_checked.is_empty() {
        report.why_not_checked = Some(
            stop.unwrap_or_else(|| "a re-solve did not finish with a proven optimum".to_string()),
        );
    }
    progress::event(
        &format!(
            "explanations: {} episodes, {} what-if re-solves in {:.1} s",
            eps.len(),
            report.re_solves,
            started.elapsed().as_secs_f64()
        ),
        serde_json::json!({"event": "explanations", "episodes": eps.len(), "re_solves": report.re_solves}),
    );
}

/// Whether a re-solve of this scope leaves the network out (around the plan at one site).
fn rotation_only(scope: Option<usize>) -> bool {
    scope.is_some_and(|s| s != usize::MAX)
}

/// The objective terms a re-plan of tours without the network prices: coverage, tours, days.
fn rotation_terms(p: &Plan) -> f64 {
    p.terms.coverage_penalty + p.terms.deployment_cost + p.terms.tour_cost
}

/// The episode a row explains.
fn episode_of<'e>(eps: &'e [Episode], r: &Explanation) -> Option<&'e Episode> {
    eps.iter().find(|e| {
        e.from == r.from && e.to == r.to && e.amount == r.amount && {
            match &e.at {
                Where::Site { role, .. } => r.kind == "coverage" && *role == r.what,
                Where::Node { .. } => r.kind == "supply",
            }
        }
    })
}

/// The shortfall of a plan at the place of episode `e`: over its periods, or the whole horizon.
fn amount_in(sc: &Scenario, p: &Plan, e: &Episode, whole_horizon: bool) -> f64 {
    let (from, to) = if whole_horizon {
        (0, sc.periods.saturating_sub(1))
    } else {
        (e.from, e.to)
    };
    match &e.at {
        Where::Site { site, role } => (0..sc.requirements.len())
            .filter(|&i| sc.requirements[i].site == *site && sc.requirements[i].role == *role)
            .map(|i| (from..=to).map(|t| p.short[i][t]).sum::<f64>())
            .sum(),
        Where::Node { node, commodity } => p.flows.as_ref().map_or(0.0, |f| {
            (from..=to).map(|t| f.unmet[*commodity][*node][t]).sum()
        }),
    }
}

/// explanations.csv.
pub fn csv(sc: &Scenario, rows: &[Explanation]) -> Csv {
    let mut c = Csv::new(&COLUMNS);
    let opt = |v: Option<f64>| v.map_or(String::new(), fmt_num);
    for r in rows {
        c.row([
            r.kind.to_string(),
            r.where_.clone(),
            r.what.clone(),
            day(sc, r.from as i64),
            day(sc, r.to as i64),
            fmt_num(r.amount),
            r.cause.to_string(),
            r.input.clone(),
            r.detail.clone(),
            r.what_if.clone(),
            opt(r.amount_change),
            opt(r.objective_change),
            r.basis.to_string(),
        ]);
    }
    c
}

/// The summary.json section.
pub fn json(report: &Report) -> serde_json::Value {
    serde_json::json!({
        "episodes": report.episodes,
        "rows": report.rows.len(),
        "re_solves": report.re_solves,
        "not_checked": report.not_checked,
        "why_not_checked": report.why_not_checked,
        "around_plan": report.around_plan,
    })
}
