//! `--mode lp` at coalition scale: the whole LP, started from the optimum of its two halves.
//!
//! HiGHS handed the whole LP at once is slow on coalition models, while each half alone is
//! quick: the rotation LP (tours, shortfalls, pools, limits) and the network LP with the tours
//! given. The halves meet only in the demand rows `d = k + G·x` (tons each commodity's users draw
//! at a node in a period, from the units on the ground). So:
//!
//! 1. the master, the rotation LP with the demand rows, is solved (by interior point on its
//!    cumulative form when large, as rotation-first solves its relaxation);
//! 2. the network LP is solved with the demand fixed at the master's;
//! 3. the whole LP is solved by primal simplex from the two bases put together. The master's
//!    tours with their best network are a feasible point of the whole LP, and that basis is its
//!    basis, so the simplex starts in its second phase, a few per cent above the optimum, instead
//!    of from nothing.
//!
//! The answer is HiGHS's own optimum of the whole LP, with its own duals: the same LP, the same
//! optimum as the direct solve. At the largest sizes (`INTERIOR_WHOLE_FROM`) that last step needs
//! too many iterations, and the whole LP goes to the interior point at once instead. Benders
//! cuts of the network's cost added to the master were tried first and dropped
//! (docs/performance.md): the master's re-solves after each cut took longer than this whole step.

use crate::base::{budget, progress, Error};
use crate::model::lp::{Lp, RowKind, Var};
use crate::model::{Formulation, Model};
use crate::scenario::Mode;
use crate::solve::warm::{LpPoint, WarmLp};
use crate::solve::{relative_gap, SolveOptions, Solved, Status};
use crate::strategy::search::{Cumulative, CUMULATIVE_FROM_NONZEROS};
use std::time::Instant;

/// `--mode lp` takes the decomposition from this many tour starts on, when there is a supply
/// network; below it HiGHS on the whole LP is quick
/// (docs/performance.md#measurements-behind-constants-in-the-code).
pub const DECOMPOSED_FROM: usize = 1000;

/// Whether the whole LP of `m` (a MIP's relaxation too) is quick from its two halves: they apply
/// and the master goes by simplex (below `CUMULATIVE_FROM_NONZEROS`). Measured with load 3:
/// reassurance-10k (2.4M nonzeros) 6.5 s, against 38.6 s for coalition-30k (5.1M), whose master
/// needs the interior point (docs/performance.md#measurements-behind-constants-in-the-code).
pub fn quick(m: &Model) -> bool {
    applies(m) && m.lp.nonzeros() < CUMULATIVE_FROM_NONZEROS
}

/// The whole LP of `m` as `--mode lp` solves it: from its two halves when they apply, else by
/// HiGHS at once. For a MIP, its LP relaxation (integrality is left out).
pub fn whole_lp(m: &Model, opts: &SolveOptions) -> Result<Solved, Error> {
    let opts = SolveOptions {
        mode: Mode::Lp,
        ..opts.clone()
    };
    if applies(m) {
        if let Some(solved) = solve(m, &opts)? {
            return Ok(solved);
        }
    }
    crate::solve::solve(&m.lp, &opts, None)
}

/// Whether `--mode lp` on `m` is solved in two parts.
pub fn applies(m: &Model) -> bool {
    m.net.is_some()
        && m.lp
            .var
            .iter()
            .filter(|v| matches!(v, Var::Tour { .. }))
            .count()
            >= DECOMPOSED_FROM
}

fn is_network(v: &Var) -> bool {
    matches!(
        v,
        Var::Demand { .. }
            | Var::Flow { .. }
            | Var::Output { .. }
            | Var::Stock { .. }
            | Var::Unmet { .. }
            | Var::DosShort { .. }
    )
}

/// The two parts of `lp`, with the places of their columns and rows in `lp`.
struct Split {
    master: Lp,
    /// Master column → whole-LP column: the rotation columns and the demand columns that link
    /// the parts.
    master_cols: Vec<usize>,
    master_rows: Vec<usize>,
    network: Lp,
    network_cols: Vec<usize>,
    network_rows: Vec<usize>,
    /// Demand columns in both parts: (master column, network column), and the demand row
    /// (of the whole LP) that defines each.
    links: Vec<(usize, usize)>,
    link_rows: Vec<usize>,
}

/// Splits `lp` at its demand rows; `None` when some other row mixes tours and network (then the
/// argument above does not hold as written, and the whole LP is solved at once).
fn split(lp: &Lp) -> Option<Split> {
    let n = lp.num_cols();
    let net: Vec<bool> = lp.var.iter().map(is_network).collect();
    let mut in_master = vec![false; n];
    // The demand row that defines each linking demand column.
    let mut link_row = vec![usize::MAX; n];
    let mut master_rows = Vec::new();
    let mut network_rows = Vec::new();
    for r in 0..lp.num_rows() {
        let nets = lp.row_entries(r).filter(|&(c, _)| net[c as usize]).count();
        let all = lp.row_entries(r).count();
        if nets == 0 {
            master_rows.push(r);
        } else if nets == all {
            network_rows.push(r);
        } else {
            // Only a demand row may hold both, and only its own demand column, once.
            if !matches!(lp.row_kind[r], RowKind::DemandDef { .. }) || nets != 1 {
                return None;
            }
            master_rows.push(r);
            for (c, _) in lp.row_entries(r) {
                in_master[c as usize] = true;
                if net[c as usize] {
                    link_row[c as usize] = r;
                }
            }
        }
    }
    let mut master = Lp::new();
    let mut master_cols = Vec::new();
    let mut master_of = vec![usize::MAX; n];
    let mut network = Lp::new();
    let mut network_cols = Vec::new();
    let mut network_of = vec![usize::MAX; n];
    let mut links = Vec::new();
    let mut link_rows = Vec::new();
    for c in 0..n {
        if !net[c] || in_master[c] {
            // A linking demand column costs nothing in the master: its cost, if any, is the
            // network's.
            let cost = if net[c] { 0.0 } else { lp.cost[c] };
            master_of[c] = master.col(lp.var[c], lp.col_lo[c], lp.col_hi[c], cost, false) as usize;
            master_cols.push(c);
        }
        if net[c] {
            network_of[c] =
                network.col(lp.var[c], lp.col_lo[c], lp.col_hi[c], lp.cost[c], false) as usize;
            network_cols.push(c);
            if in_master[c] {
                links.push((master_of[c], network_of[c]));
                link_rows.push(link_row[c]);
            }
        }
    }
    let mut buf = Vec::new();
    for (part, of, rows) in [
        (&mut master, &master_of, &master_rows),
        (&mut network, &network_of, &network_rows),
    ] {
        for &r in rows.iter() {
            buf.clear();
            buf.extend(lp.row_entries(r).map(|(c, a)| (of[c as usize] as u32, a)));
            part.row(lp.row_kind[r], lp.row_lo[r], lp.row_hi[r], &buf);
        }
    }
    Some(Split {
        master,
        master_cols,
        master_rows,
        network,
        network_cols,
        network_rows,
        links,
        link_rows,
    })
}

/// From this many nonzeros in the whole LP's cumulative form, `--mode lp` hands the whole LP to
/// the interior point at once instead: there the primal simplex from the halves' bases needs
/// far more iterations than the interior point needs time (frontline-100k, 0.94M nonzeros: over
/// 370 s against about 190 s; coalition-30k, 0.60M: 20 s against 117 s;
/// docs/performance.md#measurements-behind-constants-in-the-code).
pub const INTERIOR_WHOLE_FROM: usize = 800_000;

/// Solves the LP of `m` (built in `lp` mode) as above, within `opts.time_limit_s`. `None` when
/// the model does not split at its demand rows (then the caller solves it at once).
pub fn solve(m: &Model, opts: &SolveOptions) -> Result<Option<Solved>, Error> {
    solve_choosing(m, opts, INTERIOR_WHOLE_FROM)
}

/// [`solve`] with the size from which the whole LP goes to the interior point at once given
/// (tests take that path on small models).
pub fn solve_choosing(
    m: &Model,
    opts: &SolveOptions,
    interior_from: usize,
) -> Result<Option<Solved>, Error> {
    let started = Instant::now();
    // The whole LP's cumulative form decides the path, is the form step 3 solves when the
    // master's was cumulative too, and the interior point's if step 3 runs out of its share.
    let mut whole_cumulative = None;
    if m.form == Formulation::Expanded {
        let whole = Cumulative::new(&m.lp);
        if whole.lp.nonzeros() >= interior_from {
            return interior_whole(m, &whole.lp, Some(&whole), opts, started).map(Some);
        }
        whole_cumulative = Some(whole);
    }
    let Some(sp) = split(&m.lp) else {
        return Ok(None);
    };
    let left = || opts.time_limit_s - started.elapsed().as_secs_f64();
    let quiet = SolveOptions {
        log: false,
        ..opts.clone()
    };
    // The master in cumulative tour starts when written out and large (short rows; columns keep
    // their places, the original rows come first), by interior point, as the rotation relaxation
    // of rotation-first is solved; the aggregated form by interior point too.
    let large = sp.master.nonzeros() >= CUMULATIVE_FROM_NONZEROS;
    let cumulative =
        (m.form == Formulation::Expanded && large).then(|| Cumulative::new(&sp.master));
    let master_lp = cumulative.as_ref().map_or(&sp.master, |c| &c.lp);
    let first_solver = if large || m.form == Formulation::Aggregated {
        "ipm"
    } else {
        "simplex"
    };
    let mut master = WarmLp::new(
        master_lp,
        &SolveOptions {
            lp_solver: Some(first_solver),
            ..quiet.clone()
        },
    )?;
    let point = master.solve(left())?;
    let master_s = started.elapsed().as_secs_f64();
    let mut network = WarmLp::new(
        &sp.network,
        &SolveOptions {
            lp_solver: Some("simplex"),
            ..quiet.clone()
        },
    )?;
    let link_net: Vec<usize> = sp.links.iter().map(|&(_, j)| j).collect();
    let d: Vec<f64> = sp.links.iter().map(|&(i, _)| point.values[i]).collect();
    network.set_bounds(&link_net, &d, &d)?;
    let net_point = network.solve(left())?;
    let parts_s = started.elapsed().as_secs_f64();
    if opts.log {
        // The master's tours with their network: an upper bound; the master alone: a lower one.
        let upper = point.objective + net_point.objective;
        progress::solver_progress(upper, point.objective, relative_gap(upper, point.objective));
    }
    let whole = whole_from_bases(
        m,
        &sp,
        whole_cumulative
            .as_ref()
            .filter(|_| cumulative.is_some())
            .cloned(),
        &mut master,
        &mut network,
    )?;
    drop((master, network));
    // The long step: its log is the solver log (`--verbose`, `--solver-log`).
    let mut solver = WarmLp::new(
        &whole.lp,
        &SolveOptions {
            lp_solver: Some("simplex"),
            ..opts.clone()
        },
    )?;
    // Primal simplex: the basis is primal feasible, the duals are not.
    solver.set_option("simplex_strategy", PRIMAL_SIMPLEX)?;
    if let Err(e) = solver.set_basis(&whole.cols, &whole.rows) {
        // Not seen on rotaplan's models; the whole LP is then solved from nothing by the caller.
        if opts.log {
            let text = format!(
                "note: the halves' bases do not start the whole LP ({e}); solving it at once"
            );
            progress::event(
                &text,
                serde_json::json!({"event": "note", "step": "decomposition", "message": text}),
            );
        }
        return Ok(None);
    }
    // By time, the simplex gets a share of the limit and the interior point the rest; under an
    // effort it runs to its iteration count (a share of the clock would make the path depend on
    // the machine).
    let simplex_s = match opts.effort {
        Some(_) => left(),
        None => left().min(budget::HALVES_SIMPLEX_SHARE * opts.time_limit_s),
    };
    let p = match solver.solve(simplex_s) {
        Ok(p) => p,
        Err(Error::NoPlan(_)) if opts.effort.is_none() && left() > 1.0 => {
            drop(solver);
            if opts.log {
                let text = format!(
                    "note: the simplex from the halves' bases did not finish in {simplex_s:.0} s; the whole LP goes to the interior point"
                );
                progress::event(
                    &text,
                    serde_json::json!({"event": "note", "step": "decomposition", "message": text}),
                );
            }
            // On the cumulative form when there is one (shorter rows for the interior point).
            return match &whole_cumulative {
                Some(c) => interior_whole(m, &c.lp, Some(c), opts, started),
                None => interior_whole(m, &whole.lp, None, opts, started),
            }
            .map(Some);
        }
        Err(e) => return Err(e),
    };
    let seconds = started.elapsed().as_secs_f64();
    if opts.log {
        let text = format!(
            "LP from its two halves: rotation {master_s:.1} s, network {:.1} s, whole LP from their bases {:.1} s",
            parts_s - master_s,
            seconds - parts_s
        );
        progress::event(
            &text,
            serde_json::json!({"event": "decomposition", "master_s": master_s, "network_s": parts_s - master_s, "whole_s": seconds - parts_s}),
        );
    }
    Ok(Some(answer(m, whole.cumulative.as_ref(), p, seconds)))
}

/// The whole LP in its cumulative form by interior point, without crossover: the answer is an
/// optimal point inside the optimal face, not a vertex (crossover from it was measured to fail
/// on frontline-100k and hand over to a dual simplex that starts from scratch), with optimal
/// duals to the interior point's tolerance.
fn interior_whole(
    m: &Model,
    lp: &Lp,
    cumulative: Option<&Cumulative>,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Solved, Error> {
    let mut solver = WarmLp::new(
        lp,
        &SolveOptions {
            lp_solver: Some("ipm"),
            ..opts.clone()
        },
    )?;
    solver.set_option("run_crossover", "off")?;
    let p = solver.solve(opts.time_limit_s - started.elapsed().as_secs_f64())?;
    let seconds = started.elapsed().as_secs_f64();
    if opts.log {
        let text = format!("LP at once by interior point: {seconds:.1} s");
        progress::event(
            &text,
            serde_json::json!({"event": "lp_interior", "seconds": seconds}),
        );
    }
    Ok(answer(m, cumulative, p, seconds))
}

/// The whole LP's answer in the original columns and rows (the cumulative form's own rows come
/// after the original ones), with its reduced costs.
fn answer(m: &Model, cumulative: Option<&Cumulative>, p: LpPoint, seconds: f64) -> Solved {
    let values = match cumulative {
        Some(c) => c.to_original(&p.values),
        None => p.values,
    };
    let mut row_duals = p.row_duals;
    row_duals.truncate(m.lp.num_rows());
    let col_duals = m.lp.reduced_costs(&row_duals);
    let objective: f64 = m.lp.cost.iter().zip(&values).map(|(c, v)| c * v).sum();
    Solved {
        status: Status::Optimal,
        values,
        solver_objective: objective,
        bound: objective,
        gap: 0.0,
        row_duals: Some(row_duals),
        col_duals: Some(col_duals),
        relaxation: None,
        multipliers: None,
        seconds,
    }
}

/// HiGHS's code for primal simplex (`simplex_strategy`).
const PRIMAL_SIMPLEX: i32 = 4;

/// The whole LP as the solver gets it (the cumulative form when the master had it) and a basis
/// of it from the parts' bases.
struct WholeStart {
    lp: Lp,
    cumulative: Option<Cumulative>,
    cols: Vec<i32>,
    rows: Vec<i32>,
}

/// The two bases put together: the master's for its columns and rows (the demand columns, which
/// the master holds basic through their rows, included), the network's for the rest; on the
/// whole LP's `cumulative` form when the master was cumulative, else on the written-out one.
fn whole_from_bases(
    m: &Model,
    sp: &Split,
    cumulative: Option<Cumulative>,
    master: &mut WarmLp,
    network: &mut WarmLp,
) -> Result<WholeStart, Error> {
    let (mc, mr) = master.basis()?;
    let (nc, nr) = network.basis()?;
    let (lp, cumulative) = match cumulative {
        Some(c) => (c.lp.clone(), Some(c)),
        None => (m.lp.clone(), None),
    };
    let mut cols = vec![0i32; lp.num_cols()];
    for (j, &c) in sp.network_cols.iter().enumerate() {
        cols[c] = nc[j];
    }
    for (i, &c) in sp.master_cols.iter().enumerate() {
        cols[c] = mc[i];
    }
    let mut rows = vec![0i32; lp.num_rows()];
    for (i, &r) in sp.master_rows.iter().enumerate() {
        rows[r] = mr[i];
    }
    for (j, &r) in sp.network_rows.iter().enumerate() {
        rows[r] = nr[j];
    }
    // The cumulative form's own rows (x_k = S_k − S_{k−1} within bounds) follow the original
    // ones in both, in the same order.
    let (whole_extra, master_extra) = (
        lp.num_rows() - m.lp.num_rows(),
        mr.len() - sp.master.num_rows(),
    );
    if whole_extra != master_extra {
        return Err(Error::Other(format!(
            "the rotation LP's basis does not fit the whole LP ({master_extra} rows of the cumulative form against {whole_extra})"
        )));
    }
    rows[m.lp.num_rows()..].copy_from_slice(&mr[sp.master.num_rows()..]);
    // A demand column the network held basic is basic in the master too: its demand row's slack
    // takes the place it leaves, so there are as many basic columns and rows as rows.
    for (&(_, j), &r) in sp.links.iter().zip(&sp.link_rows) {
        if nc[j] == BASIC {
            rows[r] = BASIC;
        }
    }
    Ok(WholeStart {
        lp,
        cumulative,
        cols,
        rows,
    })
}

/// HiGHS's basis status of a basic column or row.
const BASIC: i32 = 1;
