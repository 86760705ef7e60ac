//! `rotaplan diff OLD_OUT_DIR NEW_OUT_DIR`: exit 0 when the tours are the same, 1 when they
//! differ, 2 when a plan cannot be read or diff.csv cannot be written.

use super::exit;
use crate::base::diag::Diags;
use crate::diff;
use std::path::PathBuf;

/// Arguments of `rotaplan diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The older plan's output directory.
    pub old: PathBuf,
    /// The newer plan's output directory.
    pub new: PathBuf,
    /// Where to write diff.csv (default: NEW_OUT_DIR/diff.csv).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also draw the difference as a self-contained HTML page (docs/report.md).
    #[arg(long)]
    pub html: Option<PathBuf>,
}

/// `rotaplan diff`: returns the exit code.
pub fn run(args: &DiffArgs) -> i32 {
    let mut d = Diags::default();
    let old = diff::read_tours(&args.old, &mut d);
    let new = diff::read_tours(&args.new, &mut d);
    let (Some(old), Some(new)) = (old, new) else {
        for e in d.errors() {
            eprintln!("{e}");
        }
        eprintln!("nothing was compared");
        return exit::INPUT;
    };
    let changes = diff::compare(&old, &new);
    print!("{}", diff::listing(&changes, &args.old, &args.new));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.new.join("diff.csv"));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "diff.csv".into());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written =
        std::fs::write(&tmp, diff::csv(&changes)).and_then(|_| std::fs::rename(&tmp, &out));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("rotaplan diff: cannot write {}: {e}", out.display());
        return exit::INPUT;
    }
    if let Some(html) = &args.html {
        let page = crate::report::diff::render_diff(&changes, &args.old, &args.new);
        let tmp = html.with_file_name(format!(".diff.html.tmp-{}", std::process::id()));
        if let Err(e) = std::fs::write(&tmp, page).and_then(|_| std::fs::rename(&tmp, html)) {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("rotaplan diff: cannot write {}: {e}", html.display());
            return exit::INPUT;
        }
    }
    if changes.is_empty() {
        exit::OK
    } else {
        exit::OTHER
    }
}
