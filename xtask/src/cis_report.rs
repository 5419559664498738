//! `cargo xtask cis-report`: the CIS AWS Foundations Benchmark v5.0.0 summary of an account, read
//! from the results of the CIS pack's rules, as Markdown and as a self-contained HTML page.
//!
//! Sources: a deployed CIS conformance pack in AWS (the default, with the standard AWS
//! environment and credentials), or `--rules`: results stored under the plain rule names, as the
//! local emulator of `cargo xtask demo` holds them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use aws_sdk_config::types::ConformancePackEvaluationFilters;

use crate::Result;
use crate::codegen::{self, Entry, PACKS, Recommendation, Spec};

/// One result of a rule on a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub resource_type: String,
    pub resource_id: String,
    pub compliance: String,
    pub annotation: String,
}

/// A recommendation's verdict, from the results of every rule that evaluates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    NotApplicable,
    NoResult,
    NotEvaluated,
}

impl Verdict {
    fn text(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::NotApplicable => "NOT APPLICABLE",
            Verdict::NoResult => "NO RESULT",
            Verdict::NotEvaluated => "NOT EVALUATED",
        }
    }
}

/// The report's rows: recommendation, verdict, failing findings.
pub struct Row<'a> {
    pub recommendation: &'a Recommendation,
    pub rules: Vec<String>,
    pub verdict: Verdict,
    pub failing: Vec<&'a Finding>,
    pub manual: bool,
}

pub fn rows<'a>(cis: &'a [Recommendation], entries: &[Entry<'_>], findings: &'a [Finding]) -> Vec<Row<'a>> {
    cis.iter()
        .map(|r| {
            let rules: Vec<String> =
                entries.iter().filter(|e| e.cis.contains(&r.id)).map(|e| e.rule_name.clone()).collect();
            let mine: Vec<&Finding> = findings.iter().filter(|f| rules.contains(&f.rule)).collect();
            let failing: Vec<&Finding> = mine.iter().copied().filter(|f| f.compliance == "NON_COMPLIANT").collect();
            let verdict = if rules.is_empty() {
                Verdict::NotEvaluated
            } else if !failing.is_empty() {
                Verdict::Fail
            } else if mine.iter().any(|f| f.compliance == "COMPLIANT") {
                Verdict::Pass
            } else if !mine.is_empty() {
                Verdict::NotApplicable
            } else {
                Verdict::NoResult
            };
            Row { recommendation: r, rules, verdict, failing, manual: r.assessment == "Manual" }
        })
        .collect()
}

fn counts(rows: &[Row<'_>]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(row.verdict.text()).or_insert(0) += 1;
    }
    counts
}

pub fn markdown(rows: &[Row<'_>], source: &str) -> String {
    let mut out = format!("# CIS AWS Foundations Benchmark v5.0.0\n\nSource: {source}\n\n");
    let summary: Vec<String> = counts(rows).iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(out, "Summary: {}.\n", summary.join(", "));
    out.push_str("| CIS | Level | Recommendation | Verdict | Rules | Failing resources |\n|---|---|---|---|---|---|\n");
    for row in rows {
        let failing: Vec<String> =
            row.failing.iter().map(|f| format!("{} `{}`", f.resource_type, f.resource_id)).collect();
        let r = row.recommendation;
        let _ = writeln!(
            out,
            "| {} | {} | {}{} | {} | {} | {} |",
            r.id,
            r.level,
            r.title,
            if row.manual { " (manual: a person confirms part of it)" } else { "" },
            row.verdict.text(),
            if row.rules.is_empty() { "–".to_owned() } else { row.rules.join(", ") },
            if failing.is_empty() { "–".to_owned() } else { failing.join("<br>") },
        );
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn html(rows: &[Row<'_>], source: &str) -> String {
    let mut body = String::new();
    for row in rows {
        let r = row.recommendation;
        let class = match row.verdict {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            _ => "other",
        };
        let failing: String = row
            .failing
            .iter()
            .map(|f| {
                format!(
                    "<li><code>{}</code> {}<br><small>{}</small></li>",
                    escape(&f.resource_id),
                    escape(&f.resource_type),
                    escape(&f.annotation)
                )
            })
            .collect();
        let _ = write!(
            body,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td><ul>{failing}</ul></td></tr>",
            escape(&r.id),
            r.level,
            escape(&r.title),
            if row.manual { " <em>(manual: a person confirms part of it)</em>" } else { "" },
            row.verdict.text(),
            escape(&row.rules.join(", ")),
        );
    }
    let summary: Vec<String> = counts(rows).iter().map(|(k, n)| format!("{n} {k}")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>CIS AWS Foundations Benchmark v5.0.0</title><style>\
body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}}\
tr.pass td:nth-child(4){{background:#d9f2d9}}tr.fail td:nth-child(4){{background:#f8d0d0}}tr.other td:nth-child(4){{background:#eee}}ul{{margin:0;padding-left:1.2em}}\
</style></head><body><h1>CIS AWS Foundations Benchmark v5.0.0</h1><p>Source: {}</p><p>Summary: {}.</p>\
<table><thead><tr><th>CIS</th><th>Level</th><th>Recommendation</th><th>Verdict</th><th>Rules</th><th>Failing resources</th></tr></thead><tbody>{body}</tbody></table></body></html>\n",
        escape(source),
        escape(&summary.join(", "))
    )
}

/// Which CIS entry a Config rule of the deployed pack belongs to: Config names pack rules after
/// the template's rule name plus a suffix of its own, so the longest matching prefix wins.
pub fn entry_for<'a>(config_rule_name: &str, entries: &'a [Entry<'a>]) -> Option<&'a Entry<'a>> {
    entries
        .iter()
        .filter(|e| config_rule_name == e.rule_name || config_rule_name.starts_with(&format!("{}-", e.rule_name)))
        .max_by_key(|e| e.rule_name.len())
}

async fn findings_by_rule(client: &aws_sdk_config::Client, entries: &[Entry<'_>]) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for entry in entries {
        let mut pages = client
            .get_compliance_details_by_config_rule()
            .config_rule_name(&entry.rule_name)
            .limit(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                format!(
                    "config:GetComplianceDetailsByConfigRule for {}: {}",
                    entry.rule_name,
                    aws_sdk_config::error::DisplayErrorContext(&e)
                )
            })?;
            for result in page.evaluation_results() {
                if let Some(q) = result.evaluation_result_identifier().and_then(|i| i.evaluation_result_qualifier()) {
                    findings.push(Finding {
                        rule: entry.rule_name.clone(),
                        resource_type: q.resource_type().unwrap_or_default().to_owned(),
                        resource_id: q.resource_id().unwrap_or_default().to_owned(),
                        compliance: result.compliance_type().map(|c| c.as_str().to_owned()).unwrap_or_default(),
                        annotation: result.annotation().unwrap_or_default().to_owned(),
                    });
                }
            }
        }
    }
    Ok(findings)
}

async fn findings_by_pack(client: &aws_sdk_config::Client, pack: &str, entries: &[Entry<'_>]) -> Result<Vec<Finding>> {
    let mut rule_names = Vec::new();
    let mut pages = client.describe_conformance_pack_compliance().conformance_pack_name(pack).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            format!(
                "config:DescribeConformancePackCompliance {pack}: {}",
                aws_sdk_config::error::DisplayErrorContext(&e)
            )
        })?;
        rule_names.extend(
            page.conformance_pack_rule_compliance_list().iter().filter_map(|r| r.config_rule_name().map(str::to_owned)),
        );
    }
    let mut findings = Vec::new();
    for name in rule_names {
        let Some(entry) = entry_for(&name, entries) else { continue };
        let filters = ConformancePackEvaluationFilters::builder().config_rule_names(&name).build();
        let mut pages = client
            .get_conformance_pack_compliance_details()
            .conformance_pack_name(pack)
            .filters(filters)
            .limit(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                format!(
                    "config:GetConformancePackComplianceDetails {pack}: {}",
                    aws_sdk_config::error::DisplayErrorContext(&e)
                )
            })?;
            for result in page.conformance_pack_rule_evaluation_results() {
                if let Some(q) = result.evaluation_result_identifier().and_then(|i| i.evaluation_result_qualifier()) {
                    findings.push(Finding {
                        rule: entry.rule_name.clone(),
                        resource_type: q.resource_type().unwrap_or_default().to_owned(),
                        resource_id: q.resource_id().unwrap_or_default().to_owned(),
                        compliance: result.compliance_type().as_str().to_owned(),
                        annotation: result.annotation().unwrap_or_default().to_owned(),
                    });
                }
            }
        }
    }
    Ok(findings)
}

/// `cargo xtask cis-report [--rules] [--out DIR]`.
pub fn run(args: &[String]) -> Result {
    let by_rule = args.iter().any(|a| a == "--rules");
    let out_dir = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "target/cis-report".into());
    let specs: Vec<Spec> = codegen::load_specs()?;
    let cis = codegen::load_cis()?;
    let entries = PACKS[0].all_entries(&specs);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let (findings, source) = runtime.block_on(async {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let region = config.region().map(|r| r.to_string()).unwrap_or_else(|| "(no region)".into());
        let client = aws_sdk_config::Client::new(&config);
        if by_rule {
            let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "AWS".into());
            Ok::<_, String>((
                findings_by_rule(&client, &entries).await?,
                format!("results of each CIS rule ({endpoint}, {region})"),
            ))
        } else {
            Ok((
                findings_by_pack(&client, PACKS[0].name, &entries).await?,
                format!("conformance pack {} ({region})", PACKS[0].name),
            ))
        }
    })?;
    let rows = rows(&cis, &entries, &findings);
    let dir = crate::tools::root().join(&out_dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {out_dir}: {e}"))?;
    let md = markdown(&rows, &source);
    std::fs::write(dir.join("cis-report.md"), &md).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("cis-report.html"), html(&rows, &source)).map_err(|e| e.to_string())?;
    #[allow(clippy::print_stdout, reason = "the report is this command's output")]
    {
        println!("{md}");
    }
    eprintln!("wrote {out_dir}/cis-report.md and {out_dir}/cis-report.html");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recommendation(id: &str, assessment: &str) -> Recommendation {
        Recommendation { id: id.into(), level: 1, assessment: assessment.into(), title: format!("Title {id}") }
    }

    fn finding(rule: &str, id: &str, compliance: &str) -> Finding {
        Finding {
            rule: rule.into(),
            resource_type: "AWS::S3::Bucket".into(),
            resource_id: id.into(),
            compliance: compliance.into(),
            annotation: format!("{id} <b>"),
        }
    }

    #[test]
    fn verdicts_combine_every_rule_of_a_recommendation() {
        let spec: Spec = serde_json::from_value(serde_json::json!({
            "name": "port-check", "description": "d", "trigger": "change", "frequency": null, "resource_types": ["AWS::EC2::SecurityGroup"],
            "parameters": [], "iam_actions": [], "cis": ["5.3"], "cis_parameters": {}, "well_architected": [], "wa_parameters": {},
            "cis_variants": [{"name": "port-check-ipv6", "cis": ["5.4"], "parameters": {}}]
        }))
        .unwrap();
        let specs = [spec];
        let entries = PACKS[0].all_entries(&specs);
        let cis =
            [recommendation("5.3", "Automated"), recommendation("5.4", "Automated"), recommendation("1.1", "Manual")];
        let findings = [
            finding("port-check", "sg-1", "COMPLIANT"),
            finding("port-check", "sg-2", "NON_COMPLIANT"),
            finding("port-check-ipv6", "sg-1", "NOT_APPLICABLE"),
        ];
        let rows = rows(&cis, &entries, &findings);
        assert_eq!(rows[0].verdict, Verdict::Fail);
        assert_eq!(rows[0].failing[0].resource_id, "sg-2");
        assert_eq!(rows[1].verdict, Verdict::NotApplicable);
        assert_eq!(rows[2].verdict, Verdict::NotEvaluated);
        let md = markdown(&rows, "test");
        assert!(md.contains("| 5.3 | 1 | Title 5.3 | FAIL | port-check | AWS::S3::Bucket `sg-2` |"), "{md}");
        assert!(md.contains("Summary: 1 FAIL, 1 NOT APPLICABLE, 1 NOT EVALUATED."), "{md}");
        let page = html(&rows, "test");
        assert!(page.contains("sg-2 &lt;b&gt;") && !page.contains("<b>"));
    }

    #[test]
    fn pack_rule_names_with_config_suffixes_map_back_to_their_entry() {
        let spec: Spec = serde_json::from_value(serde_json::json!({
            "name": "port-check", "description": "d", "trigger": "change", "frequency": null, "resource_types": [],
            "parameters": [], "iam_actions": [], "cis": ["5.3"], "cis_parameters": {}, "well_architected": [], "wa_parameters": {},
            "cis_variants": [{"name": "port-check-ipv6", "cis": ["5.4"], "parameters": {}}]
        }))
        .unwrap();
        let specs = [spec];
        let entries = PACKS[0].all_entries(&specs);
        assert_eq!(entry_for("port-check-conformance-pack-abc123", &entries).unwrap().rule_name, "port-check");
        assert_eq!(
            entry_for("port-check-ipv6-conformance-pack-abc123", &entries).unwrap().rule_name,
            "port-check-ipv6"
        );
        assert!(entry_for("other-rule", &entries).is_none());
    }
}
