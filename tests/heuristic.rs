//! The rotation-first heuristic (src/strategy/search.rs) through the binary: its plans keep
//! every hard constraint (`rotaplan verify`), and the gap it reports is against a valid lower
//! bound (the LP relaxation), never against the plan itself.

mod common;

use common::{generate, num, rotation_first_with_json_log, solve_and_verify, toml, Scenario};

/// A squadron worth 2 role-units where 1 is required, for two weekly periods (P = 7):
///
/// - tours last 14 days (L = 2), no handover or dwell; one unit in the pool; 1000 per tour,
///   nothing per day. A tour begun in period 0 covers periods 0 and 1; one begun in 1 covers 1.
/// - a role-unit short costs 10000 × 7 = 70000 per period.
/// - the LP relaxation sends half a squadron in period 0 (2 × ½ = 1 role-unit in both periods)
///   for 500: the heuristic's first bound. Rounded down that is no tour at all, 2 × 70000 =
///   140000; whole plans: a tour in period 0 (1000), in period 1 (1000 + 70000 for period 0),
///   or none (140000), so the optimum is 1000, found by the restricted MIP near x* (x_0 in
///   [0, ⌈½⌉ + 1]) and proven by the heuristic's last step (the whole MIP from that plan).
///
/// A network (one node, nothing consumed) makes `rotation-first` applicable; sustainment adds
/// nothing to the objective.
fn half_squadron() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(2, 7, ""))
        .file("nations.csv", "nation\nGBR\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,role_value,troops,tour_days,dwell_days\nsqn,air,air_policing,2,10,14,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nGBR,sqn,1,0,1000\n",
        )
        .file("sites.csv", "site,zone,node\nS,Z,SN\n")
        .file("requirements.csv", "site,role,required\nS,air_policing,1\n")
        .file("nodes.csv", "node,kind\nSN,site\n")
}

#[test]
fn rotation_first_finds_and_proves_the_whole_squadron() {
    let sc = half_squadron();
    let dir = sc.write();
    let (_, s) = solve_and_verify(dir.path(), &["--strategy", "rotation-first"]);
    assert_eq!(s["strategy"], "rotation-first", "{s:#}");
    assert_eq!(num(&s, &["objective"]), 1000.0, "{s:#}");
    assert_eq!(num(&s, &["terms", "tour_cost"]), 1000.0);
    assert_eq!(num(&s, &["shortfall", "role_unit_periods"]), 0.0);
    assert_eq!(num(&s, &["gap"]), 0.0, "{s:#}");
    assert_eq!(s["status"], "optimal");
    // Branch and bound on the whole model agrees.
    let dir = sc.write();
    let (_, m) = solve_and_verify(dir.path(), &["--strategy", "mip"]);
    assert_eq!(num(&m, &["objective"]), 1000.0);
    assert_eq!(m["status"], "optimal");
}

/// On a generated scenario (no tours under way, so the objective has no constant part and the
/// bound is objective × (1 − gap)), the rotation-first bound never exceeds the optimum that
/// branch and bound proves, and the heuristic's plan is never worse than no new tours at all
/// (its first incumbent is the relaxation rounded down, which it only improves).
#[test]
fn heuristic_bound_is_below_the_proven_optimum_on_a_generated_scenario() {
    let gen = tempfile::tempdir().expect("temp dir");
    let dir = gen.path().join("sc");
    generate(&dir, [3, 3, 3, 20, 6], 3);
    let _ = std::fs::remove_file(dir.join("deployed.csv"));
    let (_, h) = solve_and_verify(
        &dir,
        &["--strategy", "rotation-first", "--time-limit", "20"],
    );
    let (_, m) = solve_and_verify(&dir, &["--strategy", "mip", "--gap", "0"]);
    assert_eq!(m["status"], "optimal", "{m:#}");
    let optimum = num(&m, &["objective"]);
    let (objective, gap) = (num(&h, &["objective"]), num(&h, &["gap"]));
    assert!((0.0..=1.0).contains(&gap), "{h:#}");
    assert!(objective >= optimum - 1e-6 * optimum.abs().max(1.0));
    let bound = objective * (1.0 - gap);
    assert!(
        bound <= optimum + 1e-6 * optimum.abs().max(1.0),
        "bound {bound} above the optimum {optimum}\n{h:#}"
    );
}

/// The bottleneck step prices pools, limits and reception with the rotation relaxation a
/// rotation-first solve already holds, and takes the plan's network duals from the solve,
/// instead of solving either LP again. Planted numbers make a fresh solve visible: the
/// squadron's pool has room in every period (one unit, at most one tour on the ground), so its
/// true dual is 0 and a fresh relaxation would list no pool at all; the planted dual −5 in
/// period 0 must come back as a pool worth 5 per extra unit, and the planted optimum 123 as the
/// bound.
#[test]
fn bottlenecks_reuse_the_relaxation_a_rotation_first_solve_holds() {
    use rotaplan::model::lp::RowKind;
    use rotaplan::solve::{KnownRelaxation, Solved, Status};
    let dir = half_squadron().write();
    let sc = rotaplan::scenario::load(dir.path())
        .scenario
        .expect("the fixture loads");
    let ov = rotaplan::settings::Overrides::default();
    let opts = rotaplan::settings::solve_options(&sc, &ov, false);
    let m = rotaplan::model::build(&sc, opts.mode, rotaplan::settings::formulation(&sc, &ov));
    let solved = Solved {
        status: Status::Feasible,
        values: m.lp.col_lo.clone(),
        solver_objective: 140000.0,
        bound: 0.0,
        gap: 1.0,
        row_duals: Some(vec![0.0; m.lp.num_rows()]),
        col_duals: Some(vec![0.0; m.lp.num_cols()]),
        relaxation: Some(KnownRelaxation {
            objective: 123.0,
            row_duals: vec![(RowKind::Pool { offer: 0, t: 0 }, -5.0)],
            seconds: 0.0,
        }),
        multipliers: None,
        seconds: 0.0,
    };
    let (list, bound) =
        rotaplan::analysis::bottleneck::find(&m, &solved, &opts, false, true).expect("bottlenecks");
    assert_eq!(bound, Some(123.0));
    let pools: Vec<_> = list.iter().filter(|b| b.kind == "pool").collect();
    assert_eq!(pools.len(), 1, "{list:?}");
    assert_eq!(pools[0].marginal_value, 5.0);
    assert_eq!(pools[0].basis, "rotation lp relaxation");
    assert_eq!((pools[0].first, pools[0].last), (0, 0));
}

/// The squadron again, now burning 1 t of fuel a day (7 t a period on the ground) at a node
/// nothing supplies: every ton is unmet, at 100 a ton. `role_value` sets the role-units a
/// squadron is worth against the 1 required.
fn thirsty_squadron(role_value: u32) -> Scenario {
    half_squadron()
        .file(
            "unit_types.csv",
            &format!("unit_type,domain,role,role_value,troops,tour_days,dwell_days\nsqn,air,air_policing,{role_value},10,14,0\n"),
        )
        .file("consumption.csv", "unit_type,commodity,tons_per_day\nsqn,fuel,1\n")
        .file("commodities.csv", "commodity,shortfall_penalty\nfuel,100\n")
}

/// The `bound` event of the sustainment tangent in a JSON log.
fn sustainment_bound_event(stderr: &str) -> f64 {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["event"] == "bound" && e["step"] == "sustainment")
        .and_then(|e| e["bound"].as_f64())
        .unwrap_or_else(|| panic!("no sustainment bound event in\n{stderr}"))
}

/// The sustainment tangent (src/bound.rs), worked by hand. The plan is one tour in period 0:
/// 1000, plus 2 × 7 t unmet × 100 = 1400, so 2400. The fixed-tours LP prices demand at π = 100
/// a ton (every ton is unmet), V(d0) = 1400, and a tour begun in period 0 puts 7 t of demand in
/// each of the two periods, so π·G·x0 = 1400 and its cost in the rotation relaxation rises to
/// 1000 + 1400 = 2400 (one begun in period 1: 1000 + 700, covering period 1 only).
///
/// - role value 1: the rotation relaxation is x_0 = 1 (1000, the rotation bound, gap 58 %); with
///   the raised costs it is 2400 (x_0 = 1; x_1 leaves period 0 short at 70000), so the bound is
///   2400 + 1400 − 1400 = 2400: the plan is proven optimal.
/// - role value 2: half a squadron covers the requirement: 500 alone, 1200 raised, so the
///   tangent proves 1200 + 1400 − 1400 = 1200 against the plan's 2400 (the true optimum). The
///   gap is still 0: at the relaxation's point (half a squadron) the site rows
///   (docs/model.md#site-supply) price 2 × 3.5 t unmet at 100 (700, more than 1 % of 500), so
///   the search runs on the rotation model with them, and its last step, the whole rotation MIP
///   with those rows (a squadron is whole: 1000 + 1400), proves 2400.
#[test]
fn the_sustainment_bound_counts_the_tons_the_plan_cannot_avoid() {
    for (role_value, bound, gap) in [(1, 2400.0, 0.0), (2, 1200.0, 0.0)] {
        let dir = thirsty_squadron(role_value).write();
        let (out, r) = rotation_first_with_json_log(dir.path());
        let event = sustainment_bound_event(&r.stderr);
        assert!(
            (event - bound).abs() < 1e-6,
            "role value {role_value}: {event}"
        );
        let s = common::read_summary(&out);
        assert_eq!(num(&s, &["objective"]), 2400.0, "{s:#}");
        assert!((num(&s, &["gap"]) - gap).abs() < 1e-9, "{s:#}");
    }
}

/// Two squadrons can hold the requirement for both weeks (one tour of 14 days from period 0,
/// role value 1 each, one unit of each in the pool): a heavy one, 1000 a tour, burning 1 t of
/// fuel a day, and a light one, 1500 a tour, burning none. Nothing supplies fuel, so each ton is
/// unmet at 100: the heavy squadron costs 1000 + 14 × 100 = 2400 in all, the light one 1500.
/// The rotation search alone picks the heavy one (1000 < 1500); the fixed-tours LP then prices
/// fuel at 100 a ton, raising the heavy tour to 2400 in the search that follows, which switches
/// to the light squadron: the plan is 1500, the optimum (branch and bound agrees), and the
/// sustainment bound (1500 + 1400 − 1400 = 1500) proves it.
#[test]
fn the_sustainment_search_trades_a_cheap_tour_for_one_the_network_can_feed() {
    let sc = half_squadron()
        .file(
            "unit_types.csv",
            "unit_type,domain,role,role_value,troops,tour_days,dwell_days\nheavy,air,air_policing,1,10,14,0\nlight,air,air_policing,1,10,14,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_day,cost_per_tour\nGBR,heavy,1,0,1000\nGBR,light,1,0,1500\n",
        )
        .file("consumption.csv", "unit_type,commodity,tons_per_day\nheavy,fuel,1\n")
        .file("commodities.csv", "commodity,shortfall_penalty\nfuel,100\n");
    let dir = sc.write();
    let (out, s) = solve_and_verify(dir.path(), &["--strategy", "rotation-first"]);
    assert_eq!(num(&s, &["objective"]), 1500.0, "{s:#}");
    assert_eq!(num(&s, &["terms", "sustainment_penalty"]), 0.0, "{s:#}");
    assert_eq!(s["status"], "optimal", "{s:#}");
    let tours = common::read_csv(&out.join("deployments.csv"));
    assert_eq!(tours.len(), 1, "{tours:?}");
    assert_eq!(tours[0]["unit_type"], "light", "{tours:?}");
    let dir = sc.write();
    let (_, m) = solve_and_verify(dir.path(), &["--strategy", "mip"]);
    assert_eq!(num(&m, &["objective"]), 1500.0, "{m:#}");
}
