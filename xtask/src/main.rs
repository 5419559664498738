//! Project automation: `cargo xtask <command>`.
//!
//! - `test`: everything CI runs (format, lints, unit/fixture/SDK tests, generated files,
//!   end-to-end tests against the emulator, template checks). Installs what it needs.
//! - `demo`: the product's main job on a local emulator: seed a sample account, run every rule,
//!   print what the AWS Config console would show.
//! - `emulator [--port N]`: run the emulator in the foreground, for `cargo lambda watch`/`invoke`.
//! - `bench`: size, start-up, invocation latency and memory of the release rule binaries.
//! - `sam-build`: the full `sam build` (release, arm64, every function).
//! - `cis-report [--rules] [--out DIR]`: the CIS v5.0.0 summary of an account from the CIS pack's
//!   results (in AWS; `--rules`: per rule, as the local emulator holds them), Markdown and HTML.
//! - `codegen [--check]`: write (or check) the files generated from the rules' specs: SAM
//!   template, nested stacks, conformance packs, member-account role, README table.

use std::process::ExitCode;
use std::time::Instant;

mod cis_report;
mod codegen;
#[cfg(test)]
mod tidy;
mod tools;
mod yaml;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("demo") => demo(),
        Some("emulator") => emulator(&args[1..]),
        Some("bench") => bench(),
        Some("sam-build") => sam_build(),
        Some("cis-report") => build_rules().and_then(|()| cis_report::run(&args[1..])),
        Some("codegen") => build_rules().and_then(|()| codegen::run(args.get(1).is_some_and(|a| a == "--check"))),
        _ => {
            eprintln!(
                "usage: cargo xtask <test | demo | emulator [--port N] | bench | codegen [--check] | sam-build | cis-report [--rules] [--out DIR]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// Runs one named step and prints how long it took.
fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("==> {name}");
    let start = Instant::now();
    let result = f();
    eprintln!("<== {name}: {} in {:.1}s", if result.is_ok() { "ok" } else { "FAILED" }, start.elapsed().as_secs_f64());
    result
}

fn cargo(args: &[&str]) -> Result {
    tools::run(tools::command("cargo", args))
}

/// The rule binaries, built as Lambda will run them (no test features).
fn build_rules() -> Result {
    cargo(&["build", "--workspace", "--bins"])
}

/// What a cold `cargo xtask test` needs on disk, rounded up from fresh-clone measurements: 11.0 GiB
/// in `target/`, `.tools/` and `.aws-sam/` plus 0.5 GiB of downloaded crates; 9.0 GiB plus the
/// crates when the debug binaries carry no symbol tables (`CARGO_PROFILE_DEV_STRIP=symbols`, as
/// CI builds them). Checked before anything is built.
fn cold_test_disk_gib() -> f64 {
    if std::env::var("CARGO_PROFILE_DEV_STRIP").is_ok_and(|strip| strip == "symbols") { 10.0 } else { 12.0 }
}

/// The directories the test command fills.
const BUILD_DIRS: [&str; 3] = ["target", ".tools", ".aws-sam"];

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Fails at once, with the figures, when the run cannot fit on the disk, instead of failing
/// minutes later with "No space left on device" in the middle of a build.
fn disk_space() -> Result {
    let free = tools::free_bytes(&tools::root())? as f64 / GIB;
    let held = tools::used_bytes(&BUILD_DIRS) as f64 / GIB;
    let need = cold_test_disk_gib();
    eprintln!(
        "{free:.1} GiB free; target/, .tools/ and .aws-sam/ hold {held:.1} GiB; a cold run needs about {need:.0} GiB in all"
    );
    enough_disk(free, held, need)
}

/// The run fits when what is free plus what earlier runs already built covers the cold need.
fn enough_disk(free_gib: f64, held_gib: f64, need_gib: f64) -> Result {
    if free_gib + held_gib < need_gib {
        return Err(format!(
            "not enough disk space: {free_gib:.1} GiB free, and a cold run needs about {need_gib:.0} GiB \
             ({held_gib:.1} GiB of it already built); free some space (`cargo clean` of other projects) and run again"
        ));
    }
    Ok(())
}

fn test() -> Result {
    let start = Instant::now();
    step("disk space", disk_space)?;
    step("format", || cargo(&["fmt", "--all", "--check"]))?;
    step("lints", || cargo(&["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]))?;
    step("unit, fixture, SDK-level and property tests", || cargo(&["test", "--workspace", "--quiet"]))?;
    step("build the rule binaries", build_rules)?;
    step("generated files are up to date (cargo xtask codegen --check)", || codegen::run(true))?;
    let python =
        step("install the emulator and test tools (pinned)", || tools::python_env("e2e", "e2e/requirements.lock"))?;
    step("templates: cfn-lint, sam validate --lint, sam build of one function (arm64, debug)", templates)?;
    step("end-to-end tests (rule binaries, Lambda Runtime API, emulator)", || {
        let mut cmd = tools::command(
            &python.join("bin/python").to_string_lossy(),
            &["-m", "pytest", "-q", "-p", "no:cacheprovider", "e2e"],
        );
        cmd.env("PATH", tools::path_with(&python.join("bin")));
        tools::run(cmd)
    })?;
    eprintln!(
        "all checks passed in {:.1}s; target/, .tools/ and .aws-sam/ now hold {:.1} GiB",
        start.elapsed().as_secs_f64(),
        tools::used_bytes(&BUILD_DIRS) as f64 / GIB
    );
    Ok(())
}

/// The generated templates pass cfn-lint and `sam validate --lint`, and SAM's real build method
/// (rust-cargolambda, arm64, cross-compiled with Zig) builds a function. A debug build keeps this
/// affordable; `cargo xtask sam-build` runs the full release build.
fn templates() -> Result {
    let sam = tools::python_env("sam", "deploy/requirements.lock")?;
    let bin = sam.join("bin");
    let tool = |name: &str, args: &[&str]| {
        let mut cmd = tools::command(&bin.join(name).to_string_lossy(), args);
        cmd.env("PATH", tools::path_with(&bin)).env("SAM_CLI_TELEMETRY", "0");
        cmd
    };
    let mut lint_args = vec!["template.yaml", "org/member-execution-role.yaml"];
    let generated = tools::files_matching("stacks", ".yaml")?
        .into_iter()
        .chain(tools::files_matching("packs", ".yaml")?)
        .collect::<Vec<_>>();
    lint_args.extend(generated.iter().map(String::as_str));
    tools::run(tool("cfn-lint", &lint_args))?;
    tools::run(tool("sam", &["validate", "--lint", "--region", "us-east-1"]))?;
    tools::run(tools::command("rustup", &["target", "add", "aarch64-unknown-linux-gnu"]))?;
    let mut build = tool(
        "sam",
        &["build", "RuleFunctions1/RestrictedSshFunction", "--region", "us-east-1", "--build-dir", ".aws-sam/ci"],
    );
    build.env("SAM_BUILD_MODE", "debug");
    tools::run(build)
}

/// The full `sam build` (release, arm64, every function), timed.
fn sam_build() -> Result {
    let sam = tools::python_env("sam", "deploy/requirements.lock")?;
    let bin = sam.join("bin");
    tools::run(tools::command("rustup", &["target", "add", "aarch64-unknown-linux-gnu"]))?;
    step("sam build (release, arm64, every function)", || {
        let mut cmd = tools::command(&bin.join("sam").to_string_lossy(), &["build", "--region", "us-east-1"]);
        cmd.env("PATH", tools::path_with(&bin)).env("SAM_CLI_TELEMETRY", "0");
        tools::run(cmd)
    })
}

fn demo() -> Result {
    step("build the rule binaries", build_rules)?;
    let python = tools::python_env("e2e", "e2e/requirements.lock")?;
    tools::run(tools::command(&python.join("bin/python").to_string_lossy(), &["e2e/demo.py"]))
}

fn emulator(args: &[String]) -> Result {
    let port = match args {
        [] => "5055".to_owned(),
        [flag, port] if flag == "--port" => port.clone(),
        _ => return Err("usage: cargo xtask emulator [--port N]".into()),
    };
    let python = tools::python_env("e2e", "e2e/requirements.lock")?;
    tools::run(tools::command(&python.join("bin/python").to_string_lossy(), &["e2e/emulator.py", "--port", &port]))
}

fn bench() -> Result {
    step("build the rule binaries (release)", || cargo(&["build", "--release", "--workspace", "--bins"]))?;
    let python = tools::python_env("e2e", "e2e/requirements.lock")?;
    tools::run(tools::command(&python.join("bin/python").to_string_lossy(), &["e2e/bench.py", "release"]))
}

#[cfg(test)]
mod disk_tests {
    use super::enough_disk;

    #[test]
    fn a_fresh_clone_needs_the_cold_figure_free() {
        assert!(enough_disk(20.0, 0.6, 12.0).is_ok());
        let err = enough_disk(5.0, 0.6, 12.0).unwrap_err();
        assert!(err.contains("not enough disk space: 5.0 GiB free, and a cold run needs about 12 GiB"), "{err}");
    }

    #[test]
    fn a_built_tree_needs_only_what_is_missing() {
        assert!(enough_disk(2.0, 11.0, 12.0).is_ok());
        assert!(enough_disk(0.5, 11.0, 12.0).is_err());
    }
}
