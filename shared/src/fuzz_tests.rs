//! Property tests: whatever arrives, the event parser and the decision path never panic, and a
//! verdict only ever comes out of an event that carries everything a verdict needs.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::ec2::SecurityGroup;
use crate::event::{Event, parse_event};
use crate::policy::PolicyDocument;
use crate::testing::change_event;
use crate::{ChangeRule, ConfigurationItem, NoParams, RuleError, RuleSpec, Trigger, Verdict};

/// Reads what real rules read: security-group permissions and bucket policies.
struct Probe;

impl ChangeRule for Probe {
    const SPEC: RuleSpec = RuleSpec {
        name: "probe",
        description: "fuzz probe",
        trigger: Trigger::Change,
        resource_types: &["AWS::EC2::SecurityGroup", "AWS::S3::Bucket"],
        parameters: &[],
        iam_actions: &[],
        cis: &[],
        well_architected: &[],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        if item.resource_type == "AWS::EC2::SecurityGroup" {
            let group = SecurityGroup::from_item(item)?;
            return Ok(Verdict::compliant(format!("{} permissions", group.ingress.len())));
        }
        match item.supplementary("BucketPolicy").and_then(|p| p.get("policyText")) {
            Some(text) => PolicyDocument::parse(text).map_err(|e| RuleError::InvalidData(e.0))?,
            None => PolicyDocument::default(),
        };
        Ok(Verdict::compliant("read"))
    }
}

/// Every change event of the project's fixtures, as seeds for mutation.
fn corpus() -> &'static [Value] {
    static CORPUS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(load_corpus)
}

fn load_corpus() -> Vec<Value> {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let mut seeds = Vec::new();
    for rule in std::fs::read_dir(events).unwrap().flatten() {
        for file in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let event: Value = serde_json::from_str(&std::fs::read_to_string(file.path()).unwrap()).unwrap();
            seeds.push(event);
        }
    }
    seeds.sort_by_key(|e| e.to_string());
    seeds
}

/// The event with its `invokingEvent` string decoded, so mutations can reach inside it.
fn open(event: &Value) -> Value {
    let mut e = event.clone();
    if let Some(text) = e.get("invokingEvent").and_then(Value::as_str) {
        e["invokingEvent"] = serde_json::from_str(text).unwrap();
    }
    e
}

fn close(mut e: Value) -> Value {
    if let Some(inner) = e.get("invokingEvent").filter(|v| v.is_object()).cloned() {
        e["invokingEvent"] = Value::String(inner.to_string());
    }
    e
}

/// Every path to an object member.
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            prefix.push(k.clone());
            out.push(prefix.clone());
            paths(child, prefix, out);
            prefix.pop();
        }
    }
}

fn parent_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Map<String, Value>> {
    let (_, init) = path.split_last()?;
    let mut cur = v;
    for k in init {
        cur = cur.get_mut(k)?;
    }
    cur.as_object_mut()
}

/// Fields without which no verdict may be produced.
const REQUIRED: &[&[&str]] = &[
    &["resultToken"],
    &["invokingEvent"],
    &["invokingEvent", "messageType"],
    &["invokingEvent", "configurationItem"],
    &["invokingEvent", "configurationItem", "resourceType"],
    &["invokingEvent", "configurationItem", "resourceId"],
    &["invokingEvent", "configurationItem", "configurationItemStatus"],
    &["invokingEvent", "configurationItem", "configurationItemCaptureTime"],
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        ".{0,12}".prop_map(Value::String),
        Just(json!("0.0.0.0/0")),
        Just(json!("2026-11-20T10:00:00Z")),
        Just(json!("{\"Statement\":[]}")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(event in arb_json(), invoking in arb_json()) {
        let _ = parse_event(&event);
        let wrapped = json!({"invokingEvent": invoking.to_string(), "resultToken": "t"});
        let _ = change_event(&Probe, &wrapped);
    }

    #[test]
    fn arbitrary_text_as_invoking_event_never_yields_a_verdict(text in ".{0,200}") {
        let event = json!({"invokingEvent": text, "resultToken": "t"});
        if let Ok(Event::Evaluate(_)) = parse_event(&event) {
            // Only well-formed JSON carrying a message type can get this far.
            let inner: Value = serde_json::from_str(&text).unwrap();
            prop_assert!(inner.get("messageType").is_some());
        }
    }

    #[test]
    fn mutated_fixtures_never_panic_and_never_yield_a_verdict_without_required_fields(
        seed in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        op in 0u8..4,
        replacement in arb_json(),
    ) {
        let corpus = corpus();
        let mut event = open(seed.get(corpus));
        let mut all = Vec::new();
        paths(&event, &mut Vec::new(), &mut all);
        let path = at.get(&all).clone();
        let Some(parent) = parent_mut(&mut event, &path) else { return Ok(()) };
        let key = path.last().unwrap().clone();
        let removed = match op {
            0 => { parent.remove(&key); true }
            1 => { parent.insert(key, replacement); false }
            2 => { parent.insert(key, Value::Null); false }
            _ => { if let Some(Value::String(s)) = parent.get_mut(&key) { let keep = s.len() / 2; s.truncate(s.floor_char_boundary(keep)); } false }
        };
        let event = close(event);
        let result = change_event(&Probe, &event);
        let required = REQUIRED.iter().any(|r| r.iter().copied().eq(path.iter().map(String::as_str)));
        if removed && required {
            prop_assert!(result.is_err(), "removing {path:?} still gave {result:?}");
        }
    }
}
