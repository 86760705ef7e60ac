//! `--mode lp` solved in two parts (rotation master, network given the tours, Benders cuts):
//! the same LP as HiGHS on the whole model, so the same optimum, and duals that are the whole
//! LP's (what the bottleneck step prices capacities with).
mod common;
use common::*;

use rotaplan::model::{self, lp::Lp, Formulation, Model};
use rotaplan::scenario::{self, Mode};
use rotaplan::solve::{self, SolveOptions, Solved};
use rotaplan::strategy::decomposed;

fn load(dir: &std::path::Path) -> scenario::Scenario {
    scenario::load(dir).scenario.expect("the scenario loads")
}

/// Checks that `s` is an optimal primal-dual pair of `lp` by the optimality conditions, not by
/// comparing with another solve: the point keeps every row and bound, every dual has the sign
/// its active side allows (HiGHS: d(objective)/d(right-hand side), so ≥ 0 on a row held at its
/// lower side, ≤ 0 at its upper side; a column's reduced cost ≥ 0 at its lower bound, ≤ 0 at its
/// upper), and a nonzero dual only on a row or column at that side. Together these prove both
/// optimal whatever the solver did.
fn assert_optimal_pair(lp: &Lp, s: &Solved) {
    let x = &s.values;
    assert!(
        lp.max_violation(x) <= 1e-6,
        "violation {}",
        lp.max_violation(x)
    );
    let y = s.row_duals.as_ref().expect("row duals");
    let rc = s.col_duals.as_ref().expect("column duals");
    let tol = |v: f64| 1e-6 * v.abs().max(1.0);
    for r in 0..lp.num_rows() {
        let a: f64 = lp.row_entries(r).map(|(c, v)| v * x[c as usize]).sum();
        let (lo, hi) = (lp.row_lo[r], lp.row_hi[r]);
        let scale = y[r].abs().max(1.0);
        if y[r] > 1e-6 * scale {
            assert!(
                (a - lo).abs() <= tol(lo),
                "row {r}: dual {} > 0 but {a} above {lo}",
                y[r]
            );
        }
        if y[r] < -1e-6 * scale {
            assert!(
                (a - hi).abs() <= tol(hi),
                "row {r}: dual {} < 0 but {a} below {hi}",
                y[r]
            );
        }
    }
    for c in 0..lp.num_cols() {
        let (lo, hi) = (lp.col_lo[c], lp.col_hi[c]);
        if rc[c] > 1e-6 {
            assert!(
                (x[c] - lo).abs() <= tol(lo),
                "column {c}: reduced cost {} > 0 off its lower bound",
                rc[c]
            );
        }
        if rc[c] < -1e-6 {
            assert!(
                (x[c] - hi).abs() <= tol(hi),
                "column {c}: reduced cost {} < 0 off its upper bound",
                rc[c]
            );
        }
    }
}

/// Solves `m` both ways; the objectives agree within 1e-6 relative (both are the optimum of the
/// same LP: the decomposition stops only when the network costs what its master believed,
/// which makes its point optimal), and the decomposition's point and duals are optimal.
fn same_lp(m: &Model) {
    let direct = solve::solve(&m.lp, &lp_options(), None).expect("the direct LP solves");
    let parts = decomposed::solve(m, &lp_options())
        .expect("the decomposition solves")
        .expect("the model splits at its demand rows");
    let evaluated: f64 =
        m.lp.cost
            .iter()
            .zip(&parts.values)
            .map(|(c, v)| c * v)
            .sum();
    assert!((evaluated - parts.solver_objective).abs() <= 1e-6 * evaluated.abs().max(1.0));
    let rel = (parts.solver_objective - direct.solver_objective).abs()
        / direct.solver_objective.abs().max(1.0);
    assert!(
        rel <= 1e-6,
        "two parts {} against the whole LP {} ({rel:.2e})",
        parts.solver_objective,
        direct.solver_objective
    );
    assert_eq!(parts.status, solve::Status::Optimal);
    assert_optimal_pair(&m.lp, &parts);
}

#[test]
fn the_demo_lp_in_two_parts_is_the_whole_lp_in_both_formulations() {
    let sc = load(std::path::Path::new("inputs/demo"));
    for form in [Formulation::Expanded, Formulation::Aggregated] {
        let m = model::build(&sc, Mode::Lp, form);
        assert!(m.net.is_some(), "the demo has a supply network");
        same_lp(&m);
    }
}

#[test]
fn a_generated_lp_in_two_parts_is_the_whole_lp() {
    let dir = tempfile::tempdir().unwrap();
    // 4 nations × 6 sites × 3 unit types × 40 weeks, 10 nodes: a few hundred tour starts, with
    // storage and arcs that bind.
    generate(dir.path(), [4, 6, 3, 40, 10], 3);
    let sc = load(dir.path());
    let m = model::build(&sc, Mode::Lp, Formulation::Expanded);
    same_lp(&m);
}

/// The generated ladder's smallest step: above the tour starts from which `--mode lp` is solved
/// in two parts. Without tours under way at the start the objective has no constant, so
/// summary.json's objective is the solver's.
fn ladder_step_without_tours_under_way(dir: &std::path::Path) {
    generate(dir, [5, 8, 4, 52, 15], 1);
    let deployed = dir.join("deployed.csv");
    let text = std::fs::read_to_string(&deployed).unwrap();
    std::fs::write(&deployed, text.lines().next().unwrap().to_string() + "\n").unwrap();
}

#[test]
fn lp_mode_takes_the_two_parts_at_scale_and_the_plan_verifies() {
    let dir = tempfile::tempdir().unwrap();
    ladder_step_without_tours_under_way(dir.path());
    let sc = load(dir.path());
    let m = model::build(&sc, Mode::Lp, Formulation::Expanded);
    assert!(decomposed::applies(&m));
    let direct = solve::solve(&m.lp, &lp_options(), None).expect("the direct LP solves");
    let (_, summary) = solve_and_verify(dir.path(), &["--mode", "lp", "--time-limit", "120"]);
    assert_eq!(summary["status"], "optimal");
    let objective = num(&summary, &["objective"]);
    let rel = (objective - direct.solver_objective).abs() / objective.abs().max(1.0);
    assert!(
        rel <= 1e-6,
        "{objective} against the whole LP {} ({rel:.2e})",
        direct.solver_objective
    );
}

/// The dual objective of `s`'s duals for `lp`: each row dual times the side its sign says is
/// held (HiGHS: > 0 the lower side, < 0 the upper), each reduced cost likewise times a column
/// bound. By weak duality any such value is at most the optimum, so a dual objective equal to
/// the primal one proves both optimal, also for a point inside the optimal face (where the
/// vertex conditions of `assert_optimal_pair` need not hold). A dual pushing against a side with
/// no bound is allowed only at the interior point's tolerance (counted as zero).
fn dual_objective(lp: &Lp, s: &Solved) -> f64 {
    let y = s.row_duals.as_ref().expect("row duals");
    let rc = s.col_duals.as_ref().expect("column duals");
    let side = |d: f64, lo: f64, hi: f64| {
        let bound = if d > 0.0 { lo } else { hi };
        if d.abs() <= 1e-7 {
            0.0
        } else {
            assert!(bound.is_finite(), "a dual {d} against a side with no bound");
            d * bound
        }
    };
    let rows: f64 = (0..lp.num_rows())
        .map(|r| side(y[r], lp.row_lo[r], lp.row_hi[r]))
        .sum();
    let cols: f64 = (0..lp.num_cols())
        .map(|c| side(rc[c], lp.col_lo[c], lp.col_hi[c]))
        .sum();
    rows + cols
}

#[test]
fn the_whole_lp_by_interior_point_is_the_same_optimum_with_duals_that_prove_it() {
    // The path `--mode lp` takes at frontline scale (the whole LP in cumulative form by interior
    // point, no crossover), forced here on small models by a size threshold of 0.
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), [4, 6, 3, 40, 10], 3);
    for sc in [load(std::path::Path::new("inputs/demo")), load(dir.path())] {
        let m = model::build(&sc, Mode::Lp, Formulation::Expanded);
        let direct = solve::solve(&m.lp, &lp_options(), None).expect("the direct LP solves");
        let inner = decomposed::solve_choosing(&m, &lp_options(), 0)
            .expect("the interior point solves")
            .expect("the interior path always answers");
        assert_eq!(inner.status, solve::Status::Optimal);
        assert!(m.lp.max_violation(&inner.values) <= 1e-6);
        let scale = direct.solver_objective.abs().max(1.0);
        let rel = (inner.solver_objective - direct.solver_objective).abs() / scale;
        assert!(
            rel <= 1e-6,
            "interior {} against the whole LP {} ({rel:.2e})",
            inner.solver_objective,
            direct.solver_objective
        );
        let dual = dual_objective(&m.lp, &inner);
        assert!(
            (dual - inner.solver_objective).abs() <= 1e-6 * scale,
            "dual objective {dual} against primal {}",
            inner.solver_objective
        );
    }
}

#[test]
fn a_mips_whole_relaxation_from_the_halves_is_its_lp_relaxation() {
    // The bottleneck step bounds a rotation-first plan by the whole model's LP relaxation, from
    // the two halves when they are quick: it must be the relaxation of the MIP as built (the
    // same rows and columns, integrality left out), whatever path solves it.
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), [5, 8, 4, 52, 15], 1);
    let sc = load(dir.path());
    let m = model::build(&sc, Mode::Mip, Formulation::Expanded);
    assert!(m.lp.num_integer() > 0, "a MIP");
    assert!(
        decomposed::quick(&m),
        "above 1,000 tour starts, below 3M nonzeros"
    );
    let mip_opts = SolveOptions {
        mode: Mode::Mip,
        ..lp_options()
    };
    let whole = decomposed::whole_lp(&m, &mip_opts).expect("the relaxation solves");
    let direct = solve::solve(&m.lp, &lp_options(), None).expect("the direct LP solves");
    let rel = (whole.solver_objective - direct.solver_objective).abs()
        / direct.solver_objective.abs().max(1.0);
    assert!(
        rel <= 1e-6,
        "{} against {}",
        whole.solver_objective,
        direct.solver_objective
    );
    assert_optimal_pair(&m.lp, &whole);
}

#[test]
fn an_lp_what_if_is_solved_from_the_halves_to_the_changed_lps_optimum() {
    // `--mode lp` on the ladder's smallest step (two halves), whose plan is short somewhere: a
    // what-if re-solved from scratch changes one pool; its objective change must be the one
    // HiGHS gives on the two whole LPs at once, before and after the change.
    let dir = tempfile::tempdir().unwrap();
    ladder_step_without_tours_under_way(dir.path());
    let (out, summary) = solve_and_verify(dir.path(), &["--mode", "lp", "--time-limit", "120"]);
    assert_eq!(summary["status"], "optimal");
    let mut rd = csv::Reader::from_path(out.join("explanations.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    // "one more UNIT from NATION (offers.csv:L units A → B)", solved from scratch.
    let row = rd
        .records()
        .map(|r| r.unwrap())
        .find(|r| {
            &r[col("basis")] == "re-solve"
                && r[col("what_if")].contains("(offers.csv:")
                && !r[col("what_if")].contains("re-planned")
        })
        .expect("a pool what-if re-solved from scratch");
    let what_if = row[col("what_if")].to_string();
    let inside = &what_if[what_if.find("(offers.csv:").unwrap() + "(offers.csv:".len()..];
    let inside = &inside[..inside.find(')').unwrap()];
    // "L units A → B"
    let parts: Vec<&str> = inside.split_whitespace().collect();
    assert_eq!((parts[1], parts[3]), ("units", "→"), "{what_if}");
    let (line, before, after): (usize, &str, &str) =
        (parts[0].parse().unwrap(), parts[2], parts[4]);

    let changed = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, changed.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    let offers = std::fs::read_to_string(changed.path().join("offers.csv")).unwrap();
    let mut lines: Vec<String> = offers.lines().map(String::from).collect();
    let units = lines[0].split(',').position(|h| h == "units").unwrap();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(String::from).collect();
    assert_eq!(cells[units], before, "offers.csv:{line}");
    cells[units] = after.to_string();
    lines[line - 1] = cells.join(",");
    std::fs::write(changed.path().join("offers.csv"), lines.join("\n") + "\n").unwrap();

    let at_once = |d: &std::path::Path| {
        let sc = load(d);
        let m = model::build(&sc, Mode::Lp, Formulation::Expanded);
        solve::solve(&m.lp, &lp_options(), None)
            .expect("the whole LP solves")
            .solver_objective
    };
    let expected = at_once(changed.path()) - at_once(dir.path());
    let got: f64 = row[col("objective_change")].parse().unwrap();
    assert!(
        (got - expected).abs() <= 1e-6 * num(&summary, &["objective"]).abs(),
        "{what_if}: objective change {got}, HiGHS at once {expected}"
    );
}
