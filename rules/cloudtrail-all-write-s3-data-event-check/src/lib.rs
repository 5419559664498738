//! # cloudtrail-all-write-s3-data-event-check
//!
//! Checks that a multi-Region CloudTrail trail is logging and records S3 object-level write data
//! events (PutObject, DeleteObject, …) for all current and future buckets.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), once per region the rule runs in.
//! - **Reads**: `cloudtrail:DescribeTrails` (with shadow copies of multi-Region and organization
//!   trails homed elsewhere), then for each multi-Region trail `cloudtrail:GetTrailStatus` and,
//!   when it is logging, `cloudtrail:GetEventSelectors`, by trail ARN in the trail's home region
//!   (`shared::cloudtrail`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cloudtrail-all-write-s3-data-event-check`: one qualifying
//!   multi-Region trail is enough (CIS's audit text walks every trail; the managed rule, which
//!   Security Hub S3.22 uses for CIS, asks for at least one). All buckets means a basic selector
//!   with `AWS::S3::Object` and `arn:<partition>:s3` or `arn:<partition>:s3:::`, or an advanced
//!   selector for `Data` events of `AWS::S3::Object` narrowed by nothing but `readOnly` (a
//!   `resources.ARN` `StartsWith` that every S3 object ARN starts with is accepted too).
//!   `AWS::S3Express::Object` selectors do not count.
//! - **CIS v5.0.0**: 3.8.
//!
//! ## Scenarios
//! 1. COMPLIANT when a logging multi-Region trail records S3 object-level write events for all
//!    buckets (basic `WriteOnly` or `All`; advanced without `readOnly` or with `readOnly` =
//!    `false`); a trail homed in another region counts.
//! 2. NON_COMPLIANT when there is no multi-Region trail, even if a single-Region trail records
//!    the events.
//! 3. NON_COMPLIANT when the trail that records the events is not logging.
//! 4. NON_COMPLIANT when S3 data events are recorded only for some buckets, only for reads, or
//!    not at all.
//! 5. NON_COMPLIANT when an advanced selector narrows the events (by bucket ARN, event name,
//!    identity…).
//! 6. `gather` reads the trails through `shared::cloudtrail`; AccessDenied is an error naming the
//!    action, and a trail whose selectors cannot be read is an error, never a verdict.

use shared::cloudtrail::{self, Access, AccountTrails};
use shared::prelude::*;

pub struct CloudTrailAllWriteS3DataEventCheck;

const ACCESS: Access = Access::Write;

impl PeriodicRule for CloudTrailAllWriteS3DataEventCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloudtrail-all-write-s3-data-event-check",
        description: "Checks that a logging multi-Region CloudTrail trail records S3 object-level write data events for all current and future buckets.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        cis: &["3.8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = AccountTrails;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<AccountTrails, RuleError> {
        cloudtrail::account_trails(aws).await
    }

    fn evaluate(&self, facts: &AccountTrails, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let fix = "Record S3 data events for all current and future buckets (Write or All) on a multi-Region trail that is logging.";
        let evaluation = match cloudtrail::first_qualifying(&facts.multi_region, |t| {
            t.logs_all_s3_object_events(ACCESS)
        }) {
            Ok(trail) => Evaluation::compliant(
                ACCOUNT,
                account,
                format!(
                    "Trail {} is multi-Region, logging, and records S3 object-level {ACCESS} events for all current and future buckets.",
                    trail.name()
                ),
            ),
            Err(failures) if failures.is_empty() => {
                let single: Vec<&str> = facts.single_region.iter().map(cloudtrail::label).collect();
                let what = if single.is_empty() {
                    format!("No multi-Region CloudTrail trail is visible in {}.", scope.region)
                } else {
                    format!(
                        "No multi-Region CloudTrail trail exists; single-Region trails do not count ({}).",
                        single.join(", ")
                    )
                };
                Evaluation::non_compliant(ACCOUNT, account, format!("{what} {fix}"))
            }
            Err(failures) => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!("No multi-Region trail qualifies: {}. {fix}", cloudtrail::describe_failures(&failures, 1)),
            ),
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType, Trail,
    };
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::cloudtrail::{MultiRegionTrail, Selectors};
    use shared::testing::{assert_evaluation, periodic};

    const THIS: &str = "write";
    const OTHER: ReadWriteType = ReadWriteType::ReadOnly;
    const SAME: ReadWriteType = ReadWriteType::WriteOnly;
    const READ_ONLY_VALUE: &str = "false";
    const OTHER_READ_ONLY_VALUE: &str = "true";
    const RULE: CloudTrailAllWriteS3DataEventCheck = CloudTrailAllWriteS3DataEventCheck;

    fn trail(name: &str, home: &str, multi_region: bool) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(multi_region)
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .s3_bucket_name("trail-logs")
            .build()
    }

    fn s3(rw: ReadWriteType, values: &[&str]) -> EventSelector {
        let mut r = DataResource::builder().r#type("AWS::S3::Object");
        for v in values {
            r = r.values(*v);
        }
        EventSelector::builder().read_write_type(rw).include_management_events(true).data_resources(r.build()).build()
    }

    fn field(name: &str, equals: &[&str], starts_with: &[&str]) -> AdvancedFieldSelector {
        let mut b = AdvancedFieldSelector::builder().field(name);
        for v in equals {
            b = b.equals(*v);
        }
        for v in starts_with {
            b = b.starts_with(*v);
        }
        b.build().unwrap()
    }

    fn s3_advanced(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
        let mut fields =
            vec![field("eventCategory", &["Data"], &[]), field("resources.type", &["AWS::S3::Object"], &[])];
        fields.extend(extra);
        AdvancedEventSelector::builder().name("s3").set_field_selectors(Some(fields)).build().unwrap()
    }

    fn with(
        t: Trail,
        logging: bool,
        basic: Vec<EventSelector>,
        advanced: Vec<AdvancedEventSelector>,
    ) -> MultiRegionTrail {
        MultiRegionTrail {
            trail: t,
            status: GetTrailStatusOutput::builder().is_logging(logging).build(),
            selectors: logging.then_some(Selectors { basic, advanced }),
        }
    }

    fn account(multi_region: Vec<MultiRegionTrail>) -> AccountTrails {
        AccountTrails { multi_region, single_region: vec![] }
    }

    fn only(facts: &AccountTrails) -> Evaluation {
        let evaluations = periodic(&RULE, "scheduled", facts).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        assert!(e.annotation.chars().count() <= 256, "{}", e.annotation);
        e
    }

    #[test]
    fn scenario_1_compliant_when_a_logging_multi_region_trail_records_all_buckets() {
        for rw in [ReadWriteType::All, SAME] {
            for value in ["arn:aws:s3", "arn:aws:s3:::"] {
                let t = with(trail("data-events", "us-east-1", true), true, vec![s3(rw.clone(), &[value])], vec![]);
                let e = only(&account(vec![t]));
                assert_evaluation(
                    &e,
                    Compliance::Compliant,
                    &["Trail data-events", &format!("object-level {THIS} events")],
                );
            }
        }
        let advanced_all = with(trail("advanced", "us-east-1", true), true, vec![], vec![s3_advanced(vec![])]);
        assert_evaluation(&only(&account(vec![advanced_all])), Compliance::Compliant, &["advanced"]);
        let advanced_direction = with(
            trail("advanced-direction", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("readOnly", &[READ_ONLY_VALUE], &[])])],
        );
        assert_evaluation(&only(&account(vec![advanced_direction])), Compliance::Compliant, &[]);
        let elsewhere =
            with(trail("org-trail", "eu-west-1", true), true, vec![s3(ReadWriteType::All, &["arn:aws:s3"])], vec![]);
        let facts = account(vec![with(trail("mgmt", "us-east-1", true), false, vec![], vec![]), elsewhere]);
        assert_evaluation(&only(&facts), Compliance::Compliant, &["org-trail"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_multi_region_trail() {
        let e = only(&AccountTrails::default());
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &[
                "No multi-Region CloudTrail trail is visible in us-east-1",
                "Record S3 data events for all current and future buckets",
            ],
        );
        let facts = AccountTrails { multi_region: vec![], single_region: vec![trail("regional", "us-east-1", false)] };
        assert_evaluation(&only(&facts), Compliance::NonCompliant, &["single-Region trails do not count (regional)"]);
    }

    #[test]
    fn scenario_3_non_compliant_when_the_trail_is_not_logging() {
        let stopped = with(trail("stopped", "us-east-1", true), false, vec![], vec![]);
        assert_evaluation(&only(&account(vec![stopped])), Compliance::NonCompliant, &["trail stopped is not logging"]);
    }

    #[test]
    fn scenario_4_non_compliant_for_some_buckets_the_other_direction_or_none() {
        let some = with(
            trail("some", "us-east-1", true),
            true,
            vec![s3(ReadWriteType::All, &["arn:aws:s3:::one-bucket/"])],
            vec![],
        );
        let e = only(&account(vec![some]));
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &[&format!("trail some does not record S3 object-level {THIS} events for all buckets"), "(Write or All)"],
        );
        let other = with(trail("other", "us-east-1", true), true, vec![s3(OTHER, &["arn:aws:s3"])], vec![]);
        assert_evaluation(&only(&account(vec![other])), Compliance::NonCompliant, &["trail other"]);
        let other_advanced = with(
            trail("other-advanced", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("readOnly", &[OTHER_READ_ONLY_VALUE], &[])])],
        );
        assert_evaluation(&only(&account(vec![other_advanced])), Compliance::NonCompliant, &[]);
        let management_only = with(
            trail("management", "us-east-1", true),
            true,
            vec![EventSelector::builder().read_write_type(ReadWriteType::All).include_management_events(true).build()],
            vec![],
        );
        assert_evaluation(&only(&account(vec![management_only])), Compliance::NonCompliant, &["trail management"]);
    }

    #[test]
    fn scenario_5_non_compliant_when_an_advanced_selector_narrows() {
        for extra in [
            field("resources.ARN", &[], &["arn:aws:s3:::one-bucket/"]),
            field("eventName", &["PutObject"], &[]),
            field("userIdentity.arn", &["arn:aws:iam::123456789012:role/app"], &[]),
        ] {
            let t = with(trail("narrow", "us-east-1", true), true, vec![], vec![s3_advanced(vec![extra])]);
            assert_evaluation(&only(&account(vec![t])), Compliance::NonCompliant, &["trail narrow"]);
        }
        let every_bucket = with(
            trail("prefix", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("resources.ARN", &[], &["arn:aws:s3:::"])])],
        );
        assert_evaluation(&only(&account(vec![every_bucket])), Compliance::Compliant, &[]);
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_trails_status_and_selectors() {
        for action in cloudtrail::ACCOUNT_TRAILS_ACTIONS {
            assert!(
                CloudTrailAllWriteS3DataEventCheck::SPEC.iam_actions.contains(&action),
                "{action} is called by cloudtrail::account_trails"
            );
        }
        let scope = Scope {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            now: aws_sdk_cloudtrail::primitives::DateTime::from_secs(0),
        };
        let describe = mock!(aws_sdk_cloudtrail::Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(true))
            .then_output(|| {
                DescribeTrailsOutput::builder().trail_list(trail("data-events", "us-east-1", true)).build()
            });
        let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status)
            .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let selectors = mock!(aws_sdk_cloudtrail::Client::get_event_selectors)
            .match_requests(|r| r.trail_name() == Some("arn:aws:cloudtrail:us-east-1:123456789012:trail/data-events"))
            .then_output(|| {
                GetEventSelectorsOutput::builder().event_selectors(s3(ReadWriteType::All, &["arn:aws:s3"])).build()
            });
        let cloudtrail =
            shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &selectors]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let facts = RULE.gather(&aws, &NoParams, &scope).await.unwrap();
        assert_evaluation(&RULE.evaluate(&facts, &NoParams, &scope)[0], Compliance::Compliant, &["data-events"]);

        let denied = mock!(aws_sdk_cloudtrail::Client::get_trail_status).then_error(|| {
            aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = RULE.gather(&aws, &NoParams, &scope).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("cloudtrail:GetTrailStatus"), "{error}");

        let failed = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("slow down")
                    .build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&failed]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = RULE.gather(&aws, &NoParams, &scope).await.unwrap_err();
        assert!(error.to_string().contains("cloudtrail:DescribeTrails failed: ThrottlingException"), "{error}");

        let empty = mock!(aws_sdk_cloudtrail::Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &empty]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        assert_eq!(RULE.gather(&aws, &NoParams, &scope).await.unwrap_err().error_type(), "InvalidData");
    }
}
