//! Rotation-first: the rotation MIP alone (no supply network) first, searched by restricted MIPs
//! around its LP relaxation ([`super::search`]), then the whole model as an LP with those tours
//! fixed, a bound that counts sustainment ([`super::bound`]) and a second search that sees it.

use super::{bound, search};
use crate::base::{budget, effort, progress, Error};
use crate::model::lp::Var;
use crate::model::{self, Formulation};
use crate::planfile::previous::Baseline;
use crate::scenario::Scenario;
use crate::solve::{self, SolveOptions, Solved, Status};
use std::collections::BTreeMap;
use std::time::Instant;

/// The rotation-first strategy: the rotation MIP alone (no network), then the full model as an
/// LP with those tours fixed.
///
/// The sustainment families add no constraint on tours (unmet demand is priced, not forbidden),
/// and their terms are never negative, so the rotation MIP's proven bound is a lower bound of the
/// full model too: the gap reported against it is honest. When the network is roomy the plan is
/// near-optimal; when sustainment should have changed the tours, the gap shows it.
pub fn rotation_first(
    sc: &Scenario,
    opts: &SolveOptions,
    form: Formulation,
    baseline: Option<&Baseline>,
    m: &model::Model,
) -> Result<Solved, Error> {
    let started = Instant::now();
    let mut rotation = model::build_with(sc, opts.mode, form, baseline, false);
    keep_held_tours(&mut rotation, m);
    if opts.log {
        progress::event(
            &format!(
                "strategy rotation-first: rotation MIP of {} variables ({} integer), {} constraints first",
                rotation.lp.num_cols(),
                rotation.lp.num_integer(),
                rotation.lp.num_rows()
            ),
            serde_json::json!({"event": "phase", "phase": "rotation-mip"}),
        );
    }
    // Where the rotation relaxation goes by simplex, the search blind to the network gets a
    // short first share, and the search that sees each site's supply (site_search) the rest of
    // the rotation MIP's time. Where it goes by interior point (frontline-100k) the site rows
    // made the relaxation slower (20 s → 31 s) for no higher bound and the plan at 60 s worse
    // (docs/performance.md#site-supply-in-the-rotation-search-2026-12-07).
    let sited = sc.network.is_some()
        && form == Formulation::Expanded
        && rotation.lp.nonzeros() < search::CUMULATIVE_FROM_NONZEROS;
    let share = if sited {
        budget::ROTATION_SHARE * budget::BLIND_SEARCH_SHARE
    } else {
        budget::ROTATION_SHARE
    };
    let rot_opts = SolveOptions {
        time_limit_s: opts.time_limit_s * share,
        ..opts.clone()
    };
    // The LP relaxation, then restricted MIPs around it ([`super::search`]): HiGHS's branch and
    // bound on the whole rotation MIP spends a coalition-size time limit before its first good plan.
    let r = match search::solve_rotation(&rotation, &rot_opts) {
        Ok(r) => r,
        Err(Error::NoPlan(_)) => solve::least_plan(&rotation.lp, &rot_opts)?,
        Err(e) => return Err(e),
    };
    let t_fixed = Instant::now();
    let mut solved = with_rotation_plan(m, &rotation, &r.values, opts, r.bound, started)?;
    let fixed_seconds = t_fixed.elapsed().as_secs_f64();
    let mut plan = r.values;
    if sited {
        // The blind plan is a start only when its search finished (within the gap of its
        // relaxation): on coalition-30k an unfinished one held the new search in its valley
        // (docs/performance.md#site-supply-in-the-rotation-search-2026-12-07).
        let from_plan = r.gap <= opts.mip_gap;
        if let Some(better) =
            site_search(m, &rotation, &plan, from_plan, &mut solved, opts, started)?
        {
            plan = better;
        }
    }
    let tangent = sustainment_bound(
        m,
        &rotation,
        &mut solved,
        r.relaxation.as_ref(),
        opts,
        started,
    )?;
    if let Some(tangent) = tangent {
        sustainment_search(
            m,
            &rotation,
            &plan,
            tangent,
            &mut solved,
            opts,
            started,
            fixed_seconds,
        )?;
    }
    solved.relaxation = r.relaxation;
    Ok(solved)
}

/// The full model as an LP with the tours of `values` (a plan of the rotation model) fixed.
///
/// The rotation model is built by the same code up to its sustainment families, so its tour
/// columns are the full model's, in the same order: they are matched by what they stand for.
fn with_rotation_plan(
    m: &model::Model,
    rotation: &model::Model,
    values: &[f64],
    opts: &SolveOptions,
    bound: f64,
    started: Instant,
) -> Result<Solved, Error> {
    let starts: BTreeMap<(u32, u32), f64> = rotation
        .lp
        .var
        .iter()
        .enumerate()
        .filter_map(|(c, v)| match v {
            Var::Tour { triple, t } => Some(((*triple, *t), values[c].round())),
            _ => None,
        })
        .collect();
    let starts = |triple: u32, t: u32| starts.get(&(triple, t)).copied().unwrap_or(0.0);
    super::fixed::solve_with_tours_fixed(m, starts, opts, bound, started)
}

/// The rotation search again, on the rotation model with the site-supply relaxation
/// (`model::site_supply`, docs/model.md#site-supply): guided by that model's relaxation and
/// started from the plan in hand, it sees what each site can store and receive, which the first
/// search, blind to the network, did not (coalition-30k: troops where small stores could not hold
/// their days of supply). Runs until the rotation MIP's share of the limit is spent. That
/// relaxation bounds the whole model too, and raises the bound when higher; the plan found
/// replaces the one in hand only when the whole model's LP with its tours fixed costs less.
/// Starts from the plan in hand when `from_plan`, else from the new relaxation alone. Returns the
/// rotation plan kept (in `rotation`'s columns), when it changed.
fn site_search(
    m: &model::Model,
    rotation: &model::Model,
    plan: &[f64],
    from_plan: bool,
    solved: &mut Solved,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Option<Vec<f64>>, Error> {
    let t = Instant::now();
    let seconds = opts.time_limit_s * budget::ROTATION_SHARE - started.elapsed().as_secs_f64();
    match &opts.effort {
        Some(e) if e.past_deadline() => {
            e.note_time_stop();
            return Ok(None);
        }
        Some(_) => {}
        None if seconds < budget::SUSTAINMENT_SEARCH_MIN_S => return Ok(None),
        None => {}
    }
    let mut sited = rotation.clone();
    model::site_supply::add(&mut sited);
    let n = rotation.lp.num_cols();
    if sited.lp.num_cols() == n {
        return Ok(None);
    }
    let quiet = SolveOptions {
        log: false,
        ..opts.clone()
    };
    let Ok(rel) = search::relax(&sited, &quiet, seconds) else {
        return Ok(None);
    };
    let upper = solved.solver_objective;
    if rel.objective > solved.bound {
        solved.bound = rel.objective.min(upper);
        solved.gap = solve::relative_gap(upper, solved.bound);
        solved.status = Status::for_gap(solved.gap, opts.mip_gap);
    }
    // The plan in hand, with the stocks and inflows at each site that are best for its tours.
    let start = if from_plan {
        let mut x = plan.to_vec();
        x.resize(sited.lp.num_cols(), 0.0);
        Some(search::floor_plan(&sited.lp, &x, &quiet)?.values)
    } else {
        None
    };
    let left = opts.time_limit_s * budget::ROTATION_SHARE - started.elapsed().as_secs_f64();
    let deadline = Instant::now() + std::time::Duration::from_secs_f64(left.max(0.0));
    let until = search::Until::new(deadline, opts, effort::SITE_SEARCH_MIPS_PER_UNIT);
    let (found, stats) = search::search(&sited, &rel, &quiet, until, start.as_deref())?;
    let same = (0..n).all(|c| {
        !matches!(rotation.lp.var[c], Var::Tour { .. })
            || found.values[c].round() == plan[c].round()
    });
    let before = solved.solver_objective;
    let mut kept = None;
    if !same {
        let other = with_rotation_plan(m, rotation, &found.values, opts, solved.bound, started)?;
        if other.solver_objective < before - 1e-9 * before.abs() {
            *solved = other;
            kept = Some(found.values[..n].to_vec());
        }
    }
    if opts.log {
        let text = format!(
            "site search: relaxation with each site's supply {:.0}; {} restricted MIPs: whole plan {before:.0} -> {:.0}{} ({:.1} s)",
            rel.objective,
            stats.restricted_mips,
            solved.solver_objective,
            if kept.is_some() { "" } else { " (kept the plan in hand)" },
            t.elapsed().as_secs_f64()
        );
        progress::event(
            &text,
            serde_json::json!({"event": "heuristic", "step": "site-search", "relaxation": rel.objective,
                "before": before, "after": solved.solver_objective, "kept": kept.is_some(),
                "restricted_mips": stats.restricted_mips}),
        );
    }
    Ok(kept)
}

/// The planner's pinned tours (`solve --pin`) are bounds on the whole model's tour columns
/// (`model::hand`); the rotation model, built apart, must hold the same bounds, or its plan
/// leaves them out and the tours it fixes plus the pins overfill a pool or a limit.
fn keep_held_tours(rotation: &mut model::Model, m: &model::Model) {
    let whole: std::collections::HashMap<crate::model::lp::Var, usize> = (0..m.lp.num_cols())
        .filter(|&c| matches!(m.lp.var[c], crate::model::lp::Var::Tour { .. }))
        .map(|c| (m.lp.var[c], c))
        .collect();
    for c in 0..rotation.lp.num_cols() {
        if let Some(&w) = whole.get(&rotation.lp.var[c]) {
            rotation.lp.col_lo[c] = m.lp.col_lo[w];
            rotation.lp.col_hi[c] = m.lp.col_hi[w];
        }
    }
}

/// The rotation search again, from the plan in hand, with each tour start's cost raised by the
/// sustainment it adds near that plan (the tangent's π·G), within what is left of the limit
/// after room for one more fixed-tours LP. The search alone picks tours blind to the network, and
/// can buy coverage the network cannot feed (docs/performance.md#strategies). Raised costs are only an estimate (exact while each node stays on the
/// same side of its limits), so the plan found is kept only when the whole model's LP with its
/// tours fixed costs less; the bound is untouched.
#[allow(clippy::too_many_arguments)]
fn sustainment_search(
    m: &model::Model,
    rotation: &model::Model,
    plan: &[f64],
    tangent: bound::Tangent,
    solved: &mut Solved,
    opts: &SolveOptions,
    started: Instant,
    fixed_seconds: f64,
) -> Result<(), Error> {
    let t = Instant::now();
    let end = opts.time_limit_s - budget::FIXED_TOURS_LP_ROOM * fixed_seconds - 1.0;
    let seconds = end - started.elapsed().as_secs_f64();
    // Under an effort it always runs, for a count of restricted MIPs of its own.
    match &opts.effort {
        Some(e) if e.past_deadline() => {
            e.note_time_stop();
            return Ok(());
        }
        Some(_) => {}
        None if seconds
            < (budget::SUSTAINMENT_SEARCH_MIN_SHARE * opts.time_limit_s)
                .max(budget::SUSTAINMENT_SEARCH_MIN_S) =>
        {
            return Ok(())
        }
        None => {}
    }
    let mut costed = rotation.clone();
    costed.lp.cost = tangent.costs;
    let quiet = SolveOptions {
        log: false,
        ..opts.clone()
    };
    let deadline = Instant::now() + std::time::Duration::from_secs_f64(seconds.max(0.0));
    let until = search::Until::new(deadline, opts, effort::SUSTAINMENT_MIPS_PER_UNIT);
    let (found, stats) = search::search(&costed, &tangent.relaxation, &quiet, until, Some(plan))?;
    let same = (0..plan.len()).all(|c| {
        !matches!(rotation.lp.var[c], Var::Tour { .. })
            || found.values[c].round() == plan[c].round()
    });
    let before = solved.solver_objective;
    let mut kept = false;
    if !same {
        let other = with_rotation_plan(m, rotation, &found.values, opts, solved.bound, started)?;
        if other.solver_objective < before - 1e-9 * before.abs() {
            *solved = other;
            kept = true;
        }
    }
    if opts.log {
        let text = format!(
            "sustainment search: {} restricted MIPs with sustainment-raised tour costs: whole plan {before:.0} -> {:.0}{} ({:.1} s)",
            stats.restricted_mips,
            solved.solver_objective,
            if kept { "" } else { " (kept the plan in hand)" },
            t.elapsed().as_secs_f64()
        );
        progress::event(
            &text,
            serde_json::json!({"event": "heuristic", "step": "sustainment-search", "before": before,
                "after": solved.solver_objective, "kept": kept, "restricted_mips": stats.restricted_mips}),
        );
    }
    Ok(())
}

/// Tightens the bound of a rotation-first plan with one that counts sustainment
/// ([`bound::sustainment_tangent`]), when the time left in the limit is enough for one
/// more rotation relaxation (judged by how long the first took).
fn sustainment_bound(
    m: &model::Model,
    rotation: &model::Model,
    solved: &mut Solved,
    first: Option<&solve::KnownRelaxation>,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Option<bound::Tangent>, Error> {
    let left = opts.time_limit_s - started.elapsed().as_secs_f64();
    let Some(first) = first else { return Ok(None) };
    let say = |text: String, event: serde_json::Value| {
        if opts.log {
            progress::event(&text, event);
        }
    };
    // Under an effort it is tried when the first relaxation was the quick kind (simplex on the
    // written-out form), or the effort is large enough to pay for another slow one.
    let skip = match &opts.effort {
        Some(e) => {
            let by_simplex = rotation.form == Formulation::Expanded
                && rotation.lp.nonzeros() < search::CUMULATIVE_FROM_NONZEROS;
            !by_simplex && e.units < effort::SLOW_RELAXATION_AGAIN_FROM_UNITS
        }
        None => left < budget::RELAXATION_ROOM * first.seconds + 1.0,
    };
    if skip {
        say(
            format!("sustainment bound: skipped ({left:.1} s left; the rotation relaxation took {:.1} s)", first.seconds),
            serde_json::json!({"event": "bound", "step": "sustainment", "skipped": true}),
        );
        return Ok(None);
    }
    let t = Instant::now();
    let Some(tangent) = bound::sustainment_tangent(m, rotation, solved, opts, left)? else {
        say(
            format!(
                "sustainment bound: none within the {left:.1} s left ({:.1} s)",
                t.elapsed().as_secs_f64()
            ),
            serde_json::json!({"event": "bound", "step": "sustainment", "bound": null}),
        );
        return Ok(None);
    };
    let lower = tangent.bound;
    say(
        format!(
            "sustainment bound: {lower:.0} against the rotation bound {:.0} ({:.1} s)",
            solved.bound,
            t.elapsed().as_secs_f64()
        ),
        serde_json::json!({"event": "bound", "step": "sustainment", "bound": lower,
            "rotation_bound": solved.bound, "elapsed_s": t.elapsed().as_secs_f64()}),
    );
    let upper = solved.solver_objective;
    if lower > solved.bound {
        solved.bound = lower.min(upper);
        solved.gap = solve::relative_gap(upper, solved.bound);
        solved.status = Status::for_gap(solved.gap, opts.mip_gap);
    }
    Ok(Some(tangent))
}
