//! Validation integration tests: every input error is reported by `check` and `solve`
//! as `file:line: column: message` with exit code 2, and `solve` writes nothing; the reading rules
//! of docs/inputs.md (BOM, `;` files, short rows, …) are accepted where they should be; no input,
//! however malformed, makes rotaplan panic.
//!
//! Each test starts from a small valid scenario (`base()`, or `net()` with the supply network)
//! and changes one file. Line numbers count the header as line 1.

mod common;

use common::{num, rotaplan, solve_and_verify, toml, Run, Scenario};
use std::path::Path;

const NATIONS: &str = "nation,name,available_from,available_to\nAAA,Alpha,,\nBBB,Bravo,,\n";
// tour 28 days → L = 4, dwell 56 → D = 8, handover 7 → H = 1.
const UNIT_TYPES: &str =
    "unit_type,domain,role,role_value,troops,tour_days,dwell_days,handover_days\n\
                          inf_bn,land,infantry,1,500,28,56,7\n\
                          helo_sqn,air,aviation,1,200,28,28,0\n";
const OFFERS: &str = "nation,unit_type,units,max_deployed,cost_per_day,cost_per_tour\n\
                      AAA,inf_bn,3,2,0,0\n\
                      BBB,inf_bn,2,,,\n\
                      BBB,helo_sqn,1,,10,\n";
const SITES: &str = "site,zone\nS1,east\nS2,west\n";
const REQUIREMENTS: &str = "site,role,required,priority,from,to\n\
                            S1,infantry,1,1,,\n\
                            S2,infantry,1,2,2027-01-18,\n\
                            S2,aviation,1,1,,\n";
const LIMITS: &str = "nation,zone,domain,max_troops,from,to\nAAA,east,land,1000,,\n*,*,*,5000,,\n";
const DEPLOYED: &str = "nation,unit_type,site,arrived,units\nAAA,inf_bn,S1,2026-12-28,1\n";

/// A small valid scenario without the supply network (T = 8 weekly periods).
fn base() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(8, 7, ""))
        .file("nations.csv", NATIONS)
        .file("unit_types.csv", UNIT_TYPES)
        .file("offers.csv", OFFERS)
        .file("sites.csv", SITES)
        .file("requirements.csv", REQUIREMENTS)
        .file("limits.csv", LIMITS)
        .file("deployed.csv", DEPLOYED)
}

const NODES: &str = "node,kind,storage_tons,pax_per_day\n\
                     DEP,depot,0,\n\
                     HUB,hub,100,\n\
                     POD,airfield,0,1000\n\
                     N1,site,50,\n\
                     N2,site,50,\n";
const NET_SITES: &str = "site,zone,node,reception\nS1,east,N1,POD\nS2,west,N2,\n";
const ARCS: &str = "from,to,mode,capacity_tons_per_day,cost_per_ton,transit_days,bidirectional\n\
                    DEP,HUB,rail,100,1,3,false\n\
                    HUB,N1,road,50,1,0,true\n\
                    HUB,N2,road,50,1,0,\n";
const SUPPLY: &str = "node,commodity,tons_per_day,cost_per_ton\nDEP,fuel,100,0\nDEP,food,100,0\n";
const CONSUMPTION: &str =
    "unit_type,commodity,tons_per_day\ninf_bn,fuel,2\ninf_bn,food,1\nhelo_sqn,fuel,5\n";
const COMMODITIES: &str = "commodity,days_of_supply,shortfall_penalty\nfuel,3,\nfood,2,500\n";
const STOCKS: &str = "node,commodity,tons\nHUB,fuel,40\nN1,food,10\n";

/// `base()` with the whole supply network.
fn net() -> Scenario {
    base()
        .file("sites.csv", NET_SITES)
        .file("nodes.csv", NODES)
        .file("arcs.csv", ARCS)
        .file("supply.csv", SUPPLY)
        .file("consumption.csv", CONSUMPTION)
        .file("commodities.csv", COMMODITIES)
        .file("initial_stocks.csv", STOCKS)
}

/// Replaces `from` by `to` in one file of the scenario (the text must be there).
fn edit(sc: Scenario, file: &str, from: &str, to: &str) -> Scenario {
    let text = sc.files[file].clone();
    assert!(text.contains(from), "{file} has no `{from}`");
    sc.file(file, &text.replacen(from, to, 1))
}

/// Appends lines to one file of the scenario.
fn append(sc: Scenario, file: &str, lines: &str) -> Scenario {
    let text = sc.files[file].clone();
    sc.file(file, &format!("{text}{lines}"))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn no_panic(r: &Run, what: &str) {
    assert!(
        r.code != 101 && !r.stderr.contains("panicked"),
        "{what}: rotaplan panicked (exit {}):\n{}",
        r.code,
        r.stderr
    );
}

/// Asserts the scenario is refused: `check` exits 2 and prints a line starting with `prefix`
/// (`file:line: column:`); `solve` exits 2, prints the same line on stderr and writes nothing
/// (no output directory, no temporary sibling). Returns the reported line.
fn refused(sc: &Scenario, prefix: &str) -> String {
    let dir = sc.write();
    let path = dir.path().to_str().unwrap();
    let before = names_in(dir.path());
    let c = rotaplan(&["check", path]);
    no_panic(&c, "check");
    assert_eq!(
        c.code, 2,
        "check should refuse the scenario:\n{}{}",
        c.stdout, c.stderr
    );
    let line = c
        .stdout
        .lines()
        .find(|l| l.starts_with(prefix) && !l[prefix.len()..].trim_start().starts_with("warning:"))
        .unwrap_or_else(|| panic!("no error starting with `{prefix}` in:\n{}", c.stdout))
        .to_string();
    let out = dir.path().join("out");
    let s = rotaplan(&["solve", path, "--out", out.to_str().unwrap(), "--quiet"]);
    no_panic(&s, "solve");
    assert_eq!(s.code, 2, "solve should exit 2:\n{}{}", s.stdout, s.stderr);
    assert!(
        s.stderr.contains(&line),
        "solve does not report `{line}`:\n{}",
        s.stderr
    );
    assert!(
        !out.exists(),
        "solve wrote {} despite the input error",
        out.display()
    );
    assert_eq!(names_in(dir.path()), before, "solve left files behind");
    line
}

/// Asserts the scenario is valid (`check` exits 0); returns what `check` printed.
fn accepted(sc: &Scenario) -> String {
    let dir = sc.write();
    let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
    no_panic(&c, "check");
    assert_eq!(
        c.code, 0,
        "check should accept the scenario:\n{}{}",
        c.stdout, c.stderr
    );
    c.stdout
}

/// Asserts `check` accepts the scenario with a warning line starting with `prefix`.
fn warned(sc: &Scenario, prefix: &str) -> String {
    let out = accepted(sc);
    out.lines()
        .find(|l| l.starts_with(prefix) && l.contains("warning:"))
        .unwrap_or_else(|| panic!("no warning starting with `{prefix}` in:\n{out}"))
        .to_string()
}

// ----- the valid bases ---------------------------------------------------------------------

#[test]
fn the_bases_are_valid_and_solve() {
    for sc in [base(), net()] {
        let out = accepted(&sc);
        assert!(out.contains("is valid (0 warning(s))"), "{out}");
        let dir = sc.write();
        let (_, summary) = solve_and_verify(dir.path(), &[]);
        assert!(num(&summary, &["objective"]) >= 0.0);
    }
}

// ----- unknown references ------------------------------------------------------------------

#[test]
fn unknown_nation_in_offers() {
    let l = refused(
        &append(base(), "offers.csv", "CCC,inf_bn,1,,,\n"),
        "offers.csv:5: nation:",
    );
    assert!(l.contains("unknown nation `CCC`"), "{l}");
}

#[test]
fn codes_are_case_sensitive() {
    let l = refused(
        &append(base(), "offers.csv", "aaa,helo_sqn,1,,,\n"),
        "offers.csv:5: nation:",
    );
    assert!(l.contains("`aaa`"), "{l}");
}

#[test]
fn unknown_unit_type_in_offers() {
    refused(
        &append(base(), "offers.csv", "AAA,tank_bn,1,,,\n"),
        "offers.csv:5: unit_type:",
    );
}

#[test]
fn unknown_site_in_requirements() {
    refused(
        &append(base(), "requirements.csv", "S9,infantry,1,,,\n"),
        "requirements.csv:5: site:",
    );
}

#[test]
fn unknown_references_in_deployed() {
    let sc = append(
        base(),
        "deployed.csv",
        "AAA,inf_bn,S9,2026-12-28,1\nZZZ,inf_bn,S1,2026-12-28,1\nAAA,tank,S1,2026-12-28,1\n",
    );
    refused(&sc, "deployed.csv:3: site:");
    refused(&sc, "deployed.csv:4: nation:");
    refused(&sc, "deployed.csv:5: unit_type:");
}

#[test]
fn unknown_nation_and_domain_in_limits() {
    refused(
        &append(base(), "limits.csv", "CCC,east,land,10,,\n"),
        "limits.csv:4: nation:",
    );
    refused(
        &append(base(), "limits.csv", "AAA,east,space,10,,\n"),
        "limits.csv:4: domain:",
    );
}

#[test]
fn unknown_domain_in_unit_types() {
    refused(
        &append(base(), "unit_types.csv", "sub,undersea,asw,1,50,28,28,0\n"),
        "unit_types.csv:4: domain:",
    );
}

#[test]
fn unknown_nodes_in_network_tables() {
    refused(
        &edit(net(), "sites.csv", "S2,west,N2,", "S2,west,N9,"),
        "sites.csv:3: node:",
    );
    refused(
        &edit(net(), "sites.csv", "S1,east,N1,POD", "S1,east,N1,APOD"),
        "sites.csv:2: reception:",
    );
    refused(
        &append(net(), "arcs.csv", "HUB,XX,road,1,,,\n"),
        "arcs.csv:5: to:",
    );
    refused(
        &append(net(), "supply.csv", "XX,fuel,1,\n"),
        "supply.csv:4: node:",
    );
    refused(
        &append(net(), "initial_stocks.csv", "XX,fuel,1\n"),
        "initial_stocks.csv:4: node:",
    );
    refused(
        &append(net(), "consumption.csv", "tank,fuel,1\n"),
        "consumption.csv:5: unit_type:",
    );
}

#[test]
fn unknown_kind_and_mode_in_network_tables() {
    refused(
        &append(net(), "nodes.csv", "N3,warehouse,0,\n"),
        "nodes.csv:7: kind:",
    );
    refused(
        &append(net(), "arcs.csv", "HUB,N2,canal,1,,,\n"),
        "arcs.csv:5: mode:",
    );
}

// ----- duplicates --------------------------------------------------------------------------

#[test]
fn duplicate_nation() {
    let l = refused(
        &append(base(), "nations.csv", "AAA,Again,,\n"),
        "nations.csv:4: nation:",
    );
    assert!(l.contains("duplicate") && l.contains("line 2"), "{l}");
}

#[test]
fn duplicate_unit_type() {
    refused(
        &append(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,500,28,56,7\n",
        ),
        "unit_types.csv:4: unit_type:",
    );
}

#[test]
fn duplicate_offer() {
    let l = refused(
        &append(base(), "offers.csv", "AAA,inf_bn,1,,,\n"),
        "offers.csv:5:",
    );
    assert!(l.contains("duplicate") && l.contains("line 2"), "{l}");
}

#[test]
fn duplicate_site() {
    refused(
        &append(base(), "sites.csv", "S1,west\n"),
        "sites.csv:4: site:",
    );
}

#[test]
fn duplicates_in_network_tables() {
    refused(
        &append(net(), "nodes.csv", "HUB,hub,0,\n"),
        "nodes.csv:7: node:",
    );
    refused(
        &append(net(), "supply.csv", "DEP,fuel,5,\n"),
        "supply.csv:4:",
    );
    refused(
        &append(net(), "consumption.csv", "inf_bn,fuel,1\n"),
        "consumption.csv:5:",
    );
    refused(
        &append(net(), "commodities.csv", "fuel,1,\n"),
        "commodities.csv:4: commodity:",
    );
    refused(
        &append(net(), "initial_stocks.csv", "HUB,fuel,1\n"),
        "initial_stocks.csv:4:",
    );
}

#[test]
fn duplicate_header_column() {
    refused(
        &base().file("sites.csv", "site,zone,site\nS1,east,S1\nS2,west,S2\n"),
        "sites.csv:1: site:",
    );
}

#[test]
fn repeated_requirement_limit_and_deployed_rows_add_up() {
    let sc = append(base(), "requirements.csv", "S1,infantry,1,1,,\n");
    let sc = append(sc, "limits.csv", "AAA,east,land,1000,,\n");
    let sc = append(sc, "deployed.csv", "AAA,inf_bn,S1,2026-12-28,1\n");
    accepted(&sc);
}

// ----- bad numbers -------------------------------------------------------------------------

#[test]
fn text_in_a_number_column() {
    let l = refused(
        &edit(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,500,",
            "inf_bn,land,infantry,1,lots,",
        ),
        "unit_types.csv:2: troops:",
    );
    assert!(l.contains("`lots`"), "{l}");
}

#[test]
fn inf_and_nan_are_not_numbers() {
    for bad in ["inf", "nan", "NaN", "-inf", "infinity", "1e999"] {
        refused(
            &edit(
                base(),
                "requirements.csv",
                "S1,infantry,1,1",
                &format!("S1,infantry,{bad},1"),
            ),
            "requirements.csv:2: required:",
        );
    }
}

#[test]
fn integer_columns_accept_a_zero_fraction_only() {
    accepted(&edit(
        base(),
        "unit_types.csv",
        "inf_bn,land,infantry,1,500,",
        "inf_bn,land,infantry,1,500.0,",
    ));
    accepted(&edit(
        base(),
        "offers.csv",
        "AAA,inf_bn,3,2,",
        "AAA,inf_bn,3.0,2.00,",
    ));
    accepted(&edit(
        base(),
        "offers.csv",
        "AAA,inf_bn,3,2,",
        "AAA,inf_bn,3e0,2,",
    ));
    refused(
        &edit(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,500,",
            "inf_bn,land,infantry,1,500.5,",
        ),
        "unit_types.csv:2: troops:",
    );
    refused(
        &edit(base(), "offers.csv", "AAA,inf_bn,3,2,", "AAA,inf_bn,2.5,2,"),
        "offers.csv:2: units:",
    );
    refused(
        &edit(base(), "offers.csv", "AAA,inf_bn,3,2,", "AAA,inf_bn,3,1.5,"),
        "offers.csv:2: max_deployed:",
    );
    refused(
        &edit(base(), "deployed.csv", "2026-12-28,1", "2026-12-28,0.5"),
        "deployed.csv:2: units:",
    );
}

#[test]
fn numbers_out_of_range() {
    refused(
        &edit(
            base(),
            "requirements.csv",
            "S1,infantry,1,1",
            "S1,infantry,-1,1",
        ),
        "requirements.csv:2: required:",
    );
    refused(
        &edit(
            base(),
            "requirements.csv",
            "S1,infantry,1,1",
            "S1,infantry,1,0",
        ),
        "requirements.csv:2: priority:",
    );
    refused(
        &edit(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,",
            "inf_bn,land,infantry,0,",
        ),
        "unit_types.csv:2: role_value:",
    );
    refused(
        &edit(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,500,",
            "inf_bn,land,infantry,1,0,",
        ),
        "unit_types.csv:2: troops:",
    );
    refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,0,56,0"),
        "unit_types.csv:2: tour_days:",
    );
    refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,28,-1,7"),
        "unit_types.csv:2: dwell_days:",
    );
    refused(
        &edit(
            base(),
            "offers.csv",
            "AAA,inf_bn,3,2,0,0",
            "AAA,inf_bn,3,2,-5,0",
        ),
        "offers.csv:2: cost_per_day:",
    );
    refused(
        &edit(
            base(),
            "offers.csv",
            "AAA,inf_bn,3,2,0,0",
            "AAA,inf_bn,3,2,0,-5",
        ),
        "offers.csv:2: cost_per_tour:",
    );
    refused(
        &edit(base(), "offers.csv", "AAA,inf_bn,3,", "AAA,inf_bn,-3,"),
        "offers.csv:2: units:",
    );
    refused(
        &edit(
            base(),
            "limits.csv",
            "AAA,east,land,1000",
            "AAA,east,land,-1",
        ),
        "limits.csv:2: max_troops:",
    );
    refused(
        &edit(base(), "deployed.csv", "2026-12-28,1", "2026-12-28,0"),
        "deployed.csv:2: units:",
    );
}

#[test]
fn network_numbers_out_of_range() {
    refused(
        &edit(net(), "nodes.csv", "HUB,hub,100,", "HUB,hub,-100,"),
        "nodes.csv:3: storage_tons:",
    );
    refused(
        &edit(
            net(),
            "nodes.csv",
            "POD,airfield,0,1000",
            "POD,airfield,0,-1",
        ),
        "nodes.csv:4: pax_per_day:",
    );
    refused(
        &edit(
            net(),
            "arcs.csv",
            "DEP,HUB,rail,100,1,3",
            "DEP,HUB,rail,-100,1,3",
        ),
        "arcs.csv:2: capacity_tons_per_day:",
    );
    refused(
        &edit(
            net(),
            "arcs.csv",
            "DEP,HUB,rail,100,1,3",
            "DEP,HUB,rail,100,-1,3",
        ),
        "arcs.csv:2: cost_per_ton:",
    );
    refused(
        &edit(
            net(),
            "arcs.csv",
            "DEP,HUB,rail,100,1,3",
            "DEP,HUB,rail,100,1,-3",
        ),
        "arcs.csv:2: transit_days:",
    );
    refused(
        &edit(net(), "supply.csv", "DEP,fuel,100,0", "DEP,fuel,-100,0"),
        "supply.csv:2: tons_per_day:",
    );
    refused(
        &edit(net(), "supply.csv", "DEP,fuel,100,0", "DEP,fuel,100,-1"),
        "supply.csv:2: cost_per_ton:",
    );
    refused(
        &edit(net(), "consumption.csv", "inf_bn,fuel,2", "inf_bn,fuel,-2"),
        "consumption.csv:2: tons_per_day:",
    );
    refused(
        &edit(net(), "commodities.csv", "food,2,500", "food,-2,500"),
        "commodities.csv:3: days_of_supply:",
    );
    refused(
        &edit(net(), "commodities.csv", "food,2,500", "food,2,-500"),
        "commodities.csv:3: shortfall_penalty:",
    );
    refused(
        &edit(net(), "initial_stocks.csv", "HUB,fuel,40", "HUB,fuel,-40"),
        "initial_stocks.csv:2: tons:",
    );
}

#[test]
fn exponents_and_signs_are_numbers() {
    accepted(&edit(
        base(),
        "limits.csv",
        "AAA,east,land,1000",
        "AAA,east,land,1e3",
    ));
    accepted(&edit(
        base(),
        "limits.csv",
        "AAA,east,land,1000",
        "AAA,east,land,+1.0E+3",
    ));
    accepted(&edit(
        base(),
        "requirements.csv",
        "S1,infantry,1,1",
        "S1,infantry,.5,1",
    ));
}

#[test]
fn bad_scenario_toml_values() {
    let t = |periods: &str, extra: &str| {
        format!("name = \"test\"\nstart = 2027-01-04\nperiods = {periods}\n{extra}\n")
    };
    refused(
        &base().file("scenario.toml", &t("0", "")),
        "scenario.toml:3: periods:",
    );
    refused(
        &base().file("scenario.toml", &t("2.5", "")),
        "scenario.toml:3: periods:",
    );
    refused(
        &base().file("scenario.toml", &t("\"8\"", "")),
        "scenario.toml:3: periods:",
    );
    refused(
        &base().file("scenario.toml", &t("8", "period_days = 0")),
        "scenario.toml:4: period_days:",
    );
    refused(
        &base().file("scenario.toml", &t("8", "period_days = 3.5")),
        "scenario.toml:4: period_days:",
    );
    refused(
        &base().file("scenario.toml", &t("8", "[penalties]\ncoverage = -1.0")),
        "scenario.toml:5: penalties.coverage:",
    );
    refused(
        &base().file("scenario.toml", &t("8", "[solver]\nmode = \"fast\"")),
        "scenario.toml:5: solver.mode:",
    );
    refused(
        &base().file("scenario.toml", &t("8", "[solver]\nthreads = 0")),
        "scenario.toml:5: solver.threads:",
    );
    accepted(&base().file(
        "scenario.toml",
        &t(
            "8.0",
            "period_days = 7\n[solver]\nmode = \"lp\"\nthreads = 1",
        ),
    ));
}

#[test]
fn scenario_toml_required_keys_and_syntax() {
    refused(
        &base().file("scenario.toml", "name = \"x\"\nperiods = 8\n"),
        "scenario.toml: start:",
    );
    refused(
        &base().file("scenario.toml", "name = \"x\"\nstart = 2027-01-04\n"),
        "scenario.toml: periods:",
    );
    refused(
        &base().file("scenario.toml", "start = 2027-01-04\nperiods = 8\n"),
        "scenario.toml: name:",
    );
    refused(
        &base().file(
            "scenario.toml",
            "name = \"x\"\nstart = 2027-01-04\nperiods = = 8\n",
        ),
        "scenario.toml:3:",
    );
    refused(
        &base().without("scenario.toml"),
        "scenario.toml: required file is missing",
    );
}

// ----- bad dates ---------------------------------------------------------------------------

#[test]
fn bad_dates() {
    refused(
        &edit(base(), "deployed.csv", "2026-12-28", "2026/12/28"),
        "deployed.csv:2: arrived:",
    );
    refused(
        &edit(base(), "deployed.csv", "2026-12-28", "28.12.2026"),
        "deployed.csv:2: arrived:",
    );
    refused(
        &edit(base(), "requirements.csv", "2027-01-18", "2027-02-30"),
        "requirements.csv:3: from:",
    );
    refused(
        &edit(base(), "nations.csv", "AAA,Alpha,,", "AAA,Alpha,2027-1-4,"),
        "nations.csv:2: available_from:",
    );
    refused(
        &edit(
            base(),
            "limits.csv",
            "AAA,east,land,1000,,",
            "AAA,east,land,1000,,soon",
        ),
        "limits.csv:2: to:",
    );
    let sc = edit(
        net(),
        "arcs.csv",
        "cost_per_ton,transit_days,bidirectional\n",
        "cost_per_ton,transit_days,bidirectional,available_from\n",
    );
    refused(
        &edit(
            sc,
            "arcs.csv",
            "HUB,N2,road,50,1,0,",
            "HUB,N2,road,50,1,0,,2027-13-01",
        ),
        "arcs.csv:4: available_from:",
    );
}

#[test]
fn bad_start_date() {
    let sc = |start: &str| {
        base().file(
            "scenario.toml",
            &format!("name = \"t\"\nstart = {start}\nperiods = 8\n"),
        )
    };
    refused(&sc("\"04.01.2027\""), "scenario.toml:2: start:");
    refused(&sc("\"2027-02-30\""), "scenario.toml:2: start:");
    refused(&sc("2027-01-04T10:00:00"), "scenario.toml:2: start:");
    accepted(&sc("\"2027-01-04\""));
}

#[test]
fn arrived_must_be_before_start() {
    refused(
        &edit(base(), "deployed.csv", "2026-12-28", "2027-01-04"),
        "deployed.csv:2: arrived:",
    );
}

// ----- ranges ------------------------------------------------------------------------------

#[test]
fn handover_must_be_shorter_than_the_tour() {
    // 28 days = 4 periods; 22 days rounds up to 4 periods too: H = L is refused.
    refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,28,56,28"),
        "unit_types.csv:2: handover_days:",
    );
    refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,28,56,22"),
        "unit_types.csv:2: handover_days:",
    );
    accepted(&edit(
        base(),
        "unit_types.csv",
        "500,28,56,7",
        "500,28,56,21",
    ));
}

// ----- missing columns and files -----------------------------------------------------------

#[test]
fn missing_required_column() {
    let l = refused(
        &base().file("requirements.csv", "site,role,priority\nS1,infantry,1\n"),
        "requirements.csv:1: required:",
    );
    assert!(l.contains("missing"), "{l}");
    refused(
        &base().file("offers.csv", "nation,unit_type\nAAA,inf_bn\n"),
        "offers.csv:1: units:",
    );
}

#[test]
fn header_names_are_exact_and_case_sensitive() {
    refused(
        &base().file("sites.csv", "Site,zone\nS1,east\nS2,west\n"),
        "sites.csv:1: site:",
    );
    // Header names are trimmed.
    accepted(&base().file("sites.csv", " site , zone \nS1,east\nS2,west\n"));
}

#[test]
fn missing_required_file() {
    for f in [
        "nations.csv",
        "unit_types.csv",
        "offers.csv",
        "sites.csv",
        "requirements.csv",
    ] {
        refused(
            &base().without(f),
            &format!("{f}: required file is missing"),
        );
    }
    // The optional tables may be absent.
    accepted(&base().without("limits.csv").without("deployed.csv"));
}

#[test]
fn blank_required_cell() {
    refused(
        &edit(base(), "sites.csv", "S2,west", "S2,"),
        "sites.csv:3: zone:",
    );
}

// ----- decimal commas ----------------------------------------------------------------------

#[test]
fn decimal_comma_in_a_semicolon_file() {
    let sc = base().file(
        "requirements.csv",
        "site;role;required\nS1;infantry;1,5\nS2;infantry;1\n",
    );
    let l = refused(&sc, "requirements.csv:2: required:");
    assert!(l.contains("decimal comma"), "{l}");
    let sc = base().file(
        "limits.csv",
        "nation;zone;domain;max_troops\nAAA;east;land;1.234,5\n",
    );
    let l = refused(&sc, "limits.csv:2: max_troops:");
    assert!(l.contains("decimal comma"), "{l}");
}

#[test]
fn decimal_comma_in_a_quoted_cell() {
    let sc = base().file(
        "requirements.csv",
        "site,role,required\nS1,infantry,\"1,5\"\n",
    );
    let l = refused(&sc, "requirements.csv:2: required:");
    assert!(l.contains("decimal comma"), "{l}");
}

#[test]
fn decimal_comma_splitting_a_comma_file() {
    // `1,5` in a comma file is two cells: one beyond the header, with a hint.
    let sc = base().file("requirements.csv", "site,role,required\nS1,infantry,1,5\n");
    let l = refused(&sc, "requirements.csv:2:");
    assert!(l.contains("beyond") && l.contains("decimal comma"), "{l}");
}

// ----- initial deployments that alone break a hard constraint -------------------------------

#[test]
fn initial_tours_over_the_pool() {
    // AAA's pool of inf_bn is 3 (max_deployed raised out of the way): 2 + 2 units busy at once.
    let sc = edit(base(), "offers.csv", "AAA,inf_bn,3,2,", "AAA,inf_bn,3,,");
    let sc = append(sc, "deployed.csv", "AAA,inf_bn,S1,2026-12-21,2\n");
    let sc = edit(sc, "deployed.csv", "2026-12-28,1", "2026-12-28,2");
    let sc = edit(sc, "limits.csv", "1000", "10000");
    let l = refused(&sc, "deployed.csv:2: units:");
    assert!(
        l.contains("deployed.csv lines 2, 3")
            && l.contains("pool of 3")
            && l.contains("offers.csv:2"),
        "{l}"
    );
}

#[test]
fn initial_tours_that_ended_still_hold_the_pool_in_dwell() {
    // helo_sqn: L = 4, D = 4, BBB's pool 1. A tour begun 2026-11-30 = start(−5) was on the ground
    // −5..−2 (it ended before `start`) but its unit is busy −5..2; one begun 2026-12-28 = start(−1)
    // is busy −1..6: 2 units busy in 0..2, above the pool of 1.
    let sc = append(
        base(),
        "deployed.csv",
        "BBB,helo_sqn,S2,2026-11-30,1\nBBB,helo_sqn,S2,2026-12-28,1\n",
    );
    let l = refused(&sc, "deployed.csv:3: units:");
    assert!(l.contains("deployed.csv lines 3, 4"), "{l}");
    // A single tour begun 2026-10-05 = start(−13), busy until −13 + 8 − 1 = −6, is allowed.
    accepted(&append(
        base(),
        "deployed.csv",
        "BBB,helo_sqn,S2,2026-10-05,1\n",
    ));
}

#[test]
fn initial_tours_over_max_deployed() {
    let sc = edit(base(), "deployed.csv", "2026-12-28,1", "2026-12-28,3");
    let sc = edit(sc, "limits.csv", "1000", "10000");
    let l = refused(&sc, "deployed.csv:2: units:");
    assert!(l.contains("max_deployed 2"), "{l}");
}

#[test]
fn initial_tours_over_a_limit() {
    // 2 × 500 troops in zone east against AAA's east land limit of 900.
    let sc = edit(
        base(),
        "limits.csv",
        "AAA,east,land,1000",
        "AAA,east,land,900",
    );
    let sc = edit(sc, "deployed.csv", "2026-12-28,1", "2026-12-28,2");
    let l = refused(&sc, "limits.csv:2: max_troops:");
    assert!(
        l.contains("deployed.csv lines 2") && l.contains("1000"),
        "{l}"
    );
    // The coalition row too.
    let sc = edit(base(), "limits.csv", "*,*,*,5000", "*,*,*,400");
    let l = refused(&sc, "limits.csv:3: max_troops:");
    assert!(l.contains("deployed.csv lines 2"), "{l}");
    // A limit whose window starts after the initial tour left does not count it (it leaves in 2).
    accepted(&edit(
        base(),
        "limits.csv",
        "*,*,*,5000,,",
        "*,*,*,400,2027-01-25,",
    ));
}

#[test]
fn initial_tours_over_a_reception_capacity() {
    // The initial tour (500 troops) leaves through POD in period 2; POD takes 10 × 7 = 70.
    let sc = edit(
        net(),
        "nodes.csv",
        "POD,airfield,0,1000",
        "POD,airfield,0,10",
    );
    let l = refused(&sc, "deployed.csv:2: arrived:");
    assert!(
        l.contains("deployed.csv lines 2") && l.contains("POD"),
        "{l}"
    );
}

#[test]
fn initial_stocks_without_or_above_storage() {
    let l = refused(
        &append(net(), "initial_stocks.csv", "DEP,fuel,5\n"),
        "initial_stocks.csv:4: tons:",
    );
    assert!(l.contains("storage"), "{l}");
    let l = refused(
        &append(net(), "initial_stocks.csv", "HUB,food,61\n"),
        "initial_stocks.csv:",
    );
    assert!(l.contains("101") && l.contains("100"), "{l}");
}

#[test]
fn an_initial_tour_needs_an_offer() {
    refused(
        &append(base(), "deployed.csv", "AAA,helo_sqn,S2,2026-12-28,1\n"),
        "deployed.csv:3: unit_type:",
    );
}

// ----- docs/model.md#time-and-periods: reading files --------------------------------------------------------

#[test]
fn windows_without_a_period_start_warn() {
    // 2027-01-05..2027-01-10 lies inside period 0 after its start: never active.
    let sc = edit(
        base(),
        "requirements.csv",
        "S2,infantry,1,2,2027-01-18,",
        "S2,infantry,1,2,2027-01-05,2027-01-10",
    );
    warned(&sc, "requirements.csv:3: from:");
    let sc = edit(
        base(),
        "nations.csv",
        "BBB,Bravo,,",
        "BBB,Bravo,2027-01-05,2027-01-10",
    );
    warned(&sc, "nations.csv:3: available_from:");
}

#[test]
fn byte_order_mark_crlf_blank_lines_and_quotes_are_accepted() {
    let sc = base()
        .file(
            "nations.csv",
            "\u{feff}nation,name\r\nAAA,\"Alpha, the first\"\r\n\r\nBBB,\"Bravo \"\"B\"\"\"\r\n",
        )
        .file("sites.csv", "\u{feff}site,zone\n\nS1,east\n,\nS2,west\n\n");
    let out = accepted(&sc);
    assert!(!out.contains("warning:"), "{out}");
}

#[test]
fn errors_in_crlf_files_name_the_right_line() {
    // Windows line endings and a blank line: the row `S2,` is on line 4.
    let l = refused(
        &base().file("sites.csv", "site,zone\r\nS1,east\r\n\r\nS2,\r\n"),
        "sites.csv:4: zone:",
    );
    assert!(l.contains("required"), "{l}");
    // Old Mac line endings too.
    refused(
        &base().file("sites.csv", "site,zone\rS1,east\rS2,\r"),
        "sites.csv:3: zone:",
    );
    // A quoted name spanning two lines: the next row's line is counted past it.
    refused(
        &base().file(
            "sites.csv",
            "site,name,zone\r\nS1,\"Camp\r\nNorth\",east\r\nS2,,\r\n",
        ),
        "sites.csv:4: zone:",
    );
}

#[test]
fn semicolon_files_are_read() {
    let sc = base()
        .file("offers.csv", "nation;unit_type;units;max_deployed;cost_per_day;cost_per_tour\nAAA;inf_bn;3;2;0;0\nBBB;inf_bn;2;;;\nBBB;helo_sqn;1;;10,5;\n")
        .file("requirements.csv", "\u{feff}site;role;required;priority\nS1;infantry;1;1\nS2;infantry;0,5;2\nS2;aviation;1;1\n");
    // `10,5` and `0,5` are decimal commas: refused, with the first one named.
    let l = refused(&sc, "offers.csv:4: cost_per_day:");
    assert!(l.contains("decimal comma"), "{l}");
    let sc = edit(sc, "offers.csv", "10,5", "10.5");
    let sc = edit(sc, "requirements.csv", "0,5", "0.5");
    accepted(&sc);
    // The same scenario, read with `;` and with `,`, solves to the same objective.
    let comma = edit(
        edit(
            base(),
            "offers.csv",
            "BBB,helo_sqn,1,,10,",
            "BBB,helo_sqn,1,,10.5,",
        ),
        "requirements.csv",
        "S2,infantry,1,2,2027-01-18,",
        "S2,infantry,0.5,2,,",
    );
    let (a, b) = (sc.write(), comma.write());
    let (_, sa) = solve_and_verify(a.path(), &[]);
    let (_, sb) = solve_and_verify(b.path(), &[]);
    assert_eq!(num(&sa, &["objective"]), num(&sb, &["objective"]));
}

#[test]
fn short_rows_have_blank_cells() {
    // Optional trailing cells may be left off; a short row missing a required cell is an error.
    accepted(&base().file(
        "nations.csv",
        "nation,name,available_from,available_to\nAAA\nBBB,Bravo\n",
    ));
    refused(
        &base().file("sites.csv", "site,zone\nS1,east\nS2\n"),
        "sites.csv:3: zone:",
    );
}

#[test]
fn cells_beyond_the_header() {
    let l = refused(
        &edit(base(), "sites.csv", "S2,west", "S2,west,extra"),
        "sites.csv:3:",
    );
    assert!(l.contains("beyond"), "{l}");
    // Blank cells beyond the header are harmless (spreadsheets save trailing separators).
    accepted(&edit(base(), "sites.csv", "S2,west", "S2,west,,"));
}

#[test]
fn extra_columns_warn() {
    warned(
        &base().file("sites.csv", "site,zone,remarks\nS1,east,north\nS2,west,\n"),
        "sites.csv:1: remarks:",
    );
}

#[test]
fn trailing_blank_header_cells_are_accepted() {
    // Spreadsheets save the used range: a header with trailing separators, rows to match.
    accepted(&base().file("sites.csv", "site,zone,,\nS1,east,,\nS2,west,,\n"));
    accepted(&base().file("sites.csv", "site;zone;;\nS1;east;;\nS2;west;;\n"));
}

#[test]
fn invalid_utf8_names_the_line() {
    let dir = base().write();
    std::fs::write(
        dir.path().join("sites.csv"),
        b"site,zone\nS1,east\nS2,w\xe9st\n",
    )
    .unwrap();
    let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(c.code, 2, "{}", c.stdout);
    assert!(
        c.stdout
            .lines()
            .any(|l| l.starts_with("sites.csv:3:") && l.contains("UTF-8")),
        "{}",
        c.stdout
    );
    let out = dir.path().join("out");
    let s = rotaplan(&[
        "solve",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(s.code, 2);
    assert!(!out.exists());
    // In scenario.toml too.
    let dir = base().write();
    std::fs::write(
        dir.path().join("scenario.toml"),
        b"name = \"t\"\nstart = 2027-01-04\nperiods = 8\ndescription = \"\xff\"\n",
    )
    .unwrap();
    let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(c.code, 2, "{}", c.stdout);
    assert!(
        c.stdout.lines().any(|l| l.starts_with("scenario.toml:4:")),
        "{}",
        c.stdout
    );
}

#[test]
fn star_is_not_a_code() {
    refused(
        &append(base(), "nations.csv", "*,Everyone,,\n"),
        "nations.csv:4: nation:",
    );
    refused(
        &append(base(), "sites.csv", "*,east\n"),
        "sites.csv:4: site:",
    );
    refused(
        &edit(base(), "sites.csv", "S2,west", "S2,*"),
        "sites.csv:3: zone:",
    );
    refused(
        &append(base(), "unit_types.csv", "any,land,*,1,1,7,0,0\n"),
        "unit_types.csv:4: role:",
    );
    refused(
        &append(base(), "requirements.csv", "S1,*,1,,,\n"),
        "requirements.csv:5: role:",
    );
    refused(
        &append(base(), "offers.csv", "*,inf_bn,1,,,\n"),
        "offers.csv:5: nation:",
    );
    refused(
        &append(base(), "deployed.csv", "AAA,inf_bn,*,2026-12-28,1\n"),
        "deployed.csv:3: site:",
    );
    refused(
        &append(net(), "commodities.csv", "*,1,\n"),
        "commodities.csv:4: commodity:",
    );
}

#[test]
fn unknown_keys_in_scenario_toml_warn() {
    let sc = base().file(
        "scenario.toml",
        &toml(
            8,
            7,
            "colour = \"green\"\n[solver]\nthreads = 1\nturbo = true\n[penalties]\nboredom = 5.0",
        ),
    );
    warned(&sc, "scenario.toml:5: colour:");
    warned(&sc, "scenario.toml:8: solver.turbo:");
    warned(&sc, "scenario.toml:10: penalties.boredom:");
    // An unknown table is named at its header line.
    warned(
        &base().file("scenario.toml", &toml(8, 7, "[extras]\nformat = \"xlsx\"")),
        "scenario.toml:5: extras:",
    );
    // [output] is a known table: an unknown key in it is named in full at its own line.
    warned(
        &base().file("scenario.toml", &toml(8, 7, "[output]\nformat = \"xlsx\"")),
        "scenario.toml:6: output.format:",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let sc = append(base(), "nations.csv", "AAA,Again,,\n");
    let sc = edit(sc, "sites.csv", "S2,west", "S2,");
    let sc = edit(sc, "requirements.csv", "S1,infantry,1,1", "S1,infantry,x,1");
    let sc = edit(sc, "scenario.toml", "periods = 8", "periods = 0");
    let dir = sc.write();
    let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(c.code, 2);
    for prefix in [
        "nations.csv:4: nation:",
        "sites.csv:3: zone:",
        "requirements.csv:2: required:",
        "scenario.toml:3: periods:",
    ] {
        assert!(
            c.stdout.lines().any(|l| l.starts_with(prefix)),
            "`{prefix}` missing from:\n{}",
            c.stdout
        );
    }
    assert!(c.stdout.contains("4 error(s)"), "{}", c.stdout);
}

#[test]
fn booleans_in_any_case() {
    accepted(&edit(
        net(),
        "arcs.csv",
        "HUB,N1,road,50,1,0,true",
        "HUB,N1,road,50,1,0,TRUE",
    ));
    accepted(&edit(
        net(),
        "arcs.csv",
        "DEP,HUB,rail,100,1,3,false",
        "DEP,HUB,rail,100,1,3,False",
    ));
    refused(
        &edit(
            net(),
            "arcs.csv",
            "HUB,N1,road,50,1,0,true",
            "HUB,N1,road,50,1,0,yes",
        ),
        "arcs.csv:3: bidirectional:",
    );
}

#[test]
fn warnings_for_references_nobody_uses() {
    warned(
        &append(base(), "limits.csv", "AAA,north,*,0,,\n"),
        "limits.csv:4: zone:",
    );
    warned(
        &append(base(), "requirements.csv", "S1,engineers,1,,,\n"),
        "requirements.csv:5: role:",
    );
}

#[test]
fn network_tables_need_nodes_csv() {
    let sc = base().file("arcs.csv", ARCS);
    refused(&sc, "arcs.csv: ");
    let sc = base()
        .file("consumption.csv", CONSUMPTION)
        .file("supply.csv", SUPPLY);
    refused(&sc, "consumption.csv: ");
    // With nodes.csv, every site names a node; the other network tables may be absent.
    refused(
        &net().file("sites.csv", "site,zone,node\nS1,east,N1\nS2,west,\n"),
        "sites.csv:3: node:",
    );
    accepted(
        &net()
            .without("arcs.csv")
            .without("supply.csv")
            .without("consumption.csv")
            .without("commodities.csv")
            .without("initial_stocks.csv"),
    );
    // Without nodes.csv, node and reception are ignored with a warning.
    warned(&base().file("sites.csv", NET_SITES), "sites.csv:2: node:");
}

#[test]
fn supply_at_a_node_that_is_not_a_depot_warns() {
    warned(
        &append(net(), "supply.csv", "HUB,fuel,1,\n"),
        "supply.csv:4: node:",
    );
}

#[test]
fn blank_reception_is_unlimited() {
    accepted(&net().file(
        "sites.csv",
        "site,zone,node,reception\nS1,east,N1,\nS2,west,N2,\n",
    ));
}

// ----- no input makes rotaplan panic -------------------------------------------------------

/// Deterministic mutations of every file of the network scenario: truncations, byte flips,
/// swapped separators, empty files, headers only, absurd numbers. `check` must answer 0 or 2
/// and never panic or hang; what it refuses `solve` refuses too, writing nothing; what it accepts
/// is solved, never with a panic.
#[test]
fn no_input_makes_rotaplan_panic() {
    let base = net();
    let mut mutants: Vec<(String, String, Vec<u8>)> = Vec::new();
    for (name, text) in &base.files {
        let b = text.as_bytes();
        let mut variants: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"\xef\xbb\xbf".to_vec(),
            text.lines().next().unwrap_or("").as_bytes().to_vec(),
            text.replace(',', ";").into_bytes(),
            text.replace('\n', "\r").into_bytes(),
            text.replace(',', "\",").into_bytes(),
            text.replace('1', "1e308").into_bytes(),
            text.replace('0', "-0").into_bytes(),
            text.replace('2', "99999999999999999999").into_bytes(),
            text.replace("2026", "0001")
                .replace("2027", "9999")
                .into_bytes(),
            [b, b"\xff\xfe\x00\n".as_slice()].concat(),
        ];
        for cut in [b.len() / 3, b.len() / 2, b.len().saturating_sub(2)] {
            variants.push(b[..cut].to_vec());
        }
        for (i, v) in variants.into_iter().enumerate() {
            mutants.push((format!("{name} variant {i}"), name.clone(), v));
        }
    }
    // Four at a time: each mutant is a check and a solve of a tiny scenario.
    let chunks: Vec<Vec<(String, String, Vec<u8>)>> = (0..4)
        .map(|k| mutants.iter().skip(k).step_by(4).cloned().collect())
        .collect();
    std::thread::scope(|scope| {
        for chunk in &chunks {
            let base = &base;
            scope.spawn(move || {
                for (what, file, bytes) in chunk {
                    let (what, file) = (what.as_str(), file.as_str());
                    let dir = base.write();
                    std::fs::write(dir.path().join(file), bytes).unwrap();
                    let c = run_for(&["check", dir.path().to_str().unwrap()], 20, what);
                    assert!(
                        c.code == 0 || c.code == 2,
                        "{what}: check exit {}\n{}{}",
                        c.code,
                        c.stdout,
                        c.stderr
                    );
                    let out = dir.path().join("out");
                    let s = run_for(
                        &[
                            "solve",
                            dir.path().to_str().unwrap(),
                            "--out",
                            out.to_str().unwrap(),
                            "--quiet",
                            "--time-limit",
                            "20",
                        ],
                        40,
                        what,
                    );
                    if c.code == 2 {
                        assert_eq!(
                            s.code, 2,
                            "{what}: check refused it, solve did not\n{}",
                            s.stderr
                        );
                        assert!(
                            !out.exists(),
                            "{what}: wrote a plan for an invalid scenario"
                        );
                    } else {
                        // What check accepts, solve solves (huge products of inputs are
                        // input errors for both: `check_accepts_only_what_solve_can_take`).
                        assert!(
                            s.code == 0,
                            "{what}: check accepted it, solve exit {}\n{}",
                            s.code,
                            s.stderr
                        );
                    }
                }
            });
        }
    });
}

/// Runs rotaplan, killing it after `secs` seconds (a hang fails the test instead of blocking it),
/// and asserts it did not panic.
fn run_for(args: &[&str], secs: u64, what: &str) -> Run {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed().as_secs() >= secs {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what}: `rotaplan {}` still running after {secs} s",
                args[0]
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let r = Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    };
    no_panic(&r, what);
    r
}

#[test]
fn the_horizon_must_end_by_year_9999() {
    // Dates are YYYY-MM-DD: 8 weekly periods from 9999-12-20 end in year 10000.
    let sc = base()
        .file(
            "scenario.toml",
            "name = \"t\"\nstart = 9999-12-20\nperiods = 8\n",
        )
        .without("deployed.csv");
    refused(&sc, "scenario.toml:3: periods:");
    let sc = base().file(
        "scenario.toml",
        "name = \"t\"\nstart = 2027-01-04\nperiods = 100000000000\nperiod_days = 3660\n",
    );
    refused(&sc, "scenario.toml:3: periods:");
    // 2 weekly periods from 9999-12-18 end on 9999-12-31: fine.
    accepted(
        &base()
            .file(
                "scenario.toml",
                "name = \"t\"\nstart = 9999-12-18\nperiods = 2\n",
            )
            .without("deployed.csv"),
    );
}

#[test]
fn durations_are_bounded() {
    let l = refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,1e300,56,7"),
        "unit_types.csv:2: tour_days:",
    );
    assert!(l.contains("`1e300`") && l.contains("too long"), "{l}");
    refused(
        &edit(base(), "unit_types.csv", "500,28,56,7", "500,28,1000001,7"),
        "unit_types.csv:2: dwell_days:",
    );
    refused(
        &edit(
            base(),
            "unit_types.csv",
            "500,28,56,7",
            "500,2000000,56,1500000",
        ),
        "unit_types.csv:2: handover_days:",
    );
    refused(
        &edit(
            net(),
            "arcs.csv",
            "DEP,HUB,rail,100,1,3",
            "DEP,HUB,rail,100,1,1e300",
        ),
        "arcs.csv:2: transit_days:",
    );
    accepted(&edit(
        base(),
        "unit_types.csv",
        "500,28,56,7",
        "500,28,1000000,7",
    ));
}

#[test]
fn whole_numbers_too_large() {
    let l = refused(
        &edit(
            base(),
            "offers.csv",
            "AAA,inf_bn,3,2,",
            "AAA,inf_bn,1e20,2,",
        ),
        "offers.csv:2: units:",
    );
    assert!(l.contains("`1e20`") && l.contains("too large"), "{l}");
    refused(
        &edit(
            base(),
            "unit_types.csv",
            "inf_bn,land,infantry,1,500,",
            "inf_bn,land,infantry,1,1e10,",
        ),
        "unit_types.csv:2: troops:",
    );
}

#[test]
fn coordinates_are_degrees() {
    let sites = |lat: &str, lon: &str| {
        base().file(
            "sites.csv",
            &format!("site,zone,lat,lon\nS1,east,{lat},{lon}\nS2,west,,\n"),
        )
    };
    accepted(&sites("50.45", "30.52"));
    accepted(&sites("-90", "180"));
    refused(&sites("91", "30"), "sites.csv:2: lat:");
    refused(&sites("50", "-180.5"), "sites.csv:2: lon:");
    let nodes = NODES
        .replacen("pax_per_day\n", "pax_per_day,lat\n", 1)
        .replacen("DEP,depot,0,\n", "DEP,depot,0,,400\n", 1);
    refused(&net().file("nodes.csv", &nodes), "nodes.csv:2: lat:");
}

#[test]
fn a_blank_header_cell_between_columns_warns() {
    warned(
        &base().file("sites.csv", "site,,zone\nS1,x,east\nS2,,west\n"),
        "sites.csv:1: warning:",
    );
}

/// Bug in src/model or src/solve (not the loader): coefficients, bounds or costs that HiGHS
/// treats as infinite (≥ 1e20) reach the model. `check` accepts these scenarios, then `solve`
/// fails with exit 1 ("HiGHS refused the model: … error while building model", or status
/// Unknown) instead of either solving or reporting an input error (exit 2) that names the cell.
#[test]
fn check_accepts_only_what_solve_can_take() {
    let cases: Vec<(&str, Scenario)> = vec![
        (
            "role_value 1e300",
            edit(
                base(),
                "unit_types.csv",
                "inf_bn,land,infantry,1,",
                "inf_bn,land,infantry,1e300,",
            ),
        ),
        (
            "required 1e300",
            edit(
                base(),
                "requirements.csv",
                "S1,infantry,1,1",
                "S1,infantry,1e300,1",
            ),
        ),
        (
            "coverage penalty 1e300",
            base().file(
                "scenario.toml",
                &toml(8, 7, "[penalties]\ncoverage = 1e300"),
            ),
        ),
        (
            "consumption 1e300 t/day",
            edit(
                net(),
                "consumption.csv",
                "inf_bn,fuel,2",
                "inf_bn,fuel,1e300",
            ),
        ),
        (
            "days_of_supply 1e20",
            edit(net(), "commodities.csv", "food,2,500", "food,1e20,500"),
        ),
    ];
    let mut failures = Vec::new();
    for (what, sc) in cases {
        let dir = sc.write();
        let c = rotaplan(&["check", dir.path().to_str().unwrap()]);
        no_panic(&c, what);
        let out = dir.path().join("out");
        let s = rotaplan(&[
            "solve",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        no_panic(&s, what);
        if !(c.code == 2 && s.code == 2 || c.code == 0 && s.code == 0) {
            failures.push(format!(
                "{what}: check exit {}, solve exit {}: {}",
                c.code,
                s.code,
                s.stderr.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "check and solve disagree:\n{}",
        failures.join("\n")
    );
}

/// Inputs at the edge of what numbers and dates allow: errors or plans, never a panic or a hang.
#[test]
fn extreme_values_do_not_panic() {
    let cases: Vec<(&str, Scenario)> = vec![
        (
            "huge horizon",
            base().file(
                "scenario.toml",
                "name = \"t\"\nstart = 2027-01-04\nperiods = 100000000000\nperiod_days = 3660\n",
            ),
        ),
        (
            "huge period count",
            base().file(
                "scenario.toml",
                "name = \"t\"\nstart = 2027-01-04\nperiods = 9223372036854775807\n",
            ),
        ),
        (
            "huge tour",
            edit(base(), "unit_types.csv", "500,28,56,7", "500,1e300,56,7"),
        ),
        (
            "huge dwell",
            edit(base(), "unit_types.csv", "500,28,56,7", "500,28,1e300,7"),
        ),
        (
            "huge handover",
            edit(
                base(),
                "unit_types.csv",
                "500,28,56,7",
                "500,1e300,56,1e299",
            ),
        ),
        (
            "huge transit",
            edit(
                net(),
                "arcs.csv",
                "DEP,HUB,rail,100,1,3",
                "DEP,HUB,rail,100,1,1e300",
            ),
        ),
        (
            "arrived in year 1",
            edit(base(), "deployed.csv", "2026-12-28", "0001-01-01"),
        ),
        (
            "start in year 9999",
            base()
                .file(
                    "scenario.toml",
                    "name = \"t\"\nstart = 9999-12-20\nperiods = 8\n",
                )
                .file("deployed.csv", "nation,unit_type,site,arrived,units\n"),
        ),
        (
            "window in year 9999",
            edit(base(), "requirements.csv", "2027-01-18,", "9999-12-31,"),
        ),
        (
            "huge limit",
            edit(
                base(),
                "limits.csv",
                "AAA,east,land,1000",
                "AAA,east,land,1e308",
            ),
        ),
        (
            "huge pax",
            edit(
                net(),
                "nodes.csv",
                "POD,airfield,0,1000",
                "POD,airfield,0,1e308",
            ),
        ),
        (
            "huge capacity",
            edit(net(), "arcs.csv", "DEP,HUB,rail,100", "DEP,HUB,rail,1e308"),
        ),
        (
            "huge storage",
            edit(net(), "nodes.csv", "HUB,hub,100,", "HUB,hub,1e308,"),
        ),
        (
            "huge troops",
            edit(
                base(),
                "unit_types.csv",
                "inf_bn,land,infantry,1,500,",
                "inf_bn,land,infantry,1,1e15,",
            ),
        ),
        (
            "huge role value",
            edit(
                base(),
                "unit_types.csv",
                "inf_bn,land,infantry,1,",
                "inf_bn,land,infantry,1e308,",
            ),
        ),
        (
            "tiny role value",
            edit(
                base(),
                "unit_types.csv",
                "inf_bn,land,infantry,1,",
                "inf_bn,land,infantry,1e-308,",
            ),
        ),
        (
            "huge requirement",
            edit(
                base(),
                "requirements.csv",
                "S1,infantry,1,1",
                "S1,infantry,1e308,1",
            ),
        ),
        (
            "huge priority",
            edit(
                base(),
                "requirements.csv",
                "S1,infantry,1,1",
                "S1,infantry,1,1e308",
            ),
        ),
        (
            "huge pool",
            edit(
                base(),
                "offers.csv",
                "AAA,inf_bn,3,2,",
                "AAA,inf_bn,1e20,2,",
            ),
        ),
        (
            "huge penalty",
            base().file(
                "scenario.toml",
                &toml(8, 7, "[penalties]\ncoverage = 1e308"),
            ),
        ),
        (
            "huge time limit",
            base().file(
                "scenario.toml",
                &toml(8, 7, "[solver]\ntime_limit_s = 1e308"),
            ),
        ),
    ];
    for (what, sc) in cases {
        let dir = sc.write();
        let c = run_for(&["check", dir.path().to_str().unwrap()], 20, what);
        assert!(
            c.code == 0 || c.code == 2,
            "{what}: check exit {}\n{}{}",
            c.code,
            c.stdout,
            c.stderr
        );
        if c.code == 0 {
            let out = dir.path().join("out");
            let s = run_for(
                &[
                    "solve",
                    dir.path().to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                    "--quiet",
                    "--time-limit",
                    "20",
                ],
                40,
                what,
            );
            assert!(
                s.code != 2,
                "{what}: check accepted the scenario but solve called it an input error:\n{}",
                s.stderr
            );
        }
    }
}

#[test]
fn a_missing_scenario_directory_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let c = rotaplan(&["check", missing.to_str().unwrap()]);
    assert_eq!(c.code, 2, "{}{}", c.stdout, c.stderr);
    let out = dir.path().join("out");
    let s = rotaplan(&[
        "solve",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(s.code, 2, "{}", s.stderr);
    assert!(!out.exists());
}

#[test]
fn warnings_do_not_stop_a_solve() {
    // An unknown column, an unknown scenario.toml key and a role no unit type has: three warnings,
    // and the plan is written.
    let sc = base()
        .file("sites.csv", "site,zone,remarks\nS1,east,\nS2,west,\n")
        .file("scenario.toml", &toml(8, 7, "colour = \"green\""));
    let sc = append(sc, "requirements.csv", "S1,engineers,1,,,\n");
    let out = accepted(&sc);
    assert_eq!(
        out.lines().filter(|l| l.contains("warning:")).count(),
        3,
        "{out}"
    );
    let dir = sc.write();
    let (_, summary) = solve_and_verify(dir.path(), &[]);
    // The engineers can never be covered: 1 role-unit short in each of the 8 periods at least.
    assert!(num(&summary, &["shortfall", "role_unit_periods"]) >= 8.0);
}
