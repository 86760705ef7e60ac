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
    Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\nBBB\nCCC\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units\nAAA,inf_bn,2\nBBB,inf_bn,3\nCCC,inf_bn,3\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
        .file("limits.csv", limits)
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
