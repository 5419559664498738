//! # cloud-trail-encryption-enabled
//!
//! Checks that every CloudTrail trail encrypts the log files it delivers with a KMS key
//! (SSE-KMS) rather than only with the bucket's S3-managed keys.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::CloudTrail::Trail`, by trail name, in the trail's home region.
//! - **Reads**: `cloudtrail:DescribeTrails` (trails of this region, without shadow copies of
//!   multi-region trails from other regions).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cloud-trail-encryption-enabled`: a trail with a `KmsKeyId`
//!   is compliant. As there, the key itself is not examined (enabled, pending deletion, key
//!   policy); CloudTrail accepts only symmetric customer managed keys, so a key id means a
//!   customer managed key.
//! - **CIS v5.0.0**: 3.5. **Well-Architected**: SEC-8 (data at rest).
//!
//! ## Scenarios
//! 1. COMPLIANT when the trail has a KMS key.
//! 2. NON_COMPLIANT when it has none (only SSE-S3).
//! 3. A trail whose home region is another region (shadow or organization copy) is left to the
//!    rule in that region.
//! 4. With no trail in the region nothing is reported, and results of deleted trails are cleared.
//! 5. `gather` asks for the region's own trails; AccessDenied is an error naming
//!    `cloudtrail:DescribeTrails`.

use aws_sdk_cloudtrail::types::Trail;
use shared::cloudtrail::{self, TRAIL};
use shared::prelude::*;

pub struct CloudTrailEncryptionEnabled;

impl PeriodicRule for CloudTrailEncryptionEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloud-trail-encryption-enabled",
        description: "Checks that CloudTrail trails encrypt their log files with a KMS key (SSE-KMS).",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[TRAIL],
        parameters: &[],
        iam_actions: &["cloudtrail:DescribeTrails"],
        cis: &["3.5"],
        well_architected: &["SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Vec<Trail>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Vec<Trail>, RuleError> {
        cloudtrail::region_trails(aws).await
    }

    fn evaluate(&self, trails: &Vec<Trail>, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        cloudtrail::per_trail(trails, &scope.region, |trail, name| match trail.kms_key_id().filter(|k| !k.is_empty()) {
            Some(key) => Verdict::compliant(format!("Trail {name} encrypts its log files with KMS key {key}.")),
            None => Verdict::non_compliant(format!(
                "Trail {name} encrypts its log files only with S3-managed keys (SSE-S3). Set a customer managed KMS key on the trail and let CloudTrail use it in the key policy."
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, find, periodic};

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn trail(name: &str, home: &str, key: Option<&str>) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(true)
            .set_kms_key_id(key.map(str::to_owned))
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .build()
    }

    fn trails() -> Vec<Trail> {
        vec![
            trail("encrypted", "us-east-1", Some(KEY)),
            trail("sse-s3-only", "us-east-1", None),
            trail("eu-trail", "eu-west-1", None),
        ]
    }

    #[test]
    fn scenario_1_compliant_with_a_kms_key() {
        let evaluations = periodic(&CloudTrailEncryptionEnabled, "scheduled", &trails()).unwrap();
        let e = find(&evaluations, "encrypted");
        assert_eq!(e.resource_type, TRAIL);
        assert_evaluation(e, Compliance::Compliant, &["encrypted", KEY]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_kms_key() {
        let evaluations = periodic(&CloudTrailEncryptionEnabled, "scheduled", &trails()).unwrap();
        assert_evaluation(
            find(&evaluations, "sse-s3-only"),
            Compliance::NonCompliant,
            &["sse-s3-only", "SSE-S3", "customer managed KMS key"],
        );
        let empty = vec![trail("empty-key", "us-east-1", Some(""))];
        let evaluations = periodic(&CloudTrailEncryptionEnabled, "scheduled", &empty).unwrap();
        assert_evaluation(find(&evaluations, "empty-key"), Compliance::NonCompliant, &[]);
    }

    #[test]
    fn scenario_3_trails_homed_elsewhere_are_not_evaluated_here() {
        let evaluations = periodic(&CloudTrailEncryptionEnabled, "scheduled", &trails()).unwrap();
        assert!(evaluations.iter().all(|e| e.resource_id != "eu-trail"));
        assert_eq!(evaluations.len(), 2);
    }

    #[tokio::test]
    async fn scenario_4_no_trail_reports_nothing_and_clears_stale_results() {
        let none =
            mock!(aws_sdk_cloudtrail::Client::describe_trails).then_output(|| DescribeTrailsOutput::builder().build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&none]);
        let config = shared::testing::recorded_config_client(vec![], vec![(TRAIL, "deleted-trail")]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let outcome = shared::testing::handle_periodic_with(&CloudTrailEncryptionEnabled, "scheduled-reporting", aws)
            .await
            .unwrap();
        assert_eq!(outcome.stale_cleared, 1);
        assert_eq!(outcome.verdicts(), [("deleted-trail", "NOT_APPLICABLE")]);
    }

    #[tokio::test]
    async fn scenario_5_gather_asks_for_own_trails_and_reports_access_denied() {
        let scope = shared::testing::scope(aws_sdk_cloudtrail::primitives::DateTime::from_secs(0));
        let own = mock!(aws_sdk_cloudtrail::Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(false))
            .then_output(|| DescribeTrailsOutput::builder().trail_list(trail("t", "us-east-1", Some(KEY))).build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&own]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let facts = CloudTrailEncryptionEnabled.gather(&aws, &NoParams, &scope).await.unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].kms_key_id(), Some(KEY));

        let denied = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = CloudTrailEncryptionEnabled.gather(&aws, &NoParams, &scope).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("cloudtrail:DescribeTrails"), "{error}");
    }
}
