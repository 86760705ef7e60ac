//! The output directory of a plan: one writer at a time, whole plans only, and no debris left by
//! a run that was killed (docs/faults.md).
//!
//! A plan is written into a temporary sibling directory `.<name>.tmp-<pid>` and swapped into
//! place in one step (Linux `renameat2(RENAME_EXCHANGE)`), so a reader — or a run killed at any
//! instant — sees the old complete plan or the new complete one. Where the exchange is not
//! available the old plan is first moved aside to `.<name>.old-<pid>`; if the run dies in that
//! instant, the next run into the same place puts it back.
//!
//! Two runs into the same place are kept apart by an advisory lock (`flock`) on
//! `.<name>.lock` beside the output directory: the kernel releases it when its holder dies,
//! however it dies, so a killed run never leaves a stale lock behind.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A directory name made from free text (a scenario's or a variant's name): letters, digits,
/// `_`, `-` and `.` kept, anything else `_`, starting with a letter or digit, at most 100
/// bytes. A name comes from a file many hands wrote, so it must never climb out of `outputs/`
/// (`../x`), name an absolute path or hide as a dot-file.
pub fn dir_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        out.insert(0, 'x');
    }
    out.truncate(100);
    out
}

/// Held while a run may write `out`; dropping it removes the lock file and releases the lock.
#[derive(Debug)]
pub struct OutLock {
    _file: File,
    path: PathBuf,
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Removed while still held: a run that opened this file before it went away finds, once
        // it gets the lock, that the path no longer names its file, and starts over.
        let _ = std::fs::remove_file(&self.path);
        held().retain(|p| p != &self.path);
    }
}

/// Lock files this process holds, for [`remove_lock_files`].
fn held() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    // A poisoned list is still the list.
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the lock files this process holds, for a path that ends the process without running
/// destructors (`std::process::exit` after a signal). The locks themselves go with the process.
pub fn remove_lock_files() {
    for p in held().iter() {
        let _ = std::fs::remove_file(p);
    }
}

/// The parent directory and the file name of `out` (a bare name lives in `.`).
fn split(out: &Path) -> (PathBuf, String) {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "plan".into());
    (parent, name)
}

/// Checks that a plan may be written to `out`, takes the lock on it, and clears what a killed
/// run into the same place left behind. Called before the solve starts, so a wrong `--out` or a
/// second run into it costs no solver time. The error is a full sentence for the user.
pub fn prepare(out: &Path) -> Result<OutLock, String> {
    let shown = out.display();
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => {
            // A plan replaces the whole directory: refuse one holding anything but a plan.
            let foreign = std::fs::read_dir(out)
                .map(|mut it| it.next().is_some())
                .unwrap_or(false)
                && !out.join("summary.json").is_file();
            if foreign {
                return Err(format!(
                    "{shown} holds files that are not a rotaplan plan (no summary.json), and a plan replaces its whole directory: choose a new or empty --out; nothing was solved or written"
                ));
            }
        }
        Ok(_) => {
            return Err(format!(
                "{shown} is a file, not a plan directory: choose another --out; nothing was solved or written"
            ))
        }
        Err(_) => {}
    }
    let (parent, name) = split(out);
    std::fs::create_dir_all(&parent).map_err(|e| {
        format!(
            "cannot write the plan to {shown}: cannot create {}: {e}; nothing was solved or written",
            parent.display()
        )
    })?;
    let lock = lock_beside(&parent, &name)
        .map_err(|e| format!("{}; nothing was solved or written", lock_message(&e, out)))?;
    clean_leftovers(out);
    Ok(lock)
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another live process holds it (its pid, when it wrote one).
    Held(Option<u32>),
    Io(std::io::Error),
}

/// The lock problem as a sentence for the user, about writing to `out`.
pub fn lock_message(e: &LockError, out: &Path) -> String {
    match e {
        LockError::Held(pid) => format!(
            "another rotaplan run{} is writing to {}: wait for it to finish or choose another --out",
            pid.map_or(String::new(), |p| format!(" (pid {p})")),
            out.display()
        ),
        LockError::Io(e) => format!("cannot write to {}: {e}", out.display()),
    }
}

/// Takes the lock `parent/.<name>.lock` without waiting, and writes this process's id into it
/// so the run that is turned away can name the holder. The file goes when the lock is
/// dropped; one left by a killed run is reused (the kernel released its lock).
pub fn lock_beside(parent: &Path, name: &str) -> Result<OutLock, LockError> {
    let path = parent.join(format!(".{name}.lock"));
    // A few tries: the holder may remove the file between our open and our lock.
    for _ in 0..5 {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Held(text.trim().parse().ok()));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        if !same_file(&file, &path) {
            continue;
        }
        // The pid is only for the message: failing to record it changes nothing else.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| write!(file, "{}", std::process::id()));
        held().push(path.clone());
        return Ok(OutLock { _file: file, path });
    }
    Err(LockError::Held(None))
}

/// Whether `path` still names the open `file` (not removed, not replaced).
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Removes the lock file of `out` when no run holds it (one left by a killed run).
fn remove_unheld_lock(parent: &Path, name: &str) {
    let path = parent.join(format!(".{name}.lock"));
    if path.exists() {
        // Taking it and dropping it removes it; a held lock is left alone.
        let _ = lock_beside(parent, name);
    }
}

/// Whether process `pid` is alive (on Linux, by its /proc entry; elsewhere assumed alive, so
/// nothing of a live run is ever removed). A zombie (killed, not yet reaped by its parent —
/// slow when a killed batch leaves its solver to init) has ended: it writes nothing more.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        match std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")) {
            // The state follows the command name in parentheses, which may itself hold ")".
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_none_or(|state| state != "Z" && state != "X"),
            Err(_) => false,
        }
    } else {
        true
    }
}

/// The pid in a leftover's name `.<name>.<kind>-<pid>`, when the name has that form.
fn leftover_pid(file_name: &str, prefix: &str) -> Option<u32> {
    file_name.strip_prefix(prefix)?.parse().ok()
}

/// Removes the temporary directories of dead runs into `out`, and puts back an old plan that a
/// run killed between its two renames had moved aside (only when `out` itself is missing).
pub fn clean_leftovers(out: &Path) {
    let (parent, name) = split(out);
    let (tmp, old) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let mut olds = Vec::new();
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().to_string();
        if let Some(pid) = leftover_pid(&file_name, &tmp) {
            if !alive(pid) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        } else if let Some(pid) = leftover_pid(&file_name, &old) {
            if !alive(pid) {
                olds.push(e.path());
            }
        }
    }
    for o in olds {
        if !out.exists() && std::fs::rename(&o, out).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&o);
    }
    remove_unheld_lock(&parent, &name);
}

/// Removes `.<file>.tmp-<pid>` files of dead runs beside `file` (for single files written by
/// temporary file and rename, such as a batch summary).
pub fn clean_stale_temp_files(file: &Path) {
    let (parent, name) = split(file);
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().to_string();
        if leftover_pid(&file_name, &prefix).is_some_and(|pid| !alive(pid)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// For the fault tests only: `ROTAPLAN_FAULT_SLOW_WRITE_MS` makes each step of writing a plan
/// that much slower, so a test can stop the process in the middle of it.
fn fault_pause() {
    if let Some(ms) = std::env::var("ROTAPLAN_FAULT_SLOW_WRITE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Swaps two directory entries in one step. `Ok(false)` when the system cannot (not Linux, or a
/// file system without the exchange): the caller falls back to two renames.
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
        let (Ok(ca), Ok(cb)) = (c(a), c(b)) else {
            return Ok(false);
        };
        // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Writes `files` as the directory `out`, replacing an older plan there only once the new one
/// is complete and on disk. On failure nothing of the new plan is left, and the old plan stays.
pub fn replace_dir(out: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    let (parent, name) = split(out);
    std::fs::create_dir_all(&parent)?;
    clean_leftovers(out);
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        std::fs::create_dir(&tmp)?;
        for (file, bytes) in files {
            let mut f = File::create(tmp.join(file))?;
            f.write_all(bytes)?;
            // On disk before it replaces anything: a power cut must not swap in empty files.
            f.sync_all()?;
            fault_pause();
        }
        if let Ok(d) = File::open(&tmp) {
            let _ = d.sync_all();
        }
        if std::fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
            if exchange(&tmp, out)? {
                // `tmp` now holds the old plan.
                fault_pause();
                let _ = std::fs::remove_dir_all(&tmp);
                return Ok(());
            }
            std::fs::rename(out, &old)?;
            fault_pause();
        }
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    if let Ok(d) = File::open(&parent) {
        let _ = d.sync_all();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_never_leaves_its_directory() {
        // Every `/` becomes `_`, so the result is one path component; a leading dot gets an `x`
        // in front, so it is never `.`, `..` or hidden.
        assert_eq!(dir_name("../../etc"), "x.._.._etc");
        assert_eq!(dir_name("/etc/passwd"), "x_etc_passwd");
        assert_eq!(dir_name(".."), "x..");
        assert_eq!(
            dir_name("Baltic reassurance (Dec)"),
            "Baltic_reassurance__Dec_"
        );
        assert_eq!(dir_name("coalition-30k"), "coalition-30k");
        assert_eq!(dir_name("").len(), 1);
        assert_eq!(dir_name(&"é".repeat(300)).len(), 100);
    }

    #[test]
    fn a_killed_process_not_yet_reaped_counts_as_ended() {
        // A child that has exited but is not waited for stays a zombie with a /proc entry.
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("true runs");
        let pid = child.id();
        std::thread::sleep(std::time::Duration::from_millis(300));
        if cfg!(target_os = "linux") {
            assert!(Path::new("/proc").join(pid.to_string()).exists());
            assert!(!alive(pid), "a zombie must not hold back the cleaning");
        }
        let _ = child.wait();
        assert!(alive(std::process::id()));
    }

    fn plan(tag: &str) -> BTreeMap<String, Vec<u8>> {
        ["a.csv", "summary.json"]
            .iter()
            .map(|f| (f.to_string(), format!("{tag} {f}").into_bytes()))
            .collect()
    }

    #[test]
    fn replaces_a_plan_whole_and_leaves_no_temporary_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("p");
        replace_dir(&out, &plan("old")).unwrap();
        replace_dir(&out, &plan("new")).unwrap();
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"new a.csv");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["p"]);
    }

    #[test]
    fn a_killed_run_is_cleaned_up_and_a_moved_aside_plan_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("p");
        // pid 0 is never a user process: both leftovers belong to a dead run. The run died
        // between moving the old plan aside and renaming its new one in.
        let (tmp, old) = (dir.path().join(".p.tmp-0"), dir.path().join(".p.old-0"));
        std::fs::create_dir(&tmp).unwrap();
        std::fs::write(tmp.join("a.csv"), "half").unwrap();
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("a.csv"), "old").unwrap();
        clean_leftovers(&out);
        assert!(!tmp.exists() && !old.exists());
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"old");
    }

    #[test]
    fn one_lock_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("p");
        let first = prepare(&out).unwrap();
        let second = prepare(&out).unwrap_err();
        assert!(
            second.contains(&format!("pid {}", std::process::id())),
            "{second}"
        );
        drop(first);
        // Released and removed with its holder.
        assert!(!dir.path().join(".p.lock").exists());
        assert!(prepare(&out).is_ok());
        // A lock file left by a killed run (nobody holds it) goes at the next clean-up.
        std::fs::write(dir.path().join(".p.lock"), "0").unwrap();
        clean_leftovers(&out);
        assert!(!dir.path().join(".p.lock").exists());
    }

    #[test]
    fn a_file_or_a_foreign_directory_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        assert!(prepare(&file).unwrap_err().contains("is a file"));
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("notes.txt"), "mine").unwrap();
        assert!(prepare(&docs).unwrap_err().contains("not a rotaplan plan"));
        assert_eq!(std::fs::read(docs.join("notes.txt")).unwrap(), b"mine");
    }
}
