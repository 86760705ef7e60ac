//! Infeasible inputs (exit 3) named by their rows (docs/explain.md, "When the inputs conflict"):
//! tours under way plus pinned or frozen tours that overfill a contingent limit or a pool. Every
//! number below is worked by hand.
//!
//! The limit scenario: start 2027-01-04, weekly periods, T = 12. FRA offers 6 mech_bn of 650
//! troops, tour 56 days → L = 8, dwell 56 → D = 8 (offers.csv line 2). deployed.csv line 2: 2
//! of them at SITE_A, arrived 2026-12-14 → period ⌊−21/7⌋ = −3, on the ground in periods −3 … 4,
//! so they leave before period 5 (2027-02-08). limits.csv line 2 caps FRA land forces in zone
//! east at 1,800 troops: the two under way hold 1,300, so a third battalion beside them makes
//! 1,300 + 650 = 1,950 > 1,800.

mod common;

use common::{rotaplan, solve_and_verify, toml, Run, Scenario};
use std::path::Path;

fn limit_scenario(max_troops: u32) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nFRA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nmech_bn,land,manoeuvre,650,56,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nFRA,mech_bn,6,10,100\n",
        )
        .file("sites.csv", "site,zone\nSITE_A,east\n")
        .file(
            "requirements.csv",
            "site,role,required\nSITE_A,manoeuvre,3\n",
        )
        .file(
            "limits.csv",
            &format!("nation,zone,domain,max_troops\nFRA,east,land,{max_troops}\n"),
        )
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nFRA,mech_bn,SITE_A,2026-12-14,2\n",
        )
}

fn solve_with(dir: &Path, extra: &[&str]) -> Run {
    let out = dir.join("out");
    let mut args = vec![
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    rotaplan(&args)
}

fn pins(dir: &Path, arrive: &str) -> String {
    let file = dir.join("pins.csv");
    std::fs::write(
        &file,
        format!("nation,unit_type,site,arrive\nFRA,mech_bn,SITE_A,{arrive}\n"),
    )
    .unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn the_tours_under_way_alone_fit_so_check_passes() {
    // 1,300 troops under a cap of 1,800: nothing for `check` to refuse.
    let dir = limit_scenario(1800).write();
    let r = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_pin_on_top_of_tours_under_way_breaks_the_limit_exit_3_naming_both_rows() {
    // Pinned from 2027-01-11 (period 1): on the ground in periods 1 … 8, beside the two under
    // way in periods 1 … 4: 1,300 + 650 = 1,950 > 1,800 in four periods (1 and 3 later ones).
    for mode in ["mip", "lp"] {
        let dir = limit_scenario(1800).write();
        let p = pins(dir.path(), "2027-01-11");
        let r = solve_with(dir.path(), &["--pin", &p, "--mode", mode]);
        assert_eq!(r.code, 3, "{mode}: {}\n{}", r.stdout, r.stderr);
        for want in [
            "limits.csv:2 caps FRA land forces in zone east at 1,800 troops",
            "in the period from 2027-01-11 (and 3 later period(s))",
            "deployed.csv:2 keeps 2 FRA mech_bn at SITE_A until 2027-02-08 (2 × 650 = 1,300)",
            "pins.csv:2 pins 1 FRA mech_bn at SITE_A from 2027-01-11 (1 × 650 = 650)",
            "1,300 + 650 = 1,950 > 1,800",
            "Nothing was written",
        ] {
            assert!(
                r.stderr.contains(want),
                "{mode}: missing {want:?} in\n{}",
                r.stderr
            );
        }
        assert!(!r.stderr.contains("run `rotaplan check`"), "{}", r.stderr);
        assert!(
            !dir.path().join("out").exists(),
            "nothing is written on exit 3"
        );
    }
}

#[test]
fn the_same_pin_after_the_tours_under_way_leave_is_feasible() {
    // Pinned from 2027-02-15 (period 6): the two under way left before period 5, so at most
    // 650 troops of the pin (plus what the optimiser adds, within 1,800) are there: exit 0.
    let dir = limit_scenario(1800).write();
    let p = pins(dir.path(), "2027-02-15");
    let (_, s) = solve_and_verify(dir.path(), &["--pin", &p]);
    assert_eq!(s["hand"]["mode"], "pin");
}

#[test]
fn a_pin_into_a_limit_the_tours_under_way_already_fill_names_the_rows() {
    // A cap of 1,300: the two under way fill it in periods −3 … 4, so no tour beginning in
    // period 1 exists at all. The pin is refused before any solve (exit 3) with the sums.
    let dir = limit_scenario(1300).write();
    let p = pins(dir.path(), "2027-01-11");
    let r = solve_with(dir.path(), &["--pin", &p]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    for want in [
        "tours under way already fill a hard row",
        "limits.csv:2 caps FRA land forces in zone east at 1,300 troops",
        "deployed.csv:2 keeps 2 FRA mech_bn at SITE_A",
        "1,300 + 650 = 1,950 > 1,300",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_frozen_tour_of_the_previous_plan_overfills_the_pool() {
    // Weekly, T = 8; GBR offers 2 bn (offers.csv line 2), tour 28 days (L = 4), dwell 28
    // (D = 4): a unit is busy 8 periods. deployed.csv line 2: 1 bn arrived 2026-12-28 (period
    // −1), busy in −1 … 6, i.e. until period 7 (2027-02-22). The previous plan (line 2) begins
    // 2 bn on 2027-01-11 (period 1): within the default freeze of 28 days, so kept. Periods
    // 1 … 6 then hold 1 + 2 = 3 busy units against a pool of 2 (the first and 5 later periods).
    let dir = Scenario::new()
        .file("scenario.toml", &toml(8, 7, ""))
        .file("nations.csv", "nation\nGBR\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nbn,land,infantry,500,28,28\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nGBR,bn,2,1000\n",
        )
        .file("sites.csv", "site,zone\nA,Z\n")
        .file("requirements.csv", "site,role,required\nA,infantry,1\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nGBR,bn,A,2026-12-28,1\n",
        )
        .write();
    let previous = dir.path().join("previous");
    std::fs::create_dir(&previous).unwrap();
    std::fs::write(
        previous.join("deployments.csv"),
        "nation,unit_type,site,arrive,units\nGBR,bn,A,2027-01-11,2\n",
    )
    .unwrap();
    let r = solve_with(dir.path(), &["--previous", previous.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    for want in [
        "offers.csv:2 gives GBR a pool of 2 bn",
        "in the period from 2027-01-11 (and 5 later period(s))",
        "deployed.csv:2 keeps 1 GBR bn at A busy (on tour, then in dwell) until 2027-02-22 (1)",
        "deployments.csv:2 keeps 2 GBR bn at A from 2027-01-11 (published: within freeze_days of the start) (2)",
        "1 + 2 = 3 > 2",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_pin_arriving_as_the_tours_under_way_leave_overfills_reception() {
    // SITE_A is received through POE (nodes.csv line 2): 200 troops a day × 7 = 1,400 a period,
    // arrivals plus departures. The two under way leave in their last period on the ground,
    // period 4 (2027-02-01): 2 × 650 = 1,300. A pin arriving then adds 650: 1,950 > 1,400, in
    // that one period only (its own departure, period 11, is alone). The limit (5,000) and the
    // pool (6) hold: 1,950 troops and 3 units.
    let dir = limit_scenario(5000)
        .file("nodes.csv", "node,kind,pax_per_day\nPOE,airfield,200\n")
        .file(
            "sites.csv",
            "site,zone,node,reception\nSITE_A,east,POE,POE\n",
        )
        .write();
    let check = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let p = pins(dir.path(), "2027-02-01");
    let r = solve_with(dir.path(), &["--pin", &p]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    for want in [
        "nodes.csv:2 lets 200 troops a day arrive at or leave POE (1,400 in a period of 7 days)",
        "in the period from 2027-02-01 the fixed tours come to 1,950 troops arriving or leaving",
        "deployed.csv:2 brings 2 FRA mech_bn at SITE_A home, leaving before 2027-02-08 (2 × 650 = 1,300)",
        "pins.csv:2 pins 1 FRA mech_bn at SITE_A from 2027-02-01 (1 × 650 = 650)",
        "1,300 + 650 = 1,950 > 1,400",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in\n{}", r.stderr);
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_pin_that_fits_is_kept_by_the_rotation_first_search_too() {
    // The hand-worked case of tests/hand.rs, searched rotation-first: AAA has 3 inf_bn (tour 4
    // weeks, dwell 8: each tours once in 12 weeks), one is pinned to begin in period 1. Feasible:
    // the search must keep the pin (not plan 0, 4, 8 and then find 4 units busy in a pool of 3).
    // Best: 1, 5, 9 — period 0 short (70,000), two full tours (2 × 380) and one of 3 weeks in
    // the horizon (100 + 21 × 10 = 310): 71,070.
    let dir = Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nAAA,inf_bn,3,10,100\n",
        )
        .file("sites.csv", "site,zone,node\nS1,east,N1\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
        // Rotation-first splits off a supply network: one node, nothing to carry.
        .file("nodes.csv", "node,kind\nN1,site\n")
        .write();
    let file = dir.path().join("pins.csv");
    std::fs::write(
        &file,
        "nation,unit_type,site,arrive\nAAA,inf_bn,S1,2027-01-11\n",
    )
    .unwrap();
    let (_, s) = solve_and_verify(
        dir.path(),
        &[
            "--pin",
            file.to_str().unwrap(),
            "--strategy",
            "rotation-first",
        ],
    );
    assert_eq!(s["objective"].as_f64(), Some(71070.0), "{s:#}");
}
