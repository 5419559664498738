//! Fixture testing for rule crates: each scenario is a complete Lambda event in
//! `events/<rule>/<case>.json` (the same files `cargo lambda invoke --data-file` takes), run
//! through the same parsing, parameter and applicability code as in Lambda, without AWS.
#![allow(clippy::panic, reason = "test support: a missing fixture must fail the test loudly")]

pub mod cloudtrail;
pub mod iam;

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::{Compliance, Evaluation};
use crate::event::{Event, EventError, Message, parse_event};
use crate::params::{FromParams, Parameters};
use crate::rule::{ChangeRule, PeriodicRule, Scope, decide_change};

/// The events folder of the workspace.
const EVENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../events");

/// The event `events/<rule>/<case>.json`.
pub fn load_event(rule: &str, case: &str) -> Value {
    let path = format!("{EVENTS}/{rule}/{case}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn evaluate_event(payload: &Value) -> Result<crate::event::ConfigEvent, RuleError> {
    match parse_event(payload)? {
        Event::Evaluate(event) => Ok(*event),
        Event::Unsupported { message_type } => {
            Err(RuleError::InvalidEvent(EventError(format!("unsupported: {message_type}"))))
        }
    }
}

/// Runs a change event (`ConfigurationItemChangeNotification`) through a change rule.
pub fn change_event<R: ChangeRule>(rule: &R, payload: &Value) -> Result<Evaluation, RuleError> {
    let event = evaluate_event(payload)?;
    let params = R::Params::from_params(&Parameters::parse(event.rule_parameters.as_deref(), R::SPEC.parameters)?)?;
    match &event.message {
        Message::Change { item, .. } => decide_change(rule, event.event_left_scope, item, &params),
        _ => Err(RuleError::InvalidEvent(EventError("fixture is not a ConfigurationItemChangeNotification".into()))),
    }
}

/// Runs `events/<rule>/<case>.json` through a change rule.
pub fn change<R: ChangeRule>(rule: &R, case: &str) -> Result<Evaluation, RuleError> {
    change_event(rule, &load_event(R::SPEC.name, case))
}

/// Runs a scheduled event through a periodic rule's decision, with the facts given in place of
/// what `gather` would read.
pub fn periodic_event<R: PeriodicRule>(
    rule: &R,
    payload: &Value,
    facts: &R::Facts,
) -> Result<Vec<Evaluation>, RuleError> {
    let event = evaluate_event(payload)?;
    let params = R::Params::from_params(&Parameters::parse(event.rule_parameters.as_deref(), R::SPEC.parameters)?)?;
    let Message::Scheduled { notification_time, .. } = &event.message else {
        return Err(RuleError::InvalidEvent(EventError("fixture is not a ScheduledNotification".into())));
    };
    let region =
        event.config_rule_arn.as_deref().and_then(|arn| arn.split(':').nth(3)).unwrap_or("us-east-1").to_owned();
    let account_id = event.evaluated_account().unwrap_or("123456789012").to_owned();
    let scope = Scope { account_id, region, now: *notification_time };
    Ok(rule.evaluate(facts, &params, &scope))
}

/// Runs `events/<rule>/<case>.json` through a periodic rule's decision.
pub fn periodic<R: PeriodicRule>(rule: &R, case: &str, facts: &R::Facts) -> Result<Vec<Evaluation>, RuleError> {
    periodic_event(rule, &load_event(R::SPEC.name, case), facts)
}

/// The parsed parameters of `events/<rule>/<case>.json`, for gather tests.
pub fn params<R: PeriodicRule>(case: &str) -> Result<R::Params, RuleError> {
    let event = evaluate_event(&load_event(R::SPEC.name, case))?;
    Ok(R::Params::from_params(&Parameters::parse(event.rule_parameters.as_deref(), R::SPEC.parameters)?)?)
}

/// Asserts one evaluation's compliance and that its annotation mentions each of `mentions`.
#[track_caller]
pub fn assert_evaluation(evaluation: &Evaluation, compliance: Compliance, mentions: &[&str]) {
    assert_eq!(evaluation.compliance, compliance, "{evaluation:?}");
    for m in mentions {
        assert!(evaluation.annotation.contains(m), "annotation {:?} does not mention {m:?}", evaluation.annotation);
    }
    let annotation = evaluation.config_annotation();
    assert!(annotation.as_ref().is_none_or(|a| a.chars().count() <= 256));
}

/// The evaluation for one resource id, or a panic naming the ids that were reported.
#[track_caller]
pub fn find<'a>(evaluations: &'a [Evaluation], resource_id: &str) -> &'a Evaluation {
    evaluations.iter().find(|e| e.resource_id == resource_id).unwrap_or_else(|| {
        let ids: Vec<&str> = evaluations.iter().map(|e| e.resource_id.as_str()).collect();
        panic!("no evaluation for {resource_id}; reported: {ids:?}")
    })
}

/// An SDK configuration for tests: a region, no credentials, no network.
pub fn test_sdk_config() -> aws_config::SdkConfig {
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .build()
}

/// Runs `events/<rule>/<case>.json` through the whole Lambda handler of a change rule, with the
/// Config client given (for example [`recorded_config_client`]).
pub async fn handle_change_with_config<R: ChangeRule>(
    rule: &R,
    case: &str,
    config: aws_sdk_config::Client,
) -> Result<crate::run::Outcome, RuleError> {
    let accounts = crate::aws::Accounts::new(crate::Aws::new(test_sdk_config()).with_client(config));
    crate::run::handle_change(rule, &accounts, load_event(R::SPEC.name, case)).await
}

/// Runs `events/<rule>/<case>.json` through the whole Lambda handler of a periodic rule, with
/// the clients given (mock clients added with [`crate::Aws::with_client`]).
pub async fn handle_periodic_with<R: PeriodicRule>(
    rule: &R,
    case: &str,
    aws: crate::Aws,
) -> Result<crate::run::Outcome, RuleError> {
    let accounts = crate::aws::Accounts::new(aws);
    crate::run::handle_periodic(rule, &accounts, load_event(R::SPEC.name, case)).await
}

/// A resource as AWS Config recorded it, for [`recorded_config_client`].
#[derive(Debug, Clone)]
pub struct Recorded {
    pub resource_type: String,
    pub resource_id: String,
    pub configuration: Value,
    pub supplementary: Vec<(String, Value)>,
}

impl Recorded {
    pub fn new(resource_type: &str, resource_id: &str, configuration: Value) -> Self {
        Recorded {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
            configuration,
            supplementary: Vec::new(),
        }
    }

    pub fn with_supplementary(mut self, name: &str, value: Value) -> Self {
        self.supplementary.push((name.into(), value));
        self
    }
}

/// A Config client that has recorded `items` and answers their history, holds COMPLIANT results
/// for them and for `previous` (resources evaluated before, now gone), and accepts every
/// `PutEvaluations`. Items are returned in API shape (JSON strings), as Config does.
pub fn recorded_config_client(items: Vec<Recorded>, previous: Vec<(&str, &str)>) -> aws_sdk_config::Client {
    use aws_sdk_config::operation::batch_get_resource_config::BatchGetResourceConfigOutput;
    use aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput;
    use aws_sdk_config::operation::get_resource_config_history::GetResourceConfigHistoryOutput;
    use aws_sdk_config::operation::list_discovered_resources::ListDiscoveredResourcesOutput;
    use aws_sdk_config::operation::put_evaluations::PutEvaluationsOutput;
    use aws_sdk_config::types::{
        BaseConfigurationItem, ConfigurationItem as SdkItem, ConfigurationItemStatus, EvaluationResult,
        EvaluationResultIdentifier, EvaluationResultQualifier, ResourceIdentifier, ResourceType,
    };
    use aws_smithy_mocks::{RuleMode, mock};
    use aws_smithy_types::DateTime;
    use std::sync::Arc;

    let items = Arc::new(items);
    let evaluated: Vec<(String, String)> = items
        .iter()
        .map(|r| (r.resource_type.clone(), r.resource_id.clone()))
        .chain(previous.iter().map(|(t, id)| ((*t).to_owned(), (*id).to_owned())))
        .collect();
    let supplementary = |r: &Recorded| -> std::collections::HashMap<String, String> {
        r.supplementary.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
    };
    let captured = DateTime::from_secs(1_795_000_000);

    let list_items = items.clone();
    let list = mock!(aws_sdk_config::Client::list_discovered_resources).then_compute_output(move |req| {
        let wanted = req.resource_type().map(|t| t.as_str().to_owned()).unwrap_or_default();
        let mut out = ListDiscoveredResourcesOutput::builder();
        for r in list_items.iter().filter(|r| r.resource_type == wanted) {
            out = out.resource_identifiers(
                ResourceIdentifier::builder()
                    .resource_type(ResourceType::from(r.resource_type.as_str()))
                    .resource_id(&r.resource_id)
                    .build(),
            );
        }
        out.build()
    });
    let batch_items = items.clone();
    let batch = mock!(aws_sdk_config::Client::batch_get_resource_config).then_compute_output(move |req| {
        let mut out = BatchGetResourceConfigOutput::builder();
        for key in req.resource_keys() {
            if let Some(r) = batch_items.iter().find(|r| r.resource_id == key.resource_id()) {
                out = out.base_configuration_items(
                    BaseConfigurationItem::builder()
                        .resource_type(ResourceType::from(r.resource_type.as_str()))
                        .resource_id(&r.resource_id)
                        .configuration_item_status(ConfigurationItemStatus::Ok)
                        .configuration_item_capture_time(captured)
                        .configuration(r.configuration.to_string())
                        .set_supplementary_configuration(Some(supplementary(r)))
                        .build(),
                );
            }
        }
        out.build()
    });
    let history_items = items.clone();
    let history = mock!(aws_sdk_config::Client::get_resource_config_history).then_compute_output(move |req| {
        let mut out = GetResourceConfigHistoryOutput::builder();
        if let Some(r) = history_items.iter().find(|r| Some(r.resource_id.as_str()) == req.resource_id()) {
            out = out.configuration_items(
                SdkItem::builder()
                    .resource_type(ResourceType::from(r.resource_type.as_str()))
                    .resource_id(&r.resource_id)
                    .configuration_item_status(ConfigurationItemStatus::Ok)
                    .configuration_item_capture_time(captured)
                    .configuration(r.configuration.to_string())
                    .set_supplementary_configuration(Some(supplementary(r)))
                    .build(),
            );
        }
        out.build()
    });
    let put = mock!(aws_sdk_config::Client::put_evaluations).then_output(|| PutEvaluationsOutput::builder().build());
    let compliance =
        mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule).then_compute_output(move |_| {
            let mut out = GetComplianceDetailsByConfigRuleOutput::builder();
            for (t, id) in &evaluated {
                out = out.evaluation_results(
                    EvaluationResult::builder()
                        .evaluation_result_identifier(
                            EvaluationResultIdentifier::builder()
                                .evaluation_result_qualifier(
                                    EvaluationResultQualifier::builder().resource_type(t).resource_id(id).build(),
                                )
                                .build(),
                        )
                        .build(),
                );
            }
            out.build()
        });
    crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&list, &batch, &history, &put, &compliance])
}

/// aws-smithy-mocks, for [`mock_client!`](crate::mock_client).
pub use aws_smithy_mocks as mocks;

/// The scope of a scheduled run in account 123456789012, us-east-1, at `now`.
pub fn scope(now: aws_smithy_types::DateTime) -> crate::rule::Scope {
    crate::rule::Scope { account_id: "123456789012".into(), region: "us-east-1".into(), now }
}

/// An [`Aws`](crate::Aws) whose client of one service answers from `aws-smithy-mocks` rules
/// (in any order): `mock_aws!(aws_sdk_iam, &[&list_users, &report])`.
#[macro_export]
macro_rules! mock_aws {
    ($aws_crate:ident, $rules:expr) => {
        $crate::Aws::new($crate::testing::test_sdk_config()).with_client($crate::mock_client!(
            $aws_crate,
            $crate::testing::mocks::RuleMode::MatchAny,
            $rules
        ))
    };
}

/// A real SDK client whose responses come from `aws-smithy-mocks` rules:
/// `mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&rule])`, optionally with a last argument
/// that adjusts the config builder. Unlike aws-smithy-mocks' own macro it needs no `test-util`
/// feature of the service crate (so tests and binaries share one build of the SDK crates), and
/// it does not retry unless asked to.
#[macro_export]
macro_rules! mock_client {
    ($aws_crate:ident, $rule_mode:expr, $rules:expr) => {
        $crate::mock_client!($aws_crate, $rule_mode, $rules, |conf| conf)
    };
    ($aws_crate:ident, $rule_mode:expr, $rules:expr, $adjust:expr) => {{
        let mut interceptor = $crate::testing::mocks::MockResponseInterceptor::new().rule_mode($rule_mode);
        for rule in $rules {
            interceptor = interceptor.with_rule(rule);
        }
        fn coerce<T: Fn($aws_crate::config::Builder) -> $aws_crate::config::Builder>(f: T) -> T {
            f
        }
        $aws_crate::Client::from_conf(
            coerce($adjust)(
                $aws_crate::Config::builder()
                    .behavior_version($aws_crate::config::BehaviorVersion::latest())
                    .region($aws_crate::config::Region::new("us-east-1"))
                    .credentials_provider($aws_crate::config::Credentials::new("test", "test", None, None, "test"))
                    .retry_config($aws_crate::config::retry::RetryConfig::disabled())
                    .http_client($crate::testing::mocks::create_mock_http_client())
                    .interceptor(interceptor),
            )
            .build(),
        )
    }};
}
