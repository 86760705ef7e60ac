//! Sustainment (docs/model.md constraint 6) on hand-checkable networks.
//!
//! Every case uses one-day periods (period_days = 1) so that tons/day × P is simply tons per
//! period, and a fixed force: one battalion already on the ground for the whole horizon
//! (deployed.csv), consuming 10 t of fuel a day at site S (node SN). Requirements name a role no
//! unit type has, so no new tours exist and the network alone decides the objective.

mod common;
use common::*;
use std::collections::BTreeMap;

const NATIONS: &str = "nation\nGBR\n";
const UNITS: &str =
    "unit_type,domain,role,troops,tour_days,dwell_days\nbn,land,infantry,100,100,0\n";
const OFFERS: &str = "nation,unit_type,units\nGBR,bn,1\n";
const SITES: &str = "site,zone,node\nS,Z,SN\n";
// A role no unit type has: no tour variables (a warning, not an error).
const REQS: &str = "site,role,required\nS,none,0\n";
// Arrived 2027-01-01, start 2027-01-04: on the ground in every period of a 4-day horizon.
const DEPLOYED: &str = "nation,unit_type,site,arrived,units\nGBR,bn,S,2027-01-01,1\n";
const CONSUMPTION: &str = "unit_type,commodity,tons_per_day\nbn,fuel,10\n";

/// The fixed-force scenario with the given network tables.
fn network(nodes: &str, arcs: &str, supply: &str, extra: &[(&str, &str)]) -> Scenario {
    let mut s = Scenario::new()
        .file("scenario.toml", &toml(4, 1, ""))
        .file("nations.csv", NATIONS)
        .file("unit_types.csv", UNITS)
        .file("offers.csv", OFFERS)
        .file("sites.csv", SITES)
        .file("requirements.csv", REQS)
        .file("deployed.csv", DEPLOYED)
        .file("nodes.csv", nodes)
        .file("arcs.csv", arcs)
        .file("supply.csv", supply)
        .file("consumption.csv", CONSUMPTION);
    for (f, t) in extra {
        s = s.file(f, t);
    }
    s
}

/// tons per (from, to, mode) and period index 0..3, from flows.csv.
fn flows(out: &std::path::Path) -> BTreeMap<(String, String, String, usize), f64> {
    let days = ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07"];
    read_csv(&out.join("flows.csv"))
        .into_iter()
        .map(|r| {
            let t = days
                .iter()
                .position(|d| *d == r["period_start"])
                .expect("a horizon day");
            (
                (r["from"].clone(), r["to"].clone(), r["mode"].clone(), t),
                r["tons"].parse::<f64>().unwrap(),
            )
        })
        .collect()
}

fn stock_rows(out: &std::path::Path, node: &str) -> Vec<BTreeMap<String, String>> {
    read_csv(&out.join("stocks.csv"))
        .into_iter()
        .filter(|r| r["node"] == node)
        .collect()
}

#[test]
fn cheaper_path_fills_first_then_the_rest_splits() {
    // D→A→SN costs 1 + 1 = 2 per ton but A→SN carries only 6 t/day; D→B→SN costs 5 + 5 = 10.
    // Demand is 10 t/day: 6 t take the cheap path, 4 t the dear one, every day.
    // Transport = 4 days × (6 × 2 + 4 × 10) = 4 × 52 = 208; supply is free; nothing unmet.
    let nodes = "node,kind\nD,depot\nA,hub\nB,hub\nSN,site\n";
    let arcs = "from,to,mode,capacity_tons_per_day,cost_per_ton\nD,A,rail,100,1\nA,SN,road,6,1\nD,B,rail,100,5\nB,SN,road,100,5\n";
    let supply = "node,commodity,tons_per_day\nD,fuel,100\n";
    let dir = network(nodes, arcs, supply, &[]).write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    assert_eq!(num(&s, &["terms", "transport_cost"]), 208.0);
    assert_eq!(num(&s, &["terms", "sustainment_penalty"]), 0.0);
    assert_eq!(num(&s, &["objective"]), 208.0);
    let f = flows(&out);
    for t in 0..4 {
        assert_eq!(f[&("A".into(), "SN".into(), "road".into(), t)], 6.0);
        assert_eq!(f[&("B".into(), "SN".into(), "road".into(), t)], 4.0);
    }
}

#[test]
fn a_transit_lag_of_one_period_delays_arrival() {
    // transit_days = 1 with 1-day periods: λ = 1. Nothing is in transit at start, so day 0's
    // 10 t cannot arrive: unmet 10 t (penalty 1000/t). Flows sent on days 0, 1, 2 arrive on days
    // 1, 2, 3; a flow sent on day 3 would arrive after the horizon, so none is sent.
    let nodes = "node,kind\nD,depot\nSN,site\n";
    let arcs = "from,to,mode,capacity_tons_per_day,cost_per_ton,transit_days\nD,SN,road,100,1,1\n";
    let supply = "node,commodity,tons_per_day\nD,fuel,100\n";
    let dir = network(nodes, arcs, supply, &[]).write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    let f = flows(&out);
    for t in 0..3 {
        assert_eq!(
            f[&("D".into(), "SN".into(), "road".into(), t)],
            10.0,
            "day {t}"
        );
    }
    assert!(!f.contains_key(&("D".into(), "SN".into(), "road".into(), 3)));
    let sn = stock_rows(&out, "SN");
    let unmet: Vec<f64> = sn.iter().map(|r| r["unmet"].parse().unwrap()).collect();
    assert_eq!(unmet, vec![10.0, 0.0, 0.0, 0.0]);
    assert_eq!(num(&s, &["terms", "transport_cost"]), 30.0);
    assert_eq!(num(&s, &["terms", "sustainment_penalty"]), 10_000.0);
    assert_eq!(num(&s, &["shortfall", "unmet_tons"]), 10.0);
}

#[test]
fn storage_carries_stock_from_a_cheap_early_period() {
    // The rail arc (1/t) is open on day 0 only; the road arc (10/t) always. SN stores 100 t.
    // Cheapest: send all 40 t of the horizon's demand by rail on day 0 (cost 40) and draw the
    // stock down 30, 20, 10, 0; any road ton would cost 10.
    let nodes = "node,kind,storage_tons\nD,depot,0\nSN,site,100\n";
    let arcs = "from,to,mode,capacity_tons_per_day,cost_per_ton,available_to\nD,SN,rail,100,1,2027-01-04\nD,SN,road,100,10,\n";
    let supply = "node,commodity,tons_per_day\nD,fuel,100\n";
    let dir = network(nodes, arcs, supply, &[]).write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    assert_eq!(num(&s, &["terms", "transport_cost"]), 40.0);
    let stock: Vec<f64> = stock_rows(&out, "SN")
        .iter()
        .map(|r| r["stock"].parse().unwrap())
        .collect();
    assert_eq!(stock, vec![30.0, 20.0, 10.0, 0.0]);
}

#[test]
fn days_of_supply_are_kept_while_storage_allows_and_the_shortfall_is_reported_when_not() {
    // days_of_supply 2 → keep 2 × 10 = 20 t at SN at the end of every day; the penalty is
    // 10 per ton short per day. Keeping the level costs 20 t of transport once (1/t), far less
    // than the penalty, so: shipped 40 + 20 = 60 t, transport 60, no shortfall.
    let arcs = "from,to,mode,capacity_tons_per_day,cost_per_ton\nD,SN,road,100,1\n";
    let supply = "node,commodity,tons_per_day\nD,fuel,100\n";
    let commodities = "commodity,days_of_supply\nfuel,2\n";
    let roomy = "node,kind,storage_tons\nD,depot,0\nSN,site,100\n";
    let dir = network(roomy, arcs, supply, &[("commodities.csv", commodities)]).write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    assert_eq!(num(&s, &["terms", "transport_cost"]), 60.0);
    assert_eq!(num(&s, &["terms", "days_of_supply_penalty"]), 0.0);
    let stock: Vec<f64> = stock_rows(&out, "SN")
        .iter()
        .map(|r| r["stock"].parse().unwrap())
        .collect();
    assert_eq!(stock, vec![20.0, 20.0, 20.0, 20.0]);

    // With storage of 15 t the level cannot be kept: 5 t short every day, 4 × 5 = 20 ton-days,
    // penalty 10 × 1 day × 20 = 200; transport 40 + 15 = 55; objective 255.
    let tight = "node,kind,storage_tons\nD,depot,0\nSN,site,15\n";
    let dir = network(tight, arcs, supply, &[("commodities.csv", commodities)]).write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    let short: Vec<f64> = stock_rows(&out, "SN")
        .iter()
        .map(|r| r["dos_short"].parse().unwrap())
        .collect();
    assert_eq!(short, vec![5.0, 5.0, 5.0, 5.0]);
    assert_eq!(num(&s, &["terms", "days_of_supply_penalty"]), 200.0);
    assert_eq!(num(&s, &["terms", "transport_cost"]), 55.0);
    assert_eq!(num(&s, &["objective"]), 255.0);
}

#[test]
fn unmet_demand_appears_only_when_capacity_or_output_is_short() {
    let nodes = "node,kind\nD,depot\nSN,site\n";
    let unmet = |arc_cap: f64, output: f64| -> f64 {
        let arcs = format!("from,to,mode,capacity_tons_per_day\nD,SN,road,{arc_cap}\n");
        let supply = format!("node,commodity,tons_per_day\nD,fuel,{output}\n");
        let dir = network(nodes, &arcs, &supply, &[]).write();
        let (_, s) = solve_and_verify(dir.path(), &[]);
        num(&s, &["shortfall", "unmet_tons"])
    };
    // Enough of both: nothing unmet.
    assert_eq!(unmet(100.0, 100.0), 0.0);
    // Depot output 8 t/day against 10: 2 t/day unmet, 8 t over 4 days.
    assert_eq!(unmet(100.0, 8.0), 8.0);
    // Arc capacity 7 t/day: 3 t/day unmet, 12 t.
    assert_eq!(unmet(7.0, 100.0), 12.0);
}

#[test]
fn without_network_tables_no_sustainment_is_planned() {
    let dir = Scenario::new()
        .file("scenario.toml", &toml(4, 1, ""))
        .file("nations.csv", NATIONS)
        .file("unit_types.csv", UNITS)
        .file("offers.csv", OFFERS)
        .file("sites.csv", "site,zone\nS,Z\n")
        .file("requirements.csv", REQS)
        .file("deployed.csv", DEPLOYED)
        .write();
    let (out, s) = solve_and_verify(dir.path(), &[]);
    assert!(!out.join("flows.csv").exists());
    assert!(!out.join("stocks.csv").exists());
    assert!(!out.join("movements.csv").exists());
    // No costs, no requirement: the objective is exactly 0.
    assert_eq!(num(&s, &["objective"]), 0.0);
}

/// Independent min-cost flow by successive shortest paths (Bellman-Ford on the residual graph,
/// with petgraph), for one period: supplies (node, tons, cost/t), demands (node, tons), arcs
/// (from, to, capacity, cost/t). Returns the total cost; panics if the demand cannot be met.
fn min_cost_flow(
    n_nodes: usize,
    supplies: &[(usize, f64, f64)],
    demands: &[(usize, f64)],
    arcs: &[(usize, usize, f64, f64)],
) -> f64 {
    use petgraph::algo::bellman_ford;
    use petgraph::graph::{DiGraph, NodeIndex};
    // Residual edges: (from, to, capacity left, cost); edge i ^ 1 is its reverse.
    let source = n_nodes;
    let sink = n_nodes + 1;
    let mut edges: Vec<(usize, usize, f64, f64)> = Vec::new();
    let add =
        |a: usize, b: usize, cap: f64, cost: f64, edges: &mut Vec<(usize, usize, f64, f64)>| {
            edges.push((a, b, cap, cost));
            edges.push((b, a, 0.0, -cost));
        };
    for &(w, cap, cost) in supplies {
        add(source, w, cap, cost, &mut edges);
    }
    for &(w, d) in demands {
        add(w, sink, d, 0.0, &mut edges);
    }
    for &(a, b, cap, cost) in arcs {
        add(a, b, cap, cost, &mut edges);
    }
    let need: f64 = demands.iter().map(|d| d.1).sum();
    let (mut sent, mut total) = (0.0, 0.0);
    while sent < need - 1e-9 {
        let mut g: DiGraph<(), (f64, usize)> = DiGraph::new();
        let ix: Vec<NodeIndex> = (0..n_nodes + 2).map(|_| g.add_node(())).collect();
        for (i, &(a, b, cap, cost)) in edges.iter().enumerate() {
            if cap > 1e-9 {
                g.add_edge(ix[a], ix[b], (cost, i));
            }
        }
        let paths = bellman_ford(&g.map(|_, _| (), |_, e| e.0), ix[source])
            .expect("no negative cycle in a residual graph");
        assert!(paths.distances[sink].is_finite(), "demand cannot be met");
        // Walk back from the sink, choosing for each hop the cheapest residual edge.
        let mut path = Vec::new();
        let mut v = sink;
        while v != source {
            let u = paths.predecessors[v].expect("on a shortest path").index();
            let (best, _) = edges
                .iter()
                .enumerate()
                .filter(|(_, e)| e.0 == u && e.1 == v && e.2 > 1e-9)
                .min_by(|a, b| a.1 .3.total_cmp(&b.1 .3))
                .expect("a residual edge on the path");
            path.push(best);
            v = u;
        }
        let push = path.iter().map(|&i| edges[i].2).fold(need - sent, f64::min);
        for &i in &path {
            edges[i].2 -= push;
            edges[i ^ 1].2 += push;
            total += push * edges[i].3;
        }
        sent += push;
    }
    total
}

#[test]
fn transport_and_supply_cost_match_an_independent_min_cost_flow() {
    // Two depots (different supply prices and limits), three hubs, two sites; no storage and no
    // transit times, so every period is a separate min-cost flow problem. The force is fixed
    // (initial tours only): S1 has 2 battalions (20 t/day), S2 one (10 t/day).
    let nodes = "node,kind\nD1,depot\nD2,depot\nH1,hub\nH2,hub\nH3,hub\nN1,site\nN2,site\n";
    let arcs_list: [(&str, &str, f64, f64); 9] = [
        ("D1", "H1", 15.0, 2.0),
        ("D1", "H2", 20.0, 4.0),
        ("D2", "H2", 25.0, 1.0),
        ("D2", "H3", 10.0, 3.0),
        ("H1", "N1", 12.0, 5.0),
        ("H2", "N1", 30.0, 7.0),
        ("H2", "N2", 8.0, 2.0),
        ("H3", "N2", 10.0, 6.0),
        ("H1", "H2", 5.0, 1.0),
    ];
    let mut arcs = String::from("from,to,mode,capacity_tons_per_day,cost_per_ton\n");
    for (a, b, cap, cost) in arcs_list {
        arcs.push_str(&format!("{a},{b},road,{cap},{cost}\n"));
    }
    let supply = "node,commodity,tons_per_day,cost_per_ton\nD1,fuel,22,3\nD2,fuel,30,6\n";
    let dir = Scenario::new()
        .file("scenario.toml", &toml(3, 1, ""))
        .file("nations.csv", NATIONS)
        .file("unit_types.csv", UNITS)
        .file("offers.csv", "nation,unit_type,units\nGBR,bn,3\n")
        .file("sites.csv", "site,zone,node\nS1,Z,N1\nS2,Z,N2\n")
        .file("requirements.csv", "site,role,required\nS1,none,0\n")
        .file(
            "deployed.csv",
            "nation,unit_type,site,arrived,units\nGBR,bn,S1,2027-01-01,2\nGBR,bn,S2,2027-01-01,1\n",
        )
        .file("nodes.csv", nodes)
        .file("arcs.csv", &arcs)
        .file("supply.csv", supply)
        .file("consumption.csv", CONSUMPTION)
        .write();
    let (_, s) = solve_and_verify(dir.path(), &[]);
    assert_eq!(num(&s, &["shortfall", "unmet_tons"]), 0.0);
    let code = |c: &str| {
        ["D1", "D2", "H1", "H2", "H3", "N1", "N2"]
            .iter()
            .position(|x| *x == c)
            .unwrap()
    };
    let arcs_ix: Vec<(usize, usize, f64, f64)> = arcs_list
        .iter()
        .map(|&(a, b, cap, cost)| (code(a), code(b), cap, cost))
        .collect();
    let per_period = min_cost_flow(
        7,
        &[(code("D1"), 22.0, 3.0), (code("D2"), 30.0, 6.0)],
        &[(code("N1"), 20.0), (code("N2"), 10.0)],
        &arcs_ix,
    );
    let ours = num(&s, &["terms", "transport_cost"]) + num(&s, &["terms", "supply_cost"]);
    assert!(
        (ours - 3.0 * per_period).abs() < 1e-6,
        "rotaplan {ours} vs min-cost flow 3 × {per_period}"
    );
}

#[test]
fn the_arc_that_limits_a_site_is_the_top_bottleneck_and_its_value_matches_a_resolve() {
    // One road of 8 t/day feeds 10 t/day of demand: 2 t/day unmet at 1000/t. One more ton/day of
    // road capacity saves (1000 − 1) per day for 4 days = 3996; the dual must say the same as
    // re-solving with capacity 9.
    let nodes = "node,kind\nD,depot\nSN,site\n";
    let supply = "node,commodity,tons_per_day\nD,fuel,100\n";
    let solve_with = |cap: f64| {
        let arcs = format!("from,to,mode,capacity_tons_per_day,cost_per_ton\nD,SN,road,{cap},1\n");
        let dir = network(nodes, &arcs, supply, &[]).write();
        let (out, s) = solve_and_verify(dir.path(), &["--mode", "lp"]);
        (
            read_csv(&out.join("bottlenecks.csv")),
            num(&s, &["objective"]),
            dir,
        )
    };
    let (bottlenecks, obj8, _d8) = solve_with(8.0);
    let (_, obj9, _d9) = solve_with(9.0);
    let top = &bottlenecks[0];
    assert_eq!(top["kind"], "arc");
    assert!(top["name"].starts_with("D>SN road"), "{top:?}");
    let mv: f64 = top["marginal_value"].parse().unwrap();
    assert_eq!(obj8 - obj9, 3996.0);
    assert!(
        (mv - (obj8 - obj9)).abs() < 1e-6,
        "marginal value {mv} vs re-solve {}",
        obj8 - obj9
    );
}
