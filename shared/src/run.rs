//! The Lambda side: one invocation from event to `PutEvaluations`, and the runtime loop.

use std::collections::HashSet;
use std::sync::Arc;

use aws_smithy_types::DateTime;
use lambda_runtime::{LambdaEvent, service_fn, tracing};
use serde::Serialize;
use serde_json::Value;

use crate::aws::{Accounts, Aws};
use crate::error::RuleError;
use crate::evaluation::Evaluation;
use crate::event::{ConfigEvent, Event, Message, parse_event};
use crate::params::{FromParams, Parameters};
use crate::recorded::{fetch_item, recorded_items};
use crate::report::{FAILED_RETRY_DELAYS, Stamped, put_evaluations, stale_evaluations};
use crate::rule::{ChangeRule, PeriodicRule, Scope, decide_change, not_applicable};
use crate::spec::{RuleSpec, Trigger};
use crate::time::format_rfc3339;

/// What one invocation did; returned as the Lambda response (useful with `cargo lambda invoke`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub rule: String,
    pub message_type: String,
    /// `reported`, or `unsupported` for message types that are not evaluated.
    pub status: &'static str,
    pub test_mode: bool,
    /// Evaluations accepted by Config, stale clean-ups included.
    pub reported: usize,
    /// Of those, NOT_APPLICABLE results that replaced stale ones.
    pub stale_cleared: usize,
    /// The evaluations sent (the first 1,000).
    pub evaluations: Vec<Reported>,
}

#[cfg(any(test, feature = "testing"))]
impl Outcome {
    /// (resource id, compliance type) of each evaluation sent, in order: what tests compare.
    pub fn verdicts(&self) -> Vec<(&str, &'static str)> {
        self.evaluations.iter().map(|e| (e.compliance_resource_id.as_str(), e.compliance_type)).collect()
    }
}

/// One evaluation as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reported {
    pub compliance_resource_type: String,
    pub compliance_resource_id: String,
    pub compliance_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    pub ordering_timestamp: String,
}

const LISTED: usize = 1000;

/// `GetComplianceDetailsByConfigRule` accepts rule names of at most 64 characters.
const MAX_READABLE_RULE_NAME: usize = 64;

struct Invocation<P> {
    event: ConfigEvent,
    params: P,
    aws: Arc<Aws>,
}

enum Prepared<P> {
    Unsupported(Outcome),
    Ready(Invocation<P>),
}

async fn prepare<P: FromParams>(
    spec: &RuleSpec,
    accounts: &Accounts,
    payload: &Value,
) -> Result<Prepared<P>, RuleError> {
    let event = match parse_event(payload)? {
        Event::Evaluate(event) => *event,
        Event::Unsupported { message_type } => {
            tracing::warn!(rule = spec.name, message_type, "message type not evaluated by this rule; nothing reported");
            return Ok(Prepared::Unsupported(Outcome {
                rule: spec.name.to_owned(),
                message_type,
                status: "unsupported",
                test_mode: false,
                reported: 0,
                stale_cleared: 0,
                evaluations: Vec::new(),
            }));
        }
    };
    let raw = Parameters::parse(event.rule_parameters.as_deref(), spec.parameters)?;
    let params = P::from_params(&raw)?;
    let aws = accounts.for_event(&event, &raw, spec.name).await?;
    Ok(Prepared::Ready(Invocation { event, params, aws }))
}

fn message_type(message: &Message) -> &'static str {
    match message {
        Message::Change { .. } => "ConfigurationItemChangeNotification",
        Message::Oversized { .. } => "OversizedConfigurationItemChangeNotification",
        Message::Scheduled { .. } => "ScheduledNotification",
    }
}

fn scope(event: &ConfigEvent, aws: &Aws, now: DateTime) -> Result<Scope, RuleError> {
    let account_id = event
        .evaluated_account()
        .ok_or_else(|| {
            RuleError::InvalidEvent(crate::event::EventError(
                "the event names no account (awsAccountId / accountId)".into(),
            ))
        })?
        .to_owned();
    Ok(Scope { account_id, region: aws.region()?, now })
}

/// Handles one event for a change-triggered (or hybrid) rule.
pub async fn handle_change<R: ChangeRule>(rule: &R, accounts: &Accounts, payload: Value) -> Result<Outcome, RuleError> {
    let inv = match prepare::<R::Params>(&R::SPEC, accounts, &payload).await? {
        Prepared::Unsupported(outcome) => return Ok(outcome),
        Prepared::Ready(inv) => inv,
    };
    let config = inv.aws.client(aws_sdk_config::Client::new);
    let left_scope = inv.event.event_left_scope;
    match &inv.event.message {
        Message::Change { item, .. } => {
            let evaluation = decide_change(rule, left_scope, item, &inv.params)?;
            let stamped = vec![Stamped { evaluation, ordering: item.capture_time }];
            report(&R::SPEC, &inv.event, &config, stamped, None).await
        }
        Message::Oversized { summary } => {
            let evaluation = match not_applicable(&R::SPEC, left_scope, summary.status, &summary.resource_type) {
                Some(verdict) => verdict.on(&summary.resource_type, &summary.resource_id),
                None => decide_change(rule, false, &fetch_item(&config, summary).await?, &inv.params)?,
            };
            let stamped = vec![Stamped { evaluation, ordering: summary.capture_time }];
            report(&R::SPEC, &inv.event, &config, stamped, None).await
        }
        Message::Scheduled { notification_time, .. } => {
            if !matches!(R::SPEC.trigger, Trigger::Hybrid(_)) {
                return Err(wrong_trigger(&R::SPEC, "ScheduledNotification"));
            }
            let items = recorded_items(&config, R::SPEC.resource_types).await?;
            let mut stamped = Vec::with_capacity(items.len());
            let mut undecided = Vec::new();
            for item in &items {
                match decide_change(rule, false, item, &inv.params) {
                    Ok(evaluation) => stamped.push(Stamped { evaluation, ordering: *notification_time }),
                    Err(e) => {
                        tracing::error!(rule = R::SPEC.name, resource_id = item.resource_id, error = %e, "resource not evaluated");
                        undecided.push((item.resource_type.clone(), item.resource_id.clone(), e));
                    }
                }
            }
            let keep: Vec<(String, String)> = undecided.iter().map(|(t, id, _)| (t.clone(), id.clone())).collect();
            let outcome = report(&R::SPEC, &inv.event, &config, stamped, Some((*notification_time, keep))).await?;
            match undecided.into_iter().next() {
                None => Ok(outcome),
                Some((_, id, first)) => Err(RuleError::InvalidData(format!(
                    "{} evaluation(s) reported, but some resources could not be evaluated (first: {id}: {first})",
                    outcome.reported
                ))),
            }
        }
    }
}

/// Handles one event for a periodic rule.
pub async fn handle_periodic<R: PeriodicRule>(
    rule: &R,
    accounts: &Accounts,
    payload: Value,
) -> Result<Outcome, RuleError> {
    let inv = match prepare::<R::Params>(&R::SPEC, accounts, &payload).await? {
        Prepared::Unsupported(outcome) => return Ok(outcome),
        Prepared::Ready(inv) => inv,
    };
    let Message::Scheduled { notification_time, .. } = &inv.event.message else {
        return Err(wrong_trigger(&R::SPEC, message_type(&inv.event.message)));
    };
    let scope = scope(&inv.event, &inv.aws, *notification_time)?;
    let facts = rule.gather(&inv.aws, &inv.params, &scope).await?;
    let stamped = rule
        .evaluate(&facts, &inv.params, &scope)
        .into_iter()
        .map(|evaluation| Stamped { evaluation, ordering: *notification_time })
        .collect();
    let config = inv.aws.client(aws_sdk_config::Client::new);
    report(&R::SPEC, &inv.event, &config, stamped, Some((*notification_time, Vec::new()))).await
}

fn wrong_trigger(spec: &RuleSpec, message_type: &str) -> RuleError {
    RuleError::InvalidEvent(crate::event::EventError(format!(
        "{} does not evaluate {message_type} events (its trigger is {:?}); check the rule's trigger in AWS Config",
        spec.name, spec.trigger
    )))
}

/// Sends the evaluations; for periodic runs (`cleanup` given) then clears stale results, keeping
/// the resources listed in `cleanup` (those that could not be evaluated this time).
async fn report(
    spec: &RuleSpec,
    event: &ConfigEvent,
    config: &aws_sdk_config::Client,
    stamped: Vec<Stamped>,
    cleanup: Option<(DateTime, Vec<(String, String)>)>,
) -> Result<Outcome, RuleError> {
    for s in &stamped {
        let e = &s.evaluation;
        tracing::info!(
            rule = spec.name,
            resource_type = e.resource_type,
            resource_id = e.resource_id,
            compliance = e.compliance.as_str(),
            annotation = e.annotation,
            "evaluation"
        );
    }
    let test_mode = event.test_mode();
    let mut reported = put_evaluations(config, &event.result_token, test_mode, &stamped, FAILED_RETRY_DELAYS).await?;
    let mut sent = stamped;
    let mut stale_cleared = 0;
    if let Some((ordering, keep)) = cleanup {
        match (&event.config_rule_name, test_mode) {
            (_, true) => {
                tracing::info!(rule = spec.name, "test mode: stale results are not cleared")
            }
            (None, false) => {
                tracing::warn!(rule = spec.name, "the event has no configRuleName: stale results are not cleared")
            }
            (Some(rule_name), false) if rule_name.chars().count() > MAX_READABLE_RULE_NAME => tracing::warn!(
                rule = spec.name,
                rule_name,
                "AWS Config's compliance APIs take rule names of at most 64 characters: stale results are not cleared"
            ),
            (Some(rule_name), false) => {
                let mut current: HashSet<(String, String)> = sent
                    .iter()
                    .map(|s| (s.evaluation.resource_type.clone(), s.evaluation.resource_id.clone()))
                    .collect();
                current.extend(keep);
                let stale: Vec<Stamped> = stale_evaluations(config, rule_name, &current)
                    .await?
                    .into_iter()
                    .map(|evaluation| Stamped { evaluation, ordering })
                    .collect();
                if !stale.is_empty() {
                    for s in &stale {
                        tracing::info!(
                            rule = spec.name,
                            resource_type = s.evaluation.resource_type,
                            resource_id = s.evaluation.resource_id,
                            compliance = "NOT_APPLICABLE",
                            "stale result cleared"
                        );
                    }
                    stale_cleared =
                        put_evaluations(config, &event.result_token, false, &stale, FAILED_RETRY_DELAYS).await?;
                    reported += stale_cleared;
                    sent.extend(stale);
                }
            }
        }
    }
    Ok(Outcome {
        rule: spec.name.to_owned(),
        message_type: message_type(&event.message).to_owned(),
        status: "reported",
        test_mode,
        reported,
        stale_cleared,
        evaluations: sent.iter().take(LISTED).map(reported_view).collect(),
    })
}

fn reported_view(s: &Stamped) -> Reported {
    let e: &Evaluation = &s.evaluation;
    Reported {
        compliance_resource_type: e.resource_type.clone(),
        compliance_resource_id: e.resource_id.clone(),
        compliance_type: e.compliance.as_str(),
        annotation: e.config_annotation(),
        ordering_timestamp: format_rfc3339(s.ordering),
    }
}

const LAMBDA_ENV: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// Prints the spec for `--spec`; otherwise checks the Lambda environment, sets up logging and
/// loads the AWS configuration. `None` means there is nothing more to do.
async fn start(spec: &RuleSpec) -> Result<Option<Accounts>, lambda_runtime::Error> {
    if std::env::args().skip(1).any(|a| a == "--spec") {
        let problems = spec.problems();
        if !problems.is_empty() {
            return Err(format!("the spec of {} is invalid:\n  {}", spec.name, problems.join("\n  ")).into());
        }
        #[allow(clippy::print_stdout, reason = "--spec prints the rule's deployment facts for xtask")]
        {
            println!("{}", spec.to_json());
        }
        return Ok(None);
    }
    let missing: Vec<&str> = LAMBDA_ENV.iter().copied().filter(|v| std::env::var_os(v).is_none()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} is a Lambda function and needs the Lambda runtime environment (missing: {}). \
             Run it with `cargo lambda watch` and `cargo lambda invoke {} --data-file events/{}/<case>.json`, \
             or print its deployment facts with --spec.",
            spec.name,
            missing.join(", "),
            spec.name,
            spec.name
        )
        .into());
    }
    init_logging();
    Ok(Some(Accounts::new(Aws::from_env().await)))
}

/// Structured logs: JSON lines by default (Lambda's `AWS_LAMBDA_LOG_FORMAT=Text` switches to
/// text); level from `AWS_LAMBDA_LOG_LEVEL` or `RUST_LOG`, INFO by default.
fn init_logging() {
    use tracing::subscriber::filter::{EnvFilter, LevelFilter};
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").or_else(|_| std::env::var("RUST_LOG")).unwrap_or_default();
    let level: LevelFilter = level.parse().unwrap_or(LevelFilter::INFO);
    let filter = EnvFilter::builder().with_default_directive(level.into()).from_env_lossy();
    let builder = tracing::subscriber::fmt().with_target(false).with_env_filter(filter);
    let text = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("text"));
    let result =
        if text { builder.try_init() } else { builder.json().flatten_event(true).with_current_span(false).try_init() };
    if let Err(e) = result {
        eprintln!("logging already initialised: {e}");
    }
}

async fn logged(rule: &'static str, outcome: Result<Outcome, RuleError>) -> Result<Outcome, RuleError> {
    match &outcome {
        Ok(o) => tracing::info!(
            rule,
            message_type = o.message_type,
            status = o.status,
            reported = o.reported,
            stale_cleared = o.stale_cleared,
            "done"
        ),
        Err(e) => tracing::error!(rule, error_type = e.error_type(), error = %e, "failed"),
    }
    outcome
}

/// The Lambda entry point of a change-triggered or hybrid rule.
pub async fn run_change<R: ChangeRule>(rule: R) -> Result<(), lambda_runtime::Error> {
    let Some(accounts) = start(&R::SPEC).await? else {
        return Ok(());
    };
    let (rule, accounts) = (&rule, &accounts);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        logged(R::SPEC.name, handle_change(rule, accounts, event.payload).await).await
    }))
    .await
}

/// The Lambda entry point of a periodic rule.
pub async fn run_periodic<R: PeriodicRule>(rule: R) -> Result<(), lambda_runtime::Error> {
    let Some(accounts) = start(&R::SPEC).await? else {
        return Ok(());
    };
    let (rule, accounts) = (&rule, &accounts);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        logged(R::SPEC.name, handle_periodic(rule, accounts, event.payload).await).await
    }))
    .await
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
