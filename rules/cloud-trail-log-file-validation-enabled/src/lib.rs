//! # cloud-trail-log-file-validation-enabled
//!
//! Checks that every CloudTrail trail has log file validation enabled, so that CloudTrail
//! delivers signed digest files and any change to delivered logs can be detected.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::CloudTrail::Trail`, by trail name, in the trail's home region.
//! - **Reads**: `cloudtrail:DescribeTrails` (trails of this region, without shadow copies of
//!   multi-region trails from other regions).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cloud-trail-log-file-validation-enabled`.
//! - **CIS v5.0.0**: 3.2. **Well-Architected**: SEC-6 (investigation).
//!
//! ## Scenarios
//! 1. COMPLIANT when the trail has log file validation enabled.
//! 2. NON_COMPLIANT when it does not.
//! 3. A trail whose home region is another region is left to the rule in that region.
//! 4. With no trail in the region nothing is reported, and results of deleted trails are cleared.
//! 5. `gather` asks for the region's own trails; AccessDenied is an error naming
//!    `cloudtrail:DescribeTrails`.

use aws_sdk_cloudtrail::types::Trail;
use shared::cloudtrail::{self, TRAIL};
use shared::prelude::*;

pub struct CloudTrailLogFileValidationEnabled;

impl PeriodicRule for CloudTrailLogFileValidationEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloud-trail-log-file-validation-enabled",
        description: "Checks that CloudTrail trails have log file validation (signed digest files) enabled.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[TRAIL],
        parameters: &[],
        iam_actions: &["cloudtrail:DescribeTrails"],
        cis: &["3.2"],
        well_architected: &["SEC-6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Vec<Trail>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Vec<Trail>, RuleError> {
        cloudtrail::region_trails(aws).await
    }

    fn evaluate(&self, trails: &Vec<Trail>, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        cloudtrail::per_trail(trails, &scope.region, |trail, name| {
            if trail.log_file_validation_enabled().unwrap_or(false) {
                Verdict::compliant(format!("Trail {name} has log file validation enabled."))
            } else {
                Verdict::non_compliant(format!(
                    "Trail {name} does not validate its log files, so tampering with delivered logs would go unnoticed. Enable log file validation on the trail."
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, find, periodic};

    fn trail(name: &str, home: &str, validation: bool) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(true)
            .log_file_validation_enabled(validation)
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .build()
    }

    fn trails() -> Vec<Trail> {
        vec![
            trail("management-events", "us-east-1", true),
            trail("legacy-trail", "us-east-1", false),
            trail("eu-trail", "eu-west-1", false),
        ]
    }

    #[test]
    fn scenario_1_compliant_with_validation() {
        let evaluations = periodic(&CloudTrailLogFileValidationEnabled, "scheduled", &trails()).unwrap();
        let e = find(&evaluations, "management-events");
        assert_eq!(e.resource_type, "AWS::CloudTrail::Trail");
        assert_evaluation(e, Compliance::Compliant, &["management-events"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_validation() {
        let evaluations = periodic(&CloudTrailLogFileValidationEnabled, "scheduled", &trails()).unwrap();
        assert_evaluation(
            find(&evaluations, "legacy-trail"),
            Compliance::NonCompliant,
            &["Enable log file validation"],
        );
    }

    #[test]
    fn scenario_3_trails_homed_elsewhere_are_not_evaluated_here() {
        let evaluations = periodic(&CloudTrailLogFileValidationEnabled, "scheduled", &trails()).unwrap();
        assert!(evaluations.iter().all(|e| e.resource_id != "eu-trail"));
        assert_eq!(evaluations.len(), 2);
    }

    #[tokio::test]
    async fn scenario_4_no_trail_reports_nothing_and_clears_stale_results() {
        let none =
            mock!(aws_sdk_cloudtrail::Client::describe_trails).then_output(|| DescribeTrailsOutput::builder().build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&none]);
        let config = shared::testing::recorded_config_client(vec![], vec![("AWS::CloudTrail::Trail", "deleted-trail")]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let outcome =
            shared::testing::handle_periodic_with(&CloudTrailLogFileValidationEnabled, "scheduled-reporting", aws)
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
            .then_output(|| DescribeTrailsOutput::builder().trail_list(trail("t", "us-east-1", true)).build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&own]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        assert_eq!(CloudTrailLogFileValidationEnabled.gather(&aws, &NoParams, &scope).await.unwrap().len(), 1);

        let denied = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = CloudTrailLogFileValidationEnabled.gather(&aws, &NoParams, &scope).await.unwrap_err();
        assert!(error.to_string().contains("cloudtrail:DescribeTrails"), "{error}");
    }
}
