//! Explanations (docs/explain.md): shortfall episodes, their causes named by input row, and
//! what-ifs whose effect is worked out by hand here and checked by a re-solve in the program.
//!
//! Conventions: `start` = 2027-01-04 (a Monday), weekly periods unless stated, so period t begins
//! on 2027-01-04 + 7t. The coverage penalty is the default 10000 per role-unit short per day ×
//! priority 1 × 7 days = 70000 per role-unit-period short.

mod common;

use common::{rotaplan, solve_and_verify, toml, Scenario};
use std::collections::BTreeMap;
use std::path::Path;

const SHORT: f64 = 10000.0 * 7.0;

type Row = BTreeMap<String, String>;

/// explanations.csv, read with quoting (its sentences hold commas).
fn explanations(out: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(out.join("explanations.csv")).expect("explanations.csv");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.expect("a CSV record");
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(r: &Row, col: &str) -> f64 {
    r[col]
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("{col} is not a number in {r:?}"))
}

// ---------------------------------------------------------------------------------------------
// One nation may serve the site, its pool one unit short of a continuous presence.
//
// Tour 28 days → L = 4 periods, dwell 56 days → D = 8, no handover: a unit is busy 12 periods per
// tour and covers 4 of them. One role-unit at S1 (zone east) over T = 12 periods needs 12/4 = 3
// units; AAA offers 2 (offers.csv line 2). BBB and CCC offer 3 each, but their caveats
// (limits.csv lines 2 and 3, 0 troops in zone east) keep them out.
//
// With 2 units each covers 4 periods at most (a second tour would begin ≥ 12 periods after the
// first, outside the horizon): 8 of 12 periods covered, 12 − 8 = 4 role-unit-periods short,
// objective 4 × 70000 = 280000. With a third AAA unit the three tours begin in 0, 4, 8 and cover
// all 12: the what-if removes exactly the 4 short, and the objective falls by 280000 (costs are
// 0). Raising either caveat by one battalion's 500 troops lets that nation's 3 units in: the same.
// ---------------------------------------------------------------------------------------------

fn one_nation_site() -> Scenario {
    common::one_nation_site("nation,zone,domain,max_troops\nBBB,east,land,0\nCCC,east,land,0\n")
}

#[test]
fn pool_and_caveats_are_named_and_one_more_unit_removes_the_shortfall() {
    let dir = one_nation_site().write();
    let (out, summary) = solve_and_verify(dir.path(), &[]);
    assert_eq!(summary["objective"].as_f64(), Some(4.0 * SHORT));
    let rows = explanations(&out);
    // The 4 short periods may fall in one run or two (where the solver puts the gap between the
    // two tours): every row is S1 infantry, and the episodes add up to 4.
    assert!(rows
        .iter()
        .all(|r| r["kind"] == "coverage" && r["where"] == "S1" && r["what"] == "infantry"));
    let mut episodes: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &rows {
        episodes.insert((r["from"].clone(), r["to"].clone()), num(r, "amount"));
    }
    assert_eq!(episodes.values().sum::<f64>(), 4.0, "{rows:#?}");
    for (from, to) in episodes.keys() {
        let of: Vec<&Row> = rows
            .iter()
            .filter(|r| (&r["from"], &r["to"]) == (from, to))
            .collect();
        let causes: Vec<(&str, &str)> = of
            .iter()
            .map(|r| (r["cause"].as_str(), r["input"].as_str()))
            .collect();
        assert_eq!(
            causes,
            vec![
                ("pool", "offers.csv:2"),
                ("limit", "limits.csv:2"),
                ("limit", "limits.csv:3")
            ],
            "{of:#?}"
        );
        for r in of {
            // Each relaxation alone closes the whole episode (worked out above).
            assert_eq!(r["basis"], "re-solve", "{r:?}");
            assert_eq!(num(r, "amount_change"), -num(r, "amount"), "{r:?}");
        }
    }
    // Over all episodes, one more AAA unit saves the whole 280000 (one re-solve, so each
    // episode's row reports the same objective change).
    let pool = rows.iter().find(|r| r["cause"] == "pool").unwrap();
    assert_eq!(num(pool, "objective_change"), -4.0 * SHORT);
    assert!(pool["what_if"].contains("units 2 → 3"), "{pool:?}");
    assert!(pool["detail"].contains("on tour or in dwell"), "{pool:?}");
    let cav = rows.iter().find(|r| r["input"] == "limits.csv:2").unwrap();
    assert!(cav["what_if"].contains("max_troops 0 → 500"), "{cav:?}");
    assert_eq!(
        summary["explanations"]["not_checked"],
        serde_json::json!([])
    );
}

#[test]
fn explain_prints_sentences_and_filters_by_site() {
    let dir = one_nation_site().write();
    let (out, _) = solve_and_verify(dir.path(), &[]);
    let r = rotaplan(&["explain", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("S1 is short of infantry"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Why (pool exhausted, offers.csv:2)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("checked by a re-solve"), "{}", r.stdout);
    let none = rotaplan(&["explain", out.to_str().unwrap(), "--where", "S9"]);
    assert_eq!(none.code, 0);
    assert!(
        none.stdout.contains("No shortfall matches"),
        "{}",
        none.stdout
    );
    let missing = rotaplan(&["explain", dir.path().to_str().unwrap()]);
    assert_eq!(missing.code, 2, "{}", missing.stdout);
    assert!(
        missing.stderr.contains("explanations.csv"),
        "{}",
        missing.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// A requirement whose penalty is below the tour's cost.
//
// T = 4, one role-unit at S1, L = 4 (28 days), AAA offers 2 units at cost_per_tour 300000 and no
// daily cost. One tour beginning in 0 covers all 4 periods; leaving them short costs
// 4 × 70000 = 280000 < 300000, so the optimum sends nothing and is short 4 role-unit-periods.
// The cause is `penalty` (scenario.toml), with both sums in the detail, and the estimate of
// sending the tour anyway is 4 removed at +300000 − 280000 = +20000.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_penalty_below_the_tour_cost_is_called_a_choice_of_the_weights() {
    let dir = Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nAAA,inf_bn,2,300000\n",
        )
        .file("sites.csv", "site,zone\nS1,east\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\n")
        .write();
    let (out, summary) = solve_and_verify(dir.path(), &[]);
    assert_eq!(summary["objective"].as_f64(), Some(4.0 * SHORT));
    let rows = explanations(&out);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let r = &rows[0];
    assert_eq!(
        (
            r["cause"].as_str(),
            r["input"].as_str(),
            r["from"].as_str(),
            r["to"].as_str()
        ),
        ("penalty", "scenario.toml", "2027-01-04", "2027-01-25")
    );
    assert_eq!(num(r, "amount"), 4.0);
    assert!(r["detail"].contains("costs 300,000"), "{r:?}");
    assert!(r["detail"].contains("worth 280,000"), "{r:?}");
    assert_eq!(num(r, "amount_change"), -4.0);
    assert_eq!(num(r, "objective_change"), 20000.0);
    assert_eq!(r["basis"], "estimate");
}

// ---------------------------------------------------------------------------------------------
// A supply episode behind a saturated arc.
//
// One-day periods, T = 4. A battalion already at S (node SN) for the whole horizon burns 10 t of
// fuel a day; the depot D puts out 100 t a day, but the only road D → SN (arcs.csv line 2)
// carries 7 t a day: 3 t unmet each day, 12 t over the 4 days, at the default sustainment
// penalty of 1000 per ton. Raising the arc by the 3 t a day missing delivers all 10: the
// what-if removes the 12 t and saves 12 × 1000 = 12000 (the road costs nothing per ton).
// ---------------------------------------------------------------------------------------------

#[test]
fn a_saturated_arc_is_named_with_its_tons() {
    let dir = Scenario::new()
        .file("scenario.toml", &toml(4, 1, ""))
        .file("nations.csv", "nation\nGBR\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nbn,land,infantry,100,100,0\n",
        )
        .file("offers.csv", "nation,unit_type,units\nGBR,bn,1\n")
        .file("sites.csv", "site,zone,node\nS,Z,SN\n")
        .file("requirements.csv", "site,role,required\nS,none,0\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nGBR,bn,S,2027-01-01,1\n",
        )
        .file(
            "consumption.csv",
            "unit_type,commodity,tons_per_day\nbn,fuel,10\n",
        )
        .file("nodes.csv", "node,kind\nD,depot\nSN,site\n")
        .file(
            "arcs.csv",
            "from,to,mode,capacity_tons_per_day\nD,SN,road,7\n",
        )
        .file("supply.csv", "node,commodity,tons_per_day\nD,fuel,100\n")
        .write();
    let (out, _) = solve_and_verify(dir.path(), &[]);
    let rows = explanations(&out);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let r = &rows[0];
    assert_eq!(
        (
            r["kind"].as_str(),
            r["where"].as_str(),
            r["what"].as_str(),
            r["cause"].as_str(),
            r["input"].as_str()
        ),
        ("supply", "SN", "fuel", "arc", "arcs.csv:2")
    );
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        ("2027-01-04", "2027-01-07")
    );
    assert_eq!(num(r, "amount"), 12.0);
    assert!(r["what_if"].contains("7 → 10"), "{r:?}");
    assert_eq!(num(r, "amount_change"), -12.0);
    assert_eq!(num(r, "objective_change"), -12000.0);
    assert_eq!(r["basis"], "re-solve");
}

#[test]
fn a_plan_without_shortfall_has_a_header_only_and_explain_says_so() {
    // Pool 3 at the one-nation site: three tours begun in 0, 4, 8 cover all 12 periods.
    let dir = one_nation_site()
        .file(
            "offers.csv",
            "nation,unit_type,units\nAAA,inf_bn,3\nBBB,inf_bn,3\nCCC,inf_bn,3\n",
        )
        .write();
    let (out, _) = solve_and_verify(dir.path(), &[]);
    assert!(explanations(&out).is_empty());
    let r = rotaplan(&["explain", out.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("Nothing is short"), "{}", r.stdout);
}

#[test]
fn with_no_time_for_what_ifs_every_row_is_an_estimate_and_the_summary_says_which() {
    // A --time-limit so small that the what-if share (a fifth of it) is shorter than the solve
    // itself took: nothing is re-solved, so no row may claim a re-solve.
    let dir = one_nation_site().write();
    let (out, summary) = solve_and_verify(dir.path(), &["--time-limit", "0.00001"]);
    let rows = explanations(&out);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["basis"] == "estimate"), "{rows:#?}");
    let not = summary["explanations"]["not_checked"].as_array().unwrap();
    assert!(!not.is_empty(), "{summary:#}");
    assert!(summary["explanations"]["why_not_checked"].is_string());
}

// ---------------------------------------------------------------------------------------------
// A pool that binds only as the horizon ends.
//
// T = 12 weekly periods; 2 role-units of infantry at S1 from 2027-03-15 (period 10) on; AAA has
// one battalion (L = 4). Its one useful tour begins in 10 and covers 10 and 11: 1 role-unit short
// in each, 2 in all (140000). The pool binds in periods 10 and 11 only, within the shortest tour
// (4 periods) of the end (12 − 4 = 8 ≤ 10): bottlenecks.csv labels it `horizon_end` = true. The
// explanation is still `pool`, and one more battalion removes both role-unit-periods.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_pool_binding_only_as_the_horizon_ends_is_labelled() {
    let dir = Scenario::new()
        .file("scenario.toml", &toml(12, 7, ""))
        .file("nations.csv", "nation\nAAA\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\ninf_bn,land,infantry,500,28,56\n",
        )
        .file("offers.csv", "nation,unit_type,units\nAAA,inf_bn,1\n")
        .file("sites.csv", "site,zone\nS1,east\n")
        .file(
            "requirements.csv",
            "site,role,required,from\nS1,infantry,2,2027-03-15\n",
        )
        .write();
    let (out, summary) = solve_and_verify(dir.path(), &[]);
    assert_eq!(summary["objective"].as_f64(), Some(2.0 * SHORT));
    let b = common::read_csv(&out.join("bottlenecks.csv"));
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(
        (b[0]["kind"].as_str(), b[0]["horizon_end"].as_str()),
        ("pool", "true")
    );
    assert_eq!(summary["bottlenecks"][0]["horizon_end"], true);
    let rows = explanations(&out);
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(
        (rows[0]["cause"].as_str(), rows[0]["from"].as_str()),
        ("pool", "2027-03-15")
    );
    assert_eq!(num(&rows[0], "amount_change"), -2.0);
    assert_eq!(num(&rows[0], "objective_change"), -2.0 * SHORT);
}
