//! # vpc-flow-logs-enabled
//!
//! Checks that every VPC has an active flow log, so that its IP traffic (at least the rejected
//! packets) is recorded for investigation.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::EC2::VPC`, by VPC id, every VPC AWS Config has recorded in the region
//!   (default VPCs included).
//! - **Reads**: AWS Config's inventory of `AWS::EC2::VPC` and `AWS::EC2::FlowLog`
//!   (`config:ListDiscoveredResources`, `config:BatchGetResourceConfig`), and the recorders'
//!   recording groups (`config:DescribeConfigurationRecorders`): when either type is not
//!   recorded the rule fails with an error naming it, because flow logs that are not recorded
//!   would otherwise look like missing ones.
//! - **Parameters**: `trafficType` (optional: `ACCEPT`, `REJECT` or `ALL`; unset accepts any).
//! - **Same as**: the AWS managed rule `vpc-flow-logs-enabled` (identifier
//!   `VPC_FLOW_LOGS_ENABLED`, Security Hub EC2.6). Difference: a flow log of traffic type `ALL`
//!   satisfies `trafficType` `REJECT` or `ACCEPT`, since it records both (AWS documents only
//!   "TrafficType of flow logs").
//! - **CIS v5.0.0**: 3.7 (the CIS pack sets `trafficType` `REJECT`). **Well-Architected**:
//!   SEC-4, SEC-6, SEC-9.
//!
//! Only flow logs on the VPC itself count, not flow logs on some of its subnets or network
//! interfaces. A flow log whose delivery fails (`DeliverLogsStatus` `FAILED`) still counts, as in
//! CIS, but the annotation says so. A stopped recorder leaves the inventory as last recorded;
//! `config-recorder-enabled-all-regions` reports that.
//!
//! ## Scenarios
//! 1. COMPLIANT when the VPC has an active flow log (any traffic type, by default).
//! 2. NON_COMPLIANT when the VPC (here a default VPC) has no flow log.
//! 3. NON_COMPLIANT when only a subnet or network interface of the VPC has a flow log.
//! 4. NON_COMPLIANT when the VPC's only flow log is not active.
//! 5. With `trafficType` `REJECT` (CIS): a REJECT or ALL flow log is COMPLIANT, an ACCEPT-only
//!    one is NON_COMPLIANT.
//! 6. COMPLIANT, with a warning in the annotation, when the flow log's delivery is failing.
//! 7. With no VPC recorded nothing is reported, and results of deleted VPCs are cleared.
//! 8. `gather` reads the recorders, then pages through both inventories; AccessDenied is an
//!    error naming the action.
//! 9. When the recorder does not record `AWS::EC2::FlowLog` (or there is no recorder) `gather`
//!    fails with an error naming the type, and nothing is reported.
//! 10. An invalid `trafficType` is an error naming the parameter, and nothing is reported.

use aws_sdk_config::types::{ConfigurationRecorder, RecordingStrategyType};
use serde_json::Value;
use shared::prelude::*;
use shared::recorded::recorded_items;

pub struct VpcFlowLogsEnabled;

const VPC: &str = "AWS::EC2::VPC";
const FLOW_LOG: &str = "AWS::EC2::FlowLog";

/// The traffic a flow log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traffic {
    Accept,
    Reject,
    All,
}

impl Traffic {
    fn parse(text: &str) -> Option<Traffic> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "ACCEPT" => Traffic::Accept,
            "REJECT" => Traffic::Reject,
            "ALL" => Traffic::All,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Traffic::Accept => "ACCEPT",
            Traffic::Reject => "REJECT",
            Traffic::All => "ALL",
        }
    }

    /// Whether a flow log recording `self` records the `wanted` traffic.
    fn records(self, wanted: Traffic) -> bool {
        self == Traffic::All || self == wanted
    }
}

/// The validated parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Params {
    pub traffic: Option<Traffic>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let traffic = match p.opt_string("trafficType")? {
            None => None,
            Some(text) => Some(Traffic::parse(text).ok_or_else(|| {
                ParamError::new("trafficType", format!("expected ACCEPT, REJECT or ALL, got {text:?}"))
            })?),
        };
        Ok(Params { traffic })
    }
}

/// A recorded VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vpc {
    pub vpc_id: String,
    pub is_default: bool,
}

/// A recorded flow log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLog {
    pub flow_log_id: String,
    /// The VPC, subnet or network interface it logs.
    pub resource_id: String,
    pub traffic: Traffic,
    pub active: bool,
    pub delivery_failed: bool,
}

/// What Config has recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub vpcs: Vec<Vpc>,
    pub flow_logs: Vec<FlowLog>,
}

impl Facts {
    /// Reads the recorded VPC and flow log items; an item that cannot be understood is an error.
    pub fn from_items(items: &[ConfigurationItem]) -> Result<Facts, RuleError> {
        let mut facts = Facts::default();
        for item in items {
            let text = |path: &str| item.config(path).and_then(Value::as_str).filter(|s| !s.is_empty());
            let bad = |what: &str| {
                RuleError::InvalidData(format!(
                    "{} {}: configuration.{what} is missing or unknown",
                    item.resource_type, item.resource_id
                ))
            };
            match item.resource_type.as_str() {
                VPC => facts.vpcs.push(Vpc {
                    vpc_id: text("vpcId").unwrap_or(&item.resource_id).to_owned(),
                    is_default: item.config("isDefault").and_then(Value::as_bool).unwrap_or(false),
                }),
                FLOW_LOG => facts.flow_logs.push(FlowLog {
                    flow_log_id: text("flowLogId").unwrap_or(&item.resource_id).to_owned(),
                    resource_id: text("resourceId").ok_or_else(|| bad("resourceId"))?.to_owned(),
                    traffic: text("trafficType").and_then(Traffic::parse).ok_or_else(|| bad("trafficType"))?,
                    active: text("flowLogStatus").ok_or_else(|| bad("flowLogStatus"))?.eq_ignore_ascii_case("ACTIVE"),
                    delivery_failed: text("deliverLogsStatus").is_some_and(|s| s.eq_ignore_ascii_case("FAILED")),
                }),
                _ => {}
            }
        }
        Ok(facts)
    }
}

/// Whether a customer-managed recorder records `resource_type` (service-linked recorders do not
/// count; a recorder without a recording group records every supported type, AWS's default).
fn recorded(recorders: &[ConfigurationRecorder], resource_type: &str) -> bool {
    recorders.iter().filter(|r| r.service_principal().is_none()).any(|r| {
        let Some(group) = r.recording_group() else { return true };
        let listed = group.resource_types().iter().any(|t| t.as_str() == resource_type);
        match group.recording_strategy().and_then(|s| s.use_only()) {
            Some(RecordingStrategyType::ExclusionByResourceTypes) => !group
                .exclusion_by_resource_types()
                .is_some_and(|e| e.resource_types().iter().any(|t| t.as_str() == resource_type)),
            Some(RecordingStrategyType::InclusionByResourceTypes) => listed,
            _ => group.all_supported() || listed,
        }
    })
}

impl PeriodicRule for VpcFlowLogsEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "vpc-flow-logs-enabled",
        description: "Checks that every VPC has an active VPC flow log, of the given traffic type when trafficType is set.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[VPC],
        parameters: &[ParamSpec::string(
            "trafficType",
            None,
            "ACCEPT, REJECT or ALL: the traffic a VPC's flow log must record (ALL records both); unset accepts any.",
        )],
        iam_actions: &[
            "config:DescribeConfigurationRecorders",
            "config:ListDiscoveredResources",
            "config:BatchGetResourceConfig",
        ],
        cis: &["3.7"],
        cis_parameters: &[("trafficType", "REJECT")],
        well_architected: &["SEC-4", "SEC-6", "SEC-9"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, _: &Params, scope: &Scope) -> Result<Facts, RuleError> {
        let config = aws.client(aws_sdk_config::Client::new);
        let recorders =
            config.describe_configuration_recorders().send().await.context("config:DescribeConfigurationRecorders")?;
        let missing: Vec<&str> =
            [VPC, FLOW_LOG].into_iter().filter(|t| !recorded(recorders.configuration_recorders(), t)).collect();
        if !missing.is_empty() {
            return Err(RuleError::InvalidData(format!(
                "AWS Config does not record {} in {}, so VPC flow logs cannot be judged from its inventory; record {} with a configuration recorder",
                missing.join(" and "),
                scope.region,
                if missing.len() == 1 { "that type" } else { "both types" }
            )));
        }
        Facts::from_items(&recorded_items(&config, &[VPC, FLOW_LOG]).await?)
    }

    fn evaluate(&self, facts: &Facts, params: &Params, _: &Scope) -> Vec<Evaluation> {
        let wanted = params.traffic.map(|t| format!(" recording {} traffic", t.as_str())).unwrap_or_default();
        let create = match params.traffic {
            Some(Traffic::Reject) => "Create a flow log on the VPC with traffic type REJECT or ALL.",
            Some(Traffic::Accept) => "Create a flow log on the VPC with traffic type ACCEPT or ALL.",
            Some(Traffic::All) => "Create a flow log on the VPC with traffic type ALL.",
            None => "Create a flow log on the VPC (traffic type REJECT or ALL) to CloudWatch Logs or S3.",
        };
        facts
            .vpcs
            .iter()
            .map(|vpc| {
                let id = &vpc.vpc_id;
                let label = if vpc.is_default { format!("Default VPC {id}") } else { format!("VPC {id}") };
                let own: Vec<&FlowLog> = facts.flow_logs.iter().filter(|f| f.resource_id == *id).collect();
                let good: Vec<&FlowLog> =
                    own.iter().copied().filter(|f| f.active && params.traffic.is_none_or(|t| f.traffic.records(t))).collect();
                if let Some(best) = good.iter().find(|f| !f.delivery_failed) {
                    return Evaluation::compliant(
                        VPC,
                        id,
                        format!("{label} has active flow log {} ({} traffic).", best.flow_log_id, best.traffic.as_str()),
                    );
                }
                if let Some(failing) = good.first() {
                    return Evaluation::compliant(
                        VPC,
                        id,
                        format!(
                            "{label} has active flow log {} ({} traffic), but its delivery is failing (DeliverLogsStatus FAILED). Check the flow log's destination and permissions.",
                            failing.flow_log_id,
                            failing.traffic.as_str()
                        ),
                    );
                }
                let found: Vec<String> = own
                    .iter()
                    .map(|f| format!("{} {}{}", f.flow_log_id, f.traffic.as_str(), if f.active { "" } else { " inactive" }))
                    .collect();
                let why = if found.is_empty() {
                    format!("{label} has no flow log{wanted}")
                } else {
                    format!("{label} has no active flow log{wanted} (found: {})", found.join(", "))
                };
                Evaluation::non_compliant(VPC, id, format!("{why}. {create}"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::operation::batch_get_resource_config::BatchGetResourceConfigOutput;
    use aws_sdk_config::operation::describe_configuration_recorders::{
        DescribeConfigurationRecordersError, DescribeConfigurationRecordersOutput,
    };
    use aws_sdk_config::operation::list_discovered_resources::{
        ListDiscoveredResourcesError, ListDiscoveredResourcesOutput,
    };
    use aws_sdk_config::primitives::DateTime;
    use aws_sdk_config::types::{
        BaseConfigurationItem, ConfigurationItemStatus, ExclusionByResourceTypes, RecordingGroup, RecordingStrategy,
        ResourceIdentifier, ResourceType,
    };
    use aws_smithy_mocks::{Rule, RuleMode, mock};
    use shared::testing::{assert_evaluation, find, periodic};

    fn vpc(id: &str, default: bool) -> Vpc {
        Vpc { vpc_id: id.into(), is_default: default }
    }

    fn log(id: &str, resource: &str, traffic: Traffic) -> FlowLog {
        FlowLog { flow_log_id: id.into(), resource_id: resource.into(), traffic, active: true, delivery_failed: false }
    }

    fn facts() -> Facts {
        Facts {
            vpcs: vec![
                vpc("vpc-logged", false),
                vpc("vpc-default", true),
                vpc("vpc-subnet-only", false),
                vpc("vpc-inactive", false),
                vpc("vpc-accept", false),
                vpc("vpc-reject", false),
                vpc("vpc-failing", false),
            ],
            flow_logs: vec![
                log("fl-all", "vpc-logged", Traffic::All),
                log("fl-subnet", "subnet-0a1b", Traffic::All),
                log("fl-eni", "eni-0a1b", Traffic::Reject),
                FlowLog { active: false, ..log("fl-off", "vpc-inactive", Traffic::All) },
                log("fl-accept", "vpc-accept", Traffic::Accept),
                log("fl-reject", "vpc-reject", Traffic::Reject),
                FlowLog { delivery_failed: true, ..log("fl-failing", "vpc-failing", Traffic::All) },
            ],
        }
    }

    fn evaluations(case: &str) -> Vec<Evaluation> {
        periodic(&VpcFlowLogsEnabled, case, &facts()).unwrap()
    }

    #[test]
    fn scenario_1_compliant_with_an_active_flow_log() {
        let evaluations = evaluations("scheduled");
        let e = find(&evaluations, "vpc-logged");
        assert_eq!(e.resource_type, "AWS::EC2::VPC");
        assert_evaluation(e, Compliance::Compliant, &["VPC vpc-logged has active flow log fl-all (ALL traffic)"]);
        assert_eq!(evaluations.len(), 7);
    }

    #[test]
    fn scenario_2_non_compliant_without_flow_log() {
        assert_evaluation(
            find(&evaluations("scheduled"), "vpc-default"),
            Compliance::NonCompliant,
            &["Default VPC vpc-default has no flow log.", "Create a flow log on the VPC"],
        );
    }

    #[test]
    fn scenario_3_subnet_and_interface_flow_logs_do_not_count() {
        assert_evaluation(
            find(&evaluations("scheduled"), "vpc-subnet-only"),
            Compliance::NonCompliant,
            &["has no flow log"],
        );
    }

    #[test]
    fn scenario_4_inactive_flow_log_does_not_count() {
        assert_evaluation(
            find(&evaluations("scheduled"), "vpc-inactive"),
            Compliance::NonCompliant,
            &["no active flow log (found: fl-off ALL inactive)"],
        );
    }

    #[test]
    fn scenario_5_cis_traffic_type_reject() {
        let evaluations = evaluations("cis-parameters");
        assert_evaluation(
            find(&evaluations, "vpc-accept"),
            Compliance::NonCompliant,
            &["no active flow log recording REJECT traffic (found: fl-accept ACCEPT)", "REJECT or ALL"],
        );
        assert_evaluation(find(&evaluations, "vpc-reject"), Compliance::Compliant, &["fl-reject (REJECT traffic)"]);
        assert_evaluation(find(&evaluations, "vpc-logged"), Compliance::Compliant, &["fl-all (ALL traffic)"]);
        let defaults = self::evaluations("scheduled");
        assert_evaluation(find(&defaults, "vpc-accept"), Compliance::Compliant, &["fl-accept"]);
    }

    #[test]
    fn scenario_6_failing_delivery_still_counts_with_a_warning() {
        assert_evaluation(
            find(&evaluations("scheduled"), "vpc-failing"),
            Compliance::Compliant,
            &["delivery is failing (DeliverLogsStatus FAILED)"],
        );
    }

    #[tokio::test]
    async fn scenario_7_no_vpc_reports_nothing_and_clears_stale_results() {
        let config = config_client(&[&recorders(all_supported()), &list(vec![]), &batch(vec![])]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let outcome =
            shared::testing::handle_periodic_with(&VpcFlowLogsEnabled, "scheduled-reporting", aws).await.unwrap();
        assert_eq!(outcome.stale_cleared, 1);
        assert_eq!(outcome.verdicts(), [("vpc-deleted", "NOT_APPLICABLE")]);
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_recorders_and_both_inventories() {
        let mut items: Vec<(&str, String, Value)> = (0..120)
            .map(|i| {
                (VPC, format!("vpc-{i:03}"), serde_json::json!({"vpcId": format!("vpc-{i:03}"), "isDefault": i == 0}))
            })
            .collect();
        items.push((
            FLOW_LOG,
            "fl-1".into(),
            serde_json::json!({"flowLogId": "fl-1", "resourceId": "vpc-007", "trafficType": "REJECT", "flowLogStatus": "ACTIVE", "deliverLogsStatus": "SUCCESS"}),
        ));
        let listing = list(items.clone());
        let batches = batch(items);
        let config = config_client(&[&recorders(all_supported()), &listing, &batches]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let facts = VpcFlowLogsEnabled.gather(&aws, &Params::default(), &scope()).await.unwrap();
        assert_eq!(facts.vpcs.len(), 120);
        assert!(facts.vpcs[0].is_default && !facts.vpcs[1].is_default);
        assert_eq!(facts.flow_logs, vec![log("fl-1", "vpc-007", Traffic::Reject)]);
        assert_eq!(listing.num_calls(), 3, "two pages of VPCs, one of flow logs");
        assert_eq!(batches.num_calls(), 2, "at most 100 keys per call");

        let denied = mock!(aws_sdk_config::Client::describe_configuration_recorders).then_error(|| {
            DescribeConfigurationRecordersError::generic(
                aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config_client(&[&denied]));
        let error = VpcFlowLogsEnabled.gather(&aws, &Params::default(), &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("config:DescribeConfigurationRecorders"), "{error}");

        let denied = mock!(aws_sdk_config::Client::list_discovered_resources).then_error(|| {
            ListDiscoveredResourcesError::generic(
                aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let aws = Aws::new(shared::testing::test_sdk_config())
            .with_client(config_client(&[&recorders(all_supported()), &denied]));
        let error = VpcFlowLogsEnabled.gather(&aws, &Params::default(), &scope()).await.unwrap_err();
        assert!(error.to_string().contains("config:ListDiscoveredResources"), "{error}");
    }

    #[tokio::test]
    async fn scenario_9_unrecorded_flow_logs_are_an_error() {
        let only_vpcs = RecordingGroup::builder()
            .all_supported(false)
            .resource_types(ResourceType::from(VPC))
            .recording_strategy(
                RecordingStrategy::builder().use_only(RecordingStrategyType::InclusionByResourceTypes).build(),
            )
            .build();
        let excluded = RecordingGroup::builder()
            .all_supported(false)
            .exclusion_by_resource_types(
                ExclusionByResourceTypes::builder().resource_types(ResourceType::from(FLOW_LOG)).build(),
            )
            .recording_strategy(
                RecordingStrategy::builder().use_only(RecordingStrategyType::ExclusionByResourceTypes).build(),
            )
            .build();
        for (group, missing) in [
            (Some(only_vpcs), "does not record AWS::EC2::FlowLog in us-east-1"),
            (Some(excluded), "does not record AWS::EC2::FlowLog in us-east-1"),
            (None, "does not record AWS::EC2::VPC and AWS::EC2::FlowLog"),
        ] {
            let rule = match group {
                Some(group) => recorders(group),
                None => mock!(aws_sdk_config::Client::describe_configuration_recorders)
                    .then_output(|| DescribeConfigurationRecordersOutput::builder().build()),
            };
            let listing = list(vec![]);
            let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config_client(&[&rule, &listing]));
            let error = VpcFlowLogsEnabled.gather(&aws, &Params::default(), &scope()).await.unwrap_err();
            assert_eq!(error.error_type(), "InvalidData");
            assert!(error.to_string().contains(missing), "{error}");
            assert_eq!(listing.num_calls(), 0);
        }
    }

    #[test]
    fn scenario_10_invalid_traffic_type_is_rejected() {
        let error = periodic(&VpcFlowLogsEnabled, "invalid-parameter", &facts()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("trafficType") && error.to_string().contains("DROPPED"), "{error}");
    }

    #[test]
    fn unreadable_flow_logs_are_errors() {
        let item = ConfigurationItem::from_json(&serde_json::json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z", "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::FlowLog", "resourceId": "fl-1",
            "configuration": {"flowLogId": "fl-1", "resourceId": "vpc-1", "trafficType": "SOME", "flowLogStatus": "ACTIVE"}
        }))
        .unwrap();
        let error = Facts::from_items(&[item]).unwrap_err();
        assert!(error.to_string().contains("fl-1: configuration.trafficType"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    fn all_supported() -> RecordingGroup {
        RecordingGroup::builder().all_supported(true).include_global_resource_types(true).build()
    }

    fn recorders(group: RecordingGroup) -> Rule {
        mock!(aws_sdk_config::Client::describe_configuration_recorders).then_output(move || {
            DescribeConfigurationRecordersOutput::builder()
                .configuration_recorders(
                    ConfigurationRecorder::builder()
                        .name("default")
                        .role_arn("arn:aws:iam::123456789012:role/config")
                        .recording_group(group.clone())
                        .build(),
                )
                .build()
        })
    }

    /// ListDiscoveredResources over `items`, 100 per page, filtered by the requested type.
    fn list(items: Vec<(&'static str, String, Value)>) -> Rule {
        mock!(aws_sdk_config::Client::list_discovered_resources).then_compute_output(move |req| {
            let wanted = req.resource_type().map(|t| t.as_str().to_owned()).unwrap_or_default();
            let start: usize = req.next_token().and_then(|t| t.parse().ok()).unwrap_or(0);
            let matching: Vec<_> = items.iter().filter(|(t, _, _)| *t == wanted).collect();
            let mut out = ListDiscoveredResourcesOutput::builder();
            for (t, id, _) in matching.iter().skip(start).take(100) {
                out = out.resource_identifiers(
                    ResourceIdentifier::builder().resource_type(ResourceType::from(*t)).resource_id(id).build(),
                );
            }
            if matching.len() > start + 100 {
                out = out.next_token((start + 100).to_string());
            }
            out.build()
        })
    }

    fn batch(items: Vec<(&'static str, String, Value)>) -> Rule {
        mock!(aws_sdk_config::Client::batch_get_resource_config).then_compute_output(move |req| {
            let mut out = BatchGetResourceConfigOutput::builder();
            for key in req.resource_keys() {
                if let Some((t, id, configuration)) = items.iter().find(|(_, id, _)| id == key.resource_id()) {
                    out = out.base_configuration_items(
                        BaseConfigurationItem::builder()
                            .resource_type(ResourceType::from(*t))
                            .resource_id(id)
                            .configuration_item_status(ConfigurationItemStatus::Ok)
                            .configuration_item_capture_time(DateTime::from_secs(1_795_000_000))
                            .configuration(configuration.to_string())
                            .build(),
                    );
                }
            }
            out.build()
        })
    }

    /// A Config client answering with `rules`, and holding a result for a deleted VPC.
    fn config_client(rules: &[&Rule]) -> aws_sdk_config::Client {
        use aws_sdk_config::operation::get_compliance_details_by_config_rule::GetComplianceDetailsByConfigRuleOutput;
        use aws_sdk_config::operation::put_evaluations::PutEvaluationsOutput;
        use aws_sdk_config::types::{EvaluationResult, EvaluationResultIdentifier, EvaluationResultQualifier};
        let put =
            mock!(aws_sdk_config::Client::put_evaluations).then_output(|| PutEvaluationsOutput::builder().build());
        let results = mock!(aws_sdk_config::Client::get_compliance_details_by_config_rule).then_output(|| {
            GetComplianceDetailsByConfigRuleOutput::builder()
                .evaluation_results(
                    EvaluationResult::builder()
                        .evaluation_result_identifier(
                            EvaluationResultIdentifier::builder()
                                .evaluation_result_qualifier(
                                    EvaluationResultQualifier::builder()
                                        .resource_type(VPC)
                                        .resource_id("vpc-deleted")
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let all: Vec<&Rule> = rules.iter().copied().chain([&put, &results]).collect();
        shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &all)
    }
}
