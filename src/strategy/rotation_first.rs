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
    let rot_opts = SolveOptions {
        time_limit_s: opts.time_limit_s * budget::ROTATION_SHARE,
        ..opts.clone()
    };
    // The LP relaxation, then restricted MIPs around it ([`super::search`]): HiGHS's branch and
    // bound on the whole rotation MIP spends a coalition-size time limit before its first good plan.
    let r = match solve_rotation(&rotation, opts) {
        Ok(r) => r,
        Err(Error::NoPlan(_)) => solve::least_plan(&rotation.lp, &rot_opts)?,
        Err(e) => return Err(e),
    };
    let t_fixed = Instant::now();
    let mut solved = with_rotation_plan(m, &rotation, &r.values, opts, r.bound, started)?;
    let fixed_seconds = t_fixed.elapsed().as_secs_f64();
    // Without a rotation relaxation the bound that counts sustainment comes from the
    // Lagrangian, given a floor of time; with one whose second relaxation does not fit in what
    // is left, from the Lagrangian started at its duals, in what is left.
    if let (None, Some(y)) = (&r.relaxation, &r.multipliers) {
        let floor = budget::LAGRANGIAN_TANGENT_MIN_S
            .min(budget::LAGRANGIAN_TANGENT_MIN_SHARE * opts.time_limit_s);
        lagrangian_sustainment_bound(
            m,
            &rotation,
            &mut solved,
            &r.values,
            y,
            floor,
            opts,
            started,
        );
    }
    let tangent = sustainment_bound(
        m,
        &rotation,
        &mut solved,
        r.relaxation.as_ref(),
        opts,
        started,
    )?;
    if let (None, Some(first)) = (&tangent, &r.relaxation) {
        if first.row_duals.len() == rotation.lp.num_rows() {
            let y: Vec<f64> = first.row_duals.iter().map(|&(_, v)| v).collect();
            lagrangian_sustainment_bound(
                m,
                &rotation,
                &mut solved,
                &r.values,
                &y,
                0.0,
                opts,
                started,
            );
        }
    }
    if let Some(tangent) = tangent {
        sustainment_search(
            m,
            &rotation,
            &r.values,
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

/// From this share of the rotation relaxation's optimum on, the site penalties its own point
/// would pay (`model::site_supply`) send the search to the rotation model with the site rows.
/// Measured at 60 s: coalition-30k's point pays 3.0 % (plan 5.55 M with the site rows against
/// 5.70 M without), reassurance-10k's 0.28 % and gen-M's 0.18 %, where the search with the site
/// rows did worse (reassurance: 30 s instead of 6 s to the same gap; gen-M: 186.8 M against
/// 181.5 M, its sustainment being transport the site rows do not price):
/// docs/performance.md#site-supply-in-the-rotation-search-2026-12-07.
const SITE_SEARCH_FROM: f64 = 0.01;

/// The search with the site rows after the blind one ([`sited_from`]) only with at least this
/// many seconds: its restricted MIPs are ten times the blind ones' on frontline-100k, and a few
/// seconds of them found nothing (docs/performance.md#measurements-behind-constants-in-the-code).
const SITE_PHASE_MIN_S: f64 = 10.0;

/// The rotation MIP by [`search::solve_rotation`], or, when the site rows apply, by the same
/// search on the rotation model with the site-supply relaxation (docs/model.md#site-supply),
/// when the rotation relaxation's own point would pay at least [`SITE_SEARCH_FROM`] in site
/// penalties: there the search blind to the network buys troops the sites cannot keep. Where
/// the relaxation goes by interior point (frontline-100k) the relaxation with the site rows is
/// too slow for its share (20 s → 31 s, and no higher bound), so the blind search runs first and
/// [`sited_from`] mends its plan with what is left. The plan comes back in `rotation`'s columns;
/// its bound is the higher relaxation's. `opts` holds the whole limit, of which the search takes
/// its share (`base::budget`).
fn solve_rotation(rotation: &model::Model, opts: &SolveOptions) -> Result<Solved, Error> {
    let applies = rotation.sc.network.is_some() && rotation.form == Formulation::Expanded;
    if !applies {
        let rot_opts = SolveOptions {
            time_limit_s: opts.time_limit_s * budget::ROTATION_SHARE,
            ..opts.clone()
        };
        return search::solve_rotation(rotation, &rot_opts);
    }
    let started = Instant::now();
    let seconds = (opts.time_limit_s * budget::ROTATION_SHARE).max(0.0);
    let first = search::relax_or_bound(rotation, opts, search::relaxation_seconds(seconds))?;
    let left = |opts: &SolveOptions, seconds: f64| SolveOptions {
        time_limit_s: (seconds - started.elapsed().as_secs_f64()).max(0.0),
        ..opts.clone()
    };
    let blind = |first| {
        search::solve_rotation_from(
            rotation,
            &left(opts, seconds),
            Some((first, started.elapsed().as_secs_f64())),
            false,
        )
    };
    let Ok(rel) = first else {
        return blind(first);
    };
    // By interior point the search with the site rows only follows the blind one, in the share
    // left after it: below SITE_PHASE_MIN_S of it (a 60 s limit) the check would only cost time.
    let by_interior_point = rotation.lp.nonzeros() >= search::CUMULATIVE_FROM_NONZEROS;
    let after_blind_s =
        (budget::ROTATION_SHARE_SEEING_SITES - budget::ROTATION_SHARE) * opts.time_limit_s;
    if by_interior_point && opts.effort.is_none() && after_blind_s < SITE_PHASE_MIN_S {
        return blind(Ok(rel));
    }
    let mut sited = rotation.clone();
    model::site_supply::add(&mut sited);
    let n = rotation.lp.num_cols();
    let mut at = rel.values.clone();
    at.resize(sited.lp.num_cols(), 0.0);
    let quiet = SolveOptions {
        log: false,
        ..opts.clone()
    };
    let with_sites = search::with_tours_at(&sited.lp, &at, &left(&quiet, seconds))?.objective;
    let pays = with_sites - rel.objective >= SITE_SEARCH_FROM * rel.objective.abs();
    if opts.log {
        progress::event(
            &format!(
                "site check: the relaxation's point {:.0} pays {:.2} % more with each site's supply: {}",
                rel.objective,
                100.0 * (with_sites - rel.objective) / rel.objective.abs().max(1.0),
                if pays { "the search sees the sites" } else { "the search stays blind to the network" }
            ),
            serde_json::json!({"event": "heuristic", "step": "site-check", "relaxation": rel.objective,
                "with_sites": with_sites, "site_search": pays}),
        );
    }
    if !pays {
        return blind(Ok(rel));
    }
    // This search is dearer per restricted MIP, and leaves less to the sustainment search.
    let site_s = (opts.time_limit_s * budget::ROTATION_SHARE_SEEING_SITES).max(0.0);
    if by_interior_point {
        let r = blind(Ok(rel.clone()))?;
        return sited_from(&sited, r, rel, &left(opts, site_s));
    }
    let t = Instant::now();
    let relax_s = search::relaxation_seconds(left(opts, site_s).time_limit_s);
    let Ok(site_rel) = search::relax(&sited, &quiet, relax_s) else {
        return blind(Ok(rel));
    };
    let mut r = search::solve_rotation_from(
        &sited,
        &left(opts, site_s),
        Some((Ok(site_rel), t.elapsed().as_secs_f64())),
        true,
    )?;
    r.values.truncate(n);
    r.bound = r.bound.max(rel.objective.min(r.solver_objective));
    r.gap = solve::relative_gap(r.solver_objective, r.bound);
    r.status = Status::for_gap(r.gap, opts.mip_gap);
    Ok(r)
}

/// The search with the site rows from `blind`, the blind search's plan, guided by the blind
/// relaxation `rel`, for `opts`' limit: where the rotation relaxation goes by interior point
/// (frontline-100k) the relaxation with the site rows is too slow and the blind search is quick,
/// so the blind search comes first (at a short limit it has all the time it had) and this one
/// spends what is left, only ever lowering the plan's cost with each site's supply.
fn sited_from(
    sited: &model::Model,
    blind: Solved,
    rel: search::Relaxation,
    opts: &SolveOptions,
) -> Result<Solved, Error> {
    if opts.time_limit_s < SITE_PHASE_MIN_S && opts.effort.is_none() {
        return Ok(blind);
    }
    let started = Instant::now();
    let n = blind.values.len();
    let wide = |mut v: Vec<f64>| {
        v.resize(sited.lp.num_cols(), 0.0);
        v
    };
    let start = search::with_tours_at(&sited.lp, &wide(blind.values.clone()), opts)?;
    if opts.log {
        progress::event(
            &format!(
                "site search: the blind plan {:.0} costs {:.0} with each site's supply; searching with the site rows from it",
                blind.solver_objective, start.objective
            ),
            serde_json::json!({"event": "heuristic", "step": "site-search", "blind": blind.solver_objective,
                "with_sites": start.objective}),
        );
    }
    let guide = search::Relaxation {
        values: wide(rel.values),
        objective: rel.objective,
        row_duals: None,
    };
    let deadline = started + std::time::Duration::from_secs_f64(opts.time_limit_s.max(0.0));
    let until = search::Until {
        retry_stopped: true,
        ..search::Until::new(deadline, opts, effort::RESTRICTED_MIPS_PER_UNIT)
    };
    let (best, _) = search::search(sited, &guide, opts, until, Some(&start.values))?;
    let bound = blind.bound.min(best.objective);
    let gap = solve::relative_gap(best.objective, bound);
    let mut values = best.values;
    values.truncate(n);
    Ok(Solved {
        status: Status::for_gap(gap, opts.mip_gap),
        values,
        solver_objective: best.objective,
        bound,
        gap,
        seconds: blind.seconds + started.elapsed().as_secs_f64(),
        ..blind
    })
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
    let until = search::Until {
        objective_offset: tangent.offset,
        ..search::Until::new(deadline, opts, effort::SUSTAINMENT_MIPS_PER_UNIT)
    };
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

/// The Lagrangian tangent is tried only when the plan's network cost (transport, supply and
/// the sustainment penalties) is at least this share of its gap. Measured at 60 s: frontline-100k
/// 6.2 M of network in a gap of 41.6 M (0.15; the tangent found 579 M against the bound's
/// 742.6 M, 7–8 s for nothing), gen-XL 251 M in 473 M (0.53; bound 727.5 → 958.5 M), gen-L
/// 128 M in 149 M (0.85; 302.0 → 424.7 M).
const TANGENT_FROM_NETWORK_SHARE: f64 = 0.25;

/// Step 5 by the Lagrangian bound of the raised rotation model ([`bound::lagrangian_tangent`])
/// instead of its relaxation, from the multipliers `y` (the rotation search's Lagrangian ones,
/// or the rotation relaxation's duals), for what is left of the limit but at least `floor`
/// seconds (or, under an effort, its count of iterations); not tried with less than a second,
/// nor where the network makes too little of the gap ([`TANGENT_FROM_NETWORK_SHARE`]).
/// Raises `solved`'s bound when higher.
#[allow(clippy::too_many_arguments)]
fn lagrangian_sustainment_bound(
    m: &model::Model,
    rotation: &model::Model,
    solved: &mut Solved,
    plan: &[f64],
    y: &[f64],
    floor: f64,
    opts: &SolveOptions,
    started: Instant,
) {
    let t = Instant::now();
    let left = (opts.time_limit_s - started.elapsed().as_secs_f64()).max(floor);
    if opts.effort.is_none() && left < 1.0 {
        return;
    }
    // A bound that counts the network can only close the part of the gap the network makes.
    let rotation_part: f64 = plan.iter().zip(&rotation.lp.cost).map(|(x, c)| x * c).sum();
    let network = solved.solver_objective - rotation_part;
    if network < TANGENT_FROM_NETWORK_SHARE * (solved.solver_objective - solved.bound) {
        return;
    }
    let deadline = match &opts.effort {
        Some(e) => e.deadline(),
        None => t + std::time::Duration::from_secs_f64(left),
    };
    let Some(lower) =
        bound::lagrangian_tangent(m, rotation, solved, plan, y, deadline, opts.effort.as_ref())
    else {
        return;
    };
    raise_bound(solved, lower, BY_LAGRANGIAN, t, opts);
}

/// The log step and the words of each bound that counts sustainment.
const BY_RELAXATION: (&str, &str) = ("sustainment", "sustainment bound");
const BY_LAGRANGIAN: (&str, &str) = ("sustainment-lagrangian", "sustainment bound (Lagrangian)");

/// `solved`'s bound raised to `lower` when higher (never above the plan), with its gap and
/// status, after logging the bound found (`which`: [`BY_RELAXATION`] or [`BY_LAGRANGIAN`])
/// against the rotation bound, with the seconds since `t`.
fn raise_bound(
    solved: &mut Solved,
    lower: f64,
    which: (&str, &str),
    t: Instant,
    opts: &SolveOptions,
) {
    let (step, words) = which;
    if opts.log {
        progress::event(
            &format!(
                "{words}: {lower:.0} against the rotation bound {:.0} ({:.1} s)",
                solved.bound,
                t.elapsed().as_secs_f64()
            ),
            serde_json::json!({"event": "bound", "step": step, "bound": lower,
                "rotation_bound": solved.bound, "elapsed_s": t.elapsed().as_secs_f64()}),
        );
    }
    let upper = solved.solver_objective;
    if lower > solved.bound {
        solved.bound = lower.min(upper);
        solved.gap = solve::relative_gap(upper, solved.bound);
        solved.status = Status::for_gap(solved.gap, opts.mip_gap);
    }
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
    raise_bound(solved, tangent.bound, BY_RELAXATION, t, opts);
    Ok(Some(tangent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;

    /// tests/fixtures/two-sites-one-rail (its README works it by hand): blind to the network the
    /// rotation search sends both heavy squadrons (2000 in tours); the search with the site rows
    /// from that plan sees the 8400 of unmet fuel behind the shared rail and keeps one heavy and
    /// one light squadron, 2500, with the blind relaxation's 2000 as its bound.
    #[test]
    fn the_search_with_the_site_rows_mends_the_blind_plan() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/two-sites-one-rail");
        let sc = crate::scenario::load(&dir)
            .scenario
            .expect("the fixture loads");
        let rotation = model::build_with(&sc, Mode::Mip, Formulation::Expanded, None, false);
        let mut sited = rotation.clone();
        model::site_supply::add(&mut sited);
        let opts = SolveOptions {
            mode: Mode::Mip,
            time_limit_s: 30.0,
            ..solve::test_options()
        };
        let rel = search::relax(&rotation, &opts, 30.0).expect("the relaxation");
        assert!((rel.objective - 2000.0).abs() < 1e-6, "{}", rel.objective);
        let blind =
            search::solve_rotation_from(&rotation, &opts, Some((Ok(rel.clone()), 0.0)), false)
                .expect("the blind search");
        assert!((blind.solver_objective - 2000.0).abs() < 1e-6);
        let r = sited_from(&sited, blind, rel, &opts).expect("the search with the site rows");
        assert!(
            (r.solver_objective - 2500.0).abs() < 1e-6,
            "{}",
            r.solver_objective
        );
        assert!((r.bound - 2000.0).abs() < 1e-6, "{}", r.bound);
        assert_eq!(r.values.len(), rotation.lp.num_cols());
        let mut units = BTreeMap::new();
        for (c, v) in rotation.lp.var.iter().enumerate() {
            if let Var::Tour { triple, .. } = v {
                let u = rotation.triples[*triple as usize].unit_type;
                *units.entry(sc.unit_types[u].code.as_str()).or_insert(0.0) += r.values[c];
            }
        }
        assert_eq!(units.get("heavy"), Some(&1.0), "{units:?}");
        assert_eq!(units.get("light"), Some(&1.0), "{units:?}");
    }
}

#[cfg(test)]
mod lagrangian_tangent {
    use super::*;
    use crate::base::effort::Effort;
    use crate::scenario::Mode;

    /// On a generated scenario with a network (5 nations, 8 sites, 4 unit types, 26 weeks), the
    /// tangent bound from the Lagrangian of the raised rotation model, taken at the relief
    /// plan, never exceeds the whole model's LP optimum (HiGHS; every plan costs at least that),
    /// and it counts the network: it lies above the rotation model's own Lagrangian bound; the
    /// same from the rotation relaxation's duals.
    #[test]
    fn the_lagrangian_tangent_bounds_the_whole_model_and_counts_the_network() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sc = super::super::lagrange::generated_for_tests(dir.path());
        let m = model::build(&sc, Mode::Mip, Formulation::Expanded);
        let rotation = model::build_with(&sc, Mode::Mip, Formulation::Expanded, None, false);
        let opts = SolveOptions {
            mode: Mode::Mip,
            time_limit_s: 60.0,
            ..solve::test_options()
        };
        let whole_lp = solve::solve(
            &m.lp,
            &SolveOptions {
                mode: Mode::Lp,
                ..opts.clone()
            },
            None,
        )
        .expect("the whole LP")
        .solver_objective;
        let later = Instant::now() + std::time::Duration::from_secs(60);
        let plan = super::super::greedy::relief_plan(&rotation.lp, later).expect("a relief plan");
        let upper: f64 = plan.iter().zip(&rotation.lp.cost).map(|(x, c)| x * c).sum();
        let own = super::super::lagrange::bound(&rotation, upper, later, Some(2000), None)
            .expect("the rotation bound");
        let fixed = with_rotation_plan(&m, &rotation, &plan, &opts, own.bound, Instant::now())
            .expect("the fixed-tours LP");
        let effort = Effort::new(10.0, 60.0);
        let tangent = bound::lagrangian_tangent(
            &m,
            &rotation,
            &fixed,
            &plan,
            &own.multipliers,
            later,
            Some(&effort),
        )
        .expect("a tangent bound");
        assert!(
            tangent <= whole_lp * (1.0 + 1e-9),
            "{tangent} above the whole LP {whole_lp}"
        );
        assert!(tangent > own.bound, "{tangent} against {}", own.bound);
        // Started from the rotation relaxation's duals instead (what a run whose relaxation
        // finished but whose second relaxation does not fit uses): as valid, and above that
        // relaxation's optimum here, where the network is most of the cost.
        let rel = search::relax(&rotation, &opts, 60.0).expect("the rotation relaxation");
        let duals = rel.row_duals.expect("duals");
        let from_duals =
            bound::lagrangian_tangent(&m, &rotation, &fixed, &plan, &duals, later, Some(&effort))
                .expect("a tangent bound");
        assert!(
            from_duals <= whole_lp * (1.0 + 1e-9),
            "{from_duals} above {whole_lp}"
        );
        assert!(
            from_duals > rel.objective,
            "{from_duals} against {}",
            rel.objective
        );
    }
}
