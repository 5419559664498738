//! Project automation: `cargo xtask <command>`.
//!
//! - `test`: everything CI runs (format, lints, unit/fixture/SDK tests, generated files,
//!   end-to-end tests against the emulator, template checks). Installs what it needs.
//! - `demo`: the product's main job on a local emulator: seed a sample account, run every rule,
//!   print what the AWS Config console would show.
//! - `emulator [--port N]`: run the emulator in the foreground, for `cargo lambda watch`/`invoke`.
//! - `bench`: size, start-up, invocation latency and memory of the release rule binaries.

use std::process::ExitCode;
use std::time::Instant;

mod tools;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("demo") => demo(),
        Some("emulator") => emulator(&args[1..]),
        Some("bench") => bench(),
        _ => {
            eprintln!("usage: cargo xtask <test | demo | emulator [--port N] | bench>");
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

fn test() -> Result {
    let start = Instant::now();
    step("format", || cargo(&["fmt", "--all", "--check"]))?;
    step("lints", || cargo(&["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]))?;
    step("unit, fixture, SDK-level and property tests", || cargo(&["test", "--workspace", "--quiet"]))?;
    step("build the rule binaries", build_rules)?;
    let python =
        step("install the emulator and test tools (pinned)", || tools::python_env("e2e", "e2e/requirements.lock"))?;
    step("end-to-end tests (rule binaries, Lambda Runtime API, emulator)", || {
        let mut cmd = tools::command(
            &python.join("bin/python").to_string_lossy(),
            &["-m", "pytest", "-q", "-p", "no:cacheprovider", "e2e"],
        );
        cmd.env("PATH", tools::path_with(&python.join("bin")));
        tools::run(cmd)
    })?;
    eprintln!("all checks passed in {:.1}s", start.elapsed().as_secs_f64());
    Ok(())
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
