//! IAM policy documents (bucket policies, identity policies, key policies…), parsed leniently once.
//!
//! Real documents vary: a document may arrive as an object, a JSON string or a URL-encoded JSON
//! string (IAM configuration items); `Statement` may be one object or a list; `Action`,
//! `Resource` and condition values may be a string or a list; `Principal` may be `"*"`,
//! `{"AWS": "*"}` or lists of ARNs; condition values may be strings, booleans or numbers.
//! Condition operators and keys compare case-insensitively, as IAM does.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a statement applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`, or `{"AWS": "*"}` (possibly in a list): anyone.
    Anyone,
    /// Principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → identifiers.
    Some(BTreeMap<String, Vec<String>>),
}

/// One condition: operator (as written), key (lower case) and its values as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// Whether the statement allows every action on every resource (`"Action": "*"` with
    /// `"Resource": "*"`): full administrative privileges (CIS 1.15).
    pub fn grants_full_admin(&self) -> bool {
        self.effect == Effect::Allow && self.actions.iter().any(|a| a == "*") && self.resources.iter().any(|r| r == "*")
    }
}

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

impl PolicyDocument {
    /// Parses a document given as an object, a JSON string or a URL-encoded JSON string.
    pub fn parse(document: &Value) -> Result<Self, PolicyError> {
        match document {
            Value::String(text) => Self::parse_str(text),
            Value::Object(_) => Self::from_value(document),
            other => Err(PolicyError(format!("a policy document must be an object or a string, got {other}"))),
        }
    }

    /// Parses a document from JSON text, URL-decoding it first when it is URL-encoded.
    pub fn parse_str(text: &str) -> Result<Self, PolicyError> {
        let trimmed = text.trim();
        let decoded;
        let json_text = if trimmed.starts_with('{') {
            trimmed
        } else {
            decoded = percent_encoding::percent_decode_str(trimmed)
                .decode_utf8()
                .map_err(|e| PolicyError(format!("policy document is neither JSON nor URL-encoded UTF-8: {e}")))?;
            &decoded
        };
        let value: Value = serde_json::from_str(json_text)
            .map_err(|e| PolicyError(format!("policy document is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let Some(object) = value.as_object() else {
            return Err(PolicyError("a policy document must be a JSON object".into()));
        };
        let statements = match object.get("Statement") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(Statement::parse).collect::<Result<_, _>>()?,
            Some(one @ Value::Object(_)) => vec![Statement::parse(one)?],
            Some(other) => {
                return Err(PolicyError(format!("Statement must be an object or a list, got {other}")));
            }
        };
        Ok(PolicyDocument { statements })
    }
}

impl Statement {
    fn parse(value: &Value) -> Result<Self, PolicyError> {
        let Some(s) = value.as_object() else {
            return Err(PolicyError(format!("a statement must be an object, got {value}")));
        };
        let effect = match s.get("Effect").and_then(Value::as_str) {
            Some(e) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
            Some(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
            other => {
                return Err(PolicyError(format!("statement Effect must be Allow or Deny, got {other:?}")));
            }
        };
        Ok(Statement {
            sid: s.get("Sid").and_then(Value::as_str).map(str::to_owned),
            effect,
            principal: s.get("Principal").map(parse_principal).transpose()?,
            not_principal: s.get("NotPrincipal").map(parse_principal).transpose()?,
            actions: string_list(s.get("Action"), "Action")?,
            not_actions: string_list(s.get("NotAction"), "NotAction")?,
            resources: string_list(s.get("Resource"), "Resource")?,
            not_resources: string_list(s.get("NotResource"), "NotResource")?,
            conditions: parse_conditions(s.get("Condition"))?,
        })
    }

    /// Whether the statement applies to anyone (`Principal` `"*"` / `{"AWS": "*"}`, no `NotPrincipal`).
    pub fn applies_to_anyone(&self) -> bool {
        self.not_principal.is_none() && matches!(self.principal, Some(Principal::Anyone))
    }

    /// Whether the statement's `Action` covers every action of a service (`"s3:*"`, `"*"`…).
    /// Statements with `NotAction` never count.
    pub fn covers_all_actions_of(&self, service: &str) -> bool {
        let prefix = format!("{}:", service.to_ascii_lowercase());
        self.not_actions.is_empty()
            && self.actions.iter().any(|a| a.ends_with('*') && wildcard_match(&a.to_ascii_lowercase(), &prefix))
    }

    /// Whether `Action` matches one action, for example `iam:PassRole` (case-insensitively).
    pub fn allows_action(&self, action: &str) -> bool {
        let action = action.to_ascii_lowercase();
        self.actions.iter().any(|a| wildcard_match(&a.to_ascii_lowercase(), &action))
    }

    /// Whether `Resource` matches one ARN exactly as written (no `NotResource`).
    pub fn covers_resource(&self, arn: &str) -> bool {
        self.not_resources.is_empty() && self.resources.iter().any(|r| wildcard_match(r, arn))
    }

    /// Whether `Resource` matches every ARN that starts with `prefix` (for example all objects of
    /// a bucket, `arn:aws:s3:::bucket/`).
    pub fn covers_resources_under(&self, prefix: &str) -> bool {
        self.not_resources.is_empty() && self.resources.iter().any(|r| r.ends_with('*') && wildcard_match(r, prefix))
    }

    /// The values of a condition, by operator and key (both case-insensitive).
    pub fn condition(&self, operator: &str, key: &str) -> Option<&[String]> {
        self.conditions
            .iter()
            .find(|c| c.operator.eq_ignore_ascii_case(operator) && c.key.eq_ignore_ascii_case(key))
            .map(|c| c.values.as_slice())
    }
}

fn parse_principal(value: &Value) -> Result<Principal, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(Principal::Anyone),
        Value::Object(map) => {
            let mut entities = BTreeMap::new();
            for (kind, ids) in map {
                let ids = string_list(Some(ids), "Principal")?;
                if kind == "AWS" && ids.iter().any(|id| id == "*") {
                    return Ok(Principal::Anyone);
                }
                entities.insert(kind.clone(), ids);
            }
            Ok(Principal::Some(entities))
        }
        other => Err(PolicyError(format!("Principal must be \"*\" or an object, got {other}"))),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string_list(value: Option<&Value>, field: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| scalar_text(v).ok_or_else(|| PolicyError(format!("{field} items must be strings, got {v}"))))
            .collect(),
        Some(v) => scalar_text(v)
            .map(|s| vec![s])
            .ok_or_else(|| PolicyError(format!("{field} must be a string or a list, got {v}"))),
    }
}

fn parse_conditions(value: Option<&Value>) -> Result<Vec<Condition>, PolicyError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(operators) = value.as_object() else {
        return Err(PolicyError(format!("Condition must be an object, got {value}")));
    };
    let mut conditions = Vec::new();
    for (operator, keys) in operators {
        let Some(keys) = keys.as_object() else {
            return Err(PolicyError(format!("Condition {operator} must map keys to values, got {keys}")));
        };
        for (key, values) in keys {
            conditions.push(Condition {
                operator: operator.clone(),
                key: key.to_ascii_lowercase(),
                values: string_list(Some(values), "Condition")?,
            });
        }
    }
    Ok(conditions)
}

/// IAM wildcard matching: `*` matches any run of characters, `?` any one character.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statement_as_object_or_list_and_fields_as_string_or_list() {
        let one = PolicyDocument::parse(
            &json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b"}}),
        )
        .unwrap();
        let list = PolicyDocument::parse(&json!({"Statement": [{"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Resource": ["arn:aws:s3:::b"]}]})).unwrap();
        assert_eq!(one.statements.len(), 1);
        assert_eq!(one.statements[0].actions, list.statements[0].actions);
        assert!(one.statements[0].applies_to_anyone());
        assert!(list.statements[0].applies_to_anyone());
    }

    #[test]
    fn json_string_and_url_encoded_documents() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(PolicyDocument::parse(&json!(text)).unwrap(), PolicyDocument::parse(&json!(encoded)).unwrap());
        assert!(PolicyDocument::parse(&json!(encoded)).unwrap().statements[0].allows_action("IAM:CreateUser"));
    }

    #[test]
    fn condition_values_as_strings_booleans_or_lists() {
        for value in [json!("false"), json!(false), json!(["false"])] {
            let doc = PolicyDocument::parse(&json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": value}}}]})).unwrap();
            assert_eq!(doc.statements[0].condition("bool", "AWS:securetransport"), Some(&["false".to_owned()][..]));
        }
    }

    #[test]
    fn principals() {
        let doc = PolicyDocument::parse(&json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"},
            {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Principal": "*", "Action": "s3:*"}
        ]}))
        .unwrap();
        assert!(!doc.statements[0].applies_to_anyone());
        assert!(!doc.statements[1].applies_to_anyone());
        assert!(!doc.statements[2].applies_to_anyone());
    }

    #[test]
    fn action_and_resource_coverage() {
        let s = |action: Value, resource: Value| {
            PolicyDocument::parse(
                &json!({"Statement": {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource}}),
            )
            .unwrap()
            .statements
            .remove(0)
        };
        assert!(s(json!("s3:*"), json!("*")).covers_all_actions_of("s3"));
        assert!(s(json!("*"), json!("*")).covers_all_actions_of("s3"));
        assert!(s(json!(["s3:GetObject", "S3:*"]), json!("*")).covers_all_actions_of("s3"));
        assert!(!s(json!("s3:Get*"), json!("*")).covers_all_actions_of("s3"));
        assert!(!s(json!("s3:GetObject"), json!("*")).covers_all_actions_of("s3"));
        let objects = s(json!("s3:*"), json!("arn:aws:s3:::b/*"));
        assert!(objects.covers_resources_under("arn:aws:s3:::b/"));
        assert!(!objects.covers_resource("arn:aws:s3:::b"));
        let both = s(json!("s3:*"), json!("arn:aws:s3:::b*"));
        assert!(both.covers_resource("arn:aws:s3:::b") && both.covers_resources_under("arn:aws:s3:::b/"));
        assert!(!s(json!("s3:*"), json!("arn:aws:s3:::b/private/*")).covers_resources_under("arn:aws:s3:::b/"));
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for bad in [
            json!(5),
            json!("not json"),
            json!("%ZZ"),
            json!({"Statement": 5}),
            json!({"Statement": [{"Effect": "Maybe"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": {"a": 1}}]}),
            json!({"Statement": [{"Effect": "Allow", "Condition": {"Bool": 1}}]}),
        ] {
            assert!(PolicyDocument::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("s3:*", "s3:"));
        assert!(wildcard_match("a?c*e", "abcdde"));
        assert!(wildcard_match("*:*:*", "a:b:c"));
        assert!(!wildcard_match("a*b", "acbx"));
        assert!(!wildcard_match("", "a"));
    }
}
