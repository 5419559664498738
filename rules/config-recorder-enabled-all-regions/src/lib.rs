//! # config-recorder-enabled-all-regions
//!
//! Checks that AWS Config is recording in this region, and in the regions listed as a parameter:
//! a customer managed configuration recorder that records all supported resource types, is
//! running, did not fail its last recording, and has a delivery channel to an S3 bucket.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), once per region the rule runs in.
//! - **Reads**: `config:DescribeConfigurationRecorders`, `config:DescribeConfigurationRecorderStatus`
//!   and `config:DescribeDeliveryChannels`, in this region and in each of `additionalRegions`.
//! - **Parameters** (optional): `additionalRegions` (comma-separated regions to check from here
//!   as well, for example regions where the rule itself cannot be deployed);
//!   `globalResourceTypesRegion` (the one region that must record global resource types such as
//!   IAM; checked when it is among the regions this rule checks, and not checked when unset).
//! - **Same as**: no AWS managed rule exists (Security Hub Config.1 is evaluated by Security Hub
//!   itself); the name is the one the CIS catalog proposes. A recorder whose last status is
//!   `PENDING` (it has just started) passes, and the annotation says so.
//! - **CIS v5.0.0**: 3.3. "All regions" is met by deploying the rule in every region, or by
//!   listing the other regions in `additionalRegions`.
//!
//! ## Scenarios
//! 1. COMPLIANT when a customer managed recorder records all supported resource types, is
//!    recording, its last status is SUCCESS (or PENDING, which the annotation mentions), and a
//!    delivery channel names an S3 bucket.
//! 2. NON_COMPLIANT when the region has no configuration recorder; a service-linked recorder
//!    (one with a service principal) does not count.
//! 3. NON_COMPLIANT when the recorder records only some resource types (selected types, or all
//!    but excluded types).
//! 4. NON_COMPLIANT when the recorder is stopped, its last recording failed (the annotation
//!    names the error code), or its last status is anything else but SUCCESS or PENDING.
//! 5. NON_COMPLIANT when no delivery channel delivers to an S3 bucket.
//! 6. With `additionalRegions`, each listed region is checked as well, and the annotation names
//!    every failing region.
//! 7. With `globalResourceTypesRegion`, that region must record global resource types; without
//!    it, global types are not checked and the annotation says so.
//! 8. A malformed region name in a parameter is an error naming the parameter.
//! 9. `gather` calls the three Config APIs in each region; an error names the action and the
//!    region, never becomes a verdict.

use aws_sdk_config::config::Region;
use aws_sdk_config::types::{
    ConfigurationRecorder, ConfigurationRecorderStatus, DeliveryChannel, RecorderStatus, RecordingStrategyType,
};
use shared::prelude::*;

pub struct ConfigRecorderEnabledAllRegions;

const ADDITIONAL_REGIONS: &str = "additionalRegions";
const GLOBAL_REGION: &str = "globalResourceTypesRegion";

pub struct Params {
    additional_regions: Vec<String>,
    global_region: Option<String>,
}

/// `us-east-1`, `ap-southeast-4`, `us-gov-west-1`, `eu-isoe-west-1`…
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let additional_regions = p.list(ADDITIONAL_REGIONS)?.to_vec();
        if let Some(bad) = additional_regions.iter().find(|r| !is_region_name(r)) {
            return Err(ParamError::new(ADDITIONAL_REGIONS, format!("{bad:?} is not a region name such as eu-west-1")));
        }
        let global_region = p.opt_string(GLOBAL_REGION)?.filter(|r| !r.is_empty()).map(str::to_owned);
        if let Some(bad) = global_region.as_deref().filter(|r| !is_region_name(r)) {
            return Err(ParamError::new(GLOBAL_REGION, format!("{bad:?} is not a region name such as us-east-1")));
        }
        Ok(Params { additional_regions, global_region })
    }
}

/// What AWS Config says about its recorders and delivery channels in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRecording {
    pub region: String,
    pub recorders: Vec<ConfigurationRecorder>,
    pub statuses: Vec<ConfigurationRecorderStatus>,
    pub channels: Vec<DeliveryChannel>,
}

/// The regions to check, this one first, each once.
fn regions(scope_region: &str, p: &Params) -> Vec<String> {
    let mut regions = vec![scope_region.to_owned()];
    for r in &p.additional_regions {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    regions
}

/// Adds the region to the message of an error from another region's API.
fn in_region(region: &str) -> impl Fn(RuleError) -> RuleError + '_ {
    move |e| match e {
        RuleError::AccessDenied { action, message } => {
            RuleError::AccessDenied { action, message: format!("in {region}: {message}") }
        }
        RuleError::Service { action, code, message } => {
            RuleError::Service { action, code, message: format!("in {region}: {message}") }
        }
        other => other,
    }
}

/// Why a region's recording falls short, or `Ok(note)` with what the annotation should mention.
fn judge(r: &RegionRecording, global_region: Option<&str>) -> Result<Option<String>, String> {
    let recorder = r
        .recorders
        .iter()
        .find(|c| c.service_principal().is_none_or(str::is_empty))
        .ok_or("no configuration recorder")?;
    let name = recorder.name().unwrap_or("?");
    let group = recorder.recording_group().ok_or(format!("recorder {name} has no recording group"))?;
    let strategy = group.recording_strategy().and_then(|s| s.use_only());
    if !group.all_supported() || strategy.is_some_and(|s| *s != RecordingStrategyType::AllSupportedResourceTypes) {
        return Err(match strategy {
            Some(RecordingStrategyType::ExclusionByResourceTypes) => {
                format!("recorder {name} excludes some resource types")
            }
            _ => format!("recorder {name} records only selected resource types"),
        });
    }
    let status = r.statuses.iter().find(|s| s.name() == Some(name)).ok_or(format!("recorder {name} has no status"))?;
    if !status.recording() {
        return Err(format!("recorder {name} is stopped"));
    }
    // AWS sends `Success`, `Pending`, `Failure`; moto sends `PENDING`: compare without case.
    let last = status.last_status().map(|s| s.as_str().to_ascii_lowercase());
    let note = match last.as_deref() {
        Some("success") => None,
        Some("pending") => Some("last status PENDING".to_owned()),
        None => Some("no last status yet".to_owned()),
        Some("failure") => {
            return Err(format!(
                "recorder {name}'s last recording failed ({})",
                status.last_error_code().unwrap_or("no error code")
            ));
        }
        Some(_) => {
            return Err(format!(
                "recorder {name}'s last status is {}, not SUCCESS",
                status.last_status().map(RecorderStatus::as_str).unwrap_or("?")
            ));
        }
    };
    if !r.channels.iter().any(|c| c.s3_bucket_name().is_some_and(|b| !b.is_empty())) {
        return Err("no delivery channel to an S3 bucket".into());
    }
    if global_region == Some(r.region.as_str()) && !group.include_global_resource_types() {
        return Err(format!("recorder {name} does not record global resource types (IAM)"));
    }
    Ok(note)
}

impl PeriodicRule for ConfigRecorderEnabledAllRegions {
    const SPEC: RuleSpec = RuleSpec {
        name: "config-recorder-enabled-all-regions",
        description: "Checks that AWS Config records all supported resource types with a running recorder and a delivery channel, in this region and in the regions listed.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::csv(ADDITIONAL_REGIONS, None, "Other regions to check from here (comma-separated)."),
            ParamSpec::string(
                GLOBAL_REGION,
                None,
                "The region that must record global resource types such as IAM (empty: not checked).",
            ),
        ],
        iam_actions: &[
            "config:DescribeConfigurationRecorders",
            "config:DescribeConfigurationRecorderStatus",
            "config:DescribeDeliveryChannels",
        ],
        cis: &["3.3"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Vec<RegionRecording>;

    async fn gather(&self, aws: &Aws, p: &Params, scope: &Scope) -> Result<Self::Facts, RuleError> {
        let base = aws.client(aws_sdk_config::Client::new);
        let mut facts = Vec::new();
        for region in regions(&scope.region, p) {
            let client = if base.config().region().map(|r| r.as_ref()) == Some(region.as_str()) {
                base.clone()
            } else {
                aws_sdk_config::Client::from_conf(
                    base.config().to_builder().region(Region::new(region.clone())).build(),
                )
            };
            let recorders = client
                .describe_configuration_recorders()
                .send()
                .await
                .context("config:DescribeConfigurationRecorders")
                .map_err(in_region(&region))?;
            let statuses = client
                .describe_configuration_recorder_status()
                .send()
                .await
                .context("config:DescribeConfigurationRecorderStatus")
                .map_err(in_region(&region))?;
            let channels = client
                .describe_delivery_channels()
                .send()
                .await
                .context("config:DescribeDeliveryChannels")
                .map_err(in_region(&region))?;
            facts.push(RegionRecording {
                region: region.clone(),
                recorders: recorders.configuration_recorders().to_vec(),
                statuses: statuses.configuration_recorders_status().to_vec(),
                channels: channels.delivery_channels().to_vec(),
            });
        }
        Ok(facts)
    }

    fn evaluate(&self, facts: &Self::Facts, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let global = p.global_region.as_deref();
        let mut failures = Vec::new();
        let mut notes = Vec::new();
        for r in facts {
            match judge(r, global) {
                Ok(Some(note)) => notes.push(format!("{} in {}", note, r.region)),
                Ok(None) => {}
                Err(why) => failures.push(format!("{}: {why}", r.region)),
            }
        }
        let checked: Vec<&str> = facts.iter().map(|r| r.region.as_str()).collect();
        let evaluation = if failures.is_empty() {
            let mut text = format!(
                "AWS Config records all supported resource types in {} with a running recorder and a delivery channel.",
                checked.join(", ")
            );
            match global {
                Some(g) if checked.contains(&g) => text.push_str(&format!(" Global types are recorded in {g}.")),
                Some(_) => {}
                None => text.push_str(" Global types not checked (set globalResourceTypesRegion)."),
            }
            if !notes.is_empty() {
                text.push_str(&format!(" Note: {}; check it turns SUCCESS.", notes.join(", ")));
            }
            Evaluation::compliant(ACCOUNT, &scope.account_id, text)
        } else {
            Evaluation::non_compliant(
                ACCOUNT,
                &scope.account_id,
                format!(
                    "AWS Config is not fully recording: {}. Start a recorder for all supported resource types with an S3 delivery channel in each region; record global types in one.",
                    failures.join("; ")
                ),
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput;
    use aws_sdk_config::operation::describe_configuration_recorders::{
        DescribeConfigurationRecordersError, DescribeConfigurationRecordersOutput,
    };
    use aws_sdk_config::operation::describe_delivery_channels::DescribeDeliveryChannelsOutput;
    use aws_sdk_config::types::{RecordingGroup, RecordingStrategy};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};
    use std::sync::{Arc, Mutex};

    fn recorder(all_supported: bool, strategy: Option<RecordingStrategyType>, global: bool) -> ConfigurationRecorder {
        ConfigurationRecorder::builder()
            .name("default")
            .role_arn("arn:aws:iam::123456789012:role/config")
            .recording_group(
                RecordingGroup::builder()
                    .all_supported(all_supported)
                    .include_global_resource_types(global)
                    .set_recording_strategy(strategy.map(|s| RecordingStrategy::builder().use_only(s).build()))
                    .build(),
            )
            .build()
    }

    fn status(recording: bool, last: RecorderStatus) -> ConfigurationRecorderStatus {
        ConfigurationRecorderStatus::builder()
            .name("default")
            .recording(recording)
            .last_status(last)
            .last_error_code("AccessDenied")
            .build()
    }

    fn channel() -> DeliveryChannel {
        DeliveryChannel::builder().name("default").s3_bucket_name("config-bucket").build()
    }

    fn healthy(region: &str) -> RegionRecording {
        RegionRecording {
            region: region.into(),
            recorders: vec![recorder(true, Some(RecordingStrategyType::AllSupportedResourceTypes), true)],
            statuses: vec![status(true, RecorderStatus::Success)],
            channels: vec![channel()],
        }
    }

    fn only(case: &str, facts: &Vec<RegionRecording>) -> Evaluation {
        let evaluations = periodic(&ConfigRecorderEnabledAllRegions, case, facts).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        assert!(e.annotation.chars().count() <= 256, "{}", e.annotation);
        e
    }

    #[test]
    fn scenario_1_compliant_when_recording_everything_with_a_channel() {
        let e = only("scheduled", &vec![healthy("us-east-1")]);
        assert_evaluation(&e, Compliance::Compliant, &["all supported resource types in us-east-1"]);
        assert!(!e.annotation.contains("PENDING"));
        let mut pending = healthy("us-east-1");
        pending.statuses = vec![status(true, RecorderStatus::Pending)];
        pending.recorders = vec![recorder(true, None, false)];
        let e = only("scheduled", &vec![pending.clone()]);
        assert_evaluation(&e, Compliance::Compliant, &["last status PENDING in us-east-1"]);
        // moto spells it in capitals.
        pending.statuses = vec![status(true, RecorderStatus::from("PENDING"))];
        let e = only("scheduled", &vec![pending]);
        assert_evaluation(&e, Compliance::Compliant, &["last status PENDING in us-east-1"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_recorder() {
        let mut none = healthy("us-east-1");
        none.recorders.clear();
        none.statuses.clear();
        let e = only("scheduled", &vec![none]);
        assert_evaluation(&e, Compliance::NonCompliant, &["us-east-1: no configuration recorder", "Start a recorder"]);
        let mut service_linked = healthy("us-east-1");
        let mut linked = recorder(true, None, true);
        linked.service_principal = Some("config-conforms.amazonaws.com".into());
        service_linked.recorders = vec![linked];
        let e = only("scheduled", &vec![service_linked]);
        assert_evaluation(&e, Compliance::NonCompliant, &["no configuration recorder"]);
    }

    #[test]
    fn scenario_3_non_compliant_when_recording_only_some_types() {
        let mut some = healthy("us-east-1");
        some.recorders = vec![recorder(false, Some(RecordingStrategyType::InclusionByResourceTypes), false)];
        assert_evaluation(
            &only("scheduled", &vec![some]),
            Compliance::NonCompliant,
            &["records only selected resource types"],
        );
        let mut excluding = healthy("us-east-1");
        excluding.recorders = vec![recorder(false, Some(RecordingStrategyType::ExclusionByResourceTypes), false)];
        assert_evaluation(
            &only("scheduled", &vec![excluding]),
            Compliance::NonCompliant,
            &["excludes some resource types"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_when_stopped_or_failing() {
        let mut stopped = healthy("us-east-1");
        stopped.statuses = vec![status(false, RecorderStatus::Success)];
        assert_evaluation(
            &only("scheduled", &vec![stopped]),
            Compliance::NonCompliant,
            &["recorder default is stopped"],
        );
        let mut failing = healthy("us-east-1");
        failing.statuses = vec![status(true, RecorderStatus::Failure)];
        assert_evaluation(
            &only("scheduled", &vec![failing]),
            Compliance::NonCompliant,
            &["last recording failed (AccessDenied)"],
        );
        let mut odd = healthy("us-east-1");
        odd.statuses = vec![status(true, RecorderStatus::NotApplicable)];
        assert_evaluation(
            &only("scheduled", &vec![odd]),
            Compliance::NonCompliant,
            &["last status is NotApplicable, not SUCCESS"],
        );
    }

    #[test]
    fn scenario_5_non_compliant_without_a_delivery_channel() {
        let mut no_channel = healthy("us-east-1");
        no_channel.channels.clear();
        assert_evaluation(&only("scheduled", &vec![no_channel]), Compliance::NonCompliant, &["no delivery channel"]);
    }

    #[test]
    fn scenario_6_every_listed_region_is_checked() {
        let mut stopped = healthy("ap-south-2");
        stopped.statuses = vec![status(false, RecorderStatus::Success)];
        let mut missing = healthy("eu-west-1");
        missing.recorders.clear();
        let e = only("additional-regions", &vec![healthy("us-east-1"), missing, stopped]);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["eu-west-1: no configuration recorder; ap-south-2: recorder default is stopped"],
        );
        assert!(!e.annotation.contains("us-east-1:"));
        let e = only("additional-regions", &vec![healthy("us-east-1"), healthy("eu-west-1"), healthy("ap-south-2")]);
        assert_evaluation(&e, Compliance::Compliant, &["us-east-1, eu-west-1, ap-south-2"]);
        let p = shared::testing::params::<ConfigRecorderEnabledAllRegions>("additional-regions").unwrap();
        assert_eq!(regions("us-east-1", &p), ["us-east-1", "eu-west-1", "ap-south-2"]);
        assert_eq!(regions("eu-west-1", &p), ["eu-west-1", "ap-south-2"]);
    }

    #[test]
    fn scenario_7_global_resource_types_in_the_named_region() {
        let e = only("additional-regions", &vec![healthy("us-east-1"), healthy("eu-west-1"), healthy("ap-south-2")]);
        assert_evaluation(&e, Compliance::Compliant, &["Global types are recorded in us-east-1"]);
        let mut no_global = healthy("us-east-1");
        no_global.recorders = vec![recorder(true, None, false)];
        let e = only("additional-regions", &vec![no_global.clone(), healthy("eu-west-1"), healthy("ap-south-2")]);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["us-east-1: recorder default does not record global resource types"],
        );
        let e = only("scheduled", &vec![no_global]);
        assert_evaluation(&e, Compliance::Compliant, &["Global types not checked"]);
    }

    #[test]
    fn scenario_8_malformed_region_names_are_errors() {
        let error = periodic(&ConfigRecorderEnabledAllRegions, "invalid-parameter", &vec![]).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("additionalRegions") && error.to_string().contains("Europe"), "{error}");
        for good in ["us-east-1", "ap-southeast-4", "us-gov-west-1", "eu-isoe-west-1", "cn-north-1"] {
            assert!(is_region_name(good), "{good}");
        }
        for bad in ["us-east", "US-EAST-1", "us_east_1", "eu-west-1a", "1-2-3", ""] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    /// Records the host every request was sent to.
    #[derive(Debug, Clone, Default)]
    struct Hosts(Arc<Mutex<Vec<String>>>);

    impl aws_smithy_runtime_api::client::interceptors::Intercept for Hosts {
        fn name(&self) -> &'static str {
            "Hosts"
        }

        fn read_before_transmit(
            &self,
            context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
            _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
            _: &mut aws_smithy_types::config_bag::ConfigBag,
        ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
            self.0.lock().unwrap().push(context.request().uri().to_owned());
            Ok(())
        }
    }

    #[tokio::test]
    async fn scenario_9_gather_reads_each_region_and_names_failures() {
        let scope = shared::testing::scope(aws_sdk_config::primitives::DateTime::from_secs(0));
        let params = shared::testing::params::<ConfigRecorderEnabledAllRegions>("additional-regions").unwrap();
        let recorders = mock!(aws_sdk_config::Client::describe_configuration_recorders).then_output(|| {
            DescribeConfigurationRecordersOutput::builder().configuration_recorders(recorder(true, None, true)).build()
        });
        let statuses = mock!(aws_sdk_config::Client::describe_configuration_recorder_status).then_output(|| {
            DescribeConfigurationRecorderStatusOutput::builder()
                .configuration_recorders_status(status(true, RecorderStatus::Success))
                .build()
        });
        let channels = mock!(aws_sdk_config::Client::describe_delivery_channels)
            .then_output(|| DescribeDeliveryChannelsOutput::builder().delivery_channels(channel()).build());
        let hosts = Hosts::default();
        let recorder_hosts = hosts.clone();
        let config =
            shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&recorders, &statuses, &channels], move |c| c
                .interceptor(recorder_hosts.clone()));
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let facts = ConfigRecorderEnabledAllRegions.gather(&aws, &params, &scope).await.unwrap();
        assert_eq!(
            facts.iter().map(|r| r.region.as_str()).collect::<Vec<_>>(),
            ["us-east-1", "eu-west-1", "ap-south-2"]
        );
        assert_evaluation(
            &ConfigRecorderEnabledAllRegions.evaluate(&facts, &params, &scope)[0],
            Compliance::Compliant,
            &["us-east-1, eu-west-1, ap-south-2"],
        );
        let hosts = hosts.0.lock().unwrap().clone();
        assert_eq!(hosts.len(), 9, "{hosts:?}");
        for (i, region) in ["us-east-1", "eu-west-1", "ap-south-2"].iter().enumerate() {
            for host in &hosts[i * 3..i * 3 + 3] {
                assert!(host.contains(&format!("config.{region}.amazonaws.com")), "{host} is not in {region}");
            }
        }

        let denied = mock!(aws_sdk_config::Client::describe_configuration_recorders)
            .sequence()
            .output(|| DescribeConfigurationRecordersOutput::builder().build())
            .error(|| {
                DescribeConfigurationRecordersError::generic(
                    aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
                )
            })
            .build();
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&denied, &statuses, &channels]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let error = ConfigRecorderEnabledAllRegions.gather(&aws, &params, &scope).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        let text = error.to_string();
        assert!(text.contains("config:DescribeConfigurationRecorders") && text.contains("in eu-west-1"), "{text}");
    }
}
