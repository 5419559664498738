//! The protocol as a whole: event in, `PutEvaluations` out (or a clear error and nothing out).

use aws_sdk_config::operation::put_evaluations::PutEvaluationsOutput;
use aws_smithy_mocks::{Rule, RuleMode, mock};
use serde_json::{Value, json};

use super::*;
use crate::ConfigurationItem;
use crate::evaluation::Verdict;
use crate::params::{ParamError, ParamSpec, Parameters};
use crate::rule::ACCOUNT;
use crate::spec::Frequency;
use crate::testing::test_sdk_config;

/// NON_COMPLIANT when `configuration.open` is true.
struct OpenDoor;

impl ChangeRule for OpenDoor {
    const SPEC: RuleSpec = RuleSpec {
        name: "open-door",
        description: "test rule",
        trigger: Trigger::Change,
        resource_types: &["AWS::S3::Bucket"],
        parameters: &[ParamSpec::int("MaxDoors", Some("1"), 0, 10, "test")],
        iam_actions: &[],
        cis: &[],
        well_architected: &[],
        ..RuleSpec::DEFAULTS
    };
    type Params = crate::NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &crate::NoParams) -> Result<Verdict, RuleError> {
        Ok(match item.config("open").and_then(Value::as_bool) {
            Some(true) => Verdict::non_compliant("The door is open. Close it."),
            Some(false) => Verdict::compliant("closed"),
            None => return Err(RuleError::InvalidData("no `open` field".into())),
        })
    }
}

/// Reports the account COMPLIANT after a gather that may fail.
struct Census {
    denied: bool,
}

impl PeriodicRule for Census {
    const SPEC: RuleSpec = RuleSpec {
        name: "census",
        description: "test rule",
        trigger: Trigger::Periodic(Frequency::OneHour),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["iam:ListUsers"],
        cis: &[],
        well_architected: &[],
        ..RuleSpec::DEFAULTS
    };
    type Params = Threshold;
    type Facts = ();

    async fn gather(&self, _: &Aws, _: &Threshold, _: &Scope) -> Result<(), RuleError> {
        if self.denied {
            return Err(RuleError::AccessDenied { action: "iam:ListUsers".into(), message: "not authorized".into() });
        }
        Ok(())
    }

    fn evaluate(&self, _: &(), _: &Threshold, scope: &Scope) -> Vec<Evaluation> {
        vec![Evaluation::compliant(ACCOUNT, &scope.account_id, "counted")]
    }
}

struct Threshold;

impl FromParams for Threshold {
    fn from_params(_: &Parameters) -> Result<Self, ParamError> {
        Ok(Threshold)
    }
}

fn bucket_change(open: Value, token: &str, params: &str) -> Value {
    let item = json!({
        "configurationItemCaptureTime": "2026-11-20T10:00:00.000Z", "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket", "resourceId": "b1", "awsAccountId": "123456789012",
        "configuration": {"open": open}
    });
    json!({
        "invokingEvent": json!({"configurationItem": item, "messageType": "ConfigurationItemChangeNotification"}).to_string(),
        "ruleParameters": params, "resultToken": token, "eventLeftScope": false,
        "configRuleName": "open-door", "accountId": "123456789012"
    })
}

fn scheduled(token: &str, params: &str) -> Value {
    json!({
        "invokingEvent": json!({"awsAccountId": "123456789012", "notificationCreationTime": "2026-11-20T12:00:00.000Z", "messageType": "ScheduledNotification"}).to_string(),
        "ruleParameters": params, "resultToken": token, "configRuleName": "census", "accountId": "123456789012"
    })
}

fn accounts(rules: &[&Rule]) -> Accounts {
    let config = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, rules);
    Accounts::new(Aws::new(test_sdk_config()).with_client(config))
}

fn any_put() -> Rule {
    mock!(aws_sdk_config::Client::put_evaluations).then_output(|| PutEvaluationsOutput::builder().build())
}

#[tokio::test]
async fn change_in_test_mode_reports_one_evaluation_stamped_with_the_capture_time() {
    let put = mock!(aws_sdk_config::Client::put_evaluations)
        .match_requests(|r| {
            let e = &r.evaluations()[0];
            r.test_mode() == Some(true)
                && r.evaluations().len() == 1
                && e.compliance_type().as_str() == "NON_COMPLIANT"
                && e.annotation() == Some("The door is open. Close it.")
                && e.ordering_timestamp().to_millis().ok() == Some(1_795_168_800_000)
        })
        .then_output(|| PutEvaluationsOutput::builder().build());
    let outcome =
        handle_change(&OpenDoor, &accounts(&[&put]), bucket_change(json!(true), "TESTMODE", "{}")).await.unwrap();
    assert_eq!((outcome.status, outcome.test_mode, outcome.reported), ("reported", true, 1));
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn unsupported_message_types_report_nothing() {
    let put = any_put();
    let event = json!({"invokingEvent": json!({"messageType": "ConfigurationSnapshotDeliveryCompleted", "s3Bucket": "b"}).to_string(), "resultToken": "t"});
    let outcome = handle_change(&OpenDoor, &accounts(&[&put]), event).await.unwrap();
    assert_eq!(outcome.status, "unsupported");
    assert_eq!(outcome.message_type, "ConfigurationSnapshotDeliveryCompleted");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn malformed_events_and_invalid_parameters_are_errors_without_evaluations() {
    let put = any_put();
    let accounts = accounts(&[&put]);
    let mut broken = bucket_change(json!(true), "t", "{}");
    broken["invokingEvent"] =
        json!("{\"messageType\": \"ConfigurationItemChangeNotification\", \"configurationItem\": {");
    let error = handle_change(&OpenDoor, &accounts, broken).await.unwrap_err();
    assert_eq!(error.error_type(), "InvalidEvent");
    assert!(error.to_string().contains("invokingEvent is not valid JSON"), "{error}");

    let error = handle_change(&OpenDoor, &accounts, bucket_change(json!(true), "t", r#"{"MaxDoors": "many"}"#))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "InvalidParameterValueException");
    assert!(error.to_string().contains("MaxDoors"), "{error}");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn an_item_the_rule_cannot_read_is_an_error_not_a_verdict() {
    let put = any_put();
    let error =
        handle_change(&OpenDoor, &accounts(&[&put]), bucket_change(json!("ajar"), "t", "{}")).await.unwrap_err();
    assert_eq!(error.error_type(), "InvalidData");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn triggers_that_do_not_match_the_rule_are_refused() {
    let put = any_put();
    let accounts = accounts(&[&put]);
    let error = handle_change(&OpenDoor, &accounts, scheduled("t", "{}")).await.unwrap_err();
    assert!(error.to_string().contains("does not evaluate ScheduledNotification"), "{error}");
    let error =
        handle_periodic(&Census { denied: false }, &accounts, bucket_change(json!(true), "t", "{}")).await.unwrap_err();
    assert!(error.to_string().contains("does not evaluate ConfigurationItemChangeNotification"), "{error}");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn periodic_results_are_stamped_with_the_notification_time_and_test_mode_skips_cleanup() {
    let put = mock!(aws_sdk_config::Client::put_evaluations)
        .match_requests(|r| r.evaluations()[0].ordering_timestamp().to_millis().ok() == Some(1_795_176_000_000))
        .then_output(|| PutEvaluationsOutput::builder().build());
    let cleanup = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule)
        .then_output(|| aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput::builder().build());
    let outcome = handle_periodic(&Census { denied: false }, &accounts(&[&put, &cleanup]), scheduled("TESTMODE", "{}"))
        .await
        .unwrap();
    assert_eq!(outcome.evaluations[0].compliance_resource_type, "AWS::::Account");
    assert_eq!(outcome.evaluations[0].compliance_resource_id, "123456789012");
    assert_eq!((put.num_calls(), cleanup.num_calls()), (1, 0));
}

#[tokio::test]
async fn gather_errors_are_reported_as_errors_never_as_verdicts() {
    let put = any_put();
    let error = handle_periodic(&Census { denied: true }, &accounts(&[&put]), scheduled("t", "{}")).await.unwrap_err();
    assert_eq!(error.error_type(), "AccessDenied");
    assert!(error.to_string().contains("iam:ListUsers"), "{error}");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn the_config_service_linked_role_is_refused_as_execution_role() {
    let put = any_put();
    let params = r#"{"ExecutionRoleName": "AWSServiceRoleForConfig"}"#;
    let error =
        handle_periodic(&Census { denied: false }, &accounts(&[&put]), scheduled("t", params)).await.unwrap_err();
    assert_eq!(error.error_type(), "AssumeRoleFailed");
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn deleted_and_out_of_scope_resources_are_not_applicable_without_reading_them() {
    let put = any_put();
    let accounts = accounts(&[&put]);
    let mut left = bucket_change(json!("unreadable"), "t", "{}");
    left["eventLeftScope"] = json!(true);
    let outcome = handle_change(&OpenDoor, &accounts, left).await.unwrap();
    assert_eq!(outcome.evaluations[0].compliance_type, "NOT_APPLICABLE");

    let oversized_deleted = json!({
        "invokingEvent": json!({"messageType": "OversizedConfigurationItemChangeNotification", "configurationItemSummary": {
            "resourceType": "AWS::S3::Bucket", "resourceId": "gone", "configurationItemStatus": "ResourceDeleted",
            "configurationItemCaptureTime": "2026-11-20T10:00:00.000Z"}}).to_string(),
        "resultToken": "t"
    });
    let outcome = handle_change(&OpenDoor, &accounts, oversized_deleted).await.unwrap();
    assert_eq!(outcome.evaluations[0].compliance_type, "NOT_APPLICABLE");
    assert_eq!(outcome.evaluations[0].annotation.as_deref(), Some("The resource was deleted."));
}
