//! A rule's deployment facts, declared once as a `const` next to the rule.
//!
//! Everything that is generated (the SAM template, the conformance packs, the README table)
//! is derived from these values: `xtask` reads them by running each rule binary with
//! `--spec`, which prints [`RuleSpec::to_json`].

use serde_json::{Value, json};

use crate::params::ParamSpec;

/// How AWS Config triggers a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// On configuration changes of the resource types in scope.
    Change,
    /// On a schedule.
    Periodic(Frequency),
    /// Both: each change, plus a periodic sweep over every recorded resource in scope.
    Hybrid(Frequency),
}

impl Trigger {
    /// Whether AWS Config sends configuration-change notifications to this rule.
    pub fn on_change(self) -> bool {
        matches!(self, Trigger::Change | Trigger::Hybrid(_))
    }

    /// The schedule, when the rule runs periodically.
    pub fn frequency(self) -> Option<Frequency> {
        match self {
            Trigger::Change => None,
            Trigger::Periodic(f) | Trigger::Hybrid(f) => Some(f),
        }
    }
}

/// `MaximumExecutionFrequency` values accepted by AWS Config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    OneHour,
    ThreeHours,
    SixHours,
    TwelveHours,
    TwentyFourHours,
}

impl Frequency {
    /// The name AWS Config uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::OneHour => "One_Hour",
            Frequency::ThreeHours => "Three_Hours",
            Frequency::SixHours => "Six_Hours",
            Frequency::TwelveHours => "Twelve_Hours",
            Frequency::TwentyFourHours => "TwentyFour_Hours",
        }
    }
}

/// Another Config rule backed by the same function: its own name, CIS ids and parameter values.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    pub name: &'static str,
    pub cis: &'static [&'static str],
    pub parameters: &'static [(&'static str, &'static str)],
}

/// The deployment facts of one rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleSpec {
    /// The AWS Config rule name (kebab-case, ≤ 64 characters); also the crate and binary name.
    pub name: &'static str,
    /// One sentence: what the rule checks (shown as the Config rule description).
    pub description: &'static str,
    pub trigger: Trigger,
    /// The resource types the rule reports on (the Config rule's scope for change triggers).
    pub resource_types: &'static [&'static str],
    pub parameters: &'static [ParamSpec],
    /// IAM actions the rule's own data gathering calls, beyond what every rule gets
    /// (`config:PutEvaluations` and the Config reads of the shared runner).
    pub iam_actions: &'static [&'static str],
    /// CIS AWS Foundations Benchmark v5.0.0 recommendation ids this rule evaluates; the rule is
    /// in the CIS pack when there is at least one.
    pub cis: &'static [&'static str],
    /// The parameter values the CIS pack sets (the others take the rule's defaults).
    pub cis_parameters: &'static [(&'static str, &'static str)],
    /// Further Config rules in the CIS pack backed by this rule's function, each with its own
    /// name, CIS ids and parameter values (for example the IPv6 instance of a port check).
    pub cis_variants: &'static [Variant],
    /// Well-Architected Security Pillar questions (`SEC-1` … `SEC-11`) the AWS pack maps the rule
    /// to; the rule is in the Well-Architected pack when there is at least one.
    pub well_architected: &'static [&'static str],
    /// The parameter values the Well-Architected pack sets (AWS's sample pack values).
    pub wa_parameters: &'static [(&'static str, &'static str)],
}

impl RuleSpec {
    /// Empty values for the optional fields: `RuleSpec { name: …, …, ..RuleSpec::DEFAULTS }`.
    pub const DEFAULTS: RuleSpec = RuleSpec {
        name: "",
        description: "",
        trigger: Trigger::Change,
        resource_types: &[],
        parameters: &[],
        iam_actions: &[],
        cis: &[],
        cis_parameters: &[],
        cis_variants: &[],
        well_architected: &[],
        wa_parameters: &[],
    };

    /// The machine-readable form printed by `<rule-binary> --spec`.
    pub fn to_json(&self) -> Value {
        let (trigger, frequency) = match self.trigger {
            Trigger::Change => ("change", None),
            Trigger::Periodic(f) => ("periodic", Some(f.as_str())),
            Trigger::Hybrid(f) => ("hybrid", Some(f.as_str())),
        };
        json!({
            "name": self.name,
            "description": self.description,
            "trigger": trigger,
            "frequency": frequency,
            "resource_types": self.resource_types,
            "parameters": self.parameters.iter().map(|p| p.to_json()).collect::<Vec<_>>(),
            "iam_actions": self.iam_actions,
            "cis": self.cis,
            "cis_parameters": pairs(self.cis_parameters),
            "cis_variants": self.cis_variants.iter().map(|v| json!({
                "name": v.name,
                "cis": v.cis,
                "parameters": pairs(v.parameters),
            })).collect::<Vec<_>>(),
            "well_architected": self.well_architected,
            "wa_parameters": pairs(self.wa_parameters),
        })
    }

    /// Every problem with the spec (empty when it is sound): names, limits and values that would
    /// only fail at deployment or at run time otherwise.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let name_ok = !self.name.is_empty()
            && self.name.len() <= MAX_RULE_NAME
            && self.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !self.name.starts_with('-')
            && !self.name.ends_with('-');
        if !name_ok {
            problems.push(format!("rule name {:?} must be kebab-case, at most {MAX_RULE_NAME} characters", self.name));
        }
        if self.description.is_empty() || self.description.chars().count() > 256 {
            problems.push("the description must have 1 to 256 characters".into());
        }
        if self.resource_types.is_empty() {
            problems.push("at least one resource type is needed".into());
        }
        for t in self.resource_types {
            if !t.starts_with("AWS::") || t.split("::").count() != 3 {
                problems.push(format!("resource type {t:?} is not of the form AWS::Service::Type"));
            }
        }
        for p in self.parameters {
            if let Some(default) = p.default
                && let Err(e) = p.check(default)
            {
                problems.push(format!("default of {}: {e}", p.name));
            }
        }
        for (pack, values) in [("CIS", self.cis_parameters), ("Well-Architected", self.wa_parameters)] {
            for (name, value) in values {
                match self.parameters.iter().find(|p| p.name == *name) {
                    None => problems.push(format!("the {pack} pack sets {name}, which the rule does not declare")),
                    Some(p) => {
                        if let Err(e) = p.check(value) {
                            problems.push(format!("the {pack} pack value of {name}: {e}"));
                        }
                    }
                }
            }
        }
        for action in self.iam_actions {
            let ok = action.split_once(':').is_some_and(|(service, op)| {
                !service.is_empty()
                    && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && op.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && op.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if !ok {
                problems.push(format!("IAM action {action:?} is not of the form service:Action"));
            }
        }
        for id in self.cis {
            let ok = id.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                problems.push(format!("CIS id {id:?} is not of the form 1.2 or 2.1.3"));
            }
        }
        for q in self.well_architected {
            if !q.strip_prefix("SEC-").is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=11).contains(&n))) {
                problems.push(format!("Well-Architected question {q:?} is not SEC-1 … SEC-11"));
            }
        }
        for variant in self.cis_variants {
            let ok = variant.name.len() <= MAX_RULE_NAME
                && variant.name != self.name
                && variant.name.starts_with(self.name)
                && variant.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                problems.push(format!(
                    "variant {:?} must be a kebab-case name of at most {MAX_RULE_NAME} characters that starts with {:?}",
                    variant.name, self.name
                ));
            }
            if variant.cis.is_empty() {
                problems.push(format!("variant {} serves no CIS id", variant.name));
            }
            for (name, value) in variant.parameters {
                match self.parameters.iter().find(|p| p.name == *name) {
                    None => {
                        problems.push(format!("variant {} sets {name}, which the rule does not declare", variant.name))
                    }
                    Some(p) => {
                        if let Err(e) = p.check(value) {
                            problems.push(format!("variant {} value of {name}: {e}", variant.name));
                        }
                    }
                }
            }
        }
        if self.cis.is_empty() && !self.cis_parameters.is_empty() {
            problems.push("CIS pack values are set but the rule serves no CIS id".into());
        }
        if self.well_architected.is_empty() && !self.wa_parameters.is_empty() {
            problems.push("Well-Architected pack values are set but the rule maps to no question".into());
        }
        problems
    }
}

/// Config's compliance APIs take rule names of at most 64 characters.
pub const MAX_RULE_NAME: usize = 64;

fn pairs(values: &[(&str, &str)]) -> Value {
    Value::Object(values.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned()))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ParamSpec;

    const GOOD: RuleSpec = RuleSpec {
        name: "iam-password-policy",
        description: "Checks the password policy.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &["AWS::::Account"],
        parameters: &[ParamSpec::int("MinimumPasswordLength", Some("14"), 6, 128, "length")],
        iam_actions: &["iam:GetAccountPasswordPolicy", "macie2:GetMacieSession", "s3:GetAccountPublicAccessBlock"],
        cis: &["1.7", "2.1.1"],
        cis_parameters: &[("MinimumPasswordLength", "14")],
        well_architected: &["SEC-2"],
        ..RuleSpec::DEFAULTS
    };

    #[test]
    fn a_sound_spec_has_no_problems() {
        assert_eq!(GOOD.problems(), Vec::<String>::new());
        assert_eq!(GOOD.to_json()["frequency"], "TwentyFour_Hours");
    }

    #[test]
    fn problems_are_named() {
        const BAD_PARAMS: &[ParamSpec] = &[ParamSpec::int("Length", Some("x"), 1, 2, "")];
        let bad = RuleSpec {
            name: "Bad_Name",
            description: "",
            resource_types: &["EC2::Instance"],
            parameters: BAD_PARAMS,
            iam_actions: &["iam:listUsers", "GetAccountPasswordPolicy"],
            cis: &["1.x"],
            cis_parameters: &[("Length", "9"), ("Other", "1")],
            well_architected: &["SEC-12"],
            wa_parameters: &[("Length", "1")],
            ..GOOD
        };
        let problems = bad.problems().join("\n");
        for expected in [
            "rule name \"Bad_Name\"",
            "description",
            "resource type \"EC2::Instance\"",
            "default of Length",
            "IAM action \"iam:listUsers\"",
            "IAM action \"GetAccountPasswordPolicy\"",
            "CIS id \"1.x\"",
            "CIS pack value of Length",
            "sets Other, which the rule does not declare",
            "\"SEC-12\"",
        ] {
            assert!(problems.contains(expected), "missing {expected:?} in:\n{problems}");
        }
        assert!(
            RuleSpec { name: "a-very-long-rule-name-that-goes-well-beyond-the-limit-of-64-characters", ..GOOD }
                .problems()[0]
                .contains("at most 64")
        );
    }
}
