//! # ec2-imdsv2-check
//!
//! Checks that every EC2 instance requires the Instance Metadata Service Version 2 (IMDSv2):
//! its metadata option `HttpTokens` must be `required`, so the metadata service answers only
//! session-token requests and never an IMDSv1 request.
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded instance
//!   (hybrid; AWS's managed rule is change-triggered).
//! - **Reports on**: `AWS::EC2::Instance`, read from the configuration item alone
//!   (`configuration.metadataOptions`, `configuration.state.name`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `ec2-imdsv2-check` (identifier `EC2_IMDSV2_CHECK`).
//!   Difference: an instance recorded as `terminated` is NOT_APPLICABLE (CIS ignores terminated
//!   instances; AWS's rule does not say).
//! - **CIS v5.0.0**: 5.7. **Well-Architected**: SEC-3, SEC-6.
//!
//! Stopped instances are evaluated: they accept IMDSv1 again as soon as they start. A change to
//! `required` that is still being applied (metadata options state `pending`) is COMPLIANT, as in
//! AWS's rule, and the annotation says so. With the metadata endpoint disabled the verdict still
//! follows `HttpTokens`, as in AWS's rule: enabling the endpoint would bring IMDSv1 back.
//!
//! ## Scenarios
//! 1. COMPLIANT when `HttpTokens` is `required`.
//! 2. NON_COMPLIANT when `HttpTokens` is `optional`.
//! 3. COMPLIANT, with a note, when `required` is still being applied (state `pending`).
//! 4. NON_COMPLIANT when `HttpTokens` is `optional` and the endpoint is disabled; the annotation
//!    says why.
//! 5. NON_COMPLIANT for a stopped instance that accepts IMDSv1.
//! 6. NOT_APPLICABLE for an instance recorded as terminated.
//! 7. NOT_APPLICABLE when the instance was deleted.
//! 8. An item without metadata options is an error, not a verdict.
//! 9. An oversized notification is evaluated on the item fetched from AWS Config.
//! 10. A scheduled run evaluates every recorded instance and clears results of instances that
//!     are gone.
//! 11. An unknown rule parameter is rejected with an error naming it, and nothing is reported.

use shared::prelude::*;

pub struct Ec2Imdsv2Check;

const FIX: &str =
    "Require IMDSv2 (modify-instance-metadata-options --http-tokens required) once its software uses IMDSv2.";

impl ChangeRule for Ec2Imdsv2Check {
    const SPEC: RuleSpec = RuleSpec {
        name: "ec2-imdsv2-check",
        description: "Checks that EC2 instances require IMDSv2 (metadata option HttpTokens set to required).",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::Instance"],
        parameters: &[],
        iam_actions: &[],
        cis: &["5.7"],
        well_architected: &["SEC-3", "SEC-6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let id = &item.resource_id;
        let text = |path: &str| item.config(path).and_then(serde_json::Value::as_str);
        if text("state.name") == Some("terminated") {
            return Ok(Verdict::not_applicable(format!("Instance {id} is terminated.")));
        }
        let tokens = text("metadataOptions.httpTokens").ok_or_else(|| {
            RuleError::InvalidData(format!(
                "instance {id}: configuration.metadataOptions.httpTokens is missing, so whether IMDSv1 is accepted is unknown"
            ))
        })?;
        let endpoint_disabled = text("metadataOptions.httpEndpoint") == Some("disabled");
        let pending = text("metadataOptions.state") == Some("pending");
        match tokens {
            "required" => Ok(Verdict::compliant(if pending {
                format!(
                    "Instance {id} requires IMDSv2 (HttpTokens required); the change is still being applied (state pending)."
                )
            } else {
                format!("Instance {id} requires IMDSv2 (HttpTokens required).")
            })),
            "optional" if endpoint_disabled => Ok(Verdict::non_compliant(format!(
                "Instance {id} has its metadata endpoint disabled but would accept IMDSv1 once it is enabled (HttpTokens optional). {FIX}"
            ))),
            "optional" => {
                Ok(Verdict::non_compliant(format!("Instance {id} accepts IMDSv1 (HttpTokens optional). {FIX}")))
            }
            other => Err(RuleError::InvalidData(format!(
                "instance {id}: metadataOptions.httpTokens {other:?} is neither required nor optional"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&Ec2Imdsv2Check, case).unwrap()
    }

    #[test]
    fn scenario_1_compliant_when_required() {
        let e = verdict("required");
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), ("AWS::EC2::Instance", "i-0a1b2c3d4e5f60001"));
        assert_evaluation(&e, Compliance::Compliant, &["i-0a1b2c3d4e5f60001 requires IMDSv2"]);
        assert!(!e.annotation.contains("pending"));
    }

    #[test]
    fn scenario_2_non_compliant_when_optional() {
        assert_evaluation(
            &verdict("optional"),
            Compliance::NonCompliant,
            &["accepts IMDSv1 (HttpTokens optional)", "--http-tokens required"],
        );
    }

    #[test]
    fn scenario_3_compliant_while_pending() {
        assert_evaluation(&verdict("pending-required"), Compliance::Compliant, &["state pending"]);
    }

    #[test]
    fn scenario_4_non_compliant_with_endpoint_disabled() {
        assert_evaluation(
            &verdict("endpoint-disabled"),
            Compliance::NonCompliant,
            &["endpoint disabled", "once it is enabled"],
        );
    }

    #[test]
    fn scenario_5_stopped_instances_are_evaluated() {
        assert_evaluation(&verdict("stopped-optional"), Compliance::NonCompliant, &["i-0a1b2c3d4e5f60005"]);
    }

    #[test]
    fn scenario_6_not_applicable_when_terminated() {
        assert_evaluation(&verdict("terminated"), Compliance::NotApplicable, &["terminated"]);
    }

    #[test]
    fn scenario_7_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[test]
    fn scenario_8_missing_metadata_options_is_an_error() {
        let error = change(&Ec2Imdsv2Check, "no-metadata-options").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("metadataOptions.httpTokens"), "{error}");
    }

    #[tokio::test]
    async fn scenario_9_oversized_item_is_fetched() {
        let outcome =
            shared::testing::handle_change_with_config(&Ec2Imdsv2Check, "oversized", recorded_config()).await.unwrap();
        assert_eq!(outcome.verdicts(), [("i-0a1b2c3d4e5f60002", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_10_scheduled_run_sweeps_recorded_instances_and_clears_stale_results() {
        let outcome =
            shared::testing::handle_change_with_config(&Ec2Imdsv2Check, "scheduled", recorded_config()).await.unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("i-0a1b2c3d4e5f60002", "NON_COMPLIANT"),
                ("i-0a1b2c3d4e5f60001", "COMPLIANT"),
                ("i-terminated", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_11_unknown_parameter_is_rejected() {
        let error = change(&Ec2Imdsv2Check, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("httpTokens"), "{error}");
    }

    #[test]
    fn unknown_http_tokens_value_is_an_error() {
        let mut item = shared::ConfigurationItem::from_json(&serde_json::json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z", "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::Instance", "resourceId": "i-1",
            "configuration": {"state": {"name": "running"}, "metadataOptions": {"httpTokens": "sometimes"}}
        }))
        .unwrap();
        assert!(Ec2Imdsv2Check.evaluate(&item, &NoParams).unwrap_err().to_string().contains("sometimes"));
        item.configuration["metadataOptions"]["httpTokens"] = serde_json::json!("required");
        assert_eq!(Ec2Imdsv2Check.evaluate(&item, &NoParams).unwrap().compliance, Compliance::Compliant);
    }

    /// `…0001` requires IMDSv2, `…0002` does not; an old result for a terminated instance.
    fn recorded_config() -> aws_sdk_config::Client {
        let instance = |id: &str, tokens: &str| {
            Recorded::new(
                "AWS::EC2::Instance",
                id,
                serde_json::json!({"instanceId": id, "state": {"code": 16, "name": "running"},
                    "metadataOptions": {"state": "applied", "httpTokens": tokens, "httpEndpoint": "enabled"}}),
            )
        };
        shared::testing::recorded_config_client(
            vec![instance("i-0a1b2c3d4e5f60002", "optional"), instance("i-0a1b2c3d4e5f60001", "required")],
            vec![("AWS::EC2::Instance", "i-terminated")],
        )
    }
}
