//! Conventions every rule crate keeps, checked as a test (`cargo test -p xtask`).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::tools::root;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The numbers of the scenarios a rule header lists (`//! 3. NON_COMPLIANT when …`).
fn scenarios(lib: &str) -> Vec<u32> {
    lib.lines()
        .take_while(|l| l.starts_with("//!"))
        .skip_while(|l| !l.contains("## Scenarios"))
        .filter_map(|l| l.trim_start_matches("//!").trim().split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect()
}

/// Reads that `shared` makes on a rule's behalf, by the helper the rule calls.
const SHARED_READS: &[(&str, &[&str])] = &[
    ("credential_report::fetch", &["iam:GenerateCredentialReport", "iam:GetCredentialReport"]),
    ("iam::user_ids", &["iam:ListUsers"]),
    ("UserReport::fetch", &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"]),
    ("iam::account_summary", &["iam:GetAccountSummary"]),
    ("macie::session", &["macie2:GetMacieSession"]),
    ("cloudtrail::region_trails", &["cloudtrail:DescribeTrails"]),
    ("recorded::recorded_items", &["config:ListDiscoveredResources", "config:BatchGetResourceConfig"]),
    (
        "cloudtrail::account_trails",
        &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
    ),
    (
        "monitoring::gather",
        &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
            "logs:DescribeMetricFilters",
            "cloudwatch:DescribeAlarms",
            "sns:ListSubscriptionsByTopic",
        ],
    ),
];

/// The actions a rule's code calls: `"service:Action"` literals passed to `.context(…)` outside
/// tests, plus the reads of the shared helpers it uses.
fn actions_called(code: &str) -> BTreeSet<String> {
    let mut called: BTreeSet<String> =
        code.split(".context(\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect();
    for (helper, actions) in SHARED_READS {
        if code.contains(helper) {
            called.extend(actions.iter().map(|a| (*a).to_owned()));
        }
    }
    called
}

/// The actions listed in `iam_actions: &[…]`.
fn actions_declared(code: &str) -> BTreeSet<String> {
    let Some(start) = code.find("iam_actions: &[") else { return BTreeSet::new() };
    let list = &code[start + "iam_actions: &[".len()..];
    let list = &list[..list.find(']').unwrap_or(0)];
    list.split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect()
}

#[test]
fn rule_crates_follow_the_conventions() {
    let mut problems = Vec::new();
    let rules = root().join("rules");
    let mut names: Vec<String> =
        fs::read_dir(&rules).unwrap().flatten().map(|d| d.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(!names.is_empty());
    for name in &names {
        let dir = rules.join(name);
        let lib = read(&dir.join("src/lib.rs"));
        let main = read(&dir.join("src/main.rs"));
        let manifest = read(&dir.join("Cargo.toml"));
        let (code, tests) = lib.split_once("#[cfg(test)]").unwrap_or((&lib, ""));

        if !lib.starts_with(&format!("//! # {name}\n")) {
            problems.push(format!("{name}: lib.rs must start with the header `//! # {name}`"));
        }
        let numbers = scenarios(&lib);
        if numbers.is_empty() {
            problems.push(format!("{name}: the header lists no numbered scenarios under `## Scenarios`"));
        }
        for (i, n) in numbers.iter().enumerate() {
            if *n as usize != i + 1 {
                problems.push(format!("{name}: scenarios must be numbered 1, 2, 3…; found {n} at position {}", i + 1));
            }
            if !tests.contains(&format!("fn scenario_{n}_")) {
                problems.push(format!("{name}: scenario {n} has no test named scenario_{n}_…"));
            }
        }
        let events = root().join("events").join(name);
        match fs::read_dir(&events) {
            Err(_) => problems.push(format!("{name}: events/{name}/ is missing")),
            Ok(entries) => {
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    let Some(case) = file.strip_suffix(".json") else { continue };
                    if !tests.contains(&format!("\"{case}\"")) {
                        problems.push(format!("{name}: events/{name}/{file} is used by no test"));
                    }
                }
            }
        }
        if main.lines().count() > 5 || !(main.contains("shared::run_change(") || main.contains("shared::run_periodic("))
        {
            problems.push(format!("{name}: main.rs must be the few-line stub that hands the rule to shared::run_change or shared::run_periodic"));
        }
        if !manifest.contains("[lints]\nworkspace = true") {
            problems.push(format!("{name}: Cargo.toml must say [lints] workspace = true"));
        }
        let mut in_dependencies = false;
        for line in manifest.lines() {
            if line.starts_with('[') {
                in_dependencies = line.ends_with("dependencies]");
            } else if in_dependencies && line.contains('=') && !line.contains("workspace = true") {
                problems.push(format!(
                    "{name}: dependencies come from the workspace (`x.workspace = true`), found `{line}`"
                ));
            }
        }
        if !manifest.contains(&format!("name = \"{name}\"")) {
            problems.push(format!("{name}: the package and binary must be named {name}"));
        }
        for banned in [".unwrap()", ".expect(", "panic!(", "todo!(", "unimplemented!("] {
            if code.contains(banned) {
                problems.push(format!("{name}: `{banned}` outside tests; a Lambda must not panic"));
            }
        }
        let called = actions_called(code);
        let declared = actions_declared(code);
        for action in called.difference(&declared) {
            problems
                .push(format!("{name}: calls {action} but iam_actions does not declare it (its role would be denied)"));
        }
        for action in declared.difference(&called) {
            problems.push(format!("{name}: declares {action} but never calls it (least privilege)"));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn scenario_and_action_scanning() {
    let lib = "//! # x\n//!\n//! ## Scenarios\n//! 1. COMPLIANT when fine.\n//! 2. NON_COMPLIANT when not.\n//!    continued.\nuse a;";
    assert_eq!(scenarios(lib), [1, 2]);
    let code = "iam_actions: &[\"iam:ListUsers\", \"iam:GetUser\"],\n x.send().await.context(\"iam:ListUsers\")?;";
    assert_eq!(actions_called(code), BTreeSet::from(["iam:ListUsers".to_owned()]));
    assert_eq!(actions_declared(code), BTreeSet::from(["iam:ListUsers".to_owned(), "iam:GetUser".to_owned()]));
}
