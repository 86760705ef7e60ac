//! Rotation integration tests: small scenarios whose optimum is worked out by hand in
//! the comments, solved by the binary and checked by `rotaplan verify` (see `common`).
//!
//! Conventions used throughout: `start` = 2027-01-04 (a Monday), P = 7 unless stated, so period t
//! starts on 2027-01-04 + 7t. The coverage penalty is the default 10000 per role-unit short per
//! day × priority 1 × P = 7 days, i.e. 70000 per role-unit-period short. Unless a test says so,
//! costs are 0 and the objective is exactly 70000 × (role-unit periods short).

mod common;

use common::{num, read_csv, read_summary, solve_and_verify, sum, toml, Scenario};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Penalty of one role-unit short for one weekly period.
const SHORT: f64 = 10000.0 * 7.0;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

fn assert_objective(summary: &serde_json::Value, expected: f64) {
    let got = num(summary, &["objective"]);
    assert!(
        close(got, expected),
        "objective {got}, expected {expected}\n{summary:#}"
    );
}

fn assert_short(summary: &serde_json::Value, role_unit_periods: f64) {
    let got = num(summary, &["shortfall", "role_unit_periods"]);
    assert!(
        close(got, role_unit_periods),
        "role-unit periods short {got}, expected {role_unit_periods}\n{summary:#}"
    );
    let pen = num(summary, &["terms", "coverage_penalty"]);
    assert!(
        close(pen, SHORT * role_unit_periods),
        "coverage_penalty {pen}, expected {}",
        SHORT * role_unit_periods
    );
}

/// Solves (and verifies) with extra CLI flags, into `dir/out`.
fn solve(dir: &Path, args: &[&str]) -> (PathBuf, serde_json::Value) {
    let (out, summary) = solve_and_verify(dir, args);
    assert_eq!(summary["status"], "optimal", "{summary:#}");
    (out, summary)
}

/// Solves a scenario in `mode` into `dir/<name>` and returns the summary (both modes verified).
fn solve_mode(sc: &Scenario, mode: &str) -> serde_json::Value {
    let dir = sc.write();
    solve(dir.path(), &["--mode", mode]).1
}

fn deployments(out: &Path) -> Vec<BTreeMap<String, String>> {
    read_csv(&out.join("deployments.csv"))
}

/// Days between two YYYY-MM-DD dates.
fn days_between(a: &str, b: &str) -> i64 {
    let d = |s: &str| chrono_like(s);
    d(b) - d(a)
}

/// Days since 0000-03-01 of a proleptic Gregorian date (enough for ordering and differences).
fn chrono_like(s: &str) -> i64 {
    let p: Vec<i64> = s
        .split('-')
        .map(|x| x.parse().expect("date part"))
        .collect();
    let (mut y, m, d) = (p[0], p[1], p[2]);
    let m = if m <= 2 {
        y -= 1;
        m + 9
    } else {
        m - 3
    };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1
}

/// In `mip` mode each concrete unit must rest: its next tour may begin only after its previous
/// tour and dwell, i.e. at least (L + D) periods = `busy_days` days after the previous arrival.
fn assert_units_rest(rows: &[BTreeMap<String, String>], busy_days: i64) {
    let mut by_unit: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in rows {
        assert_eq!(r["units"], "1", "mip rows are single units: {r:?}");
        by_unit
            .entry(r["unit"].as_str())
            .or_default()
            .push(r["arrive"].as_str());
    }
    for (unit, mut arrivals) in by_unit {
        assert!(!unit.is_empty(), "a mip row without a unit name");
        arrivals.sort_by_key(|a| chrono_like(a));
        for w in arrivals.windows(2) {
            assert!(
                days_between(w[0], w[1]) >= busy_days,
                "{unit} starts again on {} after {}: less than {busy_days} days",
                w[1],
                w[0]
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Steady state without overlap: the "rule of three" at 1:2 BOG:dwell.
//
// tour 28 days → L = 4, dwell 56 days → D = 8, no handover (H = 0). A unit covers 4 periods out
// of every L + D = 12, so R = 2 role-units need R·(L+D)/L = 2·12/4 = 6 units.
//
// Two units arrived on 2026-12-28 = start(−1) (deployed.csv): on the ground and covering in
// periods −1..2, busy (tour + dwell) in −1..10. Horizon T = 24.
//
// Pool 6: pairs of tours begin in 3, 7, 11, 15, 19, 23. At any t the tours begun in t−11..t
// (those still busy) are at most three pairs: at t = 10 the pairs begun in −1, 3, 7; at t = 11
// those of 3, 7, 11 (the initial pair is free again from 11 = −1 + 12). So 2 role-units cover
// every period 0..23: no shortfall, objective 0.
//
// Pool 5: the units are A, B, C (free from the start) and the two initial ones, I1 and I2 (free
// from period 11). A unit's tours begin at least 12 periods apart and cover 4 periods each:
// - periods 0..2 are covered twice by I1, I2: 6 role-unit periods;
// - A, B, C: a first tour beginning in 0..10 and a second ≥ 12 periods later (≤ 22): a third
//   would begin ≥ 24, outside. At most 2 × 4 each: 24;
// - I1, I2: a first tour beginning ≥ 11, a second ≥ 23 (covering only period 23): 4 + 1 each: 10.
// At most 6 + 24 + 10 = 40 of the 2 × 24 = 48 role-unit periods can be covered: ≥ 8 short. And 8
// is reached: A, B begin in 3 and 15, C in 7 and 19, I1, I2 in 11 and 23: periods 3..6, 11..18
// and 23 have 2 units, 7..10 and 19..22 one: 8 role-unit periods short, objective 8 × 70000.
// ---------------------------------------------------------------------------------------------

fn steady_no_overlap(pool: u32) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(24, 7, ""))
        .file("nations.csv", "nation,name\nAAA,Alpha\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            &format!("nation,unit_type,units\nAAA,inf_bn,{pool}\n"),
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nAAA,inf_bn,S1,2026-12-28,2\n",
        )
}

#[test]
fn steady_state_rule_of_three_pool_is_enough() {
    let dir = steady_no_overlap(6).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 0.0);
    assert_short(&summary, 0.0);
    // Every period of the horizon is covered by at least 2 role-units.
    let cov = read_csv(&out.join("coverage.csv"));
    assert_eq!(cov.len(), 24, "one row per period for the one (site, role)");
    for r in &cov {
        assert_eq!(r["required"], "2", "{r:?}");
        assert!(r["covered"].parse::<f64>().unwrap() >= 2.0, "{r:?}");
        assert_eq!(r["shortfall"], "0", "{r:?}");
    }
    // The initial tours are kept as given: two rows, units 1 and 2, begun 2026-12-28, covering at
    // once (H = 0) and leaving on start(−1 + 4) − 1 day = 2027-01-25 − 1 = 2027-01-24.
    let dep = deployments(&out);
    let initial: Vec<_> = dep.iter().filter(|r| r["initial"] == "true").collect();
    assert_eq!(initial.len(), 2, "{initial:?}");
    for (r, unit) in initial.iter().zip(["AAA-inf_bn-1", "AAA-inf_bn-2"]) {
        assert_eq!(r["unit"], unit);
        assert_eq!(
            (
                r["arrive"].as_str(),
                r["cover_from"].as_str(),
                r["depart"].as_str()
            ),
            ("2026-12-28", "2026-12-28", "2027-01-24")
        );
        assert_eq!(
            (r["site"].as_str(), r["zone"].as_str(), r["troops"].as_str()),
            ("S1", "east", "500")
        );
    }
    // Every unit rests L + D = 12 periods = 84 days between arrivals.
    assert_units_rest(&dep, 84);
}

#[test]
fn steady_state_rule_of_three_one_unit_fewer_falls_short() {
    let dir = steady_no_overlap(5).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 8.0 * SHORT);
    assert_short(&summary, 8.0);
    let cov = read_csv(&out.join("coverage.csv"));
    assert!(close(sum(&cov, "shortfall", |_| true), 8.0));
    assert_units_rest(&deployments(&out), 84);
}

// ---------------------------------------------------------------------------------------------
// Steady state with relief in place.
//
// tour 42 days → L = 6, handover 14 days → H = 2, dwell 70 days → D = 10. A tour begun in τ is on
// the ground τ..τ+5 but covers only τ+2..τ+5: L − H = 4 periods. L + D = 16 is a multiple of 4, so
// R = 1 needs R·(L+D)/(L−H) = 16/4 = 4 units (the no-overlap rule, 16/6, would claim 3).
//
// One unit arrived on 2026-12-21 = start(−2): covers 0..3, busy −2..13. Horizon T = 24.
//
// Pool 4: tours begin in 2, 6, 10, 14, 18 (and may in 22), each covering the 4 periods after the
// previous one; tours begun in t−15..t are at most 4 (t = 13: −2, 2, 6, 10). No shortfall.
//
// Pool 3: the initial unit I is busy until 13, so its next tour covers from 16 on. Periods 4..15
// can only be covered by the first tours of the other two units A and B (their second tours begin
// ≥ 16 periods later, covering from 18 on): at most 2 × 4 = 8 of those 12 periods, so ≥ 4 short.
// 4 is reached: A in 2 (covers 4..7) and 18 (20..23), B in 6 (8..11), I in 14 (16..19): only
// 12..15 short. Objective 4 × 70000.
// ---------------------------------------------------------------------------------------------

fn steady_relief_in_place(pool: u32) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(24, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days,handover_days\narmd_bn,land,armour,600,42,70,14\n",
        )
        .file("offers.csv", &format!("nation,unit_type,units\nAAA,armd_bn,{pool}\n"))
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,armour,1\n")
        .file("deployed.csv", "nation,unit_type,site,arrived,units\nAAA,armd_bn,S1,2026-12-21,1\n")
}

#[test]
fn steady_state_relief_in_place_pool_is_enough() {
    let dir = steady_relief_in_place(4).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 0.0);
    assert_short(&summary, 0.0);
    let dep = deployments(&out);
    // The initial tour covers from start(−2 + 2) = 2027-01-04 and leaves start(4) − 1 = 2027-01-31.
    let ini: Vec<_> = dep.iter().filter(|r| r["initial"] == "true").collect();
    assert_eq!(ini.len(), 1);
    assert_eq!(
        (
            ini[0]["arrive"].as_str(),
            ini[0]["cover_from"].as_str(),
            ini[0]["depart"].as_str()
        ),
        ("2026-12-21", "2027-01-04", "2027-01-31")
    );
    // Every new tour covers two weeks after it arrives.
    for r in dep.iter().filter(|r| r["initial"] == "false") {
        assert_eq!(days_between(&r["arrive"], &r["cover_from"]), 14, "{r:?}");
        assert_eq!(days_between(&r["arrive"], &r["depart"]), 41, "{r:?}");
    }
    assert_units_rest(&dep, 16 * 7);
}

#[test]
fn steady_state_relief_in_place_one_unit_fewer_falls_short() {
    let dir = steady_relief_in_place(3).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 4.0 * SHORT);
    assert_short(&summary, 4.0);
    assert_units_rest(&deployments(&out), 16 * 7);
}

// ---------------------------------------------------------------------------------------------
// A caveat (zone cap 0) keeps a nation out of a zone.
//
// T = 6, tour 42 days → L = 6 (one tour begun in 0 covers the whole horizon), no dwell. Sites E
// (zone east) and W (zone west) each need 1 infantry. AAA's tours cost 1, BBB's 5. Without the
// caveat AAA serves both: objective 2. With `AAA,east,*,0`, east must be BBB's (5) and AAA
// still serves west (1): objective 6, and that plan is the unique optimum.
// ---------------------------------------------------------------------------------------------

fn caveat_scenario(limits: Option<&str>) -> Scenario {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(6, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,100,42,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,inf_bn,2,1\nBBB,inf_bn,2,5\n",
        )
        .file("sites.csv", "site,zone\nE,east\nW,west\n")
        .file(
            "requirements.csv",
            "site,role,required\nE,infantry,1\nW,infantry,1\n",
        );
    match limits {
        Some(l) => sc.file("limits.csv", l),
        None => sc,
    }
}

#[test]
fn caveat_keeps_a_nation_out_of_a_zone() {
    let dir = caveat_scenario(None).write();
    let (_, free) = solve(dir.path(), &[]);
    assert_objective(&free, 2.0);

    let dir = caveat_scenario(Some("nation,zone,domain,max_troops\nAAA,east,*,0\n")).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 6.0);
    assert!(close(num(&summary, &["terms", "tour_cost"]), 6.0));
    assert_short(&summary, 0.0);
    let dep = deployments(&out);
    let got: Vec<(&str, &str, &str)> = dep
        .iter()
        .map(|r| {
            (
                r["nation"].as_str(),
                r["site"].as_str(),
                r["arrive"].as_str(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.contains(&("BBB", "E", "2027-01-04")), "{got:?}");
    assert!(got.contains(&("AAA", "W", "2027-01-04")), "{got:?}");
    // limit_use.csv: the caveat (line 2) is active in all 6 periods, with nothing under it.
    let lu = read_csv(&out.join("limit_use.csv"));
    assert_eq!(lu.len(), 6);
    for r in &lu {
        assert_eq!(
            (
                r["limit"].as_str(),
                r["nation"].as_str(),
                r["zone"].as_str(),
                r["domain"].as_str()
            ),
            ("2", "AAA", "east", "*")
        );
        assert_eq!((r["used"].as_str(), r["max_troops"].as_str()), ("0", "0"));
    }
}

// ---------------------------------------------------------------------------------------------
// A coalition-wide `*` limit binds.
//
// T = 6, L = 6, no dwell, 100 troops a unit; AAA and BBB offer 2 units each; S1 needs 3. Without
// limits 3 units begin in period 0: objective 0. With `*,*,*,250` (and a non-binding
// `AAA,*,*,1000`), at most 2 whole units (200 troops) may be on the ground: 1 role-unit short in
// each of the 6 periods, objective 6 × 70000 = 420000. The `lp` relaxation puts 2.5 units on the
// ground: 0.5 short per period, objective 3 × 70000 = 210000 (strictly below the mip).
// ---------------------------------------------------------------------------------------------

fn coalition_scenario(limits: Option<&str>) -> Scenario {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(6, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,100,42,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units\nAAA,inf_bn,2\nBBB,inf_bn,2\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,3\n");
    match limits {
        Some(l) => sc.file("limits.csv", l),
        None => sc,
    }
}

const COALITION_LIMITS: &str = "nation,zone,domain,max_troops\nAAA,*,*,1000\n*,*,*,250\n";

#[test]
fn coalition_wide_limit_binds() {
    let dir = coalition_scenario(None).write();
    let (_, free) = solve(dir.path(), &[]);
    assert_objective(&free, 0.0);

    let dir = coalition_scenario(Some(COALITION_LIMITS)).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 6.0 * SHORT);
    assert_short(&summary, 6.0);
    // The `*` row (line 3) holds 200 troops in every period (2 units on the ground throughout).
    let lu = read_csv(&out.join("limit_use.csv"));
    let star: Vec<_> = lu.iter().filter(|r| r["limit"] == "3").collect();
    assert_eq!(star.len(), 6);
    for r in star {
        assert_eq!(
            (
                r["nation"].as_str(),
                r["zone"].as_str(),
                r["domain"].as_str()
            ),
            ("*", "*", "*")
        );
        assert_eq!(
            (r["used"].as_str(), r["max_troops"].as_str()),
            ("200", "250"),
            "{r:?}"
        );
    }
    // nation_load.csv agrees: 200 troops of the coalition in every period.
    let load = read_csv(&out.join("nation_load.csv"));
    for date in [
        "2027-01-04",
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
        "2027-02-01",
        "2027-02-08",
    ] {
        assert!(
            close(sum(&load, "total", |r| r["period_start"] == date), 200.0),
            "period {date}"
        );
    }

    let lp = solve_mode(&coalition_scenario(Some(COALITION_LIMITS)), "lp");
    assert_objective(&lp, 3.0 * SHORT);
}

// ---------------------------------------------------------------------------------------------
// A nation's availability window is respected.
//
// T = 6; periods begin 01-04, 01-11, 01-18, 01-25, 02-01, 02-08. AAA is available from 2027-01-12
// (not a period start: takes effect in period 2, 01-18) to 2027-01-31 (last period start inside:
// 01-25, period 3). Tour 14 days → L = 2, no dwell, tours cost 1. Every on-ground period (clipped
// to the horizon) must be available, so the only tour possible begins in 2 (on the ground 2, 3);
// one begun in 3 would still be there in 4, one in 5 would be there in 5. S1 needs 1 in every
// period: periods 0, 1, 4, 5 short, objective 4 × 70000 + 1. Without the window, tours in 0, 2, 4
// cover everything: objective 3.
// ---------------------------------------------------------------------------------------------

fn availability_scenario(nations: &str) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(6, 7, ""))
        .file("nations.csv", nations)
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nrecce,land,recce,100,14,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,recce,3,1\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,recce,1\n")
}

#[test]
fn availability_window_is_respected() {
    let dir = availability_scenario("nation,available_from,available_to\nAAA,,\n").write();
    let (_, free) = solve(dir.path(), &[]);
    assert_objective(&free, 3.0);

    let dir =
        availability_scenario("nation,available_from,available_to\nAAA,2027-01-12,2027-01-31\n")
            .write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 4.0 * SHORT + 1.0);
    assert_short(&summary, 4.0);
    let dep = deployments(&out);
    assert_eq!(dep.len(), 1, "{dep:?}");
    assert_eq!(
        (dep[0]["arrive"].as_str(), dep[0]["depart"].as_str()),
        ("2027-01-18", "2027-01-31")
    );
    let cov = read_csv(&out.join("coverage.csv"));
    let short: Vec<&str> = cov
        .iter()
        .filter(|r| r["shortfall"] != "0")
        .map(|r| r["period_start"].as_str())
        .collect();
    assert_eq!(
        short,
        ["2027-01-04", "2027-01-11", "2027-02-01", "2027-02-08"]
    );
}

// ---------------------------------------------------------------------------------------------
// Reception capacity forces rotations to be staggered.
//
// T = 4, tour 28 days → L = 4, no dwell, 70 troops a unit, tours cost 1. S1 needs 2 and receives
// through POD with pax_per_day 10: 10 × 7 = 70 troops a period, one unit arriving or leaving.
// Without the cap both units arrive in period 0: objective 2. With it only one can arrive in 0,
// the other in 1 (its departure, in 4, is after the horizon; the first one's, in 3, is alone in
// that period): 1 role-unit short in period 0, objective 70000 + 2. The optimum is unique.
// ---------------------------------------------------------------------------------------------

fn reception_scenario(pax: &str) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_coy,land,infantry,70,28,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,inf_coy,4,1\n",
        )
        .file("sites.csv", "site,zone,node,reception\nS1,east,POD,POD\n")
        .file(
            "nodes.csv",
            &format!("node,kind,pax_per_day\nPOD,airfield,{pax}\n"),
        )
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
}

#[test]
fn reception_capacity_staggers_rotations() {
    let dir = reception_scenario("").write();
    let (_, free) = solve(dir.path(), &[]);
    assert_objective(&free, 2.0);

    let dir = reception_scenario("10").write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, SHORT + 2.0);
    assert_short(&summary, 1.0);
    let mut arrivals: Vec<String> = deployments(&out)
        .iter()
        .map(|r| r["arrive"].clone())
        .collect();
    arrivals.sort();
    assert_eq!(arrivals, ["2027-01-04", "2027-01-11"]);
    let mv = read_csv(&out.join("movements.csv"));
    let got: Vec<(&str, &str, &str, &str, &str)> = mv
        .iter()
        .map(|r| {
            (
                r["period_start"].as_str(),
                r["reception"].as_str(),
                r["arriving"].as_str(),
                r["leaving"].as_str(),
                r["capacity"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2027-01-04", "POD", "70", "0", "70"),
            ("2027-01-11", "POD", "70", "0", "70"),
            ("2027-01-18", "POD", "0", "0", "70"),
            ("2027-01-25", "POD", "0", "70", "70"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// A tour that ended before `start` still keeps its unit busy through its dwell (docs/model.md#initial_tours).
//
// L = 2 (14 days), D = 4 (28 days), pool 1, T = 4, tours cost 1. The only unit arrived on
// 2026-12-07 = start(−4): on the ground −4..−3 (it left on start(−2) − 1 = 2026-12-20), busy
// −4..1. Its next tour can begin in 2 at the earliest (one begun in 3 would cover only 3): the
// unique optimum is one tour begun in 2, covering 2 and 3. S1 needs 1 in 0..3: periods 0 and 1
// short, objective 2 × 70000 + 1.
// ---------------------------------------------------------------------------------------------

#[test]
fn initial_tour_ended_before_start_keeps_its_unit_in_dwell() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nrecce,land,recce,100,14,28\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,recce,1,1\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,recce,1\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nAAA,recce,S1,2026-12-07,1\n",
        );
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 2.0 * SHORT + 1.0);
    let dep = deployments(&out);
    let rows: Vec<(&str, &str, &str, &str)> = dep
        .iter()
        .map(|r| {
            (
                r["unit"].as_str(),
                r["arrive"].as_str(),
                r["depart"].as_str(),
                r["initial"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("AAA-recce-1", "2026-12-07", "2026-12-20", "true"),
            ("AAA-recce-1", "2027-01-18", "2027-01-31", "false")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Repeated requirement rows add up; the shortfall goes to the lowest priority (docs/model.md#coverage).
//
// T = 2, L = 2, pool 1: one unit covers S1 in both periods. Two rows ask S1 for 1 infantry each,
// priority 3 and 1: coverage.csv shows required 2, covered 1, shortfall 1 per period, and the
// optimiser leaves the priority-1 row short: objective 2 periods × 10000 × 1 × 7 = 140000 (the
// priority-3 row short would cost 3 times as much).
// ---------------------------------------------------------------------------------------------

#[test]
fn repeated_requirements_add_up_and_lowest_priority_is_left_short() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(2, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,100,14,0\n",
        )
        .file("offers.csv", "nation,unit_type,units\nAAA,inf_bn,1\n")
        .file("sites.csv", "site,zone\nS1,east\n")
        .file(
            "requirements.csv",
            "site,role,required,priority\nS1,infantry,1,3\nS1,infantry,1,1\n",
        );
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 2.0 * SHORT);
    assert_short(&summary, 2.0);
    let cov = read_csv(&out.join("coverage.csv"));
    assert_eq!(cov.len(), 2);
    for r in &cov {
        assert_eq!(
            (
                r["required"].as_str(),
                r["covered"].as_str(),
                r["shortfall"].as_str()
            ),
            ("2", "1", "1"),
            "{r:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Durations round up to whole periods, ignoring float noise (docs/model.md#time-and-periods).
//
// P = 7: tour_days 14.0000000001 is 2 periods (noise), handover 0.5 day is 1 period (rounds up).
// T = 3, S1 needs 1 from 2027-01-11 (period 1) on; the tour begun in 0 covers 1 only (its first
// period is the handover), so a second tour must begin in 1 (covering 2, its cover_from 2027-01-18).
// Pool 2, tours cost 1: objective 2, no shortfall; the first tour departs start(2) − 1 = 2027-01-17.
// ---------------------------------------------------------------------------------------------

#[test]
fn durations_round_up_ignoring_float_noise() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(3, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days,handover_days\nrecce,land,recce,100,14.0000000001,0,0.5\n",
        )
        .file("offers.csv", "nation,unit_type,units,cost_per_tour\nAAA,recce,2,1\n")
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required,from\nS1,recce,1,2027-01-11\n");
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 2.0);
    let mut rows: Vec<(String, String, String)> = deployments(&out)
        .iter()
        .map(|r| {
            (
                r["arrive"].clone(),
                r["cover_from"].clone(),
                r["depart"].clone(),
            )
        })
        .collect();
    rows.sort();
    let want = [
        ("2027-01-04", "2027-01-11", "2027-01-17"),
        ("2027-01-11", "2027-01-18", "2027-01-24"),
    ];
    assert_eq!(
        rows,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
}

// ---------------------------------------------------------------------------------------------
// The lp objective is never above the mip objective on the same scenario (the relaxation is a
// lower bound), on every scenario of this file.
// ---------------------------------------------------------------------------------------------

#[test]
fn lp_objective_is_never_above_mip() {
    let cases = [
        ("steady 6", steady_no_overlap(6)),
        ("steady 5", steady_no_overlap(5)),
        ("relief 4", steady_relief_in_place(4)),
        ("relief 3", steady_relief_in_place(3)),
        (
            "caveat",
            caveat_scenario(Some("nation,zone,domain,max_troops\nAAA,east,*,0\n")),
        ),
        ("coalition", coalition_scenario(Some(COALITION_LIMITS))),
        (
            "availability",
            availability_scenario(
                "nation,available_from,available_to\nAAA,2027-01-12,2027-01-31\n",
            ),
        ),
        ("reception", reception_scenario("10")),
    ];
    for (name, sc) in cases {
        let mip = num(&solve_mode(&sc, "mip"), &["objective"]);
        // The aggregated formulation of the windowed sums is the same model: same optimum.
        let dir = sc.write();
        let agg = num(
            &solve(dir.path(), &["--formulation", "aggregated"]).1,
            &["objective"],
        );
        assert!(
            close(agg, mip),
            "{name}: aggregated {agg} != expanded {mip}"
        );
        let dir = sc.write();
        let agg_lp = num(
            &solve(dir.path(), &["--formulation", "aggregated", "--mode", "lp"]).1,
            &["objective"],
        );
        let lp_summary = solve_mode(&sc, "lp");
        assert_eq!(lp_summary["mode"], "lp");
        assert_eq!(num(&lp_summary, &["gap"]), 0.0, "{name}: gap is 0 for lp");
        let lp = num(&lp_summary, &["objective"]);
        assert!(
            lp <= mip + 1e-6 * mip.abs().max(1.0),
            "{name}: lp {lp} > mip {mip}"
        );
        assert!(
            close(agg_lp, lp),
            "{name}: aggregated lp {agg_lp} != expanded lp {lp}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Identical runs give identical bytes (docs/outputs.md), on a case with many equal-cost optima.
// ---------------------------------------------------------------------------------------------

#[test]
fn identical_runs_give_identical_bytes() {
    let dir = steady_no_overlap(5).write();
    let (out, first) = solve(dir.path(), &[]);
    let kept = dir.path().join("first");
    std::fs::rename(&out, &kept).unwrap();
    let (out, second) = solve(dir.path(), &[]);
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&kept), names(&out));
    for name in names(&out) {
        if name == "summary.json" {
            continue;
        }
        assert!(
            std::fs::read(kept.join(&name)).unwrap() == std::fs::read(out.join(&name)).unwrap(),
            "{name} differs between runs"
        );
    }
    // summary.json: everything but timings_ms is identical, and the key order too.
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("timings_ms");
        serde_json::to_string(&v).unwrap()
    };
    assert_eq!(strip(first), strip(second));
    let text = |d: &Path| {
        let s = std::fs::read_to_string(d.join("summary.json")).unwrap();
        let start = s.find("\"timings_ms\"").unwrap();
        let end = start + s[start..].find('}').unwrap();
        format!("{}{}", &s[..start], &s[end..])
    };
    assert_eq!(text(&kept), text(&out));
    assert_eq!(
        read_summary(&out)["input_hash"],
        read_summary(&kept)["input_hash"]
    );
    // A solve in a fresh directory with the same files gives the same bytes too.
    let again = steady_no_overlap(5).write();
    let (other, _) = solve(again.path(), &[]);
    for name in names(&out).iter().filter(|n| *n != "summary.json") {
        assert!(
            std::fs::read(other.join(name)).unwrap() == std::fs::read(out.join(name)).unwrap(),
            "{name} differs in another directory"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reception with one-period tours: the arrival and the departure fall in the same period and
// both count (docs/model.md#reception).
//
// T = 3, tour 7 days → L = 1, no dwell, 70 troops, tours cost 1, S1 needs 1 in every period.
// Each tour moves 70 in and 70 out in its one period: 140. With pax_per_day 10 (70 a period) no
// tour is possible: 3 role-unit periods short, objective 210000. With 20 (140 a period) one tour
// a period: objective 3.
// ---------------------------------------------------------------------------------------------

fn one_period_tours(pax: &str) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(3, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nrecce,land,recce,70,7,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,recce,3,1\n",
        )
        .file("sites.csv", "site,zone,node,reception\nS1,east,POD,POD\n")
        .file(
            "nodes.csv",
            &format!("node,kind,pax_per_day\nPOD,airfield,{pax}\n"),
        )
        .file("requirements.csv", "site,role,required\nS1,recce,1\n")
}

#[test]
fn one_period_tours_arrive_and_leave_in_the_same_period() {
    let dir = one_period_tours("10").write();
    let (_, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 3.0 * SHORT);

    let dir = one_period_tours("20").write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 3.0);
    for r in read_csv(&out.join("movements.csv")) {
        assert_eq!(
            (
                r["arriving"].as_str(),
                r["leaving"].as_str(),
                r["capacity"].as_str()
            ),
            ("70", "70", "140"),
            "{r:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Departures of initial tours count against reception; their arrivals do not (docs/model.md#reception).
//
// T = 3, L = 4 (28 days), no dwell, 70 troops, POD takes 10 × 7 = 70 troops a period, tours
// cost 1, S1 needs 2 in every period. One unit arrived on 2026-12-14 = start(−3): on the ground
// −3..0, leaving in period 0 (70 troops through POD). So nothing can arrive in 0: period 0 has 1
// (short 1). One unit arrives in 1 (period 1: short 1), one in 2 (period 2: covered twice).
// Objective 2 × 70000 + 2. Were the departure not counted, arrivals in 0 and 1 would cover all.
// ---------------------------------------------------------------------------------------------

#[test]
fn departures_of_initial_tours_use_reception_capacity() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(3, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_coy,land,infantry,70,28,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,inf_coy,4,1\n",
        )
        .file("sites.csv", "site,zone,node,reception\nS1,east,POD,POD\n")
        .file("nodes.csv", "node,kind,pax_per_day\nPOD,airfield,10\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nAAA,inf_coy,S1,2026-12-14,1\n",
        );
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 2.0 * SHORT + 2.0);
    let mut arrivals: Vec<String> = deployments(&out)
        .iter()
        .filter(|r| r["initial"] == "false")
        .map(|r| r["arrive"].clone())
        .collect();
    arrivals.sort();
    assert_eq!(arrivals, ["2027-01-11", "2027-01-18"]);
    let mv: Vec<(String, String, String)> = read_csv(&out.join("movements.csv"))
        .iter()
        .map(|r| {
            (
                r["period_start"].clone(),
                r["arriving"].clone(),
                r["leaving"].clone(),
            )
        })
        .collect();
    let want = [
        ("2027-01-04", "0", "70"),
        ("2027-01-11", "70", "0"),
        ("2027-01-18", "70", "0"),
    ];
    assert_eq!(
        mv,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
}

// ---------------------------------------------------------------------------------------------
// Costs (docs/model.md#objective): cost_per_day for on-ground periods inside the horizon, initial tours
// included; cost_per_tour for new tours only, in full even when clipped.
//
// T = 2, L = 4 (28 days), cost_per_day 1, cost_per_tour 100. The initial unit arrived on
// 2026-12-28 = start(−1): on the ground −1..2, inside the horizon in 0 and 1: 14 days, 14. S1
// needs 2: one new tour in 0, on the ground 0..3 clipped to 0..1: 14 days, 14, and its full 100.
// deployment_cost 28, tour_cost 100, objective 128.
// ---------------------------------------------------------------------------------------------

#[test]
fn costs_per_day_inside_the_horizon_and_per_tour_in_full() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(2, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nAAA,inf_bn,3,1,100\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nAAA,inf_bn,S1,2026-12-28,1\n",
        );
    let dir = sc.write();
    let (_, summary) = solve(dir.path(), &[]);
    assert!(
        close(num(&summary, &["terms", "deployment_cost"]), 28.0),
        "{summary:#}"
    );
    assert!(
        close(num(&summary, &["terms", "tour_cost"]), 100.0),
        "{summary:#}"
    );
    assert_objective(&summary, 128.0);
    let lp = solve_mode(&sc, "lp");
    assert_objective(&lp, 128.0);
}

// ---------------------------------------------------------------------------------------------
// Unit numbering (docs/outputs.md#unit-numbering): initial tours first, in deployed.csv order, then new tours by start
// period, then site code, each taking the lowest-numbered free unit.
//
// T = 3, L = 2 (14 days), no dwell, pool 2, tours cost 1. deployed.csv line 2 puts a unit at S2,
// line 3 one at S1, both arrived 2026-12-28 = start(−1): units 1 (S2) and 2 (S1), on the ground
// −1..0 and free again from 1. S1 and S2 each need 1: new tours at both sites in 1 (the unique
// optimum, objective 2). In site order S1 takes unit 1, S2 unit 2.
// ---------------------------------------------------------------------------------------------

#[test]
fn units_are_numbered_initial_first_then_by_start_and_site() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(3, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file("unit_types.csv", "unit_type,domain,role,troops,tour_days,dwell_days\ninf,land,infantry,100,14,0\n")
        .file("offers.csv", "nation,unit_type,units,cost_per_tour\nAAA,inf,2,1\n")
        .file("sites.csv", "site,zone\nS1,east\nS2,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\nS2,infantry,1\n")
        .file("deployed.csv", "nation,unit_type,site,arrived,units\nAAA,inf,S2,2026-12-28,1\nAAA,inf,S1,2026-12-28,1\n");
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 2.0);
    let mut rows: Vec<(String, String, String, String)> = deployments(&out)
        .iter()
        .map(|r| {
            (
                r["unit"].clone(),
                r["site"].clone(),
                r["arrive"].clone(),
                r["initial"].clone(),
            )
        })
        .collect();
    rows.sort();
    let want = [
        ("AAA-inf-1", "S1", "2027-01-11", "false"),
        ("AAA-inf-1", "S2", "2026-12-28", "true"),
        ("AAA-inf-2", "S1", "2026-12-28", "true"),
        ("AAA-inf-2", "S2", "2027-01-11", "false"),
    ];
    assert_eq!(
        rows,
        want.map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    );
}

// ---------------------------------------------------------------------------------------------
// Limits count both units of a relief in place (docs/model.md#contingent_limits).
//
// T = 5, L = 3 (21 days), H = 1 (7 days), no dwell, 100 troops, pool 2, tours cost 1; S1 needs 1.
// The initial unit arrived on 2026-12-28 = start(−1): on the ground −1..1, covering 0..1. Without
// limits a tour begun in 1 covers 2..3 and one begun in 3 covers 4: objective 2. With AAA limited
// to 100 troops, no relief in place is possible (both units would be on the ground in the
// handover period): the next tour begins in 2 (covers 3..4), period 2 is short: objective
// 70000 + 1, and that tour is the only new one.
// ---------------------------------------------------------------------------------------------

fn relief_limit(limits: Option<&str>) -> Scenario {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(5, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days,handover_days\ninf,land,infantry,100,21,0,7\n",
        )
        .file("offers.csv", "nation,unit_type,units,cost_per_tour\nAAA,inf,2,1\n")
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
        .file("deployed.csv", "nation,unit_type,site,arrived,units\nAAA,inf,S1,2026-12-28,1\n");
    match limits {
        Some(l) => sc.file("limits.csv", l),
        None => sc,
    }
}

#[test]
fn limits_count_both_units_of_a_relief_in_place() {
    let dir = relief_limit(None).write();
    let (_, free) = solve(dir.path(), &[]);
    assert_objective(&free, 2.0);

    let dir = relief_limit(Some("nation,zone,domain,max_troops\nAAA,*,*,100\n")).write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, SHORT + 1.0);
    let new: Vec<String> = deployments(&out)
        .iter()
        .filter(|r| r["initial"] == "false")
        .map(|r| r["arrive"].clone())
        .collect();
    assert_eq!(new, ["2027-01-18"]);
    for r in read_csv(&out.join("limit_use.csv")) {
        assert!(r["used"].parse::<f64>().unwrap() <= 100.0, "{r:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// max_deployed counts initial tours (docs/model.md#contingent_limits).
//
// T = 3, L = 2 (14 days), no dwell, pool 3, max_deployed 1, tours cost 1; S1 needs 2. The initial
// unit arrived on 2026-12-28 = start(−1) is on the ground −1..0, so no new tour may begin in 0;
// from 1 on one unit at a time: the unique optimum is one tour begun in 1. Short 1 in each of the
// 3 periods: objective 3 × 70000 + 1.
// ---------------------------------------------------------------------------------------------

#[test]
fn max_deployed_counts_initial_tours() {
    let sc = Scenario::new()
        .file("scenario.toml", &toml(3, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf,land,infantry,100,14,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,max_deployed,cost_per_tour\nAAA,inf,3,1,1\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nAAA,inf,S1,2026-12-28,1\n",
        );
    let dir = sc.write();
    let (out, summary) = solve(dir.path(), &[]);
    assert_objective(&summary, 3.0 * SHORT + 1.0);
    let new: Vec<String> = deployments(&out)
        .iter()
        .filter(|r| r["initial"] == "false")
        .map(|r| r["arrive"].clone())
        .collect();
    assert_eq!(new, ["2027-01-11"]);
}

// ---------------------------------------------------------------------------------------------
// `lp` mode output (docs/outputs.md): one row per (nation, unit type, site, start) with fractional
// units and a blank unit; initial tours keep one row per deployed.csv row.
//
// The coalition case above: the relaxation must have 2.5 units on the ground in every period
// (250 troops, the `*` limit), and only tours begun in 0 (L = 6) cover period 0, so exactly 2.5
// units begin in 0 and none later: the units column sums to 2.5.
// The rule-of-three case with its two initial units given as two deployed.csv rows of 1: two
// initial rows of 1 unit each, and still no shortfall.
// ---------------------------------------------------------------------------------------------

#[test]
fn lp_deployments_are_fractional_without_unit_names() {
    let dir = coalition_scenario(Some(COALITION_LIMITS)).write();
    let (out, summary) = solve(dir.path(), &["--mode", "lp"]);
    assert_eq!(summary["mode"], "lp");
    assert_objective(&summary, 3.0 * SHORT);
    let dep = deployments(&out);
    for r in &dep {
        assert_eq!(
            (
                r["unit"].as_str(),
                r["arrive"].as_str(),
                r["initial"].as_str()
            ),
            ("", "2027-01-04", "false"),
            "{r:?}"
        );
    }
    assert!(close(sum(&dep, "units", |_| true), 2.5), "{dep:?}");
    assert!(close(sum(&dep, "troops", |_| true), 250.0), "{dep:?}");

    let split = "nation,unit_type,site,arrived,units\nAAA,inf_bn,S1,2026-12-28,1\nAAA,inf_bn,S1,2026-12-28,1\n";
    let dir = steady_no_overlap(6).file("deployed.csv", split).write();
    let (out, summary) = solve(dir.path(), &["--mode", "lp"]);
    assert_objective(&summary, 0.0);
    let dep = deployments(&out);
    let initial: Vec<_> = dep.iter().filter(|r| r["initial"] == "true").collect();
    assert_eq!(initial.len(), 2, "one row per deployed.csv row: {dep:?}");
    for r in initial {
        assert_eq!(
            (
                r["unit"].as_str(),
                r["units"].as_str(),
                r["arrive"].as_str()
            ),
            ("", "1", "2026-12-28"),
            "{r:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// summary.json holds the keys of docs/outputs.md.
// ---------------------------------------------------------------------------------------------

#[test]
fn summary_has_the_documented_keys() {
    let dir = caveat_scenario(None).write();
    let (_, s) = solve(dir.path(), &[]);
    for k in [
        "scenario",
        "mode",
        "status",
        "objective",
        "gap",
        "terms",
        "shortfall",
        "model",
        "timings_ms",
        "version",
        "input_hash",
    ] {
        assert!(s.get(k).is_some(), "summary.json lacks `{k}`: {s:#}");
    }
    for k in [
        "coverage_penalty",
        "deployment_cost",
        "tour_cost",
        "transport_cost",
        "supply_cost",
        "sustainment_penalty",
        "days_of_supply_penalty",
    ] {
        num(&s, &["terms", k]);
    }
    for k in ["role_unit_periods", "unmet_tons"] {
        num(&s, &["shortfall", k]);
    }
    for k in ["variables", "integer_variables", "constraints", "nonzeros"] {
        num(&s, &["model", k]);
    }
    for k in ["load", "build", "solve", "write"] {
        num(&s, &["timings_ms", k]);
    }
    assert_eq!(
        (s["scenario"].as_str(), s["mode"].as_str()),
        (Some("test"), Some("mip"))
    );
    assert_eq!(s["input_hash"].as_str().map(str::len), Some(64));
}
