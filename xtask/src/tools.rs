//! Processes and the project-local Python environments (pinned by lock files).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

pub fn command(program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root());
    cmd
}

pub fn run(mut cmd: Command) -> Result {
    let status = cmd.status().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed with {status}")) }
}

/// `PATH` with `dir` in front.
pub fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(paths).unwrap_or_default()
}

fn python() -> Result<String> {
    for candidate in ["python3", "python"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Ok(candidate.to_owned());
        }
    }
    Err("Python 3 is needed for the emulator and the template tools; install python3".into())
}

/// A virtual environment in `.tools/<name>` holding exactly the packages of `lock` (a
/// `pip freeze` file). It is rebuilt when the lock file changes.
pub fn python_env(name: &str, lock: &str) -> Result<PathBuf> {
    let dir = root().join(".tools").join(name);
    let wanted = std::fs::read_to_string(root().join(lock)).map_err(|e| format!("cannot read {lock}: {e}"))?;
    let stamp = dir.join("installed.lock");
    if std::fs::read_to_string(&stamp).is_ok_and(|have| have == wanted) {
        return Ok(dir);
    }
    eprintln!("installing {lock} into .tools/{name}");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    run(command(&python()?, &["-m", "venv", &dir.to_string_lossy()]))?;
    let pip = dir.join("bin/pip");
    run(command(
        &pip.to_string_lossy(),
        &["install", "--quiet", "--disable-pip-version-check", "--no-deps", "-r", lock],
    ))?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(dir)
}

/// Files in a folder of the workspace whose names end with `suffix`, as relative paths, sorted.
pub fn files_matching(dir: &str, suffix: &str) -> Result<Vec<String>> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .map_err(|e| format!("cannot list {dir}: {e}"))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(suffix))
        .map(|name| format!("{dir}/{name}"))
        .collect();
    files.sort();
    Ok(files)
}

/// Free bytes on the filesystem that holds `path` (`df -Pk`).
pub fn free_bytes(path: &Path) -> Result<u64> {
    let out = Command::new("df").arg("-Pk").arg(path).output().map_err(|e| format!("cannot run df: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    // POSIX format: a header line, then "filesystem 1024-blocks used available capacity mount".
    text.lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| format!("cannot read the free space of {} from df: {text:?}", path.display()))
}

/// Bytes that the existing ones of `dirs` (relative to the workspace root) hold on disk (`du -sk`).
pub fn used_bytes(dirs: &[&str]) -> u64 {
    let existing: Vec<&str> = dirs.iter().copied().filter(|d| root().join(d).exists()).collect();
    if existing.is_empty() {
        return 0;
    }
    let out = command("du", &["-sk", "-c"]).args(&existing).output();
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    // The last line is the total ("N total"); hard links (cargo links binaries) count once.
    text.lines()
        .last()
        .and_then(|line| line.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
