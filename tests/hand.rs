//! The planner's hand (docs/explain.md): `solve --fix` takes a hand-edited deployments.csv as
//! given, `solve --pin` keeps listed tours and optimises around them. Costs are worked by hand.
//!
//! The scenario: start 2027-01-04, weekly periods, T = 12. One role-unit of infantry at S1; AAA
//! offers 3 battalions (offers.csv line 2) at 10 a day and 100 a tour. Tour 28 days → L = 4,
//! dwell 56 → D = 8: each unit is busy 12 periods, so it tours once in the horizon.
//!
//! Free optimum: tours begun in 0, 4, 8 cover all 12 periods: 3 × (100 + 28 × 10) = 1140.

mod common;

use common::{read_csv, read_summary, rotaplan, solve_and_verify, toml, Scenario};
use std::path::Path;

fn three_battalions() -> Scenario {
    Scenario::new()
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
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
}

/// Solves the free plan into `dir/out` (verified) and checks the hand-worked optimum.
fn free_plan(dir: &Path) -> std::path::PathBuf {
    let (out, s) = solve_and_verify(dir, &[]);
    assert_eq!(s["objective"].as_f64(), Some(1140.0), "{s:#}");
    out
}

fn solve_into(dir: &Path, out: &str, extra: &[&str]) -> common::Run {
    let o = dir.join(out);
    let mut args = vec![
        "solve",
        dir.to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    rotaplan(&args)
}

#[test]
fn a_tour_moved_by_a_week_is_kept_verified_and_costed() {
    // The second tour moved from 2027-02-01 (period 4) to 2027-02-08 (period 5): period 4 is
    // uncovered, one role-unit-period short at 70000; the moved tour still has 4 periods = 28
    // days inside the horizon, so the costs stay 1140. Objective 71140, 70000 above the optimum.
    let dir = three_battalions().write();
    let out = free_plan(dir.path());
    let text = std::fs::read_to_string(out.join("deployments.csv")).unwrap();
    assert!(text.contains(",2027-02-01,"), "{text}");
    std::fs::write(
        out.join("deployments.csv"),
        text.replace(",2027-02-01,", ",2027-02-08,"),
    )
    .unwrap();
    let r = solve_into(dir.path(), "hand", &["--fix", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("the hand plan cost 70,000"),
        "{}",
        r.stdout
    );
    let hand = dir.path().join("hand");
    let v = rotaplan(&[
        "verify",
        dir.path().to_str().unwrap(),
        hand.to_str().unwrap(),
    ]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    let s = read_summary(&hand);
    assert_eq!(s["objective"].as_f64(), Some(71140.0));
    assert_eq!(s["hand"]["mode"], "fix");
    assert_eq!(s["hand"]["free_optimum"].as_f64(), Some(1140.0));
    assert_eq!(s["hand"]["cost_against_optimum"].as_f64(), Some(70000.0));
    let arrivals: Vec<String> = read_csv(&hand.join("deployments.csv"))
        .iter()
        .map(|r| r["arrive"].clone())
        .collect();
    assert_eq!(arrivals, ["2027-01-04", "2027-02-08", "2027-03-01"]);
}

#[test]
fn a_fourth_battalion_overfills_the_pool_exit_3_naming_the_offer_and_nothing_written() {
    // A fourth tour beginning 2027-03-15 (period 10): four units busy in periods 10 and 11
    // against a pool of 3: offers.csv line 2, twice.
    let dir = three_battalions().write();
    let out = free_plan(dir.path());
    let mut text = std::fs::read_to_string(out.join("deployments.csv")).unwrap();
    text.push_str("AAA,inf_bn,AAA-inf_bn-4,S1,east,1,500,2027-03-15,2027-03-15,2027-04-11,false\n");
    let file = dir.path().join("edited.csv");
    std::fs::write(&file, text).unwrap();
    let r = solve_into(dir.path(), "hand", &["--fix", file.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("offers.csv:2"), "{}", r.stderr);
    assert!(r.stderr.contains("4 > pool 3"), "{}", r.stderr);
    assert!(
        r.stderr.contains("nothing was solved or written"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("hand").exists());
}

#[test]
fn an_unreadable_hand_row_is_an_input_error_naming_the_line() {
    let dir = three_battalions().write();
    let file = dir.path().join("hand.csv");
    std::fs::write(
        &file,
        "nation,unit_type,site,arrive\nAAA,inf_bn,S1,2027-01-04\nZZZ,inf_bn,S1,2027-02-01\n",
    )
    .unwrap();
    let r = solve_into(dir.path(), "hand", &["--fix", file.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("hand.csv:3"), "{}", r.stderr);
    assert!(!dir.path().join("hand").exists());
}

#[test]
fn a_pinned_tour_stays_and_costs_at_least_the_free_optimum() {
    // Pin one tour beginning 2027-01-11 (period 1). The three units each tour once; with one at
    // 1 the 12 periods cannot all be covered (that needs starts 0, 4, 8). Best: 1, 5, 9 (covers
    // 1..11, period 0 short: 70000; the tour begun in 9 has 3 periods = 21 days inside the
    // horizon: 100 + 210 = 310; the other two 380 each) = 71070. Alternatives are worse: 1, 5, 8
    // leaves 0 short too and costs 1140; 0, 1, x leaves at least 3 periods short.
    // So the pins cost 71070 − 1140 = 69930.
    let dir = three_battalions().write();
    let out = free_plan(dir.path());
    let pins = out.join("pins.csv");
    std::fs::write(
        &pins,
        "nation,unit_type,site,arrive\nAAA,inf_bn,S1,2027-01-11\n",
    )
    .unwrap();
    let r = solve_into(dir.path(), "pinned", &["--pin", pins.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pinned = dir.path().join("pinned");
    let v = rotaplan(&[
        "verify",
        dir.path().to_str().unwrap(),
        pinned.to_str().unwrap(),
    ]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    let s = read_summary(&pinned);
    assert_eq!(s["objective"].as_f64(), Some(71070.0));
    assert!(s["objective"].as_f64().unwrap() >= 1140.0);
    assert_eq!(s["hand"]["cost_against_optimum"].as_f64(), Some(69930.0));
    let arrivals: Vec<String> = read_csv(&pinned.join("deployments.csv"))
        .iter()
        .map(|r| r["arrive"].clone())
        .collect();
    assert!(arrivals.contains(&"2027-01-11".to_string()), "{arrivals:?}");
}

#[test]
fn the_demo_round_trip_edit_fix_verify() {
    // The spreadsheet round trip on the demo: move one new tour by a week, --fix, verify.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    let (out, free) = solve_and_verify(dir.path(), &[]);
    let text = std::fs::read_to_string(out.join("deployments.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let arrive = header.iter().position(|h| *h == "arrive").unwrap();
    let initial = header.iter().position(|h| *h == "initial").unwrap();
    // The last new tour that begins at least a week before the horizon ends.
    let i = (1..lines.len())
        .rev()
        .find(|&i| {
            let c: Vec<&str> = lines[i].split(',').collect();
            c[initial] == "false" && c[arrive] < "2027-12-20"
        })
        .expect("a new tour");
    let mut cells: Vec<String> = lines[i].split(',').map(String::from).collect();
    let d = chrono::NaiveDate::parse_from_str(&cells[arrive], "%Y-%m-%d").unwrap();
    cells[arrive] = (d + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    lines[i] = cells.join(",");
    std::fs::write(out.join("deployments.csv"), lines.join("\n") + "\n").unwrap();
    let r = solve_into(dir.path(), "hand", &["--fix", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let hand = dir.path().join("hand");
    let v = rotaplan(&[
        "verify",
        dir.path().to_str().unwrap(),
        hand.to_str().unwrap(),
    ]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    let s = read_summary(&hand);
    // The free plan was proven optimal, so no hand plan can be cheaper than it (within its gap).
    let opt = free["objective"].as_f64().unwrap();
    let gap = free["gap"].as_f64().unwrap();
    assert!(s["objective"].as_f64().unwrap() >= opt * (1.0 - gap) - 1e-6);
    assert!(s["hand"]["cost_against_optimum"].is_number(), "{s:#}");
    let moved = read_csv(&hand.join("deployments.csv"))
        .iter()
        .any(|r| r["arrive"] == cells[arrive]);
    assert!(moved, "the moved tour is kept");
}
