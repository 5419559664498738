//! # cloudwatch-alarm-nacl-changes
//!
//! Checks that a CloudWatch alarm tells someone about changes to network ACLs and their entries and
//! associations: a metric filter on the log group of a multi-Region trail, an alarm on its metric,
//! and an SNS topic with a confirmed subscription (CIS 4.11).
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), once per region the rule runs in.
//! - **Reads**: the chain, through `shared::monitoring`: `cloudtrail:DescribeTrails`,
//!   `cloudtrail:GetTrailStatus` and `cloudtrail:GetEventSelectors`; `logs:DescribeMetricFilters`
//!   on each trail's log group, in its region; `cloudwatch:DescribeAlarms` there; and
//!   `sns:ListSubscriptionsByTopic` for the alarms' topics.
//! - **Parameters**: `RequireActionsEnabled` (default `true`): an alarm whose actions are disabled
//!   does not count (`false` follows the benchmark's audit, which does not look at it).
//! - **Same as**: no AWS managed rule (`cloud-trail-cloud-watch-logs-enabled` and
//!   `cloudwatch-alarm-action-check` each check one link of the chain).
//! - **CIS v5.0.0**: 4.11 (Manual). How patterns are compared and every link of the chain are
//!   documented and tested once, in `shared::monitoring`.
//!
//! ## Scenarios
//! 1. COMPLIANT when a logging multi-Region trail records all management events to a CloudWatch
//!    Logs log group with a metric filter that catches every event of the CIS 4.11 pattern (as
//!    printed, rewritten equivalently, or broader), and an alarm on the filter's metric, in the
//!    same namespace, notifies an SNS topic with a confirmed subscription.
//! 2. NON_COMPLIANT when the filter misses events of the pattern, for example a filter without
//!    `ReplaceNetworkAclAssociation`; the annotation says what it misses.
//! 3. NON_COMPLIANT when a later link is broken, for example the alarm watches the metric in
//!    another namespace, or the topic's only subscription is pending confirmation; the annotation
//!    names the first missing link and how to fix it.
//! 4. An alarm whose actions are disabled counts only with `RequireActionsEnabled` = `false`; an
//!    invalid value is an error naming the parameter.
//! 5. `gather` reads the chain through `shared::monitoring` with exactly the declared IAM actions:
//!    without a trail the account is NON_COMPLIANT, and AccessDenied is an error naming the action.

use shared::monitoring::{self, Chain, Params};
use shared::prelude::*;

pub struct CloudWatchAlarmNaclChanges;

impl PeriodicRule for CloudWatchAlarmNaclChanges {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloudwatch-alarm-nacl-changes",
        description: "Checks that a CloudWatch alarm notifying a subscribed SNS topic fires on network ACL changes, through a metric filter on a multi-Region trail's log group (CIS 4.11).",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: monitoring::PARAMETERS,
        iam_actions: &[
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
            "logs:DescribeMetricFilters",
            "cloudwatch:DescribeAlarms",
            "sns:ListSubscriptionsByTopic",
        ],
        cis: &["4.11"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Chain;

    async fn gather(&self, aws: &Aws, _: &Params, scope: &Scope) -> Result<Chain, RuleError> {
        monitoring::gather(aws, scope).await
    }

    fn evaluate(&self, chain: &Chain, params: &Params, scope: &Scope) -> Vec<Evaluation> {
        monitoring::evaluate(&monitoring::CIS_4_11, chain, params, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::monitoring::fixtures::{self, REGION, TOPIC, audit_pattern, chain, pending, without};
    use shared::monitoring::{CIS_4_11, Topic};
    use shared::testing::{assert_evaluation, periodic};

    fn verdict(case: &str, chain: &Chain) -> Evaluation {
        fixtures::verdict(&CloudWatchAlarmNaclChanges, case, chain)
    }

    #[test]
    fn scenario_1_compliant_when_an_alarmed_filter_covers_the_cis_pattern() {
        let e = verdict("scheduled", &chain(audit_pattern(&CIS_4_11)));
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["Trail cis-trail", "metric filter cis-filter (CIS pattern)", "alarm cis-alarm", "Manual check"],
        );
        let equivalent = "{ $.eventName = \"ReplaceNetworkAclAssociation\" || $.eventName = \"ReplaceNetworkAclEntry\" || \
         $.eventName = \"DeleteNetworkAclEntry\" || $.eventName = \"DeleteNetworkAcl\" || \
         $.eventName = \"CreateNetworkAclEntry\" || $.eventName = \"CreateNetworkAcl\" }";
        assert_evaluation(
            &verdict("scheduled", &chain(equivalent)),
            Compliance::Compliant,
            &["(equivalent to the CIS pattern)"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_when_the_filter_misses_events() {
        let narrower = without(audit_pattern(&CIS_4_11), &[" || ($.eventName = ReplaceNetworkAclAssociation)"]);
        assert_evaluation(
            &verdict("scheduled", &chain(&narrower)),
            Compliance::NonCompliant,
            &["Metric filter cis-filter", "such as $.eventName = \"ReplaceNetworkAclAssociation\""],
        );
    }

    #[test]
    fn scenario_3_non_compliant_when_a_link_is_broken() {
        let mut other_namespace = chain(audit_pattern(&CIS_4_11));
        other_namespace.alarms.get_mut(REGION).unwrap()[0].namespace = Some("Custom".into());
        assert_evaluation(
            &verdict("scheduled", &other_namespace),
            Compliance::NonCompliant,
            &["in namespace Custom", "Point the alarm at namespace CISBenchmark"],
        );
        let mut pending_only = chain(audit_pattern(&CIS_4_11));
        pending_only.topics.insert(TOPIC.into(), Topic::Subscriptions(vec![pending(TOPIC)]));
        assert_evaluation(
            &verdict("scheduled", &pending_only),
            Compliance::NonCompliant,
            &["only subscriptions pending confirmation", "Manual check"],
        );
    }

    #[test]
    fn scenario_4_disabled_actions_count_only_when_the_parameter_allows_them() {
        let mut disabled = chain(audit_pattern(&CIS_4_11));
        disabled.alarms.get_mut(REGION).unwrap()[0].actions_enabled = Some(false);
        assert_evaluation(
            &verdict("scheduled", &disabled),
            Compliance::NonCompliant,
            &["Alarm cis-alarm on metric CisEvents has its actions disabled"],
        );
        assert_evaluation(&verdict("actions-not-required", &disabled), Compliance::Compliant, &[]);
        let error = periodic(&CloudWatchAlarmNaclChanges, "invalid-parameter", &disabled).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("RequireActionsEnabled"), "{error}");
    }

    #[tokio::test]
    async fn scenario_5_gather_reads_the_chain_with_the_declared_actions() {
        assert_eq!(CloudWatchAlarmNaclChanges::SPEC.iam_actions, monitoring::ACTIONS);
        let none =
            mock!(aws_sdk_cloudtrail::Client::describe_trails).then_output(|| DescribeTrailsOutput::builder().build());
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&none]);
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let outcome =
            shared::testing::handle_periodic_with(&CloudWatchAlarmNaclChanges, "scheduled", aws).await.unwrap();
        assert_eq!(outcome.evaluations.len(), 1);
        let reported = &outcome.evaluations[0];
        assert_eq!(
            (reported.compliance_resource_id.as_str(), reported.compliance_type),
            ("123456789012", "NON_COMPLIANT")
        );
        assert!(reported.annotation.as_deref().unwrap_or_default().contains("No multi-Region CloudTrail trail"));

        let denied = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error =
            shared::testing::handle_periodic_with(&CloudWatchAlarmNaclChanges, "scheduled", aws).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("cloudtrail:DescribeTrails"), "{error}");
    }
}
