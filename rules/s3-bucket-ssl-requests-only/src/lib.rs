//! # s3-bucket-ssl-requests-only
//!
//! Checks that a bucket's policy refuses requests that do not use TLS: a `Deny` statement for
//! every principal and every S3 action, on the bucket and on all its objects, conditioned only
//! on `aws:SecureTransport` being `false`. A policy that merely *allows* HTTPS does not count.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::S3::Bucket`, read from the configuration item (the bucket policy is
//!   in its supplementary configuration).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `s3-bucket-ssl-requests-only`.
//! - **CIS v5.0.0**: 2.1.1. **Well-Architected**: SEC-9 (data in transit).
//!
//! ## Scenarios
//! 1. COMPLIANT when one statement denies `s3:*` to `*` on the bucket and `bucket/*` when
//!    `aws:SecureTransport` is `"false"`.
//! 2. COMPLIANT when the same denial is written differently: two statements, `{"AWS": "*"}`,
//!    `"*"` as action, a boolean `false`, `BoolIfExists`.
//! 3. NON_COMPLIANT when the bucket has no policy.
//! 4. NON_COMPLIANT when the policy only allows requests with `aws:SecureTransport` `true`.
//! 5. NON_COMPLIANT when the denial covers the objects but not the bucket itself.
//! 6. NON_COMPLIANT when the denial applies only to some principals or some actions.
//! 7. NON_COMPLIANT when the denial carries another condition that narrows it.
//! 8. NOT_APPLICABLE when the bucket was deleted.
//! 9. An oversized notification is evaluated on the item fetched from AWS Config.
//! 10. A policy that cannot be parsed is an error, not a verdict.

use shared::policy::{PolicyDocument, Statement};
use shared::prelude::*;

pub struct S3BucketSslRequestsOnly;

const FIX: &str =
    "Add a statement that denies s3:* to all principals on the bucket and bucket/* when aws:SecureTransport is false.";

impl ChangeRule for S3BucketSslRequestsOnly {
    const SPEC: RuleSpec = RuleSpec {
        name: "s3-bucket-ssl-requests-only",
        description: "Checks that S3 bucket policies deny requests that do not use SSL/TLS (aws:SecureTransport false).",
        trigger: Trigger::Change,
        resource_types: &["AWS::S3::Bucket"],
        parameters: &[],
        iam_actions: &[],
        cis: &["2.1.1"],
        well_architected: &["SEC-9"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let bucket = item.config("name").and_then(|n| n.as_str()).unwrap_or(&item.resource_id);
        let policy_text = item.supplementary("BucketPolicy").and_then(|p| p.get("policyText")).filter(|t| !t.is_null());
        let Some(policy_text) = policy_text else {
            return Ok(Verdict::non_compliant(format!(
                "Bucket {bucket} has no bucket policy, so HTTP requests are not denied. {FIX}"
            )));
        };
        let policy = PolicyDocument::parse(policy_text)
            .map_err(|e| RuleError::InvalidData(format!("bucket policy of {bucket} cannot be read: {e}")))?;
        let arn = item.arn.clone().unwrap_or_else(|| format!("arn:aws:s3:::{bucket}"));
        let denials: Vec<&Statement> = policy.statements.iter().filter(|s| denies_insecure_transport(s)).collect();
        let bucket_covered = denials.iter().any(|s| s.covers_resource(&arn));
        let objects_covered = denials.iter().any(|s| s.covers_resources_under(&format!("{arn}/")));
        Ok(match (bucket_covered, objects_covered) {
            (true, true) => {
                Verdict::compliant(format!("The policy of bucket {bucket} denies requests that do not use TLS."))
            }
            (false, false) => Verdict::non_compliant(format!(
                "The policy of bucket {bucket} does not deny requests that do not use TLS to everyone for all S3 actions. {FIX}"
            )),
            (true, false) => Verdict::non_compliant(format!(
                "The policy of bucket {bucket} denies non-TLS requests on the bucket but not on its objects. Add {arn}/* to the statement's Resource."
            )),
            (false, true) => Verdict::non_compliant(format!(
                "The policy of bucket {bucket} denies non-TLS requests on its objects but not on the bucket. Add {arn} to the statement's Resource."
            )),
        })
    }
}

/// `Deny` + anyone + every S3 action + a sole condition `aws:SecureTransport` = `false`.
fn denies_insecure_transport(s: &Statement) -> bool {
    let only_secure_transport = match s.conditions.as_slice() {
        [c] => {
            (c.operator.eq_ignore_ascii_case("Bool") || c.operator.eq_ignore_ascii_case("BoolIfExists"))
                && c.key == "aws:securetransport"
                && !c.values.is_empty()
                && c.values.iter().all(|v| v.eq_ignore_ascii_case("false"))
        }
        _ => false,
    };
    s.effect == shared::policy::Effect::Deny
        && s.applies_to_anyone()
        && s.covers_all_actions_of("s3")
        && only_secure_transport
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_with_the_standard_denial() {
        let e = change(&S3BucketSslRequestsOnly, "compliant").unwrap();
        assert_eq!(e.resource_id, "example-secure-bucket");
        assert_evaluation(&e, Compliance::Compliant, &["example-secure-bucket", "TLS"]);
    }

    #[test]
    fn scenario_2_compliant_when_written_differently() {
        assert_evaluation(&change(&S3BucketSslRequestsOnly, "compliant-variants").unwrap(), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_3_non_compliant_without_policy() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "no-policy").unwrap(),
            Compliance::NonCompliant,
            &["no bucket policy", "aws:SecureTransport"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_when_only_allowing_https() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "allow-only").unwrap(),
            Compliance::NonCompliant,
            &["does not deny"],
        );
    }

    #[test]
    fn scenario_5_non_compliant_when_the_bucket_itself_is_not_covered() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "objects-only").unwrap(),
            Compliance::NonCompliant,
            &["not on the bucket"],
        );
    }

    #[test]
    fn scenario_6_non_compliant_when_narrowed_to_some_principals_or_actions() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "narrowed-deny").unwrap(),
            Compliance::NonCompliant,
            &["does not deny"],
        );
    }

    #[test]
    fn scenario_7_non_compliant_with_an_extra_condition() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "extra-condition").unwrap(),
            Compliance::NonCompliant,
            &["does not deny"],
        );
    }

    #[test]
    fn scenario_8_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&S3BucketSslRequestsOnly, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_9_oversized_item_is_fetched() {
        let policy = serde_json::json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::example-big-bucket", "arn:aws:s3:::example-big-bucket/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        let bucket =
            Recorded::new("AWS::S3::Bucket", "example-big-bucket", serde_json::json!({"name": "example-big-bucket"}))
                .with_supplementary("BucketPolicy", serde_json::json!({"policyText": policy.to_string()}));
        let config = shared::testing::recorded_config_client(vec![bucket], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&S3BucketSslRequestsOnly, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "example-big-bucket");
    }

    #[test]
    fn scenario_10_unreadable_policy_is_an_error() {
        let error = change(&S3BucketSslRequestsOnly, "malformed-policy").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("example-secure-bucket"), "{error}");
    }
}
