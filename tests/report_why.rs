//! The report's ask ("What to ask the conference for", from ask.csv) and its explanations ("Why
//! short, and what would fix it", from explanations.csv), with every short cell linked to its
//! episode.
//!
//! The scenario is the one-nation site of tests/explain.rs: one role-unit of infantry at S1 over
//! 12 weekly periods from 2027-01-04; tours of 4 periods and 8 of dwell, so each unit tours once.
//! AAA offers 2 battalions (offers.csv:2); BBB and CCC are kept out by caveats (limits.csv:2
//! and :3). Two tours cover 8 of the 12 periods: 4 role-unit-weeks short, wherever the plan
//! puts the gaps. One more AAA battalion closes them: a third tour, begun in period 8
//! (2027-03-01) when the other two are still busy, so the ask is AAA 1 inf_bn, needed from
//! 2027-03-01, removing 4.

mod common;

use common::{chromium, dump_dom, read_csv, rotaplan, Scenario};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn one_nation_site() -> Scenario {
    common::one_nation_site("nation,zone,domain,max_troops\nBBB,east,land,0\nCCC,east,land,0\n")
}

fn solve(dir: &Path, name: &str, more: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec![
        "solve",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(more);
    let r = rotaplan(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out
}

/// The element with `id` up to its closing `</div>` (episodes are divs holding no div).
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}"));
    let start = html[..at].rfind('<').unwrap();
    let end = start + html[start..].find("</div>").unwrap();
    &html[start..end]
}

/// Each short coverage cell (class "short") as (anchor it links to, period), in page order.
fn short_cell_links(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("class=\"short\"") {
        let tag_start = html[..i].rfind('<').unwrap();
        let before = &html[..tag_start];
        assert!(
            before.ends_with('>')
                && before[before.rfind('<').unwrap()..].starts_with("<a href=\"#why-"),
            "a short cell not inside a link: {}",
            &html[tag_start..tag_start + 200]
        );
        let a = &before[before.rfind('<').unwrap()..];
        let id = a["<a href=\"#".len()..a.len() - 2].to_string();
        let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
        let p = tag.find("data-period=\"").unwrap() + "data-period=\"".len();
        out.push((id, tag[p..p + 10].to_string()));
    }
    out
}

#[test]
fn short_cells_link_to_their_episode_and_the_ask_is_a_short_table() {
    let dir = one_nation_site().write();
    let out = solve(dir.path(), "plan", &["--ask"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();

    // The ask, as worked out above: one line, and the totals in a sentence.
    assert!(html.contains("<section id=\"ask\"><h2>What to ask the conference for</h2>"));
    assert!(html.contains("<a href=\"#ask\">Ask</a>"));
    assert!(
        html.contains("<tr data-nation=\"AAA\"><td>AAA</td><td>inf_bn</td><td class=\"r\">1</td><td class=\"nw\">2027-03-01</td><td class=\"r\">4</td></tr>"),
        "{}",
        &html[html.find("id=\"ask\"").unwrap()..][..1500]
    );
    assert!(html.contains(
        "As offered, the force is short by 4 role-unit weeks; with the 1 additional unit below, by 0."
    ));

    // Every short cell links to an episode of S1 infantry whose dates hold the cell's week,
    // and the cells are exactly the short rows of coverage.csv.
    let links = short_cell_links(&html);
    let short: BTreeSet<String> = read_csv(&out.join("coverage.csv"))
        .iter()
        .filter(|r| r["shortfall"].parse::<f64>().unwrap() > 0.0)
        .map(|r| r["period_start"].clone())
        .collect();
    assert_eq!(short.len(), 4, "4 weeks short with one role-unit required");
    assert_eq!(
        links
            .iter()
            .map(|(_, p)| p.clone())
            .collect::<BTreeSet<_>>(),
        short
    );
    let ids: BTreeSet<&String> = links.iter().map(|(id, _)| id).collect();
    let mut total = 0.0;
    for id in ids {
        let ep = block(&html, id);
        assert!(ep.starts_with(&format!("<div class=\"episode\" id=\"{id}\" data-kind=\"coverage\" data-where=\"S1\" data-what=\"infantry\">")), "{ep}");
        // "S1 · infantry: 2027-03-01 to 2027-03-22, 4 role-unit weeks short" or "the week of …".
        let h3 = &ep[ep.find("</a>: ").unwrap() + 6..ep.find("</h3>").unwrap()];
        let dates: Vec<&str> = h3
            .split(|c: char| c == ' ' || c == ',')
            .filter(|w| w.len() == 10 && w.starts_with("2027-"))
            .collect();
        let (from, to) = (dates[0], *dates.last().unwrap());
        for (lid, p) in &links {
            if lid == id {
                assert!(from <= p.as_str() && p.as_str() <= to, "{p} outside {h3}");
            }
        }
        let amount: f64 = h3
            .rsplit(", ")
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        total += amount;
        // The causes: AAA's pool and both caveats, by their input rows.
        for (cause, input) in [
            ("pool", "offers.csv:2"),
            ("limit", "limits.csv:2"),
            ("limit", "limits.csv:3"),
        ] {
            let row = format!("<tr data-cause=\"{cause}\"><td>");
            let at = ep.match_indices(&row).find(|(i, _)| {
                ep[*i..]
                    .split("</tr>")
                    .next()
                    .unwrap()
                    .contains(&format!("<td class=\"nw\">{input}</td>"))
            });
            assert!(at.is_some(), "{cause} {input} missing in {ep}");
        }
    }
    assert_eq!(total, 4.0, "the episodes' amounts add up to the 4 short");
    // The red strips under the timeline's lanes link the same way.
    let strips: Vec<usize> = html
        .match_indices("class=\"strip-short\"")
        .map(|(i, _)| i)
        .collect();
    assert!(!strips.is_empty());
    for i in strips {
        let before = &html[..html[..i].rfind('<').unwrap()];
        assert!(before[before.rfind('<').unwrap()..].starts_with("<a href=\"#why-"));
    }

    // Redrawn from the written files (ask.csv, ask.json, explanations.csv among them): the
    // same bytes.
    let r = rotaplan(&[
        "report",
        dir.path().to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );

    // Without --ask there is no ask section, but the explanations are there all the same.
    let bare = solve(dir.path(), "bare", &[]);
    let html = std::fs::read_to_string(bare.join("report.html")).unwrap();
    assert!(!html.contains("<section id=\"ask\">"));
    assert!(!html.contains("href=\"#ask\""));
    assert!(html.contains("<section id=\"why\">"));
    assert_eq!(short_cell_links(&html).len(), 4);
}

#[test]
fn a_plan_with_nothing_short_says_so_and_links_nothing() {
    // AAA with 3 battalions: tours begun in 0, 4 and 8 cover all 12 weeks.
    let dir = one_nation_site()
        .file(
            "offers.csv",
            "nation,unit_type,units\nAAA,inf_bn,3\nBBB,inf_bn,3\nCCC,inf_bn,3\n",
        )
        .write();
    let out = solve(dir.path(), "plan", &["--ask"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(
        "<section id=\"why\"><h2>Why short, and what would fix it</h2><p>Nothing is short"
    ));
    assert!(!html.contains("href=\"#why-"));
    assert!(html.contains(
        "<p id=\"ask-story\">As offered, every requirement is covered: there is nothing to ask for.</p>"
    ));
    assert!(!html.contains("<table id=\"ask-table\">"));
}

#[test]
fn a_real_browser_keeps_the_links_around_the_short_cells() {
    let Some(browser) = chromium() else {
        println!("SKIPPED: chromium is not installed (make deps installs it)");
        return;
    };
    let dir = one_nation_site().write();
    let out = solve(dir.path(), "plan", &["--ask"]);
    let dom = dump_dom(
        &browser,
        &format!("file://{}", out.join("report.html").display()),
    );
    // The parser kept each short cell inside its SVG link, and each link's target exists.
    let links = short_cell_links(&dom);
    assert_eq!(links.len(), 4, "{dom}");
    for (id, _) in &links {
        assert!(dom.contains(&format!("<div class=\"episode\" id=\"{id}\"")));
    }
    assert!(dom.contains("<section id=\"ask\">"));
}
