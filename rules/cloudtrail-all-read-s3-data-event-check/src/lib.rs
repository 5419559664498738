//! # cloudtrail-all-read-s3-data-event-check
//!
//! Checks that a multi-Region CloudTrail trail is logging and records S3 object-level read data
//! events (GetObject, …) for all current and future buckets.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), once per region the rule runs in.
//! - **Reads**: `cloudtrail:DescribeTrails` (with shadow copies of multi-Region and organization
//!   trails homed elsewhere), then for each multi-Region trail `cloudtrail:GetTrailStatus` and,
//!   when it is logging, `cloudtrail:GetEventSelectors`, by trail ARN in the trail's home region
//!   (`shared::cloudtrail`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cloudtrail-all-read-s3-data-event-check`: one qualifying
//!   multi-Region trail is enough (CIS's audit text walks every trail; the managed rule, which
//!   Security Hub S3.23 uses for CIS, asks for at least one). All buckets means a basic selector
//!   with `AWS::S3::Object` and `arn:<partition>:s3` or `arn:<partition>:s3:::`, or an advanced
//!   selector for `Data` events of `AWS::S3::Object` narrowed by nothing but `readOnly` (a
//!   `resources.ARN` `StartsWith` that every S3 object ARN starts with is accepted too).
//!   `AWS::S3Express::Object` selectors do not count.
//! - **CIS v5.0.0**: 3.9.
//!
//! ## Scenarios
//! 1. COMPLIANT when a logging multi-Region trail records S3 object-level read events for all
//!    buckets (basic `ReadOnly` or `All`; advanced without `readOnly` or with `readOnly` =
//!    `true`); a trail homed in another region counts.
//! 2. NON_COMPLIANT when there is no multi-Region trail, even if a single-Region trail records
//!    the events.
//! 3. NON_COMPLIANT when the trail that records the events is not logging.
//! 4. NON_COMPLIANT when S3 data events are recorded only for some buckets, only for writes, or
//!    not at all.
//! 5. NON_COMPLIANT when an advanced selector narrows the events (by bucket ARN, event name,
//!    identity…).
//! 6. `gather` reads the trails through `shared::cloudtrail`; AccessDenied is an error naming the
//!    action, and a trail whose selectors cannot be read is an error, never a verdict.
//!
//! The decision is `shared::cloudtrail::s3_object_events_evaluation`, shared with the rule for the
//! other direction; so are the scenario checks (`shared::testing::cloudtrail::S3DataEvents`).

use shared::cloudtrail::{self, Access, AccountTrails};
use shared::prelude::*;

pub struct CloudTrailAllReadS3DataEventCheck;

impl PeriodicRule for CloudTrailAllReadS3DataEventCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloudtrail-all-read-s3-data-event-check",
        description: "Checks that a logging multi-Region CloudTrail trail records S3 object-level read data events for all current and future buckets.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        cis: &["3.9"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = AccountTrails;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<AccountTrails, RuleError> {
        cloudtrail::account_trails(aws).await
    }

    fn evaluate(&self, facts: &AccountTrails, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        vec![cloudtrail::s3_object_events_evaluation(facts, Access::Read, scope)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::cloudtrail::S3DataEvents;

    const SCENARIOS: S3DataEvents<'static, CloudTrailAllReadS3DataEventCheck> =
        S3DataEvents { rule: &CloudTrailAllReadS3DataEventCheck, access: Access::Read, event: "scheduled" };

    #[test]
    fn scenario_1_compliant_when_a_logging_multi_region_trail_records_all_buckets() {
        SCENARIOS.compliant_when_a_logging_multi_region_trail_records_all_buckets();
    }

    #[test]
    fn scenario_2_non_compliant_without_a_multi_region_trail() {
        SCENARIOS.non_compliant_without_a_multi_region_trail();
    }

    #[test]
    fn scenario_3_non_compliant_when_the_trail_is_not_logging() {
        SCENARIOS.non_compliant_when_the_trail_is_not_logging();
    }

    #[test]
    fn scenario_4_non_compliant_for_some_buckets_the_other_direction_or_none() {
        SCENARIOS.non_compliant_for_some_buckets_the_other_direction_or_none();
    }

    #[test]
    fn scenario_5_non_compliant_when_an_advanced_selector_narrows() {
        SCENARIOS.non_compliant_when_an_advanced_selector_narrows();
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_trails_status_and_selectors() {
        SCENARIOS.gather_reads_trails_status_and_selectors().await;
    }
}
