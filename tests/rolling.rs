//! Rolling horizon: what one window commits must carry over exactly into the next —
//! tours under way, dwell clocks, stocks and tons in transit — and the stitched plan must pass
//! `rotaplan verify` over the whole horizon.
//!
//! Conventions: start 2027-01-04, P = 7, so period t starts on 2027-01-04 + 7t; the coverage
//! penalty is 10000 × 7 = 70000 per role-unit-period short; one ton unmet costs 1000.

mod common;

use common::{num, read_csv, rotaplan, solve_and_verify, toml, Scenario};

const SHORT: f64 = 70000.0;

/// One nation, one unit type (tour 28 days = 4 periods, dwell `dwell_days`), a pool of `units`,
/// one site asking for one role-unit all the time.
fn relay(periods: usize, units: u32, dwell_days: u32, cost_per_tour: f64) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(periods, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            &format!("unit_type,domain,role,troops,tour_days,dwell_days\nbn,land,guard,100,28,{dwell_days}\n"),
        )
        .file(
            "offers.csv",
            &format!("nation,unit_type,units,cost_per_tour\nAAA,bn,{units},{cost_per_tour}\n"),
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,guard,1\n")
}

fn windows(summary: &serde_json::Value) -> Vec<serde_json::Value> {
    summary["rolling"]["windows"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// One unit, no dwell, 12 periods: the only plan without shortfall is tours begun in periods 0,
/// 4 and 8 (three tours of four periods fill twelve exactly). Window 6, step 3: window 1 commits
/// the tour at 0; window 2 (from 3) sees that unit busy until 3 and must start at 4; window 3
/// (from 6, the last) starts at 8. Had window 2 not known the unit was away, a start at 3 would
/// break the pool and the whole-horizon model would refuse it.
#[test]
fn tours_under_way_carry_over_between_windows() {
    let dir = relay(12, 1, 0, 1.0).write();
    let (out, summary) = solve_and_verify(
        dir.path(),
        &["--rolling-window", "6", "--rolling-step", "3"],
    );
    assert_eq!(summary["strategy"], "rolling-horizon", "{summary:#}");
    assert_eq!(windows(&summary).len(), 3, "{summary:#}");
    assert_eq!(num(&summary, &["shortfall", "role_unit_periods"]), 0.0);
    // Three tours at cost_per_tour 1, nothing else.
    assert_eq!(num(&summary, &["objective"]), 3.0, "{summary:#}");
    let mut arrive: Vec<String> = read_csv(&out.join("deployments.csv"))
        .into_iter()
        .map(|r| r["arrive"].clone())
        .collect();
    arrive.sort();
    assert_eq!(arrive, ["2027-01-04", "2027-02-01", "2027-03-01"]);
}

/// One unit, 4 periods on the ground and 4 in dwell: the unit can be on
/// the ground at most 4 of every 8 periods, so over 16 periods at least 8 role-unit-periods go
/// short, and a plan with tours at 0 and 8 reaches exactly 8. Window 8, step 5 (the most a window
/// of 8 allows with 4-period tours): window 2 starts at 5 with the unit in dwell until 7, and
/// must know it: a tour begun before 8 would break the pool, which `verify` checks.
#[test]
fn dwell_clocks_carry_over_between_windows() {
    let dir = relay(16, 1, 28, 0.0).write();
    let (_, summary) = solve_and_verify(dir.path(), &["--rolling-window", "8"]);
    assert_eq!(summary["rolling"]["step"], 5, "{summary:#}");
    assert_eq!(windows(&summary).len(), 3, "{summary:#}");
    assert_eq!(num(&summary, &["shortfall", "role_unit_periods"]), 8.0);
    assert_eq!(num(&summary, &["objective"]), 8.0 * SHORT);
}

/// Stock and tons in transit. The site's node N holds 28 t at start (storage 28); the unit on
/// the ground eats 1 t/day = 7 t a period; a depot ships to N over a road that takes two periods
/// (14 days) at 1 per ton; fuel asks for 14 days of supply, i.e. 14 t in store, and a ton-period
/// below that costs 10 × 7 = 70, far more than shipping. So the one best plan keeps exactly 14 t
/// in store: eat 7 t of stock in each of periods 0 and 1, then land 7 t in every period from 2 on
/// (sent two periods earlier). Window 1 (periods 0–5) commits 0–2 and leaves 14 t in store and
/// 7 t on the road for each of periods 3 and 4; window 2 starts at 3 and nothing it sends lands
/// before its third period. Without the stock it would run 14 t below days of supply for two
/// periods (1960); without the tons in transit it would leave demand unmet or eat into the
/// stock (at least 1470). With both carried over each window pays only shipping, well under
/// 1000. The whole plan: 12 × 7 = 84 t eaten, 14 t of stock used, 70 t shipped at 1 per ton.
#[test]
fn stocks_and_tons_in_transit_carry_over_between_windows() {
    let sc = relay(12, 1, 0, 0.0)
        .file("sites.csv", "site,zone,node\nS1,east,N\n")
        .file(
            "nodes.csv",
            "node,kind,storage_tons\nD,depot,0\nN,site,28\n",
        )
        .file(
            "arcs.csv",
            "from,to,mode,capacity_tons_per_day,cost_per_ton,transit_days\nD,N,road,100,1,14\n",
        )
        .file("supply.csv", "node,commodity,tons_per_day\nD,fuel,100\n")
        .file(
            "consumption.csv",
            "unit_type,commodity,tons_per_day\nbn,fuel,1\n",
        )
        .file("commodities.csv", "commodity,days_of_supply\nfuel,14\n")
        .file("initial_stocks.csv", "node,commodity,tons\nN,fuel,28\n");
    let dir = sc.write();
    let (_, summary) = solve_and_verify(
        dir.path(),
        &["--rolling-window", "6", "--rolling-step", "3"],
    );
    let ws = windows(&summary);
    assert_eq!(ws.len(), 3, "{summary:#}"); // from 0, 3 and 6 (6 + 6 reaches 12)
    for w in &ws {
        let objective = w["objective"].as_f64().unwrap_or(f64::NAN);
        assert!(
            objective < 1000.0,
            "a window lost what the one before left it: {w:#}"
        );
    }
    assert_eq!(
        num(&summary, &["shortfall", "unmet_tons"]),
        0.0,
        "{summary:#}"
    );
    assert_eq!(
        num(&summary, &["terms", "days_of_supply_penalty"]),
        0.0,
        "{summary:#}"
    );
    assert_eq!(
        num(&summary, &["terms", "transport_cost"]),
        70.0,
        "{summary:#}"
    );
}

/// The same settings from scenario.toml give the same plan as the flags.
#[test]
fn rolling_settings_from_scenario_toml() {
    let sc = relay(12, 1, 0, 1.0).file(
        "scenario.toml",
        &toml(12, 7, "[solver]\nrolling_window = 6\nrolling_step = 3"),
    );
    let dir = sc.write();
    let (_, summary) = solve_and_verify(dir.path(), &[]);
    assert_eq!(windows(&summary).len(), 3, "{summary:#}");
    assert_eq!(num(&summary, &["objective"]), 3.0);
}

/// Settings that cannot work are input errors (exit 2) that say why, and nothing is written.
#[test]
fn bad_rolling_settings_are_input_errors() {
    let dir = relay(12, 1, 0, 1.0).write();
    let d = dir.path().to_str().unwrap_or_default();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap_or_default();
    let cases: [(&[&str], &str); 4] = [
        // A 4-period tour cannot end inside a 3-period window.
        (
            &["--rolling-window", "3"],
            "shorter than the longest tour (4 periods",
        ),
        // Window 6 with 4-period tours: the step may be at most 3.
        (
            &["--rolling-window", "6", "--rolling-step", "4"],
            "the step may be at most 3",
        ),
        (&["--rolling-step", "3"], "needs a rolling window"),
        (&["--rolling-window", "6", "--mode", "lp"], "needs mode mip"),
    ];
    for (args, why) in cases {
        let mut all = vec!["solve", d, "--out", o, "--quiet"];
        all.extend_from_slice(args);
        let r = rotaplan(&all);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(why), "{args:?}: {}", r.stderr);
        assert!(!out.exists(), "{args:?} wrote a plan");
    }
    let bad = relay(12, 1, 0, 1.0)
        .file(
            "scenario.toml",
            &toml(12, 7, "[solver]\nrolling_window = 0"),
        )
        .write();
    let r = rotaplan(&["check", bad.path().to_str().unwrap_or_default()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("rolling_window") || r.stderr.contains("rolling_window"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}
