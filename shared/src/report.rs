//! Reporting to AWS Config: `PutEvaluations` in chunks of at most 100, with test mode, retries of
//! `FailedEvaluations`, and the periodic cleanup of results for resources that are gone.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_config::types::{ComplianceType, Evaluation as SdkEvaluation};
use aws_smithy_types::DateTime;
use lambda_runtime::tracing;

use crate::error::{AwsResultExt, RuleError};
use crate::evaluation::{Compliance, Evaluation};

/// At most this many evaluations per `PutEvaluations` call (the API's limit).
pub const MAX_PER_CALL: usize = 100;

/// Waits before re-sending evaluations that Config returned as `FailedEvaluations`.
/// (Throttling and 5xx errors are retried with backoff by the SDK itself.)
pub const FAILED_RETRY_DELAYS: &[Duration] =
    &[Duration::from_millis(200), Duration::from_secs(1), Duration::from_secs(3)];

/// An evaluation with the timestamp Config orders results by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    pub evaluation: Evaluation,
    pub ordering: DateTime,
}

fn to_sdk(s: &Stamped) -> Result<SdkEvaluation, RuleError> {
    SdkEvaluation::builder()
        .compliance_resource_type(&s.evaluation.resource_type)
        .compliance_resource_id(&s.evaluation.resource_id)
        .compliance_type(ComplianceType::from(s.evaluation.compliance.as_str()))
        .set_annotation(s.evaluation.config_annotation())
        .ordering_timestamp(s.ordering)
        .build()
        .map_err(|e| {
            RuleError::InvalidData(format!("cannot build an evaluation for {}: {e}", s.evaluation.resource_id))
        })
}

fn key(e: &Evaluation) -> (String, String) {
    (e.resource_type.clone(), e.resource_id.clone())
}

/// Sends the evaluations; an empty list is still one call (it tells Config the run finished).
/// Returns how many evaluations Config accepted.
pub async fn put_evaluations(
    client: &aws_sdk_config::Client,
    result_token: &str,
    test_mode: bool,
    evaluations: &[Stamped],
    retry_delays: &[Duration],
) -> Result<usize, RuleError> {
    if evaluations.is_empty() {
        client
            .put_evaluations()
            .result_token(result_token)
            .test_mode(test_mode)
            .set_evaluations(Some(Vec::new()))
            .send()
            .await
            .context("config:PutEvaluations")?;
        return Ok(0);
    }
    let mut accepted = 0;
    for chunk in evaluations.chunks(MAX_PER_CALL) {
        let mut pending: Vec<&Stamped> = chunk.iter().collect();
        let mut delays = retry_delays.iter();
        loop {
            let batch = pending.iter().map(|s| to_sdk(s)).collect::<Result<Vec<_>, _>>()?;
            let output = client
                .put_evaluations()
                .result_token(result_token)
                .test_mode(test_mode)
                .set_evaluations(Some(batch))
                .send()
                .await
                .map_err(|e| with_progress(crate::error::aws_error("config:PutEvaluations", e), accepted))?;
            let failed: HashSet<(String, String)> = output
                .failed_evaluations()
                .iter()
                .map(|f| (f.compliance_resource_type().to_owned(), f.compliance_resource_id().to_owned()))
                .collect();
            let before = pending.len();
            pending.retain(|s| failed.contains(&key(&s.evaluation)));
            accepted += before - pending.len();
            if pending.is_empty() {
                break;
            }
            let Some(delay) = delays.next() else {
                let names: Vec<String> = pending
                    .iter()
                    .take(10)
                    .map(|s| format!("{} {}", s.evaluation.resource_type, s.evaluation.resource_id))
                    .collect();
                return Err(RuleError::PutEvaluations(format!(
                    "Config did not accept {} evaluation(s) after {} attempts ({}{}); {accepted} were accepted",
                    pending.len(),
                    retry_delays.len() + 1,
                    names.join(", "),
                    if pending.len() > 10 { ", …" } else { "" },
                )));
            };
            tracing::warn!(failed = pending.len(), "PutEvaluations returned FailedEvaluations; retrying them");
            tokio::time::sleep(*delay).await;
        }
    }
    Ok(accepted)
}

fn with_progress(error: RuleError, accepted: usize) -> RuleError {
    if accepted == 0 {
        return error;
    }
    RuleError::PutEvaluations(format!("{error} (after {accepted} evaluations were accepted)"))
}

/// The annotation of evaluations that clear a stale result.
pub const STALE_ANNOTATION: &str = "The resource no longer exists or is no longer in this rule's scope.";

/// Results that Config holds for this rule (COMPLIANT or NON_COMPLIANT) on resources absent from
/// `current`: each becomes NOT_APPLICABLE, so nothing stale stays in the console.
pub async fn stale_evaluations(
    client: &aws_sdk_config::Client,
    rule_name: &str,
    current: &HashSet<(String, String)>,
) -> Result<Vec<Evaluation>, RuleError> {
    let mut stale = Vec::new();
    let mut pages = client
        .get_compliance_details_by_config_rule()
        .config_rule_name(rule_name)
        .compliance_types(ComplianceType::Compliant)
        .compliance_types(ComplianceType::NonCompliant)
        .limit(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.context("config:GetComplianceDetailsByConfigRule")?;
        for result in page.evaluation_results() {
            let Some(qualifier) = result.evaluation_result_identifier().and_then(|i| i.evaluation_result_qualifier())
            else {
                continue;
            };
            let (Some(resource_type), Some(resource_id)) = (qualifier.resource_type(), qualifier.resource_id()) else {
                continue;
            };
            let k = (resource_type.to_owned(), resource_id.to_owned());
            if !current.contains(&k) && !stale.iter().any(|e: &Evaluation| key(e) == k) {
                stale.push(Evaluation {
                    resource_type: k.0,
                    resource_id: k.1,
                    compliance: Compliance::NotApplicable,
                    annotation: STALE_ANNOTATION.to_owned(),
                });
            }
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput;
    use aws_sdk_config::operation::put_evaluations::{PutEvaluationsError, PutEvaluationsOutput};
    use aws_sdk_config::types::{EvaluationResult, EvaluationResultIdentifier, EvaluationResultQualifier};
    use aws_smithy_mocks::{RuleMode, mock};

    fn stamped(n: usize) -> Vec<Stamped> {
        (0..n)
            .map(|i| Stamped {
                evaluation: Evaluation::compliant("AWS::S3::Bucket", format!("bucket-{i}"), "fine"),
                ordering: DateTime::from_secs(1_700_000_000),
            })
            .collect()
    }

    #[tokio::test]
    async fn chunks_of_at_most_100_with_test_mode() {
        let put = mock!(aws_sdk_config::Client::put_evaluations)
            .match_requests(|r| {
                r.evaluations().len() <= 100 && r.test_mode() == Some(true) && r.result_token() == Some("TESTMODE")
            })
            .then_output(|| PutEvaluationsOutput::builder().build());
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&put]);
        assert_eq!(put_evaluations(&client, "TESTMODE", true, &stamped(250), &[]).await.unwrap(), 250);
        assert_eq!(put.num_calls(), 3);
    }

    #[tokio::test]
    async fn nothing_to_report_is_still_one_empty_call() {
        let put = mock!(aws_sdk_config::Client::put_evaluations)
            .match_requests(|r| r.evaluations().is_empty())
            .then_output(|| PutEvaluationsOutput::builder().build());
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&put]);
        assert_eq!(put_evaluations(&client, "token", false, &[], &[]).await.unwrap(), 0);
        assert_eq!(put.num_calls(), 1);
    }

    #[tokio::test]
    async fn failed_evaluations_are_retried_then_reported() {
        let first = stamped(3);
        let failed = to_sdk(&first[1]).unwrap();
        let put = mock!(aws_sdk_config::Client::put_evaluations)
            .sequence()
            .output(move || PutEvaluationsOutput::builder().failed_evaluations(failed.clone()).build())
            .output(|| PutEvaluationsOutput::builder().build())
            .build();
        let client = crate::mock_client!(aws_sdk_config, RuleMode::Sequential, &[&put]);
        let zero = [Duration::ZERO];
        assert_eq!(put_evaluations(&client, "token", false, &first, &zero).await.unwrap(), 3);
        assert_eq!(put.num_calls(), 2);

        let failed = to_sdk(&first[2]).unwrap();
        let always = mock!(aws_sdk_config::Client::put_evaluations)
            .then_output(move || PutEvaluationsOutput::builder().failed_evaluations(failed.clone()).build());
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&always]);
        let err = put_evaluations(&client, "token", false, &first, &zero).await.unwrap_err();
        assert_eq!(err.error_type(), "PutEvaluationsFailed");
        assert!(err.to_string().contains("bucket-2"), "{err}");
        assert!(err.to_string().contains("2 were accepted"), "{err}");
        assert_eq!(always.num_calls(), 2);
    }

    #[tokio::test]
    async fn throttling_is_retried_by_the_client() {
        let throttled = mock!(aws_sdk_config::Client::put_evaluations)
            .sequence()
            .http_status(400, Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.into()))
            .times(2)
            .output(|| PutEvaluationsOutput::builder().build())
            .build();
        let client = crate::mock_client!(aws_sdk_config, RuleMode::Sequential, &[&throttled], |b| b.retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(1))
        ));
        assert_eq!(put_evaluations(&client, "token", false, &stamped(1), &[]).await.unwrap(), 1);
        assert_eq!(throttled.num_calls(), 3);
    }

    #[tokio::test]
    async fn access_denied_names_the_action() {
        let denied = mock!(aws_sdk_config::Client::put_evaluations).then_error(|| {
            PutEvaluationsError::generic(
                aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&denied]);
        let err = put_evaluations(&client, "token", false, &stamped(1), &[]).await.unwrap_err();
        assert_eq!(err.error_type(), "AccessDenied");
        assert!(err.to_string().contains("config:PutEvaluations"), "{err}");
    }

    fn result(resource_type: &str, id: &str) -> EvaluationResult {
        EvaluationResult::builder()
            .evaluation_result_identifier(
                EvaluationResultIdentifier::builder()
                    .evaluation_result_qualifier(
                        EvaluationResultQualifier::builder()
                            .config_rule_name("r")
                            .resource_type(resource_type)
                            .resource_id(id)
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn stale_results_are_paged_through_and_become_not_applicable() {
        let pages = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule)
            .sequence()
            .output(|| {
                GetComplianceDetailsByConfigRuleOutput::builder()
                    .evaluation_results(result("AWS::S3::Bucket", "kept"))
                    .evaluation_results(result("AWS::S3::Bucket", "gone"))
                    .next_token("page-2")
                    .build()
            })
            .output(|| {
                GetComplianceDetailsByConfigRuleOutput::builder()
                    .evaluation_results(result("AWS::S3::Bucket", "also-gone"))
                    .build()
            })
            .build();
        let client = crate::mock_client!(aws_sdk_config, RuleMode::Sequential, &[&pages]);
        let current = HashSet::from([("AWS::S3::Bucket".to_owned(), "kept".to_owned())]);
        let stale = stale_evaluations(&client, "r", &current).await.unwrap();
        let ids: Vec<&str> = stale.iter().map(|e| e.resource_id.as_str()).collect();
        assert_eq!(ids, ["gone", "also-gone"]);
        assert!(stale.iter().all(|e| e.compliance == Compliance::NotApplicable));
        assert_eq!(pages.num_calls(), 2);
    }
}
