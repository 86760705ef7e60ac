//! `rotaplan verify`: tampered plans (one per constraint family), a hand-edited plan that stays
//! valid, unreadable plans, and the objective terms of solved plans.
//!
//! Every scenario here has a unique optimum, reasoned out in its comment, so the solved files and
//! their line numbers are known; each tampered plan edits those files as a planner would in a
//! spreadsheet, and the expected violation lines follow from the edit by the arithmetic shown.

mod common;

use common::*;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Scenarios

/// Forces only. 12 weekly periods from 2027-01-04; one unit type `bn` (700 troops, tour 28 days
/// → L = 4, dwell 28 → D = 4, no handover). East needs 1 maneuver unit all along; west asks for 0.
///
/// FRA is cheaper than DEU and DEU may not enter Z-east (caveat, limits.csv:2), so the optimum is
/// FRA at east with tours at t = 0, 4, 8 (three 4-period tours tile the 12 periods; anything else
/// leaves a gap priced at 70,000 a period or costs more). Units: t0 → FRA-bn-1 (busy 0..7),
/// t4 → FRA-bn-2 (busy 4..11), t8 → FRA-bn-1 again (free from 8). One FRA bn on the ground at a
/// time, so FRA's max_deployed 1 (offers.csv:2) holds. limits.csv:3 caps zone Z-west at 700
/// troops from 2027-03-01 (t = 8).
fn forces() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation,name\nFRA,France\nDEU,Germany\n")
        .file("unit_types.csv", "unit_type,domain,role,role_value,troops,tour_days,dwell_days,handover_days\nbn,land,maneuver,1,700,28,28,0\n")
        .file("offers.csv", "nation,unit_type,units,max_deployed,cost_per_day,cost_per_tour\nFRA,bn,3,1,100,1000\nDEU,bn,2,,200,1000\n")
        .file("sites.csv", "site,zone\neast,Z-east\nwest,Z-west\n")
        .file("requirements.csv", "site,role,required\neast,maneuver,1\nwest,maneuver,0\n")
        .file("limits.csv", "nation,zone,domain,max_troops,from,to\nDEU,Z-east,land,0,,\n*,Z-west,*,700,2027-03-01,\n")
}

/// The plan `forces()` must solve to (see its comment); depart = start(τ+4) − 1 day.
const FORCES_PLAN: &str =
    "nation,unit_type,unit,site,zone,units,troops,arrive,cover_from,depart,initial
FRA,bn,FRA-bn-1,east,Z-east,1,700,2027-01-04,2027-01-04,2027-01-31,false
FRA,bn,FRA-bn-2,east,Z-east,1,700,2027-02-01,2027-02-01,2027-02-28,false
FRA,bn,FRA-bn-1,east,Z-east,1,700,2027-03-01,2027-03-01,2027-03-28,false
";

/// With a supply network. 6 weekly periods; `bn` tours 14 days (L = 2), dwell 14 (D = 2). Camp
/// needs 1 maneuver unit; troops pass reception PORT (nodes.csv:3, 100 a day = 700 a period, so
/// one bn arriving or leaving per period). Tours at t = 0, 2, 4 tile the horizon and move exactly
/// 700 troops a period (arrive t, leave t+1): the unique optimum. A bn burns 10 t of fuel a day =
/// 70 t a period at CAMP (no storage, nodes.csv:4), fed from DEPOT over one road (arcs.csv:2,
/// 20 t/day = 140 t a period, 2 per ton); DEPOT makes 100 t/day at 1 per ton. Delivering costs 3
/// a ton against 1,000 unmet, so each period sends 70 t: flows.csv lines 2..7 are t = 0..5, and
/// stocks.csv has one row a period for CAMP fuel (lines 2..7; DEPOT and PORT hold nothing and
/// have no demand, so they get no rows).
fn network() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(6, 7, ""))
        .file("nations.csv", "nation\nFRA\n")
        .file("unit_types.csv", "unit_type,domain,role,role_value,troops,tour_days,dwell_days,handover_days\nbn,land,maneuver,1,700,14,14,0\n")
        .file("offers.csv", "nation,unit_type,units,max_deployed,cost_per_day,cost_per_tour\nFRA,bn,4,,100,1000\n")
        .file("sites.csv", "site,zone,node,reception\ncamp,Z,CAMP,PORT\n")
        .file("requirements.csv", "site,role,required\ncamp,maneuver,1\n")
        .file("nodes.csv", "node,kind,storage_tons,pax_per_day\nDEPOT,depot,0,\nPORT,port,0,100\nCAMP,site,0,\n")
        .file("arcs.csv", "from,to,mode,capacity_tons_per_day,cost_per_ton,transit_days\nDEPOT,CAMP,road,20,2,0\n")
        .file("supply.csv", "node,commodity,tons_per_day,cost_per_ton\nDEPOT,fuel,100,1\n")
        .file("consumption.csv", "unit_type,commodity,tons_per_day\nbn,fuel,10\n")
}

/// `network()` made to leave every objective term above zero: 2 units needed at camp (reception
/// moves one bn a period, so t = 0 alone is short), ammo burnt but supplied by nobody (unmet,
/// sustainment penalty), and 2 days of fuel wanted at a camp that stores nothing (days-of-supply
/// penalty), besides tour, deployment, transport and supply costs.
fn all_terms() -> Scenario {
    network()
        .file("requirements.csv", "site,role,required\ncamp,maneuver,2\n")
        .file(
            "consumption.csv",
            "unit_type,commodity,tons_per_day\nbn,fuel,10\nbn,ammo,1\n",
        )
        .file(
            "commodities.csv",
            "commodity,days_of_supply\nfuel,2\nammo,0\n",
        )
}

/// `forces()` with FRA-bn-1 already at east since 2026-12-28 (τ₀ = −1: on the ground −1..2,
/// busy −1..6). New tours must cover t = 3..11; the fewest on-ground periods (each costs) are
/// tours at 3, 7 and 11 (the last clipped to one period). The initial tour is the first row.
fn with_initial() -> Scenario {
    forces().file(
        "deployed.csv",
        "nation,unit_type,site,arrived,units\nFRA,bn,east,2026-12-28,1\n",
    )
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn verify(dir: &Path, out: &Path) -> Run {
    rotaplan(&["verify", dir.to_str().unwrap(), out.to_str().unwrap()])
}

fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap()
}

/// Rewrites line `n` (1-based, header = 1) of a plan file.
fn edit_line(out: &Path, file: &str, n: usize, edit: impl Fn(&str) -> String) {
    let text = read(out, file);
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == n { edit(l) } else { l.to_string() })
        .collect();
    std::fs::write(out.join(file), lines.join("\n") + "\n").unwrap();
}

/// Replaces one cell (by column name) on line `n` of a plan file.
fn set_cell(out: &Path, file: &str, n: usize, col: &str, value: &str) {
    let header: Vec<String> = read(out, file)
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let i = header
        .iter()
        .position(|h| h == col)
        .unwrap_or_else(|| panic!("{file} has no column {col}"));
    edit_line(out, file, n, |l| {
        let mut cells: Vec<&str> = l.split(',').collect();
        cells[i] = value;
        cells.join(",")
    });
}

fn append(out: &Path, file: &str, row: &str) {
    let mut text = read(out, file);
    text.push_str(row);
    text.push('\n');
    std::fs::write(out.join(file), text).unwrap();
}

/// start(t) for t = 0..11: weekly periods from 2027-01-04.
const WEEKS: [&str; 12] = [
    "2027-01-04",
    "2027-01-11",
    "2027-01-18",
    "2027-01-25",
    "2027-02-01",
    "2027-02-08",
    "2027-02-15",
    "2027-02-22",
    "2027-03-01",
    "2027-03-08",
    "2027-03-15",
    "2027-03-22",
];

/// One violation line per period: `MESSAGE in period from DATE`.
fn each_period(message: &str, periods: &[&str]) -> Vec<String> {
    periods
        .iter()
        .map(|d| format!("{message} in period from {d}"))
        .collect()
}

/// Asserts exit 1 and that each expected line is printed, exactly, as a line of its own.
fn assert_violations(r: &Run, expected: &[&str]) {
    assert_eq!(
        r.code, 1,
        "expected exit 1\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    for e in expected {
        assert!(
            r.stdout.lines().any(|l| l == *e),
            "missing line:\n{e}\nin stdout:\n{}",
            r.stdout
        );
    }
}

/// The recomputed value of an objective term from verify's terms table.
fn term(r: &Run, name: &str) -> f64 {
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("  ") && l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no term {name} in:\n{}", r.stdout));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Solves a scenario (verify passing, via the shared helper) and returns its directory and plan.
fn solved(sc: &Scenario, args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = sc.write();
    let (out, _) = solve_and_verify(dir.path(), args);
    (dir, out)
}

// ---------------------------------------------------------------------------------------------
// The solved plans are the ones reasoned out above (the tampered tests rely on their lines).

#[test]
fn forces_plan_is_the_unique_optimum() {
    let (_d, out) = solved(&forces(), &[]);
    assert_eq!(read(&out, "deployments.csv"), FORCES_PLAN);
}

#[test]
fn network_plan_is_the_unique_optimum() {
    let (_d, out) = solved(&network(), &[]);
    let deps = read_csv(&out.join("deployments.csv"));
    let arrivals: Vec<&str> = deps.iter().map(|r| r["arrive"].as_str()).collect();
    assert_eq!(arrivals, ["2027-01-04", "2027-01-18", "2027-02-01"]);
    let flows = read(&out, "flows.csv");
    assert_eq!(
        flows.lines().nth(1),
        Some("2027-01-04,DEPOT,CAMP,road,fuel,70,140")
    );
    assert_eq!(flows.lines().count(), 7);
    let stocks = read(&out, "stocks.csv");
    assert_eq!(stocks.lines().nth(2), Some("2027-01-11,CAMP,fuel,70,0,0,0"));
    assert_eq!(stocks.lines().count(), 7);
}

// ---------------------------------------------------------------------------------------------
// One tampered plan per constraint family.

/// Pool: 3 more DEU bns at west from t = 0 (an aggregated row, units 3) keep 3 DEU units busy in
/// t = 0..7 (tour 4 + dwell 4), above DEU's pool of 2 (offers.csv:3). The Z-west limit starts at
/// t = 8, after these tours, so nothing else breaks.
#[test]
fn pool() {
    let (dir, out) = solved(&forces(), &[]);
    append(
        &out,
        "deployments.csv",
        "DEU,bn,,west,Z-west,3,2100,2027-01-04,2027-01-04,2027-01-31,false",
    );
    let r = verify(dir.path(), &out);
    let lines = each_period(
        "offers.csv:3: DEU bn units busy (on tour or in dwell): 3 > pool 2",
        &WEEKS[0..8],
    );
    assert_violations(&r, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        r.stdout.contains("\n8 violation(s)"),
        "one line per period, nothing else:\n{}",
        r.stdout
    );
}

/// Unit double-booked: line 3's tour (t = 4) is given to FRA-bn-1, whose tour from t = 0 keeps it
/// on the ground in 0..3 and in dwell in 4..7 (until 2027-02-28). Line 4 (t = 8), also
/// FRA-bn-1, then starts while the t = 4 tour's dwell runs through t = 11 (until 2027-03-28).
#[test]
fn unit_double_booked() {
    let (dir, out) = solved(&forces(), &[]);
    set_cell(&out, "deployments.csv", 3, "unit", "FRA-bn-1");
    let r = verify(dir.path(), &out);
    assert_violations(
        &r,
        &[
            "deployments.csv:3: unit FRA-bn-1 starts a tour on 2027-02-01 while in dwell until 2027-02-28",
            "deployments.csv:4: unit FRA-bn-1 starts a tour on 2027-03-01 while in dwell until 2027-03-28",
        ],
    );
    // One unit serves all three tours, so it is busy once, not three times: no pool line.
    assert!(!r.stdout.contains("pool"), "{}", r.stdout);
}

/// Max deployed: a second FRA bn at west from t = 8 puts 2 FRA units on the ground in t = 8..11,
/// above max_deployed 1 (offers.csv:2). Pool: FRA-bn-2 in dwell, FRA-bn-1 and the new one = 3,
/// FRA's pool; Z-west: 700 troops, its limit.
#[test]
fn max_deployed() {
    let (dir, out) = solved(&forces(), &[]);
    append(
        &out,
        "deployments.csv",
        "FRA,bn,,west,Z-west,1,700,2027-03-01,2027-03-01,2027-03-28,false",
    );
    let r = verify(dir.path(), &out);
    let lines = each_period(
        "offers.csv:2: FRA bn units on the ground: 2 > max_deployed 1",
        &WEEKS[8..12],
    );
    assert_violations(&r, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        r.stdout.contains("\n4 violation(s)"),
        "nothing else breaks:\n{}",
        r.stdout
    );
}

/// Limit: 2 DEU bns at west from t = 8 put 1,400 troops in Z-west while limits.csv:3 (coalition,
/// Z-west, 700 from 2027-03-01) is active: t = 8..11.
#[test]
fn limit() {
    let (dir, out) = solved(&forces(), &[]);
    append(
        &out,
        "deployments.csv",
        "DEU,bn,,west,Z-west,2,1400,2027-03-01,2027-03-01,2027-03-28,false",
    );
    let r = verify(dir.path(), &out);
    let lines = each_period(
        "limits.csv:3: coalition troops in zone Z-west: 1,400 > 700",
        &WEEKS[8..12],
    );
    assert_violations(&r, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(r.stdout.contains("\n4 violation(s)"), "{}", r.stdout);
}

/// Caveat: the nation of line 3 (t = 4, east) swapped to DEU: 700 DEU land troops in Z-east in
/// t = 4..7, where limits.csv:2 allows none. The unit name still says FRA: a warning.
#[test]
fn caveat() {
    let (dir, out) = solved(&forces(), &[]);
    set_cell(&out, "deployments.csv", 3, "nation", "DEU");
    let r = verify(dir.path(), &out);
    let lines = each_period(
        "limits.csv:2: DEU land troops in zone Z-east: 700 > 0",
        &WEEKS[4..8],
    );
    assert_violations(&r, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(r.stdout.contains("\n4 violation(s)"), "{}", r.stdout);
    assert!(r.stdout.lines().any(|l| l == "deployments.csv:3: unit: warning: `FRA-bn-2` is named for FRA bn, but the row is DEU bn; checked as a unit of DEU bn"), "{}", r.stdout);
}

/// Reception: one more bn at camp from t = 1. PORT (nodes.csv:3) then moves, in t = 1, the new bn
/// in and the t = 0 bn out (its last period), and in t = 2 the t = 2 bn in and the new one out
/// (L = 2): 700 + 700 = 1,400 > 700 both times. The extra fuel it burns is left unmet by the
/// written flows: a warning, not a violation (unmet demand is priced, not forbidden).
#[test]
fn reception() {
    let (dir, out) = solved(&network(), &[]);
    append(
        &out,
        "deployments.csv",
        "FRA,bn,,camp,Z,1,700,2027-01-11,2027-01-11,2027-01-24,false",
    );
    let r = verify(dir.path(), &out);
    let lines = each_period("nodes.csv:3: troops through reception PORT: 700 arriving + 700 leaving = 1,400 > 700 (pax_per_day 100 × 7 days)", &WEEKS[1..3]);
    assert_violations(&r, &lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(r.stdout.contains("\n2 violation(s)"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("fuel at CAMP: unmet demand differs from what the flows deliver"),
        "{}",
        r.stdout
    );
}

/// Arc capacity: 150 t of fuel on the road in t = 0 (flows.csv:2), above 20 t/day × 7 = 140.
#[test]
fn arc_capacity() {
    let (dir, out) = solved(&network(), &[]);
    set_cell(&out, "flows.csv", 2, "tons", "150");
    let r = verify(dir.path(), &out);
    assert_violations(&r, &["arcs.csv:2: tons on road DEPOT → CAMP: 150 > capacity 140 (20 t/day × 7 days) in period from 2027-01-04"]);
}

/// Balance: 100 t sent to CAMP in t = 1 (flows.csv:3) where the bn burns 70 and nothing can be
/// stored: 0 + 0 + 100 − 0 − 70 + 0 = 30 t left over, but the stock is (and must be) 0.
#[test]
fn balance() {
    let (dir, out) = solved(&network(), &[]);
    set_cell(&out, "flows.csv", 3, "tons", "100");
    let r = verify(dir.path(), &out);
    assert_violations(
        &r,
        &["stocks.csv:3: fuel at CAMP does not balance: previous stock 0 + output 0 + arriving 100 − sent 0 − demand 70 + unmet 0 = 30, but the stock is 0 in period from 2027-01-11"],
    );
    assert!(
        !r.stdout.contains("arcs.csv"),
        "100 t is within the road's 140:\n{}",
        r.stdout
    );
}

/// Depot output: with DEPOT making only 10 t/day (70 t a period, exactly the bn's burn, so the
/// solved flows are still 70 t a period), 100 t sent in t = 0 (flows.csv:2) needs an output of
/// 100 > 70 (supply.csv:2); the 30 t too many at CAMP also break its balance.
#[test]
fn depot_output() {
    let sc = network().file(
        "supply.csv",
        "node,commodity,tons_per_day,cost_per_ton\nDEPOT,fuel,10,1\n",
    );
    let (dir, out) = solved(&sc, &[]);
    set_cell(&out, "flows.csv", 2, "tons", "100");
    let r = verify(dir.path(), &out);
    assert_violations(
        &r,
        &[
            "supply.csv:2: fuel at DEPOT: output needed to balance the stock: 100 > 70 (10 t/day × 7 days) in period from 2027-01-04",
            "stocks.csv:2: fuel at CAMP does not balance: previous stock 0 + output 0 + arriving 100 − sent 0 − demand 70 + unmet 0 = 30, but the stock is 0 in period from 2027-01-04",
        ],
    );
}

/// Storage: 5 t written as stock at CAMP in t = 0 (stocks.csv:2), a node without storage.
#[test]
fn storage() {
    let (dir, out) = solved(&network(), &[]);
    set_cell(&out, "stocks.csv", 2, "stock", "5");
    let r = verify(dir.path(), &out);
    assert_violations(
        &r,
        &["nodes.csv:4: tons in stock at CAMP: 5 > storage 0 in period from 2027-01-04"],
    );
}

/// Initial tours are fixed: deleting the deployed.csv tour (deployments.csv:2) is a violation
/// naming deployed.csv:2.
#[test]
fn initial_tour_deleted() {
    let (dir, out) = solved(&with_initial(), &[]);
    let first = read(&out, "deployments.csv")
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(
        first,
        "FRA,bn,FRA-bn-1,east,Z-east,1,700,2026-12-28,2026-12-28,2027-01-24,true"
    );
    edit_line(&out, "deployments.csv", 2, |_| String::new());
    let r = verify(dir.path(), &out);
    assert_violations(&r, &["deployed.csv:2: the initial tour of 1 FRA bn at east from 2026-12-28 is missing from deployments.csv: 0 unit(s) there with initial=true"]);
}

// ---------------------------------------------------------------------------------------------
// What a spreadsheet does to a file, on a plan that stays valid.

/// Saved back by a spreadsheet in a `;` locale: BOM, semicolons, CRLF, rows in reverse order, a
/// notes column, units renamed (FRA-bn-1 → Alpha on both its rows, FRA-bn-2 → Bravo), and 2 DEU
/// bns added at west in t = 0..3 as one aggregated row without derived cells. DEU's pool is 2,
/// nothing limits DEU in Z-west before t = 8, so every hard constraint holds: exit 0.
///
/// Costs: FRA 3 tours × 4 periods × 7 days × 100 = 8,400 and DEU 2 × 28 × 200 = 11,200 per day,
/// so deployment_cost 19,600; tour_cost 5 × 1,000 = 5,000; coverage at east unchanged: 0.
#[test]
fn hand_edited_plan_still_valid() {
    let (dir, out) = solved(&forces(), &[]);
    let text = read(&out, "deployments.csv");
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| l.replace("FRA-bn-1", "Alpha").replace("FRA-bn-2", "Bravo"))
        .collect();
    lines[1..].reverse();
    lines.push("DEU,bn,,west,,2,,2027-01-04,,,false".to_string());
    let mut edited = String::from("\u{feff}");
    for (i, l) in lines.iter().enumerate() {
        let note = if i == 0 { "note" } else { "" };
        edited.push_str(&format!("{};{note}\r\n", l.replace(',', ";")));
    }
    std::fs::write(out.join("deployments.csv"), edited).unwrap();
    let r = verify(dir.path(), &out);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 violations"), "{}", r.stdout);
    assert_eq!(term(&r, "deployment_cost"), 19600.0);
    assert_eq!(term(&r, "tour_cost"), 5000.0);
    assert_eq!(term(&r, "coverage_penalty"), 0.0);
    // The edit changed the costs: summary.json is stale, and says so as warnings.
    assert!(r.stdout.contains("summary.json: terms: warning: deployment_cost is 8,400 in summary.json, 19,600 recomputed from the plan"), "{}", r.stdout);
}

/// A derived cell that disagrees with the row is a warning, and the recomputed value is used.
#[test]
fn derived_cells_are_recomputed_not_trusted() {
    let (dir, out) = solved(&forces(), &[]);
    set_cell(&out, "deployments.csv", 2, "depart", "2027-02-07");
    set_cell(&out, "deployments.csv", 2, "troops", "1400");
    let r = verify(dir.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.lines().any(|l| l == "deployments.csv:2: depart: warning: `2027-02-07` does not match the tour (a 28-day tour: last day 2027-01-31); the recomputed value is used"), "{}", r.stdout);
    assert!(r.stdout.lines().any(|l| l == "deployments.csv:2: troops: warning: `1400` does not match the tour (1 × 700 troops = 700); the recomputed value is used"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// Unreadable input: exit 2 with file:line: column: message.

#[test]
fn unknown_code_is_unreadable() {
    let (dir, out) = solved(&forces(), &[]);
    set_cell(&out, "deployments.csv", 2, "nation", "XXX");
    set_cell(&out, "deployments.csv", 3, "arrive", "01/02/2027");
    let r = verify(dir.path(), &out);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l == "deployments.csv:2: nation: unknown nation `XXX` (not in nations.csv)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().any(|l| l == "deployments.csv:3: arrive: expected a date YYYY-MM-DD, got `01/02/2027`"), "{}", r.stdout);
}

#[test]
fn missing_plan_is_unreadable() {
    let dir = forces().write();
    let r = verify(dir.path(), &dir.path().join("no-such-plan"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    let dir2 = forces().write();
    std::fs::create_dir(dir2.path().join("empty")).unwrap();
    let r = verify(dir2.path(), &dir2.path().join("empty"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .any(|l| l == "deployments.csv: required file is missing"),
        "{}",
        r.stdout
    );
}

#[test]
fn garbage_never_panics() {
    let (dir, out) = solved(&network(), &[]);
    for (file, text) in [
        ("deployments.csv", "\u{feff}"),
        (
            "deployments.csv",
            "nation,unit_type,site,arrive\nFRA,bn,camp,9999-12-31,\n",
        ),
        (
            "flows.csv",
            "period_start;from;to;mode;commodity;tons\n2027-01-04;DEPOT;CAMP;road;fuel;1,5\n",
        ),
        ("stocks.csv", "a,b\n\"unterminated\n"),
        ("summary.json", "{not json"),
        (
            "deployments.csv",
            "nation,unit_type,site,arrive,units\nFRA,bn,camp,0001-01-01,1e300\n",
        ),
    ] {
        let backup = std::fs::read(out.join(file)).unwrap();
        std::fs::write(out.join(file), text).unwrap();
        let r = verify(dir.path(), &out);
        assert!(
            matches!(r.code, 0..=2),
            "{file}: exit {} (a panic?)\n{}\n{}",
            r.code,
            r.stdout,
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{file}: {}", r.stderr);
        std::fs::write(out.join(file), backup).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Objective terms: verify recomputes summary.json's terms from the CSV rows.

fn assert_terms_reproduced(args: &[&str]) {
    let dir = all_terms().write();
    let (out, summary) = solve_and_verify(dir.path(), args);
    let r = verify(dir.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("summary.json:")),
        "no term mismatch expected:\n{}",
        r.stdout
    );
    for name in [
        "coverage_penalty",
        "deployment_cost",
        "tour_cost",
        "transport_cost",
        "supply_cost",
        "sustainment_penalty",
        "days_of_supply_penalty",
    ] {
        let theirs = num(&summary, &["terms", name]);
        let ours = term(&r, name);
        // Every term is non-zero by construction (see all_terms), so a relative test is meaningful.
        assert!(theirs > 0.0, "{name} should be positive: {summary}");
        assert!(
            (ours - theirs).abs() <= 1e-6 * theirs.abs(),
            "{name}: verify {ours}, summary.json {theirs}"
        );
    }
    let ours = term(&r, "objective");
    let theirs = num(&summary, &["objective"]);
    assert!(
        (ours - theirs).abs() <= 1e-6 * theirs.abs(),
        "objective: verify {ours}, summary.json {theirs}"
    );
}

#[test]
fn terms_reproduced_mip() {
    assert_terms_reproduced(&[]);
}

/// In lp mode units are fractional and written to 3 decimals; the chosen values here (whole tours
/// under the reception limit) still land on exact decimals, so 1e-6 holds.
#[test]
fn terms_reproduced_lp() {
    assert_terms_reproduced(&["--mode", "lp"]);
}
