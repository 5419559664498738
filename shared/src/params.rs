//! Rule parameters: declared in a rule's [`RuleSpec`](crate::RuleSpec), validated once.
//!
//! AWS Config passes `ruleParameters` as a JSON *string* holding an object whose values are
//! strings (conformance packs declare every parameter as a string). Missing, `""` and `"{}"` all
//! mean "use the defaults". A value that does not fit its declared kind, or a parameter name the
//! rule does not declare, is a customer error that names the parameter: a typo must not silently
//! turn into a default.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Value, json};

/// The parameter every rule accepts for organization deployments: the name of a role in the
/// evaluated account that the rule assumes before reading and reporting.
pub const EXECUTION_ROLE_NAME: &str = "ExecutionRoleName";

/// What values a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A whole number within `min..=max`.
    Int { min: i64, max: i64 },
    /// `true` or `false` (any letter case).
    Bool,
    /// Free text.
    String,
    /// A comma-separated list; blanks around items are ignored, empty items dropped.
    Csv,
}

impl ParamKind {
    /// The conformance-pack parameter type (`Type:` of a pack parameter) for this kind.
    pub fn pack_type(self) -> &'static str {
        match self {
            ParamKind::Int { .. } => "int",
            ParamKind::Bool => "boolean",
            ParamKind::String => "String",
            ParamKind::Csv => "CSV",
        }
    }
}

/// One declared parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    /// The value used when the parameter is absent or empty (as it would arrive on the wire).
    pub default: Option<&'static str>,
    pub description: &'static str,
}

impl ParamSpec {
    pub const fn int(
        name: &'static str,
        default: Option<&'static str>,
        min: i64,
        max: i64,
        description: &'static str,
    ) -> Self {
        ParamSpec { name, kind: ParamKind::Int { min, max }, default, description }
    }

    pub const fn boolean(name: &'static str, default: Option<&'static str>, description: &'static str) -> Self {
        ParamSpec { name, kind: ParamKind::Bool, default, description }
    }

    pub const fn string(name: &'static str, default: Option<&'static str>, description: &'static str) -> Self {
        ParamSpec { name, kind: ParamKind::String, default, description }
    }

    pub const fn csv(name: &'static str, default: Option<&'static str>, description: &'static str) -> Self {
        ParamSpec { name, kind: ParamKind::Csv, default, description }
    }

    pub(crate) fn to_json(self) -> Value {
        let (min, max) = match self.kind {
            ParamKind::Int { min, max } => (Some(min), Some(max)),
            _ => (None, None),
        };
        json!({
            "name": self.name,
            "type": self.kind.pack_type(),
            "default": self.default,
            "min": min,
            "max": max,
            "description": self.description,
        })
    }

    /// Whether a value (as it would arrive on the wire) is acceptable.
    pub fn check(&self, raw: &str) -> Result<(), ParamError> {
        self.parse(raw).map(|_| ())
    }

    fn parse(&self, raw: &str) -> Result<ParamValue, ParamError> {
        let raw = raw.trim();
        match self.kind {
            ParamKind::Int { min, max } => match raw.parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(ParamValue::Int(n)),
                _ => {
                    Err(ParamError::new(self.name, format!("expected a whole number from {min} to {max}, got {raw:?}")))
                }
            },
            ParamKind::Bool => match raw.to_ascii_lowercase().as_str() {
                "true" => Ok(ParamValue::Bool(true)),
                "false" => Ok(ParamValue::Bool(false)),
                _ => Err(ParamError::new(self.name, format!("expected true or false, got {raw:?}"))),
            },
            ParamKind::String => Ok(ParamValue::Str(raw.to_owned())),
            ParamKind::Csv => Ok(ParamValue::List(
                raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            )),
        }
    }
}

/// A rule parameter that could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub name: String,
    pub message: String,
}

impl ParamError {
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        ParamError { name: name.into(), message: message.into() }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid rule parameter {}: {}", self.name, self.message)
    }
}

impl std::error::Error for ParamError {}

#[derive(Debug, Clone, PartialEq)]
enum ParamValue {
    Int(i64),
    Bool(bool),
    Str(String),
    List(Vec<String>),
}

/// The validated parameters of one invocation: every declared parameter either has a value that
/// fits its kind (given or default) or is absent (optional, no default).
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters {
    values: BTreeMap<&'static str, ParamValue>,
    execution_role_name: Option<String>,
}

impl Parameters {
    /// Parses the `ruleParameters` string of an event against the declared parameters.
    pub fn parse(raw: Option<&str>, specs: &'static [ParamSpec]) -> Result<Self, ParamError> {
        let given = parse_raw(raw)?;
        let mut values = BTreeMap::new();
        for (name, value) in &given {
            if name != EXECUTION_ROLE_NAME && !specs.iter().any(|s| s.name == name) {
                let accepted: Vec<&str> = specs.iter().map(|s| s.name).chain([EXECUTION_ROLE_NAME]).collect();
                return Err(ParamError::new(
                    name.as_str(),
                    format!(
                        "this rule has no such parameter (it accepts: {}); got value {value:?}",
                        accepted.join(", ")
                    ),
                ));
            }
        }
        for spec in specs {
            let raw_value = given.get(spec.name).map(String::as_str).filter(|v| !v.trim().is_empty()).or(spec.default);
            if let Some(raw_value) = raw_value {
                values.insert(spec.name, spec.parse(raw_value)?);
            }
        }
        let execution_role_name = given.get(EXECUTION_ROLE_NAME).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(Parameters { values, execution_role_name })
    }

    /// The role to assume in the evaluated account, when the rule is deployed for an organization.
    pub fn execution_role_name(&self) -> Option<&str> {
        self.execution_role_name.as_deref()
    }

    /// An integer parameter that always has a value (given or default).
    pub fn int(&self, name: &str) -> Result<i64, ParamError> {
        self.opt_int(name)?.ok_or_else(|| missing(name))
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, ParamError> {
        match self.values.get(name) {
            Some(ParamValue::Int(n)) => Ok(Some(*n)),
            Some(_) => Err(wrong_kind(name, "int")),
            None => Ok(None),
        }
    }

    /// A boolean parameter that always has a value (given or default).
    pub fn bool(&self, name: &str) -> Result<bool, ParamError> {
        match self.values.get(name) {
            Some(ParamValue::Bool(b)) => Ok(*b),
            Some(_) => Err(wrong_kind(name, "boolean")),
            None => Err(missing(name)),
        }
    }

    /// A text parameter, absent when neither given nor defaulted.
    pub fn opt_string(&self, name: &str) -> Result<Option<&str>, ParamError> {
        match self.values.get(name) {
            Some(ParamValue::Str(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_kind(name, "String")),
            None => Ok(None),
        }
    }

    /// A list parameter; empty when neither given nor defaulted.
    pub fn list(&self, name: &str) -> Result<&[String], ParamError> {
        match self.values.get(name) {
            Some(ParamValue::List(items)) => Ok(items),
            Some(_) => Err(wrong_kind(name, "CSV")),
            None => Ok(&[]),
        }
    }
}

fn missing(name: &str) -> ParamError {
    ParamError::new(name, "a value is required and the rule declares no default")
}

fn wrong_kind(name: &str, expected: &str) -> ParamError {
    ParamError::new(name, format!("rule bug: read as {expected}, but declared as another kind"))
}

/// `ruleParameters` → name/value strings. Numbers and booleans are accepted as their text.
fn parse_raw(raw: Option<&str>) -> Result<BTreeMap<String, String>, ParamError> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(BTreeMap::new());
    }
    let parsed: Value =
        serde_json::from_str(raw).map_err(|e| ParamError::new("ruleParameters", format!("not a JSON object: {e}")))?;
    let object = match parsed {
        Value::Object(object) => object,
        Value::Null => return Ok(BTreeMap::new()),
        other => {
            return Err(ParamError::new("ruleParameters", format!("expected a JSON object, got {other}")));
        }
    };
    object
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => String::new(),
                other => {
                    return Err(ParamError::new(name, format!("expected a string value, got {other}")));
                }
            };
            Ok((name, text))
        })
        .collect()
}

/// A rule's typed parameters, built from the validated [`Parameters`].
pub trait FromParams: Sized {
    fn from_params(params: &Parameters) -> Result<Self, ParamError>;
}

/// For rules without parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl FromParams for NoParams {
    fn from_params(_: &Parameters) -> Result<Self, ParamError> {
        Ok(NoParams)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec::int("MinimumPasswordLength", Some("14"), 6, 128, "min length"),
        ParamSpec::boolean("RequireSymbols", Some("true"), "symbols"),
        ParamSpec::csv("blockedPorts", None, "ports"),
        ParamSpec::string("kmsKeyId", None, "key"),
        ParamSpec::int("MaxPasswordAge", None, 1, 1095, "age"),
    ];

    fn parse(raw: &str) -> Result<Parameters, ParamError> {
        Parameters::parse(Some(raw), SPECS)
    }

    #[test]
    fn missing_empty_and_empty_object_all_mean_defaults() {
        let defaults = Parameters::parse(None, SPECS).unwrap();
        assert_eq!(parse("").unwrap(), defaults);
        assert_eq!(parse("  ").unwrap(), defaults);
        assert_eq!(parse("{}").unwrap(), defaults);
        assert_eq!(parse("null").unwrap(), defaults);
        assert_eq!(defaults.int("MinimumPasswordLength"), Ok(14));
        assert_eq!(defaults.bool("RequireSymbols"), Ok(true));
        assert_eq!(defaults.list("blockedPorts").unwrap(), &[] as &[String]);
        assert_eq!(defaults.opt_string("kmsKeyId"), Ok(None));
        assert_eq!(defaults.opt_int("MaxPasswordAge"), Ok(None));
    }

    #[test]
    fn values_arrive_as_strings_and_are_typed() {
        let p = parse(
            r#"{"MinimumPasswordLength":"20","RequireSymbols":"FALSE","blockedPorts":" 20, 21 ,,3389","kmsKeyId":"k"}"#,
        )
        .unwrap();
        assert_eq!(p.int("MinimumPasswordLength"), Ok(20));
        assert_eq!(p.bool("RequireSymbols"), Ok(false));
        assert_eq!(p.list("blockedPorts").unwrap(), &["20".to_owned(), "21".to_owned(), "3389".to_owned()]);
        assert_eq!(p.opt_string("kmsKeyId"), Ok(Some("k")));
    }

    #[test]
    fn json_numbers_and_booleans_are_accepted_as_their_text() {
        let p = parse(r#"{"MinimumPasswordLength":16,"RequireSymbols":false}"#).unwrap();
        assert_eq!(p.int("MinimumPasswordLength"), Ok(16));
        assert_eq!(p.bool("RequireSymbols"), Ok(false));
    }

    #[test]
    fn an_empty_value_means_the_default() {
        let p = parse(r#"{"MinimumPasswordLength":"","RequireSymbols":" "}"#).unwrap();
        assert_eq!(p.int("MinimumPasswordLength"), Ok(14));
        assert_eq!(p.bool("RequireSymbols"), Ok(true));
    }

    #[test]
    fn invalid_values_name_the_parameter() {
        let e = parse(r#"{"MinimumPasswordLength":"fourteen"}"#).unwrap_err();
        assert_eq!(e.name, "MinimumPasswordLength");
        assert_eq!(
            e.to_string(),
            r#"invalid rule parameter MinimumPasswordLength: expected a whole number from 6 to 128, got "fourteen""#
        );
        assert_eq!(parse(r#"{"MinimumPasswordLength":"5"}"#).unwrap_err().name, "MinimumPasswordLength");
        assert_eq!(parse(r#"{"RequireSymbols":"yes"}"#).unwrap_err().name, "RequireSymbols");
        assert_eq!(parse(r#"{"kmsKeyId":["a"]}"#).unwrap_err().name, "kmsKeyId");
    }

    #[test]
    fn unknown_parameters_are_rejected_with_the_accepted_names() {
        let e = parse(r#"{"MinPasswordLength":"14"}"#).unwrap_err();
        assert_eq!(e.name, "MinPasswordLength");
        assert!(e.message.contains("MinimumPasswordLength, RequireSymbols"), "{}", e.message);
    }

    #[test]
    fn malformed_rule_parameters_are_a_clear_error() {
        assert_eq!(parse("{not json").unwrap_err().name, "ruleParameters");
        assert_eq!(parse("[1,2]").unwrap_err().name, "ruleParameters");
    }

    #[test]
    fn execution_role_name_is_accepted_by_every_rule() {
        let p = parse(r#"{"ExecutionRoleName":"config-rules-execution"}"#).unwrap();
        assert_eq!(p.execution_role_name(), Some("config-rules-execution"));
        assert_eq!(parse(r#"{"ExecutionRoleName":""}"#).unwrap().execution_role_name(), None);
    }

    #[test]
    fn reading_an_undeclared_or_differently_typed_parameter_is_an_error_not_a_panic() {
        let p = parse("{}").unwrap();
        assert!(p.bool("MinimumPasswordLength").is_err());
        assert!(p.int("Nope").is_err());
    }

    #[test]
    fn required_parameter_without_default_is_reported_when_read() {
        let p = parse("{}").unwrap();
        assert_eq!(p.int("MaxPasswordAge").unwrap_err().name, "MaxPasswordAge");
    }
}
