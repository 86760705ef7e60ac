//! `rotaplan diff OLD NEW` on hand-made plans: tours added, removed and moved.

mod common;

use common::{rotaplan, toml, Scenario};
use std::path::{Path, PathBuf};

/// Writes a plan directory holding only deployments.csv, from (nation, unit type, site, arrive,
/// units) rows; the other columns get placeholders (diff does not read them).
fn plan(root: &Path, name: &str, rows: &[(&str, &str, &str, &str, &str)]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(
        "nation,unit_type,unit,site,zone,units,troops,arrive,cover_from,depart,initial\n",
    );
    for (i, (n, u, s, arrive, units)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{n},{u},{n}-{u}-{},{s},Z,{units},100,{arrive},{arrive},2099-01-01,false\n",
            i + 1
        ));
    }
    std::fs::write(dir.join("deployments.csv"), text).unwrap();
    dir
}

fn diff(old: &Path, new: &Path) -> common::Run {
    rotaplan(&["diff", old.to_str().unwrap(), new.to_str().unwrap()])
}

#[test]
fn the_same_tours_are_no_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = [
        ("GBR", "inf", "S1", "2027-01-04", "1"),
        ("GBR", "inf", "S1", "2027-01-04", "1"),
        ("FRA", "eng", "S2", "2027-02-01", "0.5"),
    ];
    let old = plan(tmp.path(), "old", &rows);
    // Other row order, other unit numbers, one tour now `initial`, two unit rows as one lp row:
    // the same tours.
    let new = tmp.path().join("new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("deployments.csv"),
        "nation,unit_type,unit,site,zone,units,troops,arrive,cover_from,depart,initial\n\
         FRA,eng,,S2,Z,0.5,25,2027-02-01,2027-02-01,2027-03-01,true\n\
         GBR,inf,,S1,Z,2,200,2027-01-04,2027-01-04,2027-01-31,false\n",
    )
    .unwrap();
    let r = diff(&old, &new);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("the plans have the same tours"),
        "{}",
        r.stdout
    );
    assert_eq!(
        std::fs::read_to_string(new.join("diff.csv")).unwrap(),
        "change,nation,unit_type,units,site_old,arrive_old,site_new,arrive_new\n"
    );
}

#[test]
fn tours_added_removed_and_moved_per_nation_and_site() {
    let tmp = tempfile::tempdir().unwrap();
    let old = plan(
        tmp.path(),
        "old",
        &[
            ("GBR", "inf", "S1", "2027-01-04", "1"),
            ("GBR", "inf", "S2", "2027-02-01", "1"),
            ("FRA", "eng", "S1", "2027-01-04", "1"),
            ("DEU", "inf", "S1", "2027-03-01", "1"),
            ("POL", "art", "S3", "2027-01-04", "1"),
            ("POL", "art", "S3", "2027-01-04", "1"),
        ],
    );
    let new = plan(
        tmp.path(),
        "new",
        &[
            ("GBR", "inf", "S1", "2027-01-04", "1"),
            ("GBR", "inf", "S2", "2027-02-15", "1"),
            ("FRA", "eng", "S1", "2027-01-04", "1"),
            ("FRA", "eng", "S2", "2027-01-11", "1"),
            ("POL", "art", "S3", "2027-01-04", "1"),
            ("ITA", "inf", "S1", "2027-01-04", "1"),
        ],
    );
    let r = diff(&old, &new);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    // By hand: DEU's tour is gone; FRA adds one at S2; GBR's S2 tour moves two weeks later (a
    // removal and an addition of the same nation and unit type); ITA is new; POL sends one unit
    // fewer to S3.
    assert_eq!(
        std::fs::read_to_string(new.join("diff.csv")).unwrap(),
        "change,nation,unit_type,units,site_old,arrive_old,site_new,arrive_new\n\
         removed,DEU,inf,1,S1,2027-03-01,,\n\
         added,FRA,eng,1,,,S2,2027-01-11\n\
         moved,GBR,inf,1,S2,2027-02-01,S2,2027-02-15\n\
         added,ITA,inf,1,,,S1,2027-01-04\n\
         removed,POL,art,1,S3,2027-01-04,,\n"
    );
    assert!(
        r.stdout
            .starts_with("the plans differ: 2 units added, 2 units removed, 1 unit moved"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\nGBR: +0 added, -0 removed, ~1 moved\n  ~ moved     1 unit inf from S2 2027-02-01 to S2 2027-02-15\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "\nDEU: +0 added, -1 removed, ~0 moved\n  - removed   1 unit inf at S1 2027-03-01\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn moves_pair_the_same_site_first_then_the_nearest_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let old = plan(
        tmp.path(),
        "old",
        &[
            ("GBR", "inf", "S1", "2027-01-04", "1"),
            ("GBR", "inf", "S2", "2027-01-04", "1"),
            ("FRA", "eng", "S1", "2027-01-04", "1.5"),
        ],
    );
    let new = plan(
        tmp.path(),
        "new",
        &[
            ("GBR", "inf", "S1", "2027-02-01", "1"),
            ("GBR", "inf", "S3", "2027-01-11", "1"),
            ("FRA", "eng", "S1", "2027-01-04", "1"),
        ],
    );
    let out = tmp.path().join("elsewhere.csv");
    let r = rotaplan(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // S1→S1 (four weeks apart) before S2→S3 (one week apart): the same site pairs first. FRA's
    // lp plan sends half a unit fewer.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "change,nation,unit_type,units,site_old,arrive_old,site_new,arrive_new\n\
         removed,FRA,eng,0.5,S1,2027-01-04,,\n\
         moved,GBR,inf,1,S1,2027-01-04,S1,2027-02-01\n\
         moved,GBR,inf,1,S2,2027-01-04,S3,2027-01-11\n"
    );
    assert!(!new.join("diff.csv").exists());
}

#[test]
fn unreadable_plans_exit_2_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let good = plan(
        tmp.path(),
        "good",
        &[("GBR", "inf", "S1", "2027-01-04", "1")],
    );
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let r = diff(&empty, &good);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "{}: cannot read the plan",
            empty.join("deployments.csv").display()
        )),
        "{}",
        r.stderr
    );
    let bad = plan(
        tmp.path(),
        "bad",
        &[
            ("GBR", "inf", "S1", "2027-01-04", "1"),
            ("GBR", "inf", "S1", "04/01/2027", "1"),
        ],
    );
    let r = diff(&good, &bad);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!(
            "{}:3: arrive: expected a date YYYY-MM-DD, got `04/01/2027`",
            bad.join("deployments.csv").display()
        )),
        "{}",
        r.stderr
    );
    std::fs::write(bad.join("deployments.csv"), "nation,site\nGBR,S1\n").unwrap();
    let r = diff(&good, &bad);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(":1: unit_type: required column is missing"),
        "{}",
        r.stderr
    );
    assert!(!bad.join("diff.csv").exists());
}

#[test]
fn diff_of_two_solved_plans() {
    // One site needing an engineer for 4 weeks; B's only engineer does 2-week tours (t=0, t=2).
    let base = Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation\nA\nB\n")
        .file("unit_types.csv", "unit_type,domain,role,troops,tour_days,dwell_days\ninf,land,infantry,100,28,0\neng,land,engineer,50,14,0\n")
        .file("offers.csv", "nation,unit_type,units,cost_per_day\nA,inf,1,10\nB,eng,1,20\n")
        .file("sites.csv", "site,zone\nS1,Z1\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\nS1,engineer,1\n");
    let old_dir = base.write();
    // B leaves from the third week: its second tour is gone.
    let new_dir = base
        .clone()
        .file("nations.csv", "nation,available_to\nA,\nB,2027-01-17\n")
        .write();
    let (old, _) = common::solve_and_verify(old_dir.path(), &[]);
    let (new, _) = common::solve_and_verify(new_dir.path(), &[]);
    let r = diff(&old, &new);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(new.join("diff.csv")).unwrap(),
        "change,nation,unit_type,units,site_old,arrive_old,site_new,arrive_new\nremoved,B,eng,1,S1,2027-01-18,,\n"
    );
    let r = diff(&old, &old);
    assert_eq!(r.code, 0, "{}", r.stdout);
}
