//! `solve --fix PLAN_DIR|deployments.csv` and `solve --pin FILE`: the planner's hand read,
//! checked as `verify` would check it, and what the hand plan costs against the free optimum.

use crate::base::Error;
use crate::planfile::hand::{free_optimum, read_hand, Hand, HandMode};
use crate::scenario::Scenario;
use crate::verify::{self, Findings, Level};
use std::path::Path;

/// Reads the hand file; an unreadable row is an input error naming file, line and column.
pub fn load(sc: &Scenario, arg: &Path, mode: HandMode) -> Result<Hand, Error> {
    read_hand(sc, arg, mode).map_err(|d| {
        let mut msg = String::new();
        for e in d.errors() {
            msg.push_str(&format!("{e}\n"));
        }
        msg.push_str(&format!(
            "--{} {}: the tours cannot be read; nothing was solved or written",
            mode.as_str(),
            arg.display()
        ));
        Error::Input(msg)
    })
}

/// `--fix`: the hand plan checked by `verify`'s own checks before any solve. Every hard row the
/// tours break (a pool, max deployed, a limit or caveat, reception, availability) is an
/// infeasible error (exit 3) naming the input row and period, as `verify` prints it.
pub fn check_fixed(sc: &Scenario, hand: &Hand) -> Result<(), Error> {
    // verify reads a plan directory: the hand file goes into a private one as deployments.csv
    // (same lines, so the line numbers it names are the file's).
    let dir = std::env::temp_dir().join(format!(
        "rotaplan-fix-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let copied = std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::copy(&hand.file, dir.join("deployments.csv")));
    if let Err(e) = copied {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(Error::Other(format!(
            "cannot check {} (copying it to {}): {e}; nothing was solved or written",
            hand.file.display(),
            dir.display()
        )));
    }
    let report = verify::verify(sc, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let report = report.map_err(|d| {
        let mut msg = String::new();
        for e in d.errors() {
            msg.push_str(&format!("{e}\n"));
        }
        msg.push_str("the hand plan cannot be read; nothing was solved or written");
        Error::Input(msg)
    })?;
    let broken = Findings {
        items: report
            .findings
            .items
            .into_iter()
            .filter(|f| f.level == Level::Violation)
            .collect(),
    };
    if broken.items.is_empty() {
        return Ok(());
    }
    Err(Error::Infeasible(format!(
        "{}the tours of {} break {} hard constraint(s) (rows of {} by its line numbers): the plan cannot be kept as it is; nothing was solved or written",
        broken.render(sc),
        hand.file.display(),
        broken.items.len(),
        hand.file_name()
    )))
}

/// summary.json's `hand` section: what was taken from the planner, and what it costs against a
/// proven free optimum of the same inputs when one is kept next to the hand file.
pub fn section(sc: &Scenario, hand: &Hand, objective: f64) -> serde_json::Value {
    let units: f64 = hand.tours.iter().map(|t| t.units).sum();
    let free = free_optimum(sc, hand);
    serde_json::json!({
        "mode": hand.mode.as_str(),
        "file": hand.file.display().to_string(),
        "tours": units,
        "free_optimum": free.as_ref().map(|f| f.0),
        "free_optimum_from": free.as_ref().map(|f| f.1.display().to_string()),
        "cost_against_optimum": free.as_ref().map(|f| crate::base::text::round9(objective - f.0)),
    })
}

/// The terminal line about the hand plan's cost.
pub fn line(section: &serde_json::Value) -> String {
    let what = if section["mode"] == "fix" {
        "the hand plan"
    } else {
        "the pinned tours"
    };
    match section["cost_against_optimum"].as_f64() {
        Some(c) => format!(
            "  {what} cost {} against the free optimum ({})\n",
            crate::base::text::thousands(c),
            section["free_optimum_from"].as_str().unwrap_or("")
        ),
        None => format!(
            "  {what}: no proven free optimum of these inputs next to {} to compare with\n",
            section["file"].as_str().unwrap_or("")
        ),
    }
}

/// Reads the hand and sets it into the settings: `--fix` is checked as `verify` would first, and
/// solved as one model (its tours are decided: no search, no windows).
pub fn prepare(
    sc: &Scenario,
    arg: &Path,
    mode: HandMode,
    settings: &mut crate::settings::Settings,
) -> Result<(), Error> {
    let hand = load(sc, arg, mode)?;
    if settings.rolling.is_some() {
        return Err(Error::Input(format!(
            "--{} cannot be combined with a rolling horizon; nothing was solved or written",
            mode.as_str()
        )));
    }
    if mode == HandMode::Fix {
        check_fixed(sc, &hand)?;
        settings.strategy = crate::scenario::Strategy::Mip;
    }
    settings.hand = Some(hand);
    Ok(())
}

/// What `--skip-if-unchanged` compares of the hand: the mode and the file's SHA-256.
pub fn fingerprint(hand: &Hand) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let sha = std::fs::read(&hand.file).map_or_else(
        |_| String::new(),
        |b| {
            Sha256::digest(&b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect()
        },
    );
    serde_json::json!({"mode": hand.mode.as_str(), "sha256": sha})
}
