//! The planner's hand: tours a planner wrote or edited in a deployments.csv-shaped file, to be
//! taken as given (`solve --fix`) or kept while the rest is optimised (`solve --pin`).

use super::read::{read_tours_file, Tour};
use crate::base::diag::Diags;
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Whether the tours are the whole plan or kept among others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandMode {
    /// `--fix`: these are all the new tours; nothing else begins.
    Fix,
    /// `--pin`: these tours stay (at least these units); the optimiser may add others.
    Pin,
}

impl HandMode {
    pub fn as_str(self) -> &'static str {
        match self {
            HandMode::Fix => "fix",
            HandMode::Pin => "pin",
        }
    }
}

/// The tours of the hand file that begin inside the horizon (rows marked `initial` are the
/// scenario's deployed.csv, already given), and where they were read.
#[derive(Debug, Clone)]
pub struct Hand {
    pub mode: HandMode,
    /// The file read (`PLAN_DIR/deployments.csv` when a directory was given).
    pub file: PathBuf,
    pub tours: Vec<Tour>,
}

impl Hand {
    /// The file's name as messages name it (`deployments.csv:7`).
    pub fn file_name(&self) -> String {
        self.file
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
    }
}

/// The file a `--fix`/`--pin` argument names: a plan directory's deployments.csv, or the file.
pub fn hand_file(arg: &Path) -> PathBuf {
    if arg.is_dir() {
        arg.join("deployments.csv")
    } else {
        arg.to_path_buf()
    }
}

/// Reads the hand file; `Err` lists every row that cannot be read (file:line: column: message).
/// A tour beginning before the horizon that is not marked `initial` is refused: only deployed.csv
/// says what is under way at the start.
pub fn read_hand(sc: &Scenario, arg: &Path, mode: HandMode) -> Result<Hand, Diags> {
    let file = hand_file(arg);
    let mut d = Diags::default();
    let dir = file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let name = file
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let tours = read_tours_file(sc, &dir, &name, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    let mut keep = Vec::new();
    for t in tours.unwrap_or_default() {
        if t.initial {
            continue;
        }
        if t.start < 0 || t.start >= sc.periods as i64 {
            d.error(
                &name,
                Some(t.line),
                Some("arrive"),
                format!(
                    "{} is outside the horizon (tours under way at the start belong in deployed.csv, marked initial)",
                    t.arrive
                ),
            );
            continue;
        }
        keep.push(t);
    }
    if d.has_errors() {
        return Err(d);
    }
    Ok(Hand {
        mode,
        file,
        tours: keep,
    })
}

/// The objective of a proven-optimal free plan of the same inputs kept next to the hand file
/// (the summary.json of the plan directory it was edited in), and that summary's path: what the
/// hand plan is compared with. `None` when there is none, it is of other inputs, was not proven
/// optimal, or was itself a nightly rerun or a hand plan.
pub fn free_optimum(sc: &Scenario, hand: &Hand) -> Option<(f64, PathBuf)> {
    let path = hand.file.parent()?.join("summary.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    let same = v["input_hash"].as_str() == Some(sc.input_hash.as_str())
        && v["status"].as_str() == Some("optimal")
        && v.get("stability").is_none()
        && v.get("hand").is_none();
    if !same {
        return None;
    }
    Some((v["objective"].as_f64()?, path))
}
