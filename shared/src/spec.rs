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
    /// CIS AWS Foundations Benchmark v5.0.0 recommendation ids this rule evaluates.
    pub cis: &'static [&'static str],
    /// Well-Architected Security Pillar questions (`SEC-1` … `SEC-11`) the AWS pack maps the rule to.
    pub well_architected: &'static [&'static str],
}

impl RuleSpec {
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
            "well_architected": self.well_architected,
        })
    }
}
