//! Nightly reruns against a previous plan (`solve --previous`): zero changes when nothing
//! changed, pinned tours survive, and the change penalty trades off against costs as worked by hand.
//!
//! The scenario: weekly periods, 8 of them; one unit type with tours of 4 weeks (28 days), no
//! dwell, no handover; GBR has 2 units; each tour costs 1000. Covering a requirement of 1 for
//! 8 weeks takes exactly two tours, begun in weeks 0 and 4 (the only way: a tour covers 4 weeks).

mod common;
use common::*;

fn scenario(reqs: &str, stability: &str) -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(8, 7, stability))
        .file("nations.csv", "nation\nGBR\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days\nbn,land,infantry,500,28,0\n",
        )
        .file(
            "offers.csv",
            "nation,unit_type,units,cost_per_tour\nGBR,bn,2,1000\n",
        )
        .file("sites.csv", "site,zone\nA,Z\nB,Z\n")
        .file("requirements.csv", reqs)
}

const AT_A: &str = "site,role,required\nA,infantry,1\n";
/// A no longer needs anyone (the row stays, with 0, so tours at A remain possible), B does.
const AT_B: &str = "site,role,required\nA,infantry,0\nB,infantry,1\n";
/// Nobody is needed any more.
const NONE: &str = "site,role,required\nA,infantry,0\n";

/// (site, arrive) of the non-initial tours in a plan, sorted.
fn tours(out: &std::path::Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = read_csv(&out.join("deployments.csv"))
        .into_iter()
        .filter(|r| r["initial"] == "false")
        .map(|r| (r["site"].clone(), r["arrive"].clone()))
        .collect();
    v.sort();
    v
}

fn solve_previous(
    dir: &std::path::Path,
    previous: &std::path::Path,
) -> (std::path::PathBuf, serde_json::Value) {
    solve_and_verify(dir, &["--previous", previous.to_str().unwrap()])
}

#[test]
fn an_unchanged_rerun_changes_nothing() {
    let dir = scenario(AT_A, "").write();
    let (first, s1) = solve_and_verify(dir.path(), &[]);
    assert_eq!(
        tours(&first),
        vec![
            ("A".to_string(), "2027-01-04".to_string()),
            ("A".to_string(), "2027-02-01".to_string())
        ]
    );
    assert_eq!(num(&s1, &["objective"]), 2000.0);
    let keep = dir.path().join("first");
    std::fs::rename(&first, &keep).unwrap();
    let (again, s2) = solve_previous(dir.path(), &keep);
    assert_eq!(num(&s2, &["stability", "tours_changed"]), 0.0);
    assert_eq!(num(&s2, &["terms", "change_penalty"]), 0.0);
    assert_eq!(num(&s2, &["objective"]), 2000.0);
    assert_eq!(
        std::fs::read(keep.join("deployments.csv")).unwrap(),
        std::fs::read(again.join("deployments.csv")).unwrap()
    );
}

#[test]
fn the_change_penalty_trades_off_against_the_cost_of_keeping_tours() {
    // The previous plan has tours at A in weeks 0 and 4; now nobody is needed. Keeping a tour
    // costs its 1000; removing it costs the change penalty. Nothing is frozen.
    for (penalty, objective, kept) in [
        // 500 < 1000: remove both, objective 2 × 500 = 1000, no tours left.
        (500.0, 1000.0, 0usize),
        // 2000 > 1000: keep both, objective 2 × 1000 = 2000, no change.
        (2000.0, 2000.0, 2usize),
    ] {
        let before = scenario(AT_A, "").write();
        let (prev, _) = solve_and_verify(before.path(), &[]);
        let now = scenario(
            NONE,
            &format!("[stability]\nfreeze_days = 0\nchange_penalty = {penalty}"),
        )
        .write();
        let (out, s) = solve_previous(now.path(), &prev);
        assert_eq!(num(&s, &["objective"]), objective, "penalty {penalty}");
        assert_eq!(tours(&out).len(), kept, "penalty {penalty}");
        assert_eq!(num(&s, &["stability", "tours_changed"]), (2 - kept) as f64);
    }
}

#[test]
fn pinned_tours_survive_a_change_that_would_otherwise_move_them() {
    // The need moves from A to B. Change penalty 500, each tour 1000.
    let before = scenario(AT_A, "").write();
    let (prev, _) = solve_and_verify(before.path(), &[]);

    // Nothing frozen: both A tours go (2 × 500), B gets weeks 0 and 4 (2 × 1000 + 2 × 500).
    // Objective 2000 + 4 × 500 = 4000.
    let free = scenario(AT_B, "[stability]\nfreeze_days = 0\nchange_penalty = 500").write();
    let (out, s) = solve_previous(free.path(), &prev);
    assert_eq!(
        tours(&out),
        vec![
            ("B".to_string(), "2027-01-04".to_string()),
            ("B".to_string(), "2027-02-01".to_string())
        ]
    );
    assert_eq!(num(&s, &["objective"]), 4000.0);

    // A week frozen: the A tour of week 0 is published and stays (1000, no change); the A tour of
    // week 4 goes (500); B gets weeks 0 and 4 (2 × 1000 + 2 × 500). The pool of 2 allows A and
    // B side by side in weeks 0–3. Objective 3000 + 3 × 500 = 4500, 3 tours changed.
    let frozen = scenario(AT_B, "[stability]\nfreeze_days = 7\nchange_penalty = 500").write();
    let (out, s) = solve_previous(frozen.path(), &prev);
    assert_eq!(
        tours(&out),
        vec![
            ("A".to_string(), "2027-01-04".to_string()),
            ("B".to_string(), "2027-01-04".to_string()),
            ("B".to_string(), "2027-02-01".to_string())
        ]
    );
    assert_eq!(num(&s, &["objective"]), 4500.0);
    assert_eq!(num(&s, &["stability", "tours_changed"]), 3.0);
    assert_eq!(num(&s, &["stability", "tours_pinned"]), 1.0);
}

#[test]
fn tours_begun_before_a_later_start_are_kept_as_under_way() {
    // The previous plan started 2027-01-04; tonight's scenario starts two weeks later. The A tour
    // of week 0 has happened: it is carried over as a tour under way (initial) and still covers
    // weeks 0–1 of the new horizon; the tour of old week 4 (new week 2) is the plan's to keep.
    let before = scenario(AT_A, "").write();
    let (prev, _) = solve_and_verify(before.path(), &[]);
    let later = scenario(AT_A, "[stability]\nfreeze_days = 0\nchange_penalty = 500")
        .file("scenario.toml", "name = \"test\"\nstart = 2027-01-18\nperiods = 6\nperiod_days = 7\n[stability]\nfreeze_days = 0\nchange_penalty = 500\n")
        .write();
    let (out, s) = solve_previous(later.path(), &prev);
    let initial: Vec<(String, String)> = read_csv(&out.join("deployments.csv"))
        .into_iter()
        .filter(|r| r["initial"] == "true")
        .map(|r| (r["site"].clone(), r["arrive"].clone()))
        .collect();
    assert_eq!(initial, vec![("A".to_string(), "2027-01-04".to_string())]);
    // Weeks 2–5 (new numbering) need the old week-4 tour, which is kept: no change, cost 1000.
    assert_eq!(
        tours(&out),
        vec![("A".to_string(), "2027-02-01".to_string())]
    );
    assert_eq!(num(&s, &["stability", "tours_changed"]), 0.0);
    assert_eq!(num(&s, &["objective"]), 1000.0);
    assert_eq!(num(&s, &["shortfall", "role_unit_periods"]), 0.0);
}
