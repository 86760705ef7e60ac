//! The HTML plan report: hooks (one bar per tour, one marked cell per short coverage row),
//! escaping, the offline policy, determinism, the `report` command's exit codes, and a real
//! headless browser reading the page.

mod common;

use common::{chromium, dump_dom, read_csv, rotaplan};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/demo")
}

/// A copy of the demo scenario with `edit` applied to every file's text.
fn demo_copy(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(demo()).expect("demo dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&p).expect("demo file");
        std::fs::write(dir.path().join(&name), edit(&name, text)).expect("write");
    }
    dir
}

fn solve(scenario: &Path, out: &Path) {
    let r = rotaplan(&[
        "solve",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Values of `attr` on every element whose class attribute is exactly `class`.
fn attr_of_class(html: &str, class: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let key = format!("class=\"{class}\"");
    for (i, _) in html.match_indices(&key) {
        let start = html[..i].rfind('<').unwrap();
        let end = i + html[i..].find('>').unwrap();
        let tag = &html[start..end];
        let pat = format!(" {attr}=\"");
        if let Some(j) = tag.find(&pat) {
            let v = &tag[j + pat.len()..];
            out.push(v[..v.find('"').unwrap()].to_string());
        }
    }
    out
}

#[test]
fn solve_writes_a_report_with_one_bar_per_tour_and_short_cells_as_hooks() {
    // The demo with Lviv asking for 9 battalions: at most 2400 troops of land forces may be in
    // zone UA (limits.csv:3) = 4 battalions of 600, so Lviv is short by at least 5 in every
    // week: there must be short cells. A coalition-wide cap of 1400 troops (limits.csv:5) is
    // added: the tours already deployed (deployed.csv: GBR and FRA battalions of 600 and two
    // POL fighter detachments of 100) put exactly 600 + 600 + 2 × 100 = 1400 on the ground in
    // the first week, so the cap binds there whatever else the plan does, and its line is
    // drawn on the nation load.
    let sc = demo_copy(|name, text| match name {
        "requirements.csv" => {
            text.replace("ua-lviv,manoeuvre_bn,2,1,,", "ua-lviv,manoeuvre_bn,9,1,,")
        }
        "limits.csv" => text + "*,*,*,1400,,\n",
        _ => text,
    });
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("plan");
    solve(sc.path(), &out);
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html written");

    // One bar per row of deployments.csv, each carrying the unit column.
    let tours = read_csv(&out.join("deployments.csv"));
    let units = attr_of_class(&html, "tour", "data-unit");
    assert_eq!(units.len(), tours.len());
    let mut want: Vec<String> = tours.iter().map(|t| t["unit"].clone()).collect();
    let mut got = units.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);

    // One short cell per coverage row with shortfall > 0, found by its three attributes.
    let cov = read_csv(&out.join("coverage.csv"));
    let short: BTreeSet<(String, String, String)> = cov
        .iter()
        .filter(|r| r["shortfall"].parse::<f64>().unwrap() > 0.0)
        .map(|r| {
            (
                r["site"].clone(),
                r["role"].clone(),
                r["period_start"].clone(),
            )
        })
        .collect();
    assert!(
        short.len() >= 52,
        "Lviv is short every week: {}",
        short.len()
    );
    let sites = attr_of_class(&html, "short", "data-site");
    let roles = attr_of_class(&html, "short", "data-role");
    let periods = attr_of_class(&html, "short", "data-period");
    assert_eq!(sites.len(), short.len());
    let cells: BTreeSet<(String, String, String)> = sites
        .into_iter()
        .zip(roles)
        .zip(periods)
        .map(|((s, r), p)| (s, r, p))
        .collect();
    assert_eq!(cells, short);
    // The header says it falls short, in words.
    assert!(html.contains("Coverage falls short by"));

    // The coalition cap binds somewhere (limit_use.csv says so), so it is drawn as a line on
    // the nation load, and it heads the limits table, which lists binding rows first.
    let binding = read_csv(&out.join("limit_use.csv"))
        .iter()
        .filter(|r| r["limit"] == "5" && r["used"] == "1400")
        .count();
    assert!(binding > 0, "the cap of 1400 never binds");
    let line = html
        .find("class=\"limit-line\"")
        .expect("a limit line is drawn");
    assert!(html[line..].starts_with("class=\"limit-line\" d=\"M"));
    let title = &html[line..line + html[line..].find("</title>").unwrap()];
    assert!(title.contains("limits.csv:5"), "{title}");
    assert!(
        title.contains(&format!("binds in {binding} weeks")),
        "{title}"
    );
    let table = &html[html.find("id=\"limits-table\"").unwrap()..];
    let first_row = &table[table.find("<tr data-binding").unwrap()..];
    assert!(first_row.starts_with("<tr data-binding=\"true\">"));
}

#[test]
fn a_plan_without_supply_network_still_gets_its_report() {
    // The demo without its network tables: sites keep their position, lose node and reception.
    let sc = demo_copy(|name, text| match name {
        "sites.csv" => text
            .replace("site,name,zone,node,reception,", "site,name,zone,")
            .replace(",site-lviv,mostyska,", ",")
            .replace(",site-odesa,mostyska,", ",")
            .replace(",af-rzeszow,,", ","),
        _ => text,
    });
    for f in [
        "nodes.csv",
        "arcs.csv",
        "supply.csv",
        "consumption.csv",
        "commodities.csv",
        "initial_stocks.csv",
    ] {
        std::fs::remove_file(sc.path().join(f)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("plan");
    solve(sc.path(), &out);
    assert!(!out.join("flows.csv").exists());
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html written");
    assert!(html.contains("<p>This scenario has no supply network.</p>"));
    assert!(html.contains("<p>This plan has no reception nodes"));
    let tours = read_csv(&out.join("deployments.csv"));
    assert_eq!(attr_of_class(&html, "tour", "data-unit").len(), tours.len());
}

#[test]
fn hostile_input_text_shows_as_text() {
    const EVIL: &str = "<img src=x onerror=alert(1)>";
    // Codes are held to a safe alphabet at load (docs/inputs-safety.md), so markup can only
    // come in through free text: GBR's and FRA's names, a site's name, the description.
    let sc = demo_copy(|name, text| match name {
        "nations.csv" => text
            .replace("GBR,United Kingdom", &format!("GBR,{EVIL}"))
            .replace("FRA,France", "FRA,\"<script>alert(2)</script>\""),
        "sites.csv" => text.replace("ua-lviv,Lviv,", &format!("ua-lviv,{EVIL},")),
        "scenario.toml" => text.replace("Tiny illustrative", "<b>Tiny</b> illustrative"),
        _ => text,
    });
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("plan");
    solve(sc.path(), &out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains(EVIL),
        "raw markup from the inputs in the page"
    );
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<b>Tiny</b>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    // Exactly one script element: the report's own.
    assert_eq!(html.matches("<script").count(), 1);
}

#[test]
fn report_is_offline_deterministic_and_redrawn_identically_by_the_report_command() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("demo");
    solve(&demo(), &out);
    let first = std::fs::read(out.join("report.html")).unwrap();
    let html = String::from_utf8(first.clone()).unwrap();
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
    ));
    for bad in ["http:", "https:", "//", "<link", "<img", "@import", "url("] {
        assert!(!html.contains(bad), "the report contains `{bad}`");
    }
    // Every section of the report is there.
    for id in [
        "header",
        "timeline",
        "coverage",
        "nation-load",
        "limits",
        "reception",
        "network",
        "stocks",
        "bottlenecks",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }

    // Redrawn from the written files: the same bytes as the solve wrote, and again.
    let r = rotaplan(&["report", demo().to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), first);

    let sc = rotaplan::scenario::load(&demo())
        .scenario
        .expect("demo loads");
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        files.insert(
            p.file_name().unwrap().to_string_lossy().to_string(),
            std::fs::read(&p).unwrap(),
        );
    }
    let a = rotaplan::report::render_plan(&sc, &files).unwrap();
    let b = rotaplan::report::render_plan(&sc, &files).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.as_bytes(), &first[..]);
}

#[test]
fn report_command_exit_codes_and_nothing_replaced_on_failure() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("demo");
    solve(&demo(), &out);
    let before = std::fs::read(out.join("report.html")).unwrap();

    // A hand edit that breaks a date: exit 2, named by file, line and column; report unchanged.
    let dep = std::fs::read_to_string(out.join("deployments.csv")).unwrap();
    let mut lines: Vec<String> = dep.lines().map(String::from).collect();
    lines[1] = lines[1].replacen("2026-11-16", "16/11/2026", 1);
    std::fs::write(out.join("deployments.csv"), lines.join("\n") + "\n").unwrap();
    let r = rotaplan(&["report", demo().to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("deployments.csv:2: arrive: expected a date YYYY-MM-DD, got `16/11/2026`"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(out.join("report.html")).unwrap(), before);

    // No plan at all: 2 (summary.json is missing).
    let empty = tempfile::tempdir().unwrap();
    let r = rotaplan(&[
        "report",
        demo().to_str().unwrap(),
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("summary.json: required file is missing"));
    assert!(!empty.path().join("report.html").exists());

    // A scenario that does not load: 2.
    let r = rotaplan(&[
        "report",
        empty.path().to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn batch_writes_a_comparison_report_linking_each_variants_report() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("batch");
    let r = rotaplan(&[
        "batch",
        demo().to_str().unwrap(),
        "--each-nation-withdraws",
        "--out",
        dir.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.join("batch_report.html")).expect("batch report");
    let rows = read_csv(&dir.join("batch_summary.csv"));
    // base + one variant per nation of the demo (CAN, DEU, FRA, GBR, POL).
    assert_eq!(rows.len(), 6);
    assert!(html.contains("content=\"default-src 'none';"));
    for bad in ["http:", "https:", "//"] {
        assert!(!html.contains(bad), "{bad}");
    }
    for row in &rows {
        let v = &row["variant"];
        // A table row, a bar pair and a coverage strip per variant, and a link that resolves.
        assert!(html.contains(&format!("<tr data-variant=\"{v}\">")), "{v}");
        assert!(html.contains(&format!("<g class=\"variant\" data-variant=\"{v}\">")));
        assert!(html.contains(&format!("<g class=\"strip\" data-variant=\"{v}\">")));
        let link = format!("{v}/plan/report.html");
        assert!(html.contains(&format!("<a href=\"{link}\">")), "{v}");
        assert!(dir.join(&link).is_file(), "{link}");
        // The shortfall in the table is the summary's, in the bar's tooltip.
        let short = row["shortfall_role_unit_periods"].parse::<f64>().unwrap();
        assert!(html.contains(&format!(
            "{v}: shortfall {} role-unit periods",
            rotaplan::base::text::fmt_num(short)
        )));
    }

    // The nightly question on two of these plans: what changes without GBR, as a page.
    let page = out.path().join("diff.html");
    let r = rotaplan(&[
        "diff",
        dir.join("base/plan").to_str().unwrap(),
        dir.join("withdraw-GBR/plan").to_str().unwrap(),
        "--out",
        out.path().join("diff.csv").to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "the plans differ: {}", r.stderr);
    let html = std::fs::read_to_string(&page).expect("diff.html");
    let changes = read_csv(&out.path().join("diff.csv"));
    assert!(!changes.is_empty());
    // One row per line of diff.csv, each tagged with its kind, and the counts in words.
    assert_eq!(html.matches("<g class=\"change\"").count(), changes.len());
    for kind in ["added", "removed", "moved"] {
        let n = changes.iter().filter(|c| c["change"] == kind).count();
        assert_eq!(
            html.matches(&format!("data-change=\"{kind}\"")).count(),
            n,
            "{kind}"
        );
    }
    assert!(html.contains("content=\"default-src 'none';"));
    assert!(html.contains("<section id=\"diff-coverage\">"));
}

#[test]
fn a_real_browser_runs_the_page_and_finds_the_hooks() {
    let Some(browser) = chromium() else {
        println!("SKIPPED: chromium is not installed (make deps installs it)");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let plan = out.path().join("demo");
    solve(&demo(), &plan);
    let url = format!("file://{}", plan.join("report.html").display());
    let dom = dump_dom(&browser, &url);
    let tours = read_csv(&plan.join("deployments.csv"));
    // The DOM the browser built (not the file's text) has one bar per tour...
    assert_eq!(
        attr_of_class(&dom, "tour", "data-unit").len(),
        tours.len(),
        "{dom}"
    );
    // ...every section, and the script ran to its end: it shows the filters it hides without it.
    for id in ["timeline", "coverage", "network", "stocks"] {
        assert!(dom.contains(&format!("<section id=\"{id}\">")));
    }
    assert!(
        dom.contains("<span class=\"filters\" style=\"\">"),
        "script did not run"
    );
    assert!(!dom.contains("<span class=\"filters\" style=\"display:none\">"));
    // Lanes by site and role show; lanes by nation (one block per nation with tours) wait
    // behind the selector.
    assert!(dom.contains("<div id=\"lanes-nation\" style=\"display: none;\">"));
    let nations: BTreeSet<&String> = tours.iter().map(|t| &t["nation"]).collect();
    assert_eq!(
        dom.matches("<div class=\"blk\" data-nation=").count(),
        nations.len()
    );

    // The period selector, driven by `#period=0`: the map relabels itself to the first week
    // and the script rewrites every arc's tooltip for it.
    let dom = dump_dom(&browser, &format!("{url}#period=0"));
    assert!(
        dom.contains("id=\"net-label\" class=\"site\">2027-01-04</text>"),
        "{dom}"
    );
    assert!(dom.contains(" %) in the 2027-01-04</title>"));
}
