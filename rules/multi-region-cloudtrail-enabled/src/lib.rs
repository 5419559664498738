//! # multi-region-cloudtrail-enabled
//!
//! Checks that at least one multi-Region CloudTrail trail is logging, records the management
//! events the parameters ask for, excludes no management event source, and delivers where the
//! parameters say.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), once per region the rule runs in.
//! - **Reads**: `cloudtrail:DescribeTrails` (with shadow copies of multi-Region and organization
//!   trails homed elsewhere), then for each multi-Region trail `cloudtrail:GetTrailStatus` and,
//!   when it is logging, `cloudtrail:GetEventSelectors`, by trail ARN in the trail's home region
//!   (`shared::cloudtrail`).
//! - **Parameters** (all optional, as in AWS's rule): `s3BucketName`, `snsTopicArn`,
//!   `cloudWatchLogsLogGroupArn` (the trail must deliver there; log group ARNs are compared
//!   without a trailing `:*`); `readWriteType` (`ReadOnly`, `WriteOnly` or `ALL`, any letter
//!   case: the management events that must be recorded, from every event source);
//!   `includeManagementEvents` (`true`: management events must be recorded, in the directions of
//!   `readWriteType` if set, else in at least one; `false`, the default, adds no requirement).
//! - **Same as**: the AWS managed rule `multi-region-cloudtrail-enabled` (identifier
//!   `MULTI_REGION_CLOUD_TRAIL_ENABLED`), which also fails trails that exclude management event
//!   sources (such as AWS KMS or RDS Data API events). This rule additionally requires the trail
//!   to be logging, as CIS does; AWS's documentation does not say whether its rule does.
//! - **CIS v5.0.0**: 3.1 (Manual), with `includeManagementEvents` = `true` and `readWriteType` =
//!   `ALL`. **Well-Architected**: SEC-4 (detection), without parameters.
//!
//! ## Scenarios
//! 1. COMPLIANT with the CIS parameters when a multi-Region trail is logging and records every
//!    read and write management event (basic or advanced selectors, or a read-only and a
//!    write-only selector together); a shadow copy of a trail homed in another region, such as
//!    an organization trail, counts.
//! 2. NON_COMPLIANT when there is no trail, or only single-Region trails.
//! 3. NON_COMPLIANT when the only multi-Region trail is not logging.
//! 4. NON_COMPLIANT with the CIS parameters when management events are recorded only for writes
//!    (basic `WriteOnly`, advanced `readOnly` = `false`), or not at all.
//! 5. NON_COMPLIANT when the trail excludes management event sources (basic
//!    `ExcludeManagementEventSources`, advanced `eventSource` `NotEquals`), whatever the
//!    parameters.
//! 6. NON_COMPLIANT when the trail does not deliver to the `s3BucketName`, `snsTopicArn` or
//!    `cloudWatchLogsLogGroupArn` set as parameters; COMPLIANT when it does.
//! 7. Without parameters (the Well-Architected pack) any logging multi-Region trail without
//!    exclusions is COMPLIANT; `includeManagementEvents` = `true` alone asks for some management
//!    events.
//! 8. An invalid `readWriteType` is an error naming it.
//! 9. `gather` reads the trails through `shared::cloudtrail`; AccessDenied is an error naming the
//!    action, and a trail whose selectors cannot be read is an error, never a verdict.

use shared::cloudtrail::{self, Access, AccountTrails, MultiRegionTrail, Shortfall, Sources};
use shared::prelude::*;

pub struct MultiRegionCloudTrailEnabled;

const INCLUDE_MANAGEMENT_EVENTS: &str = "includeManagementEvents";
const READ_WRITE_TYPE: &str = "readWriteType";

/// The management events a trail must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Management {
    /// No requirement (besides excluding no source).
    Any,
    /// Management events of at least one direction.
    Some,
    /// Every management event of each direction given.
    Directions(&'static [Access]),
}

pub struct Params {
    s3_bucket_name: Option<String>,
    sns_topic_arn: Option<String>,
    log_group_arn: Option<String>,
    management: Management,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let text = |name: &str| -> Result<Option<String>, ParamError> {
            Ok(p.opt_string(name)?.filter(|v| !v.is_empty()).map(str::to_owned))
        };
        let directions: Option<&'static [Access]> = match p.opt_string(READ_WRITE_TYPE)? {
            None => None,
            Some(v) => Some(match v.to_ascii_lowercase().as_str() {
                "readonly" => &[Access::Read],
                "writeonly" => &[Access::Write],
                "all" => &Access::BOTH,
                _ => {
                    return Err(ParamError::new(
                        READ_WRITE_TYPE,
                        format!("expected ReadOnly, WriteOnly or ALL, got {v:?}"),
                    ));
                }
            }),
        };
        let management = match (directions, p.bool(INCLUDE_MANAGEMENT_EVENTS)?) {
            (Some(directions), _) => Management::Directions(directions),
            (None, true) => Management::Some,
            (None, false) => Management::Any,
        };
        Ok(Params {
            s3_bucket_name: text("s3BucketName")?,
            sns_topic_arn: text("snsTopicArn")?,
            log_group_arn: text("cloudWatchLogsLogGroupArn")?,
            management,
        })
    }
}

/// Why a multi-Region trail does not qualify.
enum Unmet {
    Trail(Shortfall),
    NoManagementEvents,
    Destination { what: &'static str, has: Option<String>, wants: String },
}

impl std::fmt::Display for Unmet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unmet::Trail(shortfall) => shortfall.fmt(f),
            Unmet::NoManagementEvents => f.write_str("does not record management events"),
            Unmet::Destination { what, has: Some(has), wants } => write!(f, "sends to {what} {has}, not {wants}"),
            Unmet::Destination { what, has: None, wants } => write!(f, "has no {what}, needs {wants}"),
        }
    }
}

fn log_group(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

fn check(trail: &MultiRegionTrail, p: &Params) -> Result<(), Unmet> {
    let selectors = trail.logging_selectors().map_err(Unmet::Trail)?;
    let t = &trail.trail;
    let destinations = [
        ("S3 bucket", t.s3_bucket_name(), p.s3_bucket_name.as_deref()),
        ("SNS topic", t.sns_topic_arn(), p.sns_topic_arn.as_deref()),
        ("log group", t.cloud_watch_logs_log_group_arn().map(log_group), p.log_group_arn.as_deref().map(log_group)),
    ];
    for (what, has, wants) in destinations {
        if let Some(wants) = wants
            && has != Some(wants)
        {
            return Err(Unmet::Destination { what, has: has.map(str::to_owned), wants: wants.to_owned() });
        }
    }
    match p.management {
        Management::Any => {}
        Management::Some => {
            if !Access::BOTH.iter().any(|a| selectors.records_some_management(*a)) {
                return Err(Unmet::NoManagementEvents);
            }
        }
        Management::Directions(directions) => {
            trail.logs_management_events(directions, Sources::Every).map_err(Unmet::Trail)?;
        }
    }
    match trail.management_exclusion() {
        Some(shortfall) => Err(Unmet::Trail(shortfall)),
        None => Ok(()),
    }
}

impl PeriodicRule for MultiRegionCloudTrailEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "multi-region-cloudtrail-enabled",
        description: "Checks that a multi-Region CloudTrail trail is logging, records the management events asked for with no excluded sources, and delivers where the parameters say.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::string("s3BucketName", None, "S3 bucket the trail must deliver its log files to."),
            ParamSpec::string("snsTopicArn", None, "SNS topic ARN the trail must notify."),
            ParamSpec::string(
                "cloudWatchLogsLogGroupArn",
                None,
                "CloudWatch Logs log group ARN the trail must send events to.",
            ),
            ParamSpec::boolean(
                INCLUDE_MANAGEMENT_EVENTS,
                Some("false"),
                "true: the trail must record management events (false: no requirement).",
            ),
            ParamSpec::string(
                READ_WRITE_TYPE,
                None,
                "Management events the trail must record: ReadOnly, WriteOnly or ALL.",
            ),
        ],
        iam_actions: &["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        cis: &["3.1"],
        cis_parameters: &[(INCLUDE_MANAGEMENT_EVENTS, "true"), (READ_WRITE_TYPE, "ALL")],
        well_architected: &["SEC-4"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = AccountTrails;

    async fn gather(&self, aws: &Aws, _: &Params, _: &Scope) -> Result<AccountTrails, RuleError> {
        cloudtrail::account_trails(aws).await
    }

    fn evaluate(&self, facts: &AccountTrails, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let (account, region) = (&scope.account_id, &scope.region);
        let (checked, records) = match p.management {
            Management::Directions([Access::Read]) => ("records all read management events", "Read"),
            Management::Directions([Access::Write]) => ("records all write management events", "Write"),
            Management::Directions(_) => ("records all read and write management events", "Read and Write"),
            Management::Some => ("records management events", ""),
            Management::Any => ("excludes no management event source", ""),
        };
        // A destination that does not match is named in the failure itself.
        let fix = format!(
            "Start logging on a multi-Region trail {}.",
            match p.management {
                Management::Any => "with no excluded management event source".to_owned(),
                Management::Some => "and record management events from every source".to_owned(),
                Management::Directions(_) => format!("and record {records} management events from every source"),
            },
        );
        let evaluation = match cloudtrail::first_qualifying(&facts.multi_region, |t| check(t, p)) {
            Ok(trail) => Evaluation::compliant(
                ACCOUNT,
                account,
                format!(
                    "Trail {} is multi-Region, logging and {checked}. Manual check: confirm its bucket {} is the intended, access-restricted log destination.",
                    trail.name(),
                    trail.trail.s3_bucket_name().unwrap_or("?"),
                ),
            ),
            Err(failures) if failures.is_empty() => {
                let single: Vec<&str> = facts.single_region.iter().map(cloudtrail::label).collect();
                let what = if single.is_empty() {
                    format!("No CloudTrail trail is visible in {region}.")
                } else {
                    format!("Only single-Region trails exist in {region} ({}).", single.join(", "))
                };
                let fix = fix.replacen(
                    "Start logging on a multi-Region trail",
                    "Create a multi-Region trail, start logging",
                    1,
                );
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
        AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType, Trail,
    };
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::cloudtrail::Selectors;
    use shared::testing::{assert_evaluation, periodic};

    const BUCKET: &str = "org-cloudtrail-logs";
    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:trail-notices";
    const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail";

    fn trail(name: &str, home: &str, multi_region: bool) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(multi_region)
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .s3_bucket_name(BUCKET)
            .sns_topic_arn(TOPIC)
            .cloud_watch_logs_log_group_arn(format!("{GROUP}:*"))
            .build()
    }

    fn basic(rw: ReadWriteType, management: bool, excluded: &[&str]) -> EventSelector {
        let mut b = EventSelector::builder().read_write_type(rw).include_management_events(management);
        for e in excluded {
            b = b.exclude_management_event_sources(*e);
        }
        b.build()
    }

    fn field(name: &str, equals: &[&str], not_equals: &[&str]) -> AdvancedFieldSelector {
        let mut b = AdvancedFieldSelector::builder().field(name);
        for v in equals {
            b = b.equals(*v);
        }
        for v in not_equals {
            b = b.not_equals(*v);
        }
        b.build().unwrap()
    }

    fn advanced(fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
        AdvancedEventSelector::builder().name("management").set_field_selectors(Some(fields)).build().unwrap()
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

    fn account(multi_region: Vec<MultiRegionTrail>, single_region: Vec<Trail>) -> AccountTrails {
        AccountTrails { multi_region, single_region }
    }

    fn all_management(name: &str) -> MultiRegionTrail {
        with(trail(name, "us-east-1", true), true, vec![basic(ReadWriteType::All, true, &[])], vec![])
    }

    fn only(case: &str, facts: &AccountTrails) -> Evaluation {
        let evaluations = periodic(&MultiRegionCloudTrailEnabled, case, facts).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_when_a_logging_multi_region_trail_records_all_management_events() {
        let e = only("cis-parameters", &account(vec![all_management("main")], vec![]));
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["Trail main", "read and write management events", "Manual check", BUCKET],
        );

        let advanced_all = with(
            trail("advanced", "us-east-1", true),
            true,
            vec![],
            vec![advanced(vec![field("eventCategory", &["Management"], &[])])],
        );
        assert_evaluation(&only("cis-parameters", &account(vec![advanced_all], vec![])), Compliance::Compliant, &[]);

        let split = with(
            trail("split", "us-east-1", true),
            true,
            vec![basic(ReadWriteType::ReadOnly, true, &[]), basic(ReadWriteType::WriteOnly, true, &[])],
            vec![],
        );
        assert_evaluation(&only("cis-parameters", &account(vec![split], vec![])), Compliance::Compliant, &[]);

        let organization =
            with(trail("org-trail", "eu-west-1", true), true, vec![basic(ReadWriteType::All, true, &[])], vec![]);
        let stopped = with(trail("stopped", "us-east-1", true), false, vec![], vec![]);
        let e = only("cis-parameters", &account(vec![stopped, organization], vec![]));
        assert_evaluation(&e, Compliance::Compliant, &["org-trail"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_multi_region_trail() {
        let e = only("cis-parameters", &AccountTrails::default());
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &[
                "No CloudTrail trail is visible in us-east-1",
                "Create a multi-Region trail, start logging and record Read and Write management events from every source",
            ],
        );
        let e = only("cis-parameters", &account(vec![], vec![trail("regional", "us-east-1", false)]));
        assert_evaluation(&e, Compliance::NonCompliant, &["Only single-Region trails", "(regional)"]);
    }

    #[test]
    fn scenario_3_non_compliant_when_the_trail_is_not_logging() {
        let stopped = with(trail("stopped", "us-east-1", true), false, vec![], vec![]);
        let e = only("cis-parameters", &account(vec![stopped], vec![]));
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["No multi-Region trail qualifies: trail stopped is not logging", "Start logging"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_when_management_reads_are_not_recorded() {
        let write_only =
            with(trail("writes", "us-east-1", true), true, vec![basic(ReadWriteType::WriteOnly, true, &[])], vec![]);
        let e = only("cis-parameters", &account(vec![write_only], vec![]));
        assert_evaluation(&e, Compliance::NonCompliant, &["trail writes does not record read management events"]);

        let advanced_writes = with(
            trail("adv-writes", "us-east-1", true),
            true,
            vec![],
            vec![advanced(vec![field("eventCategory", &["Management"], &[]), field("readOnly", &["false"], &[])])],
        );
        let e = only("cis-parameters", &account(vec![advanced_writes], vec![]));
        assert_evaluation(&e, Compliance::NonCompliant, &["does not record read management events"]);

        let data_only =
            with(trail("data", "us-east-1", true), true, vec![basic(ReadWriteType::All, false, &[])], vec![]);
        let e = only("cis-parameters", &account(vec![data_only], vec![]));
        assert_evaluation(&e, Compliance::NonCompliant, &["trail data does not record read management events"]);
    }

    #[test]
    fn scenario_5_non_compliant_when_management_event_sources_are_excluded() {
        let no_kms = with(
            trail("no-kms", "us-east-1", true),
            true,
            vec![basic(ReadWriteType::All, true, &["kms.amazonaws.com"])],
            vec![],
        );
        for case in ["cis-parameters", "scheduled"] {
            let e = only(case, &account(vec![no_kms.clone()], vec![]));
            assert_evaluation(
                &e,
                Compliance::NonCompliant,
                &["excludes read management events from kms.amazonaws.com"],
            );
        }
        let advanced_no_rds = with(
            trail("no-rds", "us-east-1", true),
            true,
            vec![],
            vec![advanced(vec![
                field("eventCategory", &["Management"], &[]),
                field("eventSource", &[], &["rdsdata.amazonaws.com"]),
            ])],
        );
        let e = only("scheduled", &account(vec![advanced_no_rds.clone()], vec![]));
        assert_evaluation(&e, Compliance::NonCompliant, &["rdsdata.amazonaws.com"]);
        // Several failing trails still fit in an annotation, fix included.
        let stopped = with(trail("organization-wide-trail", "us-east-1", true), false, vec![], vec![]);
        let e = only("parameters", &account(vec![no_kms, advanced_no_rds, stopped], vec![]));
        assert!(e.annotation.chars().count() <= 256, "{} characters: {}", e.annotation.chars().count(), e.annotation);
        assert_evaluation(&e, Compliance::NonCompliant, &["2 other trails fail too", "Start logging"]);
    }

    #[test]
    fn scenario_6_destinations_set_as_parameters_must_match() {
        let e = only("parameters", &account(vec![all_management("main")], vec![]));
        assert_evaluation(&e, Compliance::Compliant, &["main"]);

        let mut other = trail("other", "us-east-1", true);
        other.s3_bucket_name = Some("another-bucket".into());
        let e = only(
            "parameters",
            &account(vec![with(other, true, vec![basic(ReadWriteType::All, true, &[])], vec![])], vec![]),
        );
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["sends to S3 bucket another-bucket, not org-cloudtrail-logs", "Start logging"],
        );

        let mut silent = trail("silent", "us-east-1", true);
        silent.sns_topic_arn = None;
        let e = only(
            "parameters",
            &account(vec![with(silent, true, vec![basic(ReadWriteType::All, true, &[])], vec![])], vec![]),
        );
        assert_evaluation(&e, Compliance::NonCompliant, &["has no SNS topic, needs arn:aws:sns"]);

        let mut elsewhere = trail("elsewhere", "us-east-1", true);
        elsewhere.cloud_watch_logs_log_group_arn = Some("arn:aws:logs:us-east-1:123456789012:log-group:other:*".into());
        let e = only(
            "parameters",
            &account(vec![with(elsewhere, true, vec![basic(ReadWriteType::All, true, &[])], vec![])], vec![]),
        );
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["log group arn:aws:logs:us-east-1:123456789012:log-group:other,"],
        );
    }

    #[test]
    fn scenario_7_without_parameters_a_logging_trail_without_exclusions_is_enough() {
        let writes =
            with(trail("writes", "us-east-1", true), true, vec![basic(ReadWriteType::WriteOnly, true, &[])], vec![]);
        let e = only("scheduled", &account(vec![writes.clone()], vec![]));
        assert_evaluation(&e, Compliance::Compliant, &["excludes no management event source"]);
        let e = only("include-management-events", &account(vec![writes], vec![]));
        assert_evaluation(&e, Compliance::Compliant, &["records management events"]);
        let data_only =
            with(trail("data", "us-east-1", true), true, vec![basic(ReadWriteType::All, false, &[])], vec![]);
        let e = only("include-management-events", &account(vec![data_only.clone()], vec![]));
        assert_evaluation(&e, Compliance::NonCompliant, &["does not record"]);
        assert_evaluation(&only("scheduled", &account(vec![data_only], vec![])), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_8_invalid_read_write_type_is_an_error() {
        let error =
            periodic(&MultiRegionCloudTrailEnabled, "invalid-parameter", &AccountTrails::default()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("readWriteType") && error.to_string().contains("Everything"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_cloudtrail::primitives::DateTime::from_secs(0))
    }

    #[tokio::test]
    async fn scenario_9_gather_reads_trails_status_and_selectors() {
        for action in cloudtrail::ACCOUNT_TRAILS_ACTIONS {
            assert!(
                MultiRegionCloudTrailEnabled::SPEC.iam_actions.contains(&action),
                "{action} is called by cloudtrail::account_trails"
            );
        }
        let params = shared::testing::params::<MultiRegionCloudTrailEnabled>("cis-parameters").unwrap();
        let describe = mock!(aws_sdk_cloudtrail::Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(true))
            .then_output(|| {
                DescribeTrailsOutput::builder()
                    .trail_list(trail("regional", "us-east-1", false))
                    .trail_list(trail("org-trail", "eu-west-1", true))
                    .build()
            });
        let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status)
            .match_requests(|r| r.name() == Some("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail"))
            .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let selectors = mock!(aws_sdk_cloudtrail::Client::get_event_selectors)
            .match_requests(|r| r.trail_name() == Some("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail"))
            .then_output(|| {
                GetEventSelectorsOutput::builder().event_selectors(basic(ReadWriteType::All, true, &[])).build()
            });
        let cloudtrail =
            shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &selectors]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let facts = MultiRegionCloudTrailEnabled.gather(&aws, &params, &scope()).await.unwrap();
        assert_eq!(facts.single_region.len(), 1);
        assert_eq!(facts.multi_region.len(), 1);
        let evaluations = MultiRegionCloudTrailEnabled.evaluate(&facts, &params, &scope());
        assert_evaluation(&evaluations[0], Compliance::Compliant, &["org-trail"]);

        let denied = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = MultiRegionCloudTrailEnabled.gather(&aws, &params, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("cloudtrail:DescribeTrails"), "{error}");

        let empty = mock!(aws_sdk_cloudtrail::Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &empty]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = MultiRegionCloudTrailEnabled.gather(&aws, &params, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
    }
}
