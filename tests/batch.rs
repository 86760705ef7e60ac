//! `rotaplan batch` and `rotaplan batch-merge`: every override kind against hand-worked
//! effects, the sweeps, failing variants, input errors, shards, and the scenario writer.

mod common;

use common::{generate, rotaplan, toml, Run, Scenario};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A 4-week horizon, one site S1 (zone Z1, node N) needing 1 infantry and 1 engineer.
///
/// - A offers 1 `inf` (28-day tours: L = 4), 10/day + 100 per tour; C offers 1 `inf` at 30/day.
/// - B offers the only `eng` (14-day tours: L = 2, no dwell), 20/day.
/// - Every unit eats 1 t of food a day; depot D feeds N over one bidirectional road; no storage.
///
/// Base optimum (unique): A's inf tour at t=0 (280 + 100) and B's eng tours at t=0 and t=2
/// (20·7·4 = 560): objective 940, no shortfall, nothing unmet, 150 troops at peak.
fn small() -> Scenario {
    Scenario::new()
        .file("scenario.toml", &toml(4, 7, ""))
        .file("nations.csv", "nation,name\nA,Alpha\nB,Bravo\nC,\"Charlie, Inc.\"\n")
        .file(
            "unit_types.csv",
            "unit_type,domain,role,troops,tour_days,dwell_days,handover_days\n\
             inf,land,infantry,100,28,0,0\n\
             eng,land,engineer,50,14,0,0\n\
             log,land,logistics,20,14,0,7\n",
        )
        .file("offers.csv", "nation,unit_type,units,cost_per_day,cost_per_tour\nA,inf,1,10,100\nB,eng,1,20,0\nC,inf,1,30,0\n")
        .file("sites.csv", "site,zone,node\nS1,Z1,N\n")
        .file("requirements.csv", "site,role,required\nS1,infantry,1\nS1,engineer,1\n")
        .file("limits.csv", "nation,zone,domain,max_troops\n*,Z1,land,1000\n")
        .file("nodes.csv", "node,kind\nD,depot\nN,site\n")
        .file("arcs.csv", "from,to,mode,capacity_tons_per_day,bidirectional\nD,N,road,1000,true\n")
        .file("supply.csv", "node,commodity,tons_per_day\nD,food,1000\n")
        .file("consumption.csv", "unit_type,commodity,tons_per_day\ninf,food,1\neng,food,1\n")
}

/// Runs the binary with the shard variables of Slurm and Kubernetes cleared (so a test run inside
/// a job array is not sharded by accident), plus `env`.
fn rp(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rotaplan"));
    cmd.args(args);
    for k in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// batch_summary.csv rows by variant name.
fn summary_rows(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr.headers().expect("header").clone();
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("row");
        let row: BTreeMap<String, String> = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, c)| (h.to_string(), c.to_string()))
            .collect();
        out.insert(row["variant"].clone(), row);
    }
    out
}

fn f(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = `{}` in {row:?}", row[col]))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// One variants file touching every override kind; each effect worked out by hand.
#[test]
fn every_override_kind_has_its_hand_worked_effect() {
    let dir = small().write();
    let variants = dir.path().join("variants.csv");
    std::fs::write(
        &variants,
        "variant,kind,target,value,from,to,note\n\
         no-B,withdraw_nation,B,,,,the only engineer nation\n\
         B-leaves,withdraw_nation,B,,2027-01-18,,\n\
         surge,scale_requirements,role:engineer,2,2027-01-18,,\n\
         none,scale_requirements,*,0,,,\n\
         cap,set_limit,*:Z1:land,100,,,\n\
         cap-A,add_limit,A:*:*,0,2027-01-18,,\n\
         close,close_arc,D>N,,2027-01-11,2027-01-17,\n\
         pool0,pool,B:eng,0,,,\n\
         dwell,dwell_days,eng,7,,,\n\
         short-tours,tour_days,inf,7,,,\n\
         combo,withdraw_nation,B,,,,\n\
         combo,scale_requirements,site:S1,2,,,\n",
    )
    .unwrap();
    let out = dir.path().join("batch");
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            variants.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "2",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // One progress line per finished variant (11 + base).
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with('[')).count(),
        12,
        "{}",
        r.stderr
    );
    let rows = summary_rows(&out.join("batch_summary.csv"));
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "B-leaves",
            "base",
            "cap",
            "cap-A",
            "close",
            "combo",
            "dwell",
            "no-B",
            "none",
            "pool0",
            "short-tours",
            "surge"
        ]
    );
    // (objective, role-unit periods short, tons unmet), by hand:
    let expected: [(&str, f64, f64, f64); 12] = [
        ("base", 940.0, 0.0, 0.0),
        // No engineer at all: 1 short in each of 4 periods, 10000·7 each; inf 380.
        ("no-B", 280_380.0, 4.0, 0.0),
        // B may not be on the ground from period 2: eng tour at 0 only (280), 2 periods short.
        ("B-leaves", 140_660.0, 2.0, 0.0),
        // 2 engineers from period 2, one to give: 2 short; costs as base.
        ("surge", 140_940.0, 2.0, 0.0),
        // Nothing required: nothing deployed.
        ("none", 0.0, 0.0, 0.0),
        // 100 troops in Z1: inf (100) or eng (50) per period, never both; inf is cheaper.
        ("cap", 280_380.0, 4.0, 0.0),
        // A no troops from period 2: its 4-period tour is impossible, C serves (840) + eng 560.
        ("cap-A", 1_400.0, 0.0, 0.0),
        // Road closed in period 1 only: the 14 t of that period are unmet, 1000/t.
        ("close", 14_940.0, 0.0, 14.0),
        // B's pool emptied: as if withdrawn.
        ("pool0", 280_380.0, 4.0, 0.0),
        // eng busy 3 periods per tour: tours at 0 and 3 (20·7·3 = 420), period 2 short (70000).
        ("dwell", 70_800.0, 1.0, 0.0),
        // 7-day inf tours: A's 4 tours (280 + 4·100) beat C's (840); eng 560.
        ("short-tours", 1_240.0, 0.0, 0.0),
        // B gone and S1 doubled: inf by A and C (380 + 840), 2 engineers short × 4 periods.
        ("combo", 561_220.0, 8.0, 0.0),
    ];
    for (name, obj, short, unmet) in expected {
        let row = &rows[name];
        assert_eq!(row["status"], "optimal", "{name}: {row:?}");
        assert!(
            close(f(row, "objective"), obj),
            "{name}: objective {} != {obj}",
            row["objective"]
        );
        assert!(
            close(f(row, "shortfall_role_unit_periods"), short),
            "{name}: shortfall {}",
            row["shortfall_role_unit_periods"]
        );
        assert!(
            close(f(row, "unmet_tons"), unmet),
            "{name}: unmet {}",
            row["unmet_tons"]
        );
        assert!(
            close(f(row, "objective_vs_base"), obj - 940.0),
            "{name}: vs base {}",
            row["objective_vs_base"]
        );
        // Each variant is a real scenario directory and a real plan: the checker agrees.
        let v = rotaplan(&[
            "verify",
            out.join(name).join("scenario").to_str().unwrap(),
            out.join(name).join("plan").to_str().unwrap(),
        ]);
        assert_eq!(v.code, 0, "{name}: verify\n{}\n{}", v.stdout, v.stderr);
    }
    // Withdrawing the only nation that offers a role gives exactly that role's shortfall.
    let s = common::read_summary(&out.join("no-B").join("plan"));
    assert_eq!(
        s["shortfall"]["by_site_role"],
        serde_json::json!({"S1/engineer": 4.0})
    );
    // Peak troops: 150 in the base; 100 under the cap.
    assert!(close(f(&rows["base"], "peak_troops"), 150.0));
    assert!(close(f(&rows["cap"], "peak_troops"), 100.0));
    // set_limit replaced the matching row rather than adding one.
    let limits =
        std::fs::read_to_string(out.join("cap").join("scenario").join("limits.csv")).unwrap();
    assert_eq!(
        limits,
        "nation,zone,domain,max_troops,from,to\n*,Z1,land,100,,\n"
    );
    // add_limit added one.
    let limits =
        std::fs::read_to_string(out.join("cap-A").join("scenario").join("limits.csv")).unwrap();
    assert_eq!(limits.lines().count(), 3, "{limits}");
    // withdraw_nation from 2027-01-18: available to the day before.
    let nations =
        std::fs::read_to_string(out.join("B-leaves").join("scenario").join("nations.csv")).unwrap();
    assert!(nations.contains("B,Bravo,,2027-01-17\n"), "{nations}");
    // A closure in the middle of the horizon keeps the arc's capacity, cost and timing outside it
    // through a relay node; both directions of the bidirectional road are closed.
    let arcs =
        std::fs::read_to_string(out.join("close").join("scenario").join("arcs.csv")).unwrap();
    assert!(
        arcs.contains("D,N,road,1000,0,0,true,,2027-01-04\n"),
        "{arcs}"
    );
    assert!(
        arcs.contains("D,D~N~road~2,road,1000,0,0,false,2027-01-18,\n"),
        "{arcs}"
    );
    assert!(
        arcs.contains("N,N~D~road~2,road,1000,0,0,false,2027-01-18,\n"),
        "{arcs}"
    );
    // The summary names the overrides.
    assert_eq!(
        rows["combo"]["overrides"],
        "withdraw_nation B; scale_requirements site:S1 x2"
    );
}

#[test]
fn sweeps_withdraw_each_nation_and_close_each_arc() {
    let dir = small().write();
    let out = dir.path().join("sweep");
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--each-nation-withdraws",
            "--each-arc-fails",
            "--jobs",
            "3",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows = summary_rows(&out.join("batch_summary.csv"));
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "arc-D-N-road",
            "base",
            "withdraw-A",
            "withdraw-B",
            "withdraw-C"
        ]
    );
    // Without A, C's dearer infantry (840 + 560); without B no engineer; C is not used anyway.
    assert!(close(f(&rows["withdraw-A"], "objective"), 1_400.0));
    assert!(close(f(&rows["withdraw-B"], "objective"), 280_380.0));
    assert!(close(f(&rows["withdraw-C"], "objective"), 940.0));
    // The only road closed for the whole horizon: 14 t a period × 4 unmet.
    assert!(close(f(&rows["arc-D-N-road"], "unmet_tons"), 56.0));
    assert!(close(
        f(&rows["arc-D-N-road"], "objective"),
        940.0 + 56_000.0
    ));
}

#[test]
fn a_failing_variant_is_reported_and_the_rest_still_run() {
    // C has an infantry unit on tour since 2026-12-28 (periods -1..2): a pool of 0 breaks it.
    let sc = small().file(
        "deployed.csv",
        "nation,unit_type,site,arrived,units\nC,inf,S1,2026-12-28,1\n",
    );
    let dir = sc.write();
    let variants = dir.path().join("v.csv");
    std::fs::write(
        &variants,
        "variant,kind,target,value\nbad,pool,C:inf,0\ngood,withdraw_nation,B,\n",
    )
    .unwrap();
    // A plan left over from an earlier run must not be taken for the failed variant's result.
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("bad").join("plan")).unwrap();
    std::fs::write(out.join("bad").join("plan").join("summary.json"), "{}").unwrap();
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            variants.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let rows = summary_rows(&out.join("batch_summary.csv"));
    assert_eq!(rows["bad"]["status"], "input_error");
    assert_eq!(rows["bad"]["exit_code"], "2");
    assert!(rows["bad"]["message"].contains("pool"), "{:?}", rows["bad"]);
    assert!(rows["bad"]["objective"].is_empty());
    assert!(!out.join("bad").join("plan").exists());
    assert!(out.join("bad").join("solve.log").is_file());
    assert_eq!(rows["good"]["status"], "optimal");
    assert_eq!(rows["base"]["status"], "optimal");
    assert!(r.stderr.contains("1 failed"), "{}", r.stderr);
}

#[test]
fn bad_variants_are_input_errors_with_file_and_line_and_nothing_runs() {
    let dir = small().write();
    let variants = dir.path().join("variants.csv");
    std::fs::write(
        &variants,
        "variant,kind,target,value,from,to\n\
         ok,withdraw_nation,B,,,\n\
         x1,fly_to_moon,B,,,\n\
         x2,withdraw_nation,ZZ,,,\n\
         x3,scale_requirements,site:S1,\"1,5\",,\n\
         x4,pool,A:inf,-1,,\n\
         x5,close_arc,D>Q,,,\n\
         x6,set_limit,A:Z9:land,5,,\n\
         bad name!,pool,A:inf,1,,\n\
         x7,tour_days,log,7,,\n\
         x8,close_arc,N>D:rail,,,\n\
         x9,withdraw_nation,A,,2027-02-01,2027-03-01\n\
         x10,pool,A:eng,1,,\n\
         x11,scale_requirements,role:logistics,2,,\n\
         base,pool,A:inf,2,,\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            variants.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let f = variants.display().to_string();
    for expect in [
        format!("{f}:3: kind: unknown override kind `fly_to_moon`"),
        format!("{f}:4: target: unknown nation `ZZ`"),
        format!("{f}:5: value: `1,5` uses a decimal comma"),
        format!("{f}:6: value: expected a whole number of units ≥ 0, got -1"),
        format!("{f}:7: target: unknown node `Q`"),
        format!("{f}:8: target: no site in sites.csv is in zone `Z9`"),
        format!("{f}:9: variant: `bad name!` is not a safe directory name"),
        format!("{f}:10: value: variant `x7`: with tour_days 7 a tour of `log` is 1 period(s)"),
        format!("{f}:11: target: arcs.csv has no arc from `N` to `D` by rail"),
        format!("{f}:12: to: withdraw_nation takes a `from` date only"),
        format!("{f}:13: target: offers.csv has no offer of `eng` by `A`"),
        format!("{f}:14: target: no requirement in requirements.csv asks for role `logistics`"),
        format!("{f}:15: variant: `base` is the unchanged scenario"),
    ] {
        assert!(
            r.stderr.contains(&expect),
            "missing `{expect}` in:\n{}",
            r.stderr
        );
    }
    assert!(!r.stderr.contains(&format!("{f}:2:")), "{}", r.stderr);
    assert!(!out.exists(), "nothing may run on an input error");
    // A missing variants file and a variants file without the required columns.
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            "nope.csv",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nope.csv: cannot read the variants file"),
        "{}",
        r.stderr
    );
    std::fs::write(&variants, "variant;kind\nx;pool\n").unwrap();
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            variants.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains(&format!("{f}:1: target: required column is missing")),
        "{}",
        r.stderr
    );
    // An invalid base scenario: exit 2 with the scenario's own errors.
    let broken = small()
        .file("offers.csv", "nation,unit_type,units\nA,inf,x\n")
        .write();
    let r = rp(
        &[
            "batch",
            broken.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--each-nation-withdraws",
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("offers.csv:2: units"), "{}", r.stderr);
    assert!(!out.exists());
}

/// Seven variants and the base: eight names in all.
fn eight_variants(dir: &Path) -> std::path::PathBuf {
    let variants = dir.join("variants.csv");
    std::fs::write(
        &variants,
        "variant;kind;target;value\n\
         v1;pool;A:inf;1\n\
         v2;pool;B:eng;1\n\
         v3;pool;C:inf;1\n\
         v4;scale_requirements;*;1\n\
         v5;scale_requirements;*;0\n\
         v6;dwell_days;eng;0\n\
         v7;tour_days;inf;28\n",
    )
    .unwrap();
    variants
}

#[test]
fn shards_one_two_and_three_of_three_run_every_variant_exactly_once() {
    let dir = small().write();
    let variants = eight_variants(dir.path());
    let (sc, vs) = (dir.path().to_str().unwrap(), variants.to_str().unwrap());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut dirs = Vec::new();
    for i in 1..=3 {
        let out = dir.path().join(format!("shard{i}"));
        let r = rp(
            &[
                "batch",
                sc,
                vs,
                "--out",
                out.to_str().unwrap(),
                "--shard",
                &format!("{i}/3"),
                "--jobs",
                "1",
            ],
            &[],
        );
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        let file = out.join(format!("batch_summary.shard-{i}-of-3.csv"));
        for name in summary_rows(&file).into_keys() {
            assert!(out.join(&name).join("plan").join("summary.json").is_file());
            *seen.entry(name).or_default() += 1;
        }
        assert!(!out.join("batch_summary.csv").exists());
        dirs.push(out);
    }
    let all: Vec<&str> = seen.keys().map(String::as_str).collect();
    assert_eq!(all, ["base", "v1", "v2", "v3", "v4", "v5", "v6", "v7"]);
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    // Round robin over names in order: shard 1 has the 1st, 4th and 7th.
    let s1: Vec<String> = summary_rows(&dirs[0].join("batch_summary.shard-1-of-3.csv"))
        .into_keys()
        .collect();
    assert_eq!(s1, ["base", "v3", "v6"]);

    // batch-merge joins them (vs-base filled in across shards) …
    let merged = dir.path().join("merged.csv");
    let d: Vec<&str> = dirs.iter().map(|p| p.to_str().unwrap()).collect();
    let r = rp(
        &[
            "batch-merge",
            d[0],
            d[1],
            d[2],
            "--out",
            merged.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rows = summary_rows(&merged);
    assert_eq!(rows.keys().map(String::as_str).collect::<Vec<_>>(), all);
    assert!(
        close(f(&rows["v5"], "objective_vs_base"), -940.0),
        "{:?}",
        rows["v5"]
    );
    // … refuses a missing shard …
    let r = rp(&["batch-merge", d[0], d[2]], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing shard(s) 2/3"), "{}", r.stderr);
    // … and a shard given twice.
    let r = rp(&["batch-merge", d[0], d[1], d[2], d[0]], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("shard 1/3 appears twice"), "{}", r.stderr);
    // Default output: the first directory's batch_summary.csv.
    let r = rp(&["batch-merge", d[0], d[1], d[2]], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(dirs[0].join("batch_summary.csv")).unwrap(),
        std::fs::read(&merged).unwrap()
    );
}

#[test]
fn the_shard_comes_from_slurm_or_kubernetes_when_not_given() {
    let dir = small().write();
    let variants = eight_variants(dir.path());
    let (sc, vs) = (dir.path().to_str().unwrap(), variants.to_str().unwrap());
    let out = dir.path().join("o");
    let o = out.to_str().unwrap();
    let list = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["batch", sc, vs, "--out", o, "--dry-run"];
        args.extend_from_slice(extra);
        let r = rp(&args, env);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let all = list(&[], &[]);
    assert_eq!(all.len(), 8);
    let second = list(&["--shard", "2/3"], &[]);
    assert_eq!(second, ["v1", "v4", "v7"]);
    // A Slurm array 1-3 (task 2) and 0-2 (task 1) both mean shard 2 of 3.
    assert_eq!(
        list(
            &[],
            &[
                ("SLURM_ARRAY_TASK_ID", "2"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3")
            ]
        ),
        second
    );
    assert_eq!(
        list(
            &[],
            &[
                ("SLURM_ARRAY_TASK_ID", "1"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "3")
            ]
        ),
        second
    );
    // A Kubernetes Indexed Job: 0-based index, count from --shards.
    assert_eq!(
        list(&["--shards", "3"], &[("JOB_COMPLETION_INDEX", "1")]),
        second
    );
    // --shard wins over the environment.
    assert_eq!(
        list(&["--shard", "2/3"], &[("JOB_COMPLETION_INDEX", "0")]),
        second
    );
    // Missing or impossible shard counts are input errors.
    let r = rp(
        &["batch", sc, vs, "--out", o],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("give --shards N"), "{}", r.stderr);
    let r = rp(&["batch", sc, vs, "--out", o, "--shard", "4/3"], &[]);
    assert_eq!(r.code, 2);
    assert!(!out.exists());
}

/// Every `line` field cleared, with the directory and hash: what a written file cannot keep.
fn normalised(sc: &rotaplan::scenario::Scenario) -> String {
    let mut s = sc.clone();
    s.dir = Default::default();
    s.input_hash.clear();
    s.nations.iter_mut().for_each(|x| x.line = 0);
    s.unit_types.iter_mut().for_each(|x| x.line = 0);
    s.offers.iter_mut().for_each(|x| x.line = 0);
    s.sites.iter_mut().for_each(|x| x.line = 0);
    s.requirements.iter_mut().for_each(|x| x.line = 0);
    s.limits.iter_mut().for_each(|x| x.line = 0);
    s.deployed.iter_mut().for_each(|x| x.line = 0);
    if let Some(n) = &mut s.network {
        n.nodes.iter_mut().for_each(|x| x.line = 0);
        n.arcs.iter_mut().for_each(|x| x.line = 0);
        n.supply.iter_mut().for_each(|x| x.line = 0);
        n.consumption.iter_mut().for_each(|x| x.line = 0);
        n.initial_stocks.iter_mut().for_each(|x| x.line = 0);
    }
    format!("{s:#?}")
}

fn load_ok(dir: &Path) -> rotaplan::scenario::Scenario {
    let out = rotaplan::scenario::load(dir);
    let errs: Vec<String> = out.diags.errors().map(|e| e.to_string()).collect();
    out.scenario
        .unwrap_or_else(|| panic!("{} does not load: {errs:?}", dir.display()))
}

#[test]
fn a_written_scenario_loads_back_field_by_field() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("gen");
    generate(&generated, [6, 5, 5, 30, 12], 1);
    let odd = small()
        .file(
            "scenario.toml",
            &toml(
                9,
                5,
                "description = \"a \\\"quoted\\\" text\"\n[penalties]\ncoverage = 123.456\n[solver]\nmode = \"lp\"\ntime_limit_s = 0.5\n",
            ),
        )
        .file("unit_types.csv", "unit_type;domain;role;role_value;troops;tour_days;dwell_days;handover_days\ninf;land;infantry;0.5;100;28.3;1e1;6.9999\neng;air;engineer;1;50;14;0;0\n")
        .file("requirements.csv", "site,role,required,priority,from,to\nS1,infantry,1.25,3,2027-01-09,\nS1,engineer,1,1,,2027-02-01\nS1,engineer,2,1,,\n")
        .file("limits.csv", "nation,zone,domain,max_troops,from,to\n*,Z1,land,1000,,\nA,*,*,0.5,2027-01-04,2027-01-05\n")
        .file("arcs.csv", "from,to,mode,capacity_tons_per_day,cost_per_ton,transit_days,bidirectional,available_from\nD,N,road,1000,0.1,3.5,true,2027-01-09\nN,D,rail,5,0,0,false,\n")
        .file("nodes.csv", "node,kind,storage_tons,pax_per_day\nD,depot,10,\nN,site,0,7.5\n")
        .file("initial_stocks.csv", "node,commodity,tons\nD,food,4\n")
        .file("deployed.csv", "nation,unit_type,site,arrived,units\nC,inf,S1,2026-12-28,1\nA,inf,S1,2026-12-01,1\n");
    let odd_dir = odd.write();
    // Every [solver] and [output] setting a scenario can carry: a batch variant rerun by hand
    // from its written directory must be solved the same way (rolling, strategy, workbook).
    let settings = tmp.path().join("settings");
    std::fs::create_dir(&settings).unwrap();
    for f in std::fs::read_dir(odd_dir.path()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, settings.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        settings.join("scenario.toml"),
        toml(
            9,
            5,
            "[solver]\nstrategy = \"rotation-first\"\nheuristic_effort = 0.25\nrolling_window = 8\nrolling_step = 1\neffort = 2.5\n[output]\nxlsx = true\n",
        ),
    )
    .unwrap();
    let with_settings = load_ok(&settings);
    assert_eq!(with_settings.solver.rolling_window, Some(8));
    assert!(with_settings.output.xlsx);
    for dir in [generated.as_path(), odd_dir.path(), settings.as_path()] {
        let first = load_ok(dir);
        let written = tmp.path().join("written");
        rotaplan::scenario::write::write(&first, &written).unwrap();
        let again = load_ok(&written);
        assert_eq!(normalised(&first), normalised(&again), "{}", dir.display());
        // Writing is deterministic: the same scenario gives the same bytes (and input hash).
        let twice = tmp.path().join("twice");
        rotaplan::scenario::write::write(&again, &twice).unwrap();
        assert_eq!(load_ok(&twice).input_hash, again.input_hash);
        std::fs::remove_dir_all(&written).unwrap();
        std::fs::remove_dir_all(&twice).unwrap();
    }
}

#[test]
fn json_progress_lines_for_schedulers() {
    let dir = small().write();
    let out = dir.path().join("out");
    let r = rp(
        &[
            "batch",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--each-nation-withdraws",
            "--log-format",
            "json",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert_eq!(events.first().unwrap()["event"], "batch_start");
    assert_eq!(events.last().unwrap()["event"], "batch_done");
    let done: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "variant").collect();
    assert_eq!(done.len(), 4);
    assert!(done
        .iter()
        .all(|e| e["status"] == "optimal" && e["objective"].is_number()));
}

/// SIGTERM to a batch: no further variant starts, running solves end cleanly, and the summary
/// is written with the unfinished variants as `interrupted` (exit 1). Nothing half-written.
#[test]
fn a_signal_stops_the_batch_and_the_summary_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tmp.path().join("sc");
    // Five variants whose solves take seconds each (a generated 20-week coalition scenario).
    generate(&sc, [4, 3, 3, 20, 8], 1);
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotaplan"))
        .args([
            "batch",
            sc.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--each-nation-withdraws",
            "--jobs",
            "1",
        ])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success());
    let sent = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            sent.elapsed() < std::time::Duration::from_secs(60),
            "the batch did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let rows = summary_rows(&out.join("batch_summary.csv"));
    assert_eq!(rows.len(), 5);
    assert!(
        rows.values().any(|r| r["status"] == "interrupted"),
        "{rows:?}"
    );
    for (name, row) in &rows {
        let plan = out.join(name).join("plan");
        assert_eq!(
            plan.exists(),
            row["status"] == "optimal" || row["status"] == "feasible",
            "{name}: {row:?}"
        );
        let stray: Vec<_> = std::fs::read_dir(out.join(name))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with('.'))
            .collect();
        assert!(stray.is_empty(), "{name}: {stray:?}");
    }
}
