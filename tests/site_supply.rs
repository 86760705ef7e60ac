//! The site-supply relaxation the rotation model carries (src/model/site_supply.rs,
//! docs/model.md#site-supply): the rotation search prices what a site cannot store or receive,
//! and the rotation model with it stays a relaxation of the whole model.

mod common;
use common::*;

use rotaplan::model::{self, Formulation};
use rotaplan::scenario::{self, Mode};
use rotaplan::solve;

/// Two squadrons that can each hold the requirement (1 role-unit at S) for both weekly periods
/// (P = 7) with one tour of 14 days from period 0, one unit of each in the pool:
///
/// - heavy: 1000 a tour, burning 1 t of fuel a day; light: 1500 a tour, burning none.
/// - fuel keeps 10 days of supply (10 t with the heavy squadron on the ground) at the default
///   penalty of 10 a ton-day, so 10 × 7 = 70 a ton short per period. The depot D supplies
///   plenty over a free road, so only the store at SN decides.
///
/// `storage` is SN's store in tons.
fn two_squadrons(storage: u32) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(2, 7, ""))
        .file("nations.csv", "nation\nGBR\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,role_value,troops,tour_days,dwell_days\nheavy,air,air_policing,1,10,14,0\nlight,air,air_policing,1,10,14,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nGBR,heavy,1,0,1000\nGBR,light,1,0,1500\n",
        )
        .file("sites.csv", "site,zone,node\nS,Z,SN\n")
        .file("requirements.csv", "site,role,required\nS,air_policing,1\n")
        .file(
            "nodes.csv",
            &format!("node,kind,storage_tons\nD,depot,0\nSN,site,{storage}\n"),
        )
        .file(
            "arcs.csv",
            "from,to,mode,capacity_tons_per_day,cost_per_ton\nD,SN,road,100,0\n",
        )
        .file("supply.csv", "node,commodity,tons_per_day\nD,fuel,100\n")
        .file("consumption.csv", "unit_type,commodity,tons_per_day\nheavy,fuel,1\n")
        .file(
            "commodities.csv",
            "commodity,shortfall_penalty,days_of_supply\nfuel,100,10\n",
        )
}

/// The `heuristic` event of a JSON log with this `step`.
fn heuristic_event(stderr: &str, step: &str) -> serde_json::Value {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "heuristic" && e["step"] == step)
        .unwrap_or_else(|| panic!("no {step} event in\n{stderr}"))
}

/// Worked by hand, per tour begun in period 0 (the only start that covers both periods; one
/// begun in period 1 leaves period 0 short at 70,000). The rotation relaxation blind to the
/// network takes the heavy squadron (1000 against 1500); `with_sites` is what that point pays
/// with the site rows, and from 1 % more the search sees the sites.
///
/// - store 0 t: the heavy squadron is 10 t short of its days of supply in each period,
///   2 × 10 × 70 = 1400, so `with_sites` = 2400 and the plan with it 2400 against the light
///   one's 1500. The relaxation with the site rows is 1500 (light), which proves the light
///   squadron optimal (gap 0).
/// - store 4 t: 6 t short a period, `with_sites` = 1000 + 2 × 6 × 70 = 1840, still light
///   (1500). The relaxation can mix: x heavy + (1 − x) light with the shortfall
///   max(0, 10x − 4) costs 1500 − 500x + 140·max(0, 10x − 4), least at x = 0.4: 1300.
/// - store 10 t: the 10 t fit, `with_sites` = 1000, 0 % more: the search stays blind, its
///   relaxation (1000) and plan (heavy, 1000) are the optimum (gap 0).
#[test]
fn the_rotation_relaxation_prices_days_of_supply_a_site_cannot_store() {
    for (storage, with_sites, relaxation, objective, unit_type, gap) in [
        (0, 2400.0, 1500.0, 1500.0, "light", Some(0.0)),
        (4, 1840.0, 1300.0, 1500.0, "light", None),
        (10, 1000.0, 1000.0, 1000.0, "heavy", Some(0.0)),
    ] {
        let dir = two_squadrons(storage).write();
        let (out, r) = rotation_first_with_json_log(dir.path());
        let check = heuristic_event(&r.stderr, "site-check");
        assert_eq!(check["relaxation"].as_f64(), Some(1000.0), "{check}");
        let paid = check["with_sites"].as_f64().unwrap_or(f64::NAN);
        assert!((paid - with_sites).abs() < 1e-6, "store {storage}: {check}");
        assert_eq!(check["site_search"], storage < 10, "{check}");
        let event = heuristic_event(&r.stderr, "relaxation")["bound"]
            .as_f64()
            .unwrap_or(f64::NAN);
        assert!(
            (event - relaxation).abs() < 1e-6,
            "store {storage}: relaxation {event}, expected {relaxation}"
        );
        let s = read_summary(&out);
        assert!(
            (num(&s, &["objective"]) - objective).abs() < 1e-6,
            "store {storage}: {s:#}"
        );
        if let Some(gap) = gap {
            assert!(
                (num(&s, &["gap"]) - gap).abs() < 1e-9,
                "store {storage}: {s:#}"
            );
        }
        let tours = read_csv(&out.join("deployments.csv"));
        assert_eq!(tours.len(), 1, "store {storage}: {tours:?}");
        assert_eq!(tours[0]["unit_type"], unit_type, "store {storage}");
        let r = rotaplan(&[
            "verify",
            dir.path().to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
}

/// The LP optimum of the rotation model alone, with the site-supply rows, and of the whole
/// model: the site rows only add cost (alone ≤ with) and never more than the network's own
/// (with ≤ whole), which is what lets the rotation search's bound stand for the whole plan.
fn three_lps(dir: &std::path::Path) -> (f64, f64, f64) {
    let sc = scenario::load(dir).scenario.expect("the scenario loads");
    let form = Formulation::Expanded;
    let lp = |m: &model::Model| {
        solve::solve(&m.lp, &lp_options(), None)
            .expect("the LP solves")
            .solver_objective
    };
    let alone = model::build_with(&sc, Mode::Lp, form, None, false);
    let mut with = model::build_with(&sc, Mode::Lp, form, None, false);
    let before = with.lp.num_cols();
    model::site_supply::add(&mut with);
    assert!(with.lp.num_cols() > before, "the site rows were added");
    let whole = model::build(&sc, Mode::Lp, form);
    (lp(&alone), lp(&with), lp(&whole))
}

#[test]
fn with_site_supply_the_rotation_lp_stays_below_the_whole_lp() {
    let tol = |v: f64| 1e-6 * v.abs().max(1.0);
    let demo = std::path::Path::new("inputs/demo");
    let gen = tempfile::tempdir().unwrap();
    // Storage and arcs that bind (as in tests/decomposed_lp.rs).
    generate(gen.path(), [4, 6, 3, 40, 10], 3);
    for dir in [demo, gen.path()] {
        let (alone, with, whole) = three_lps(dir);
        assert!(alone <= with + tol(with), "{dir:?}: {alone} > {with}");
        assert!(with <= whole + tol(whole), "{dir:?}: {with} > {whole}");
    }
}

/// The rows of H's catchment (H, N1, N2: everything past the rail) see what the rows per site
/// cannot, in tests/fixtures/two-sites-one-rail (its README states the case). Worked by hand: blind to the network the relaxation sends both heavy squadrons
/// (2000); per site each gets its 56 t of 70, but through the rail 112 t of 70 arrive, 42 t
/// short in each period: the check's figure is 2000 + 2 × 42 × 100 = 10,400. With the rows, x
/// heavy squadrons and 2 − x light cost 3000 − 500x + 200·max(0, 56x − 70), least at x = 1.25:
/// the relaxation 2375. Whole plans: two heavy 10,400, one of each 2500 (56 t fit), two light
/// 3000; so the plan is one heavy and one light, 2500.
#[test]
fn a_bottleneck_shared_by_two_sites_is_seen_by_the_rotation_search() {
    let dir = copy(std::path::Path::new("tests/fixtures/two-sites-one-rail"));
    let (out, r) = rotation_first_with_json_log(dir.path());
    let check = heuristic_event(&r.stderr, "site-check");
    assert_eq!(check["relaxation"].as_f64(), Some(2000.0), "{check}");
    let paid = check["with_sites"].as_f64().unwrap_or(f64::NAN);
    assert!((paid - 10_400.0).abs() < 1e-6, "{check}");
    assert_eq!(check["site_search"], true, "{check}");
    let bound = heuristic_event(&r.stderr, "relaxation")["bound"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!((bound - 2375.0).abs() < 1e-6, "relaxation {bound}");
    let s = read_summary(&out);
    assert!((num(&s, &["objective"]) - 2500.0).abs() < 1e-6, "{s:#}");
    let tours = read_csv(&out.join("deployments.csv"));
    let mut types: Vec<&str> = tours.iter().map(|t| t["unit_type"].as_str()).collect();
    types.sort();
    assert_eq!(types, ["heavy", "light"], "{tours:?}");
    let r = rotaplan(&[
        "verify",
        dir.path().to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
