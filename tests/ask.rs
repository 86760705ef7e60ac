//! `rotaplan ask` (docs/explain.md#the-ask): the fewest additional units that remove the coverage
//! shortfall, only where caveats allow, worked by hand.
//!
//! The site: S1 in zone east, one role-unit of infantry over T = 12 weekly periods. Tours are 28
//! days (L = 4) with 56 days of dwell (D = 8): a unit is busy 12 periods and tours once. AAA
//! offers 2 battalions; BBB and CCC offer 3 each, but their caveats (limits.csv, 0 troops in zone
//! east) keep them out.

mod common;

use common::{read_csv, rotaplan, toml, Scenario};

fn site(limits: &str) -> Scenario {
    common::one_nation_site(limits)
}

#[test]
fn one_more_battalion_from_the_one_nation_allowed_closes_the_gap() {
    // As offered: 2 tours cover 8 of 12 periods, 4 short. Covering all 12 with tours of 4 needs
    // exactly three tours begun in 0, 4 and 8; the third is busy with both others from period 8
    // (2027-03-01) on: AAA must bring 1 more battalion from then. BBB and CCC are never asked
    // (their caveats), though they have battalions to spare.
    let dir = site("nation,zone,domain,max_troops\nBBB,east,land,0\nCCC,east,land,0\n").write();
    let out = dir.path().join("ask");
    let r = rotaplan(&[
        "ask",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = read_csv(&out.join("ask.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (
            row["nation"].as_str(),
            row["unit_type"].as_str(),
            row["units"].as_str(),
            row["needed_from"].as_str(),
            row["shortfall_removed"].as_str()
        ),
        ("AAA", "inf_bn", "1", "2027-03-01", "4")
    );
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("ask.json")).unwrap()).unwrap();
    assert_eq!(j["role_unit_periods_short_before"].as_f64(), Some(4.0));
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(0.0));
    assert!(
        r.stdout.contains("ask AAA for 1 more inf_bn"),
        "{}",
        r.stdout
    );
}

#[test]
fn when_every_nation_is_caveated_out_nothing_is_asked_and_the_reason_is_said() {
    // AAA caveated too: no nation may serve at S1, so no extra unit helps; all 12 periods stay
    // short, before and after.
    let dir =
        site("nation,zone,domain,max_troops\nAAA,east,land,0\nBBB,east,land,0\nCCC,east,land,0\n")
            .write();
    let out = dir.path().join("ask");
    let r = rotaplan(&[
        "ask",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read_csv(&out.join("ask.csv")).is_empty());
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("ask.json")).unwrap()).unwrap();
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(12.0));
    assert_eq!(j["left"][0]["site"], "S1");
    assert!(
        j["left"][0]["why"]
            .as_str()
            .unwrap()
            .contains("may serve there"),
        "{j:#}"
    );
}

/// Two battalions of infantry needed at S1 (2 role-units × 12 periods = 24 role-unit-periods).
/// AAA and BBB offer 2 inf_bn each, AAA at 100 a day, BBB at 300 a day (a 28-day tour costs
/// 2,800 and 8,400). Every unit tours once (busy 4 + 8 = 12 periods), so 4 tours cover 16 of the
/// 24 role-unit-periods: 8 short as offered. Closing them needs 6 tours (starts 0, 4, 8 in each
/// of the two lanes): 2 extra units. With a free hand both come from AAA (4 AAA tours and 2 BBB
/// cost less than 3 and 3); a third extra unit costs 35,000 (half of one role-unit-week's
/// penalty of 70,000) and would only save 8,400 − 2,800 = 5,600, so it is not asked.
fn two_lanes() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day\nAAA,inf_bn,2,100\nBBB,inf_bn,2,300\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,2\n")
}

/// `rotaplan ask DIR --out DIR/ask [more]`, asserting exit 0; ask.csv rows as
/// (nation, unit_type, units, shortfall_removed), and ask.json.
fn run_ask(
    dir: &std::path::Path,
    more: &[&str],
) -> (Vec<(String, String, String, String)>, serde_json::Value) {
    let out = dir.join("ask");
    let mut args = vec!["ask", dir.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(more);
    let r = rotaplan(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let rows = read_csv(&out.join("ask.csv"))
        .into_iter()
        .map(|r| {
            (
                r["nation"].clone(),
                r["unit_type"].clone(),
                r["units"].clone(),
                r["shortfall_removed"].clone(),
            )
        })
        .collect();
    let j = serde_json::from_str(&std::fs::read_to_string(out.join("ask.json")).unwrap()).unwrap();
    (rows, j)
}

fn row(n: &str, u: &str, units: &str, removed: &str) -> (String, String, String, String) {
    (n.into(), u.into(), units.into(), removed.into())
}

#[test]
fn a_ceiling_moves_the_ask_onto_a_dearer_nation() {
    // Free hand: AAA for both extra units; taking them back leaves the 8 short again.
    let dir = two_lanes().write();
    let (rows, j) = run_ask(dir.path(), &[]);
    assert_eq!(rows, vec![row("AAA", "inf_bn", "2", "8")]);
    assert_eq!(j["role_unit_periods_short_before"].as_f64(), Some(8.0));
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(0.0));

    // AAA may be asked for one more unit at most (ask-ceilings.csv in the scenario directory,
    // read without a flag): the second must come from BBB, dearer. Each row alone closes one
    // lane's third tour: 4 role-unit-periods.
    let dir = two_lanes()
        .file("ask-ceilings.csv", "nation,max_units\nAAA,1\n")
        .write();
    let (rows, j) = run_ask(dir.path(), &[]);
    assert_eq!(
        rows,
        vec![
            row("AAA", "inf_bn", "1", "4"),
            row("BBB", "inf_bn", "1", "4")
        ]
    );
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(0.0));
    assert_eq!(j["ceilings_file"], "ask-ceilings.csv");

    // The same ceiling in troops, for AAA's inf_bn alone, given by --ceilings: 500 troops is
    // one battalion of 500.
    let dir = two_lanes().write();
    let file = dir.path().join("conference.csv");
    std::fs::write(&file, "nation,unit_type,max_troops\nAAA,inf_bn,500\n").unwrap();
    let (rows, _) = run_ask(dir.path(), &["--ceilings", file.to_str().unwrap()]);
    assert_eq!(
        rows,
        vec![
            row("AAA", "inf_bn", "1", "4"),
            row("BBB", "inf_bn", "1", "4")
        ]
    );
}

#[test]
fn a_ceiling_that_leaves_shortfall_says_so() {
    // AAA at most 1 more, BBB none: one extra tour, 8 − 4 = 4 role-unit-periods stay short,
    // and the reason is the ceilings, each named by its row.
    let dir = two_lanes()
        .file(
            "ask-ceilings.csv",
            "nation,unit_type,max_units\nAAA,*,1\nBBB,inf_bn,0\n",
        )
        .write();
    let (rows, j) = run_ask(dir.path(), &[]);
    assert_eq!(rows, vec![row("AAA", "inf_bn", "1", "4")]);
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(4.0));
    let left = &j["left"][0];
    assert_eq!(left["site"], "S1");
    assert_eq!(left["role_unit_periods"].as_f64(), Some(4.0));
    assert_eq!(left["reason"], "ceiling");
    let why = left["why"].as_str().unwrap();
    assert!(
        why.contains("ask-ceilings.csv:2 (AAA: at most 1 more unit)"),
        "{why}"
    );
    assert!(
        why.contains("ask-ceilings.csv:3 (BBB inf_bn: at most 0 more units)"),
        "{why}"
    );
}

#[test]
fn a_bad_ceilings_file_is_an_input_error_naming_each_cell() {
    let dir = two_lanes()
        .file(
            "ask-ceilings.csv",
            "nation,unit_type,max_units,max_troops\nZZZ,,1,\nBBB,foo,x,\nAAA,,,\nAAA,*,2,\nAAA,,1.5,\n",
        )
        .write();
    let out = dir.path().join("ask");
    let r = rotaplan(&[
        "ask",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for want in [
        "ask-ceilings.csv:2: nation: unknown nation `ZZZ`",
        "ask-ceilings.csv:3: unit_type: unknown unit type `foo`",
        "ask-ceilings.csv:3: max_units: expected a number, got `x`",
        "ask-ceilings.csv:4: max_units: a ceiling needs max_units, max_troops or both",
        "ask-ceilings.csv:6: max_units: expected a whole number, got 1.5",
    ] {
        assert!(r.stderr.contains(want), "{want}\n{}", r.stderr);
    }
    // Rows 4 and 5 are both AAA for every unit type, but row 4 is already refused for having
    // no ceiling: row 5 is the first valid one, no duplicate.
    assert!(!r.stderr.contains("ask-ceilings.csv:5"), "{}", r.stderr);
    assert!(!out.exists());
    // `check` reads the file too when it is in the scenario directory.
    let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(c.code, 2, "{}", c.stdout);
    assert!(
        c.stdout
            .contains("ask-ceilings.csv:2: nation: unknown nation `ZZZ`"),
        "{}",
        c.stdout
    );
    // A missing --ceilings file is an input error too, and so is a flag without a file.
    let r = rotaplan(&[
        "ask",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ceilings",
        dir.path().join("nope.csv").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nope.csv: cannot read"), "{}", r.stderr);
}

#[test]
fn solve_with_ask_writes_the_ask_beside_the_plan() {
    // The one-nation site of the first test: the same ask, now in the plan's directory, in
    // summary.json and in the report; nothing of it without --ask.
    let dir = site("nation,zone,domain,max_troops\nBBB,east,land,0\nCCC,east,land,0\n").write();
    let out = dir.path().join("plan");
    let r = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--ask",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "deployments.csv",
        "summary.json",
        "report.html",
        "ask.csv",
        "ask.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let rows = read_csv(&out.join("ask.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (
            rows[0]["nation"].as_str(),
            rows[0]["units"].as_str(),
            rows[0]["needed_from"].as_str()
        ),
        ("AAA", "1", "2027-03-01")
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["ask"]["extra_units"].as_u64(), Some(1));
    assert_eq!(
        s["ask"]["role_unit_periods_short_after"].as_f64(),
        Some(0.0)
    );
    assert_eq!(s["options"]["ask"]["max_extra"].as_u64(), Some(5));
    assert!(
        r.stdout.contains("ask AAA for 1 more inf_bn"),
        "{}",
        r.stdout
    );
    // The same files as `rotaplan ask` writes.
    let alone = dir.path().join("alone");
    let r = rotaplan(&[
        "ask",
        dir.path().to_str().unwrap(),
        "--out",
        alone.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(alone.join("ask.csv")).unwrap(),
        std::fs::read(out.join("ask.csv")).unwrap()
    );
    // A rerun that skips when unchanged does not skip onto a plan without its ask.
    let bare = dir.path().join("bare");
    let r = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        bare.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!bare.join("ask.csv").exists());
    let r = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        bare.to_str().unwrap(),
        "--quiet",
        "--ask",
        "--skip-if-unchanged",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(bare.join("ask.csv").is_file(), "{}", r.stdout);

    // A bad ceilings file: exit 2 before any solve, and nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "nation,max_units\nAAA,-1\n").unwrap();
    let none = dir.path().join("none");
    let r = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        none.to_str().unwrap(),
        "--quiet",
        "--ask",
        "--ceilings",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("bad.csv:2: max_units: must be ≥ 0, got -1"),
        "{}",
        r.stderr
    );
    assert!(!none.join("summary.json").exists());
}

#[test]
fn nations_that_have_offered_nothing_yet_can_be_asked_at_the_cheapest_offers_cost() {
    // Four nations have joined; only AAA (2 inf_bn at 100 a day) and DDD (3 inf_bn at 50 a
    // day, but caveated out of zone east) have offered. BBB and CCC have no offers.csv row, so
    // the ask may ask them for any unit type at that type's cheapest offer: inf_bn at DDD's 50
    // a day (a 28-day tour: 1,400), eng_coy, which nobody offers, at no cost. BBB is caveated
    // out of zone east too, so only CCC (and AAA) can help at S1.
    //
    // Infantry: AAA's 2 tours cover 8 of 12 periods, 4 short; the third tour can be AAA's
    // (2,800) or CCC's (1,400): CCC, the same one extra unit either way. Engineers: nobody
    // offers any, 12 short; three tours (starts 0, 4, 8) of three new CCC units close it.
    // Short before 4 + 12 = 16, after 0; taking CCC's infantry back leaves 4 short again,
    // its engineers 12.
    let sc = Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\nCCC\nDDD\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\neng_coy,land,engineering,150,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day\nAAA,inf_bn,2,100\nDDD,inf_bn,3,50\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file(
            "requirements.csv",
            "site,role,required\nS1,infantry,1\nS1,engineering,1\n",
        )
        .file(
            "limits.csv",
            "nation,zone,domain,max_troops\nBBB,east,land,0\nDDD,east,land,0\n",
        );
    let dir = sc.clone().write();
    let (rows, j) = run_ask(dir.path(), &[]);
    assert_eq!(
        rows,
        vec![
            row("CCC", "inf_bn", "1", "4"),
            row("CCC", "eng_coy", "3", "12")
        ]
    );
    assert_eq!(j["role_unit_periods_short_before"].as_f64(), Some(16.0));
    assert_eq!(j["role_unit_periods_short_after"].as_f64(), Some(0.0));
    assert_eq!(j["not_offered"], serde_json::json!(["BBB", "CCC"]));

    // CCC's delegation says no infantry: the third infantry tour falls back on AAA, dearer.
    let dir = sc
        .file(
            "ask-ceilings.csv",
            "nation,unit_type,max_units\nCCC,inf_bn,0\n",
        )
        .write();
    let (rows, _) = run_ask(dir.path(), &[]);
    assert_eq!(
        rows,
        vec![
            row("AAA", "inf_bn", "1", "4"),
            row("CCC", "eng_coy", "3", "12")
        ]
    );
}
