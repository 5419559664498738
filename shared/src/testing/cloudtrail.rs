//! Trail fixtures and the scenarios that CIS 3.8 (`cloudtrail-all-write-s3-data-event-check`) and
//! 3.9 (`cloudtrail-all-read-s3-data-event-check`) share: the two rules ask the same question of
//! opposite directions ([`Access`]), so each of their scenario tests runs the same check here with
//! its own rule and direction.
#![allow(clippy::unwrap_used, clippy::panic, reason = "test support: a broken fixture must fail the test loudly")]

use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
use aws_sdk_cloudtrail::operation::get_trail_status::{GetTrailStatusError, GetTrailStatusOutput};
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType, Trail,
};
use aws_smithy_mocks::{RuleMode, mock};
use aws_smithy_types::DateTime;

use super::{assert_evaluation, periodic, test_sdk_config};
use crate::aws::Aws;
use crate::cloudtrail::{ACCOUNT_TRAILS_ACTIONS, Access, AccountTrails, MultiRegionTrail, Selectors};
use crate::evaluation::{Compliance, Evaluation};
use crate::params::NoParams;
use crate::rule::{ACCOUNT, PeriodicRule, Scope};

/// A trail homed in `home` of account 123456789012.
pub fn trail(name: &str, home: &str, multi_region: bool) -> Trail {
    Trail::builder()
        .name(name)
        .home_region(home)
        .is_multi_region_trail(multi_region)
        .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
        .s3_bucket_name("trail-logs")
        .build()
}

/// A basic selector for S3 object data events of `rw` on the ARNs `values`.
pub fn s3(rw: ReadWriteType, values: &[&str]) -> EventSelector {
    let mut r = DataResource::builder().r#type("AWS::S3::Object");
    for v in values {
        r = r.values(*v);
    }
    EventSelector::builder().read_write_type(rw).include_management_events(true).data_resources(r.build()).build()
}

/// An advanced field selector.
pub fn field(name: &str, equals: &[&str], starts_with: &[&str]) -> AdvancedFieldSelector {
    let mut b = AdvancedFieldSelector::builder().field(name);
    for v in equals {
        b = b.equals(*v);
    }
    for v in starts_with {
        b = b.starts_with(*v);
    }
    b.build().unwrap()
}

/// An advanced selector for S3 object data events, narrowed by `extra`.
pub fn s3_advanced(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![field("eventCategory", &["Data"], &[]), field("resources.type", &["AWS::S3::Object"], &[])];
    fields.extend(extra);
    AdvancedEventSelector::builder().name("s3").set_field_selectors(Some(fields)).build().unwrap()
}

/// A multi-Region trail with its status and (when logging) its selectors.
pub fn with(
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

/// An account whose only trails are `multi_region`.
pub fn account(multi_region: Vec<MultiRegionTrail>) -> AccountTrails {
    AccountTrails { multi_region, single_region: vec![] }
}

/// The direction-specific values of the S3 data-event scenarios.
struct Direction {
    this: &'static str,
    same: ReadWriteType,
    other: ReadWriteType,
    read_only: &'static str,
    other_read_only: &'static str,
    selector: &'static str,
    event_name: &'static str,
}

fn direction(access: Access) -> Direction {
    match access {
        Access::Read => Direction {
            this: "read",
            same: ReadWriteType::ReadOnly,
            other: ReadWriteType::WriteOnly,
            read_only: "true",
            other_read_only: "false",
            selector: "(Read or All)",
            event_name: "GetObject",
        },
        Access::Write => Direction {
            this: "write",
            same: ReadWriteType::WriteOnly,
            other: ReadWriteType::ReadOnly,
            read_only: "false",
            other_read_only: "true",
            selector: "(Write or All)",
            event_name: "PutObject",
        },
    }
}

/// The S3 object-level data-event scenarios of a rule that checks one [`Access`] direction.
pub struct S3DataEvents<'a, R> {
    pub rule: &'a R,
    pub access: Access,
    /// The scheduled event of the rule's `events/` folder that the scenarios run.
    pub event: &'static str,
}

impl<R: PeriodicRule<Params = NoParams, Facts = AccountTrails>> S3DataEvents<'_, R> {
    fn only(&self, facts: &AccountTrails) -> Evaluation {
        let evaluations = periodic(self.rule, self.event, facts).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        assert!(e.annotation.chars().count() <= 256, "{}", e.annotation);
        e
    }

    /// COMPLIANT when a logging multi-Region trail records the events for all buckets: basic
    /// selectors of this direction or `All`, advanced selectors without `readOnly` or with this
    /// direction's value, and a trail homed in another region.
    pub fn compliant_when_a_logging_multi_region_trail_records_all_buckets(&self) {
        let d = direction(self.access);
        for rw in [ReadWriteType::All, d.same] {
            for value in ["arn:aws:s3", "arn:aws:s3:::"] {
                let t = with(trail("data-events", "us-east-1", true), true, vec![s3(rw.clone(), &[value])], vec![]);
                let e = self.only(&account(vec![t]));
                let events = format!("object-level {} events", d.this);
                assert_evaluation(&e, Compliance::Compliant, &["Trail data-events", &events]);
            }
        }
        let advanced_all = with(trail("advanced", "us-east-1", true), true, vec![], vec![s3_advanced(vec![])]);
        assert_evaluation(&self.only(&account(vec![advanced_all])), Compliance::Compliant, &["advanced"]);
        let advanced_direction = with(
            trail("advanced-direction", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("readOnly", &[d.read_only], &[])])],
        );
        assert_evaluation(&self.only(&account(vec![advanced_direction])), Compliance::Compliant, &[]);
        let elsewhere =
            with(trail("org-trail", "eu-west-1", true), true, vec![s3(ReadWriteType::All, &["arn:aws:s3"])], vec![]);
        let facts = account(vec![with(trail("mgmt", "us-east-1", true), false, vec![], vec![]), elsewhere]);
        assert_evaluation(&self.only(&facts), Compliance::Compliant, &["org-trail"]);
    }

    /// NON_COMPLIANT without a multi-Region trail, even when a single-Region trail records them.
    pub fn non_compliant_without_a_multi_region_trail(&self) {
        let e = self.only(&AccountTrails::default());
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &[
                "No multi-Region CloudTrail trail is visible in us-east-1",
                "Record S3 data events for all current and future buckets",
            ],
        );
        let facts = AccountTrails { multi_region: vec![], single_region: vec![trail("regional", "us-east-1", false)] };
        assert_evaluation(
            &self.only(&facts),
            Compliance::NonCompliant,
            &["single-Region trails do not count (regional)"],
        );
    }

    /// NON_COMPLIANT when the trail that records the events is not logging.
    pub fn non_compliant_when_the_trail_is_not_logging(&self) {
        let stopped = with(trail("stopped", "us-east-1", true), false, vec![], vec![]);
        assert_evaluation(
            &self.only(&account(vec![stopped])),
            Compliance::NonCompliant,
            &["trail stopped is not logging"],
        );
    }

    /// NON_COMPLIANT for some buckets only, for the other direction only, or for none.
    pub fn non_compliant_for_some_buckets_the_other_direction_or_none(&self) {
        let d = direction(self.access);
        let some = with(
            trail("some", "us-east-1", true),
            true,
            vec![s3(ReadWriteType::All, &["arn:aws:s3:::one-bucket/"])],
            vec![],
        );
        let e = self.only(&account(vec![some]));
        let missing = format!("trail some does not record S3 object-level {} events for all buckets", d.this);
        assert_evaluation(&e, Compliance::NonCompliant, &[&missing, d.selector]);
        let other = with(trail("other", "us-east-1", true), true, vec![s3(d.other, &["arn:aws:s3"])], vec![]);
        assert_evaluation(&self.only(&account(vec![other])), Compliance::NonCompliant, &["trail other"]);
        let other_advanced = with(
            trail("other-advanced", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("readOnly", &[d.other_read_only], &[])])],
        );
        assert_evaluation(&self.only(&account(vec![other_advanced])), Compliance::NonCompliant, &[]);
        let management_only = with(
            trail("management", "us-east-1", true),
            true,
            vec![EventSelector::builder().read_write_type(ReadWriteType::All).include_management_events(true).build()],
            vec![],
        );
        assert_evaluation(&self.only(&account(vec![management_only])), Compliance::NonCompliant, &["trail management"]);
    }

    /// NON_COMPLIANT when an advanced selector narrows the events (bucket, event name, identity);
    /// a `resources.ARN` prefix that every object ARN has does not narrow.
    pub fn non_compliant_when_an_advanced_selector_narrows(&self) {
        let d = direction(self.access);
        for extra in [
            field("resources.ARN", &[], &["arn:aws:s3:::one-bucket/"]),
            field("eventName", &[d.event_name], &[]),
            field("userIdentity.arn", &["arn:aws:iam::123456789012:role/app"], &[]),
        ] {
            let t = with(trail("narrow", "us-east-1", true), true, vec![], vec![s3_advanced(vec![extra])]);
            assert_evaluation(&self.only(&account(vec![t])), Compliance::NonCompliant, &["trail narrow"]);
        }
        let every_bucket = with(
            trail("prefix", "us-east-1", true),
            true,
            vec![],
            vec![s3_advanced(vec![field("resources.ARN", &[], &["arn:aws:s3:::"])])],
        );
        assert_evaluation(&self.only(&account(vec![every_bucket])), Compliance::Compliant, &[]);
    }

    /// `gather` reads trails, status and selectors (declaring the actions it calls);
    /// AccessDenied and throttling are errors naming the action; a trail whose selectors come
    /// back empty is an error, never a verdict.
    pub async fn gather_reads_trails_status_and_selectors(&self) {
        for action in ACCOUNT_TRAILS_ACTIONS {
            assert!(R::SPEC.iam_actions.contains(&action), "{action} is called by cloudtrail::account_trails");
        }
        let scope =
            Scope { account_id: "123456789012".into(), region: "us-east-1".into(), now: DateTime::from_secs(0) };
        let with_cloudtrail = |rules: &[&aws_smithy_mocks::Rule]| {
            Aws::new(test_sdk_config()).with_client(crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, rules))
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
        let aws = with_cloudtrail(&[&describe, &status, &selectors]);
        let facts = self.rule.gather(&aws, &NoParams, &scope).await.unwrap();
        assert_evaluation(&self.rule.evaluate(&facts, &NoParams, &scope)[0], Compliance::Compliant, &["data-events"]);

        let denied = mock!(aws_sdk_cloudtrail::Client::get_trail_status).then_error(|| {
            GetTrailStatusError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let error = self.rule.gather(&with_cloudtrail(&[&describe, &denied]), &NoParams, &scope).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("cloudtrail:GetTrailStatus"), "{error}");

        let throttled = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("slow down")
                    .build(),
            )
        });
        let error = self.rule.gather(&with_cloudtrail(&[&throttled]), &NoParams, &scope).await.unwrap_err();
        assert!(error.to_string().contains("cloudtrail:DescribeTrails failed: ThrottlingException"), "{error}");

        let empty = mock!(aws_sdk_cloudtrail::Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let aws = with_cloudtrail(&[&describe, &status, &empty]);
        assert_eq!(self.rule.gather(&aws, &NoParams, &scope).await.unwrap_err().error_type(), "InvalidData");
    }
}
