//! Bottlenecks: which single capacity, if raised, would improve the plan most.
//!
//! Marginal values come from LP duals: d(objective)/d(right-hand side), turned into "objective
//! improvement per extra ton/day, troop or unit" of the input row that sets that right-hand side.
//! In `lp` mode the duals are the solve's own. In `mip` mode the tour starts are fixed at the plan
//! and the LP is solved again: exact for the supply network given the plan's tours. Rows made only
//! of tour starts (pools, limits, reception) have no useful dual once the tours are fixed, so for
//! those the LP relaxation's duals are used, and the `basis` column says so.

use crate::base::effort::WorkLimits;
use crate::base::text::{fmt_num, Csv};
use crate::base::{budget, progress, Error};
use crate::model::lp::{RowKind, Var};
use crate::model::Model;
use crate::scenario::Mode;
use crate::solve::{self, KnownRelaxation, SolveOptions, Solved};
use crate::strategy::decomposed;
use std::collections::BTreeMap;

/// Row duals of the rotation model's LP relaxation (no network), laid out on `m`'s rows by
/// family and index, and its optimum; `None` when even that LP does not finish in time.
///
/// The optimum bounds the whole model from below: the sustainment families add no constraint on
/// tours and only terms ≥ 0, and dropping plan stability only relaxes further.
fn rotation_relaxation_duals(
    m: &Model,
    opts: &SolveOptions,
    seconds: f64,
) -> Option<(Vec<f64>, f64)> {
    // Written out and solved by simplex: measured fastest for this LP
    // (docs/performance.md#measurements-behind-constants-in-the-code).
    let rotation = crate::model::build_with(
        m.sc,
        m.mode,
        crate::model::Formulation::Expanded,
        None,
        false,
    );
    let opts = SolveOptions {
        lp_solver: None,
        time_limit_s: opts.effort.as_ref().map_or(seconds, |e| e.seconds_left()),
        ..opts.clone()
    };
    let relaxed = solve::solve(&rotation.lp, &opts, None).ok()?;
    let duals = relaxed.row_duals?;
    Some(on_rows(
        m,
        &KnownRelaxation {
            objective: relaxed.solver_objective,
            row_duals: rotation.lp.row_kind.iter().copied().zip(duals).collect(),
            seconds: relaxed.seconds,
        },
    ))
}

/// A relaxation's row duals laid out on `m`'s rows (0 where `m` has a row it lacks), and its
/// optimum.
fn on_rows(m: &Model, known: &KnownRelaxation) -> (Vec<f64>, f64) {
    let by_kind: std::collections::HashMap<RowKind, f64> =
        known.row_duals.iter().copied().collect();
    (
        m.lp.row_kind
            .iter()
            .map(|k| by_kind.get(k).copied().unwrap_or(0.0))
            .collect(),
        known.objective,
    )
}

/// One input row that limits the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Bottleneck {
    /// arc, depot, storage, reception, limit, pool, max_deployed
    pub kind: &'static str,
    pub name: String,
    /// First and last period in which it binds.
    pub first: usize,
    pub last: usize,
    /// Peak use over capacity (1 = full).
    pub utilisation: f64,
    /// Objective improvement per extra unit of capacity over the whole horizon.
    pub marginal_value: f64,
    /// The unit of the extra capacity: "ton/day", "ton", "troop/day", "troop", "unit".
    pub per: &'static str,
    /// Where the dual came from: "lp", "fixed tours", "lp relaxation", "rotation lp relaxation".
    pub basis: &'static str,
    /// Binds only in the horizon's last periods, where tours are cut short by its end
    /// ([`crate::analysis::horizon`]): an effect of where the plan stops, not a thing to act on.
    pub horizon_end: bool,
}

/// Finds bottlenecks for a solved model. Costs no extra solve in `lp` mode (the duals are
/// there) and up to two LP solves in `mip` mode, fewer when the solve already has them (a
/// rotation-first solve ends with the fixed-tours LP and has the rotation relaxation). The LP
/// relaxation is also a lower bound on the MIP's optimum, returned so the reported gap can use it.
///
/// `whole_relaxation` false skips the relaxation of the whole model and goes straight to the
/// rotation model's (for large models, where the whole one cannot finish in its share).
/// `rotation_tried`: the solve already tried the rotation relaxation with more time than this
/// step has (rotation-first), so when `solved` does not carry it, it is not tried again.
pub fn find(
    m: &Model,
    solved: &Solved,
    opts: &SolveOptions,
    whole_relaxation: bool,
    rotation_tried: bool,
) -> Result<(Vec<Bottleneck>, Option<f64>), Error> {
    // The extra LPs get a share of the time limit of their own: bottlenecks are a by-product
    // and must not double the run time of a solve that used its whole limit.
    let share = (opts.time_limit_s * budget::BOTTLENECK_WHOLE_SHARE)
        .max(budget::BOTTLENECK_MIN_S)
        .min(opts.time_limit_s);
    let quiet = SolveOptions {
        log: false,
        mode: Mode::Lp,
        time_limit_s: share,
        ..opts.clone()
    };
    // Under an effort each LP here stops at an iteration count, not at a share of the clock.
    let quiet = match &opts.effort {
        Some(e) => SolveOptions {
            time_limit_s: e.seconds_left(),
            work: WorkLimits::relaxation(e),
            ..quiet
        },
        None => quiet,
    };
    let (network_duals, rotation_duals, relaxation, basis_rot) = if m.mode == Mode::Lp {
        let d = solved.row_duals.clone().zip(solved.col_duals.clone());
        (d.clone(), d, None, "lp")
    } else {
        // Rotation-first and rolling-horizon solves end with exactly this LP: reuse its duals.
        let f = match (&solved.row_duals, &solved.col_duals) {
            (Some(rows), Some(cols)) => (rows.clone(), cols.clone()),
            _ => {
                let fixed = m.lp.with_integers_fixed(&solved.values, false);
                let f = solve::solve(&fixed, &quiet, None)?;
                f.row_duals
                    .zip(f.col_duals)
                    .ok_or_else(|| Error::Other("no duals for the plan's LP".to_string()))?
            }
        };
        // The relaxation of a large model may not finish in its share of time: then pools,
        // limits and reception go without marginal values rather than failing the rest.
        let whole = if whole_relaxation {
            decomposed::whole_lp(m, &quiet).map_err(|e| e.to_string())
        } else {
            Err("not tried for a model this large".to_string())
        };
        match whole {
            Ok(relaxed) => {
                let bound = relaxed.solver_objective;
                (
                    Some(f),
                    relaxed.row_duals.zip(relaxed.col_duals),
                    Some(bound),
                    "lp relaxation",
                )
            }
            Err(e) => {
                // Fall back to the relaxation of the rotation model alone (no network, far
                // faster): its pool, limit and reception rows are the same rows. The one the
                // solve already has (rotation-first), else a fifth of the time limit to solve it:
                // the last way to price these rows.
                let rot = match &solved.relaxation {
                    Some(known) => Some(on_rows(m, known)),
                    None if rotation_tried => None,
                    None => rotation_relaxation_duals(
                        m,
                        &quiet,
                        (opts.time_limit_s * budget::BOTTLENECK_ROTATION_SHARE)
                            .max(budget::BOTTLENECK_MIN_S),
                    ),
                };
                if opts.log {
                    let instead = if rot.is_some() {
                        "pools, limits and reception are priced by the rotation model's relaxation instead"
                    } else {
                        "nor of the rotation model in time: pools, limits and reception get no marginal values"
                    };
                    let text =
                        format!("note: no LP relaxation of the whole model ({e}); {instead}");
                    progress::event(
                        &text,
                        serde_json::json!({"event": "note", "step": "bottlenecks", "message": text}),
                    );
                }
                let bound = rot.as_ref().map(|(_, b)| *b);
                (
                    Some(f),
                    rot.map(|(r, _)| (r, Vec::new())),
                    bound,
                    "rotation lp relaxation",
                )
            }
        }
    };
    let Some((net_rows, net_cols)) = network_duals else {
        return Ok((Vec::new(), relaxation));
    };
    let zeros = vec![0.0; m.lp.num_rows()];
    let rot_rows = rotation_duals.map(|(rows, _)| rows).unwrap_or(zeros);
    let basis_net = if m.mode == Mode::Lp {
        "lp"
    } else {
        "fixed tours"
    };
    let x = &solved.values;
    let sc = m.sc;
    let pd = sc.period_days as f64;
    // (kind, name) -> accumulator
    let mut acc: BTreeMap<(&'static str, String), Acc> = BTreeMap::new();
    for r in 0..m.lp.num_rows() {
        let kind = m.lp.row_kind[r];
        let activity: f64 = m.lp.row_entries(r).map(|(c, v)| v * x[c as usize]).sum();
        let rhs = m.lp.row_hi[r];
        // Each family: its input row, the capacity it stands for, and how many rhs units one
        // extra unit of that input adds (P for per-day inputs).
        let (k, name, t, per, scale, duals, basis): (
            &'static str,
            String,
            u32,
            &'static str,
            f64,
            &Vec<f64>,
            &'static str,
        ) = match kind {
            RowKind::ArcCapacity { arc, t } => {
                let Some(net) = sc.network.as_ref() else {
                    continue;
                };
                let a = &net.arcs[arc as usize];
                let name = format!(
                    "{}>{} {} (arcs.csv:{})",
                    net.nodes[a.from].code, net.nodes[a.to].code, a.mode, a.line
                );
                ("arc", name, t, "ton/day", pd, &net_rows, basis_net)
            }
            RowKind::Storage { w, t } => {
                let Some(net) = sc.network.as_ref() else {
                    continue;
                };
                let n = &net.nodes[w as usize];
                (
                    "storage",
                    format!("{} (nodes.csv:{})", n.code, n.line),
                    t,
                    "ton",
                    1.0,
                    &net_rows,
                    basis_net,
                )
            }
            RowKind::Reception { node, t } => {
                let Some(net) = sc.network.as_ref() else {
                    continue;
                };
                let n = &net.nodes[node as usize];
                (
                    "reception",
                    format!("{} (nodes.csv:{})", n.code, n.line),
                    t,
                    "troop/day",
                    pd,
                    &rot_rows,
                    basis_rot,
                )
            }
            RowKind::ContingentLimit { limit, t } => {
                let l = &sc.limits[limit as usize];
                let name = format!(
                    "{} {} {} (limits.csv:{})",
                    l.nation
                        .map_or("*".to_string(), |n| sc.nations[n].code.clone()),
                    l.zone.as_deref().unwrap_or("*"),
                    l.domain.map_or("*", |d| d.as_str()),
                    l.line
                );
                ("limit", name, t, "troop", 1.0, &rot_rows, basis_rot)
            }
            RowKind::Pool { offer, t } | RowKind::MaxDeployed { offer, t } => {
                let o = &sc.offers[offer as usize];
                let name = format!(
                    "{} {} (offers.csv:{})",
                    sc.nations[o.nation].code, sc.unit_types[o.unit_type].code, o.line
                );
                let k = if matches!(kind, RowKind::Pool { .. }) {
                    "pool"
                } else {
                    "max_deployed"
                };
                (k, name, t, "unit", 1.0, &rot_rows, basis_rot)
            }
            _ => continue,
        };
        let dual = duals[r];
        let e = acc.entry((k, name)).or_insert_with(|| Acc::new(per, basis));
        e.add(t as usize, -dual * scale, activity, rhs);
    }
    // Depot output is a column bound; its reduced cost plays the dual's part.
    if let Some(net) = &sc.network {
        for c in 0..m.lp.num_cols() {
            if let Var::Output { supply, t, .. } = m.lp.var[c] {
                let sp = &net.supply[supply as usize];
                let name = format!(
                    "{} {} (supply.csv:{})",
                    net.nodes[sp.node].code, net.commodities[sp.commodity].code, sp.line
                );
                let e = acc
                    .entry(("depot", name))
                    .or_insert_with(|| Acc::new("ton/day", basis_net));
                let at_bound = x[c] >= m.lp.col_hi[c] - 1e-6;
                let gain = if at_bound {
                    (-net_cols[c]).max(0.0) * pd
                } else {
                    0.0
                };
                e.add(t as usize, gain, x[c], m.lp.col_hi[c]);
            }
        }
    }
    let mut out: Vec<Bottleneck> = acc
        .into_iter()
        .filter_map(|((kind, name), a)| {
            let (first, last) = (a.first?, a.last?);
            (a.gain > 1e-6).then_some(Bottleneck {
                kind,
                name,
                first,
                last,
                utilisation: a.peak_use,
                marginal_value: a.gain,
                per: a.per,
                basis: a.basis,
                horizon_end: super::horizon::only_at_the_end(m, kind, first),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.horizon_end
            .cmp(&b.horizon_end)
            .then_with(|| b.marginal_value.total_cmp(&a.marginal_value))
            .then_with(|| (a.kind, &a.name).cmp(&(b.kind, &b.name)))
    });
    Ok((out, relaxation))
}

/// Per-input accumulator over periods.
struct Acc {
    gain: f64,
    first: Option<usize>,
    last: Option<usize>,
    peak_use: f64,
    per: &'static str,
    basis: &'static str,
}

impl Acc {
    fn new(per: &'static str, basis: &'static str) -> Acc {
        Acc {
            gain: 0.0,
            first: None,
            last: None,
            peak_use: 0.0,
            per,
            basis,
        }
    }

    /// Adds one period: `gain` is the objective improvement per extra unit of the input.
    fn add(&mut self, t: usize, gain: f64, activity: f64, capacity: f64) {
        let gain = if gain.abs() < 1e-9 { 0.0 } else { gain };
        self.gain += gain.max(0.0);
        let binds =
            gain > 1e-9 || (capacity.is_finite() && activity >= capacity - 1e-6 && capacity > 0.0);
        if binds && gain > 1e-9 {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
        if capacity.is_finite() && capacity > 0.0 {
            self.peak_use = self.peak_use.max(activity / capacity);
        } else if capacity == 0.0 && gain > 1e-9 {
            self.peak_use = self.peak_use.max(1.0);
        }
    }
}

/// bottlenecks.csv: every input row with a positive marginal value, most valuable first.
pub fn csv(m: &Model, list: &[Bottleneck]) -> Csv {
    let sc = m.sc;
    let mut csv = Csv::new(&[
        "kind",
        "name",
        "first",
        "last",
        "utilisation",
        "marginal_value",
        "per",
        "basis",
        "horizon_end",
    ]);
    for b in list {
        csv.row([
            b.kind.to_string(),
            b.name.clone(),
            sc.period_start(b.first as i64)
                .format("%Y-%m-%d")
                .to_string(),
            sc.period_start(b.last as i64)
                .format("%Y-%m-%d")
                .to_string(),
            fmt_num(b.utilisation),
            fmt_num(b.marginal_value),
            b.per.to_string(),
            b.basis.to_string(),
            b.horizon_end.to_string(),
        ]);
    }
    csv
}

/// The top entries as JSON for summary.json (and batch summaries).
pub fn json(m: &Model, list: &[Bottleneck], top: usize) -> serde_json::Value {
    let sc = m.sc;
    serde_json::Value::Array(
        list.iter()
            .take(top)
            .map(|b| {
                serde_json::json!({
                    "kind": b.kind,
                    "name": b.name,
                    "first": sc.period_start(b.first as i64).format("%Y-%m-%d").to_string(),
                    "last": sc.period_start(b.last as i64).format("%Y-%m-%d").to_string(),
                    "utilisation": crate::base::text::round9(b.utilisation),
                    "marginal_value": crate::base::text::round9(b.marginal_value),
                    "per": b.per,
                    "horizon_end": b.horizon_end,
                })
            })
            .collect(),
    )
}
