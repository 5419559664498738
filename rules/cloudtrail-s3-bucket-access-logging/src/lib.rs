//! # cloudtrail-s3-bucket-access-logging
//!
//! Checks that the S3 bucket each CloudTrail trail delivers its log files to has S3 server access
//! logging enabled, so that every access to the audit trail itself is recorded.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::CloudTrail::Trail`, by trail name, in the trail's home region.
//! - **Reads**: `cloudtrail:DescribeTrails` (trails of this region, without shadow copies), then
//!   the trail buckets' configuration items from AWS Config's inventory
//!   (`config:BatchGetResourceConfig`, `AWS::S3::Bucket`,
//!   `supplementaryConfiguration.BucketLoggingConfiguration`), so no S3 permission is needed.
//!   Only when a bucket is missing from the inventory: `config:DescribeConfigurationRecorders`
//!   and `config:DescribeConfigurationRecorderStatus`, to tell "the bucket is elsewhere" from
//!   "Config does not record buckets here".
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cloudtrail-s3-bucket-access-logging`. A bucket that AWS
//!   Config does not record in this account and region (a central log-archive bucket in another
//!   account, or a bucket in another region) is reported NOT_APPLICABLE with a note to evaluate
//!   it where it lives; if Config does not record S3 buckets here at all, the rule fails with an
//!   error instead of guessing.
//! - **CIS v5.0.0**: 3.4 (Manual).
//!
//! ## Scenarios
//! 1. COMPLIANT when the trail's bucket logs server access to a target bucket (the annotation
//!    names it and asks for the manual check that it is a separate, restricted bucket).
//! 2. NON_COMPLIANT when the bucket has no server access logging; trails sharing the bucket each
//!    get the verdict.
//! 3. NON_COMPLIANT when AWS Config recorded the bucket as deleted.
//! 4. NOT_APPLICABLE when the bucket is not in this region's inventory while Config records S3
//!    buckets here (another account or region); an error when Config does not record them.
//! 5. A trail whose home region is another region is left to the rule in that region; with no
//!    trail nothing is reported and results of deleted trails are cleared.
//! 6. `gather` reads the buckets in batches from Config's inventory; errors name the action, and
//!    an item without a logging configuration is an error, never a verdict.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::Trail;
use aws_sdk_config::types::{ResourceKey, ResourceType};
use shared::ConfigurationItem;
use shared::ci::ItemStatus;
use shared::cloudtrail::{self, TRAIL, homed_in};
use shared::prelude::*;

pub struct CloudTrailS3BucketAccessLogging;

const BUCKET: &str = "AWS::S3::Bucket";
/// `BatchGetResourceConfig` takes at most 100 keys.
const BATCH: usize = 100;

/// What AWS Config's inventory says about a trail bucket's server access logging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketLogging {
    /// Recorded: the target bucket of its access logs, if any.
    Recorded(Option<String>),
    /// Recorded as deleted.
    Deleted,
    /// Not in this account and region's inventory, although Config records S3 buckets here.
    Elsewhere,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// `DescribeTrails` without shadow trails.
    pub trails: Vec<Trail>,
    /// Bucket name → logging, for the buckets of the trails homed in this region.
    pub buckets: BTreeMap<String, BucketLogging>,
}

impl PeriodicRule for CloudTrailS3BucketAccessLogging {
    const SPEC: RuleSpec = RuleSpec {
        name: "cloudtrail-s3-bucket-access-logging",
        description: "Checks that the S3 bucket each CloudTrail trail delivers to has server access logging enabled.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[TRAIL],
        parameters: &[],
        iam_actions: &[
            "cloudtrail:DescribeTrails",
            "config:BatchGetResourceConfig",
            "config:DescribeConfigurationRecorders",
            "config:DescribeConfigurationRecorderStatus",
        ],
        cis: &["3.4"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, _: &NoParams, scope: &Scope) -> Result<Facts, RuleError> {
        let trails = cloudtrail::region_trails(aws).await?;
        let mut names = Vec::new();
        for trail in trails.iter().filter(|t| homed_in(t, &scope.region)) {
            let bucket = trail.s3_bucket_name().filter(|b| !b.is_empty()).ok_or_else(|| {
                RuleError::InvalidData(format!(
                    "cloudtrail:DescribeTrails listed trail {} without an S3 bucket",
                    trail.name().unwrap_or("?")
                ))
            })?;
            if !names.iter().any(|n| n == bucket) {
                names.push(bucket.to_owned());
            }
        }
        if names.is_empty() {
            return Ok(Facts { trails, buckets: BTreeMap::new() });
        }
        let config = aws.client(aws_sdk_config::Client::new);
        let mut buckets = BTreeMap::new();
        for item in recorded_buckets(&config, &names).await? {
            let logging = if matches!(item.status, ItemStatus::ResourceDeleted | ItemStatus::ResourceDeletedNotRecorded)
            {
                BucketLogging::Deleted
            } else if item.status.is_evaluable() {
                let configuration = item.supplementary("BucketLoggingConfiguration").ok_or_else(|| {
                    RuleError::InvalidData(format!(
                        "AWS Config's item for bucket {} has no BucketLoggingConfiguration, so its server access logging cannot be established",
                        item.resource_id
                    ))
                })?;
                let target =
                    configuration.get("destinationBucketName").and_then(|v| v.as_str()).filter(|t| !t.is_empty());
                BucketLogging::Recorded(target.map(str::to_owned))
            } else {
                continue;
            };
            buckets.insert(item.resource_id.clone(), logging);
        }
        let missing: Vec<&String> = names.iter().filter(|n| !buckets.contains_key(*n)).collect();
        if !missing.is_empty() {
            if !records_buckets(&config).await? {
                let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                return Err(RuleError::InvalidData(format!(
                    "the server access logging of trail bucket(s) {} cannot be established: AWS Config does not record {BUCKET} in {} (no running recorder that includes it). Record {BUCKET} in this region.",
                    list.join(", "),
                    scope.region
                )));
            }
            for name in missing {
                buckets.insert(name.clone(), BucketLogging::Elsewhere);
            }
        }
        Ok(Facts { trails, buckets })
    }

    fn evaluate(&self, facts: &Facts, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        facts
            .trails
            .iter()
            .filter(|t| homed_in(t, &scope.region))
            .filter_map(|t| {
                let name = t.name()?;
                let bucket = t.s3_bucket_name()?;
                Some(match facts.buckets.get(bucket)? {
                    BucketLogging::Recorded(Some(target)) => Evaluation::compliant(
                        TRAIL,
                        name,
                        format!(
                            "Trail {name} delivers to bucket {bucket}, which logs server access to {target}. Manual check: confirm {target} is a separate bucket with restricted access."
                        ),
                    ),
                    BucketLogging::Recorded(None) => Evaluation::non_compliant(
                        TRAIL,
                        name,
                        format!(
                            "Trail {name} delivers to bucket {bucket}, which has no S3 server access logging. Enable server access logging on the bucket, preferably to a separate log bucket."
                        ),
                    ),
                    BucketLogging::Deleted => Evaluation::non_compliant(
                        TRAIL,
                        name,
                        format!(
                            "Trail {name} delivers to bucket {bucket}, which no longer exists. Point the trail at an existing bucket that has server access logging enabled."
                        ),
                    ),
                    BucketLogging::Elsewhere => Evaluation::not_applicable(
                        TRAIL,
                        name,
                        format!(
                            "Trail {name} delivers to bucket {bucket}, which AWS Config does not record in this account and region. Check its server access logging where the bucket is (another account or region)."
                        ),
                    ),
                })
            })
            .collect()
    }
}

/// The configuration items AWS Config holds for these buckets in this account and region.
async fn recorded_buckets(
    config: &aws_sdk_config::Client,
    names: &[String],
) -> Result<Vec<ConfigurationItem>, RuleError> {
    let mut items = Vec::new();
    for chunk in names.chunks(BATCH) {
        let keys = chunk
            .iter()
            .map(|n| ResourceKey::builder().resource_type(ResourceType::Bucket).resource_id(n).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| RuleError::InvalidData(e.to_string()))?;
        let output = config
            .batch_get_resource_config()
            .set_resource_keys(Some(keys))
            .send()
            .await
            .context("config:BatchGetResourceConfig")?;
        if let Some(key) = output.unprocessed_resource_keys().first() {
            return Err(RuleError::Service {
                action: "config:BatchGetResourceConfig".into(),
                code: "UnprocessedResourceKeys".into(),
                message: format!(
                    "AWS Config did not process bucket {} (and maybe others); try again later",
                    key.resource_id()
                ),
            });
        }
        for item in output.base_configuration_items() {
            items.push(ConfigurationItem::from_sdk_base(item).map_err(|e| RuleError::InvalidData(e.0))?);
        }
    }
    Ok(items)
}

/// Whether a running customer managed recorder in this region records S3 buckets.
async fn records_buckets(config: &aws_sdk_config::Client) -> Result<bool, RuleError> {
    let recorders =
        config.describe_configuration_recorders().send().await.context("config:DescribeConfigurationRecorders")?;
    let statuses = config
        .describe_configuration_recorder_status()
        .send()
        .await
        .context("config:DescribeConfigurationRecorderStatus")?;
    let is_bucket = |t: &ResourceType| t.as_str() == BUCKET;
    Ok(recorders.configuration_recorders().iter().filter(|r| r.service_principal().is_none_or(str::is_empty)).any(
        |r| {
            let includes = r.recording_group().is_some_and(|g| {
                if g.all_supported() {
                    true
                } else if let Some(excluded) = g.exclusion_by_resource_types() {
                    !excluded.resource_types().iter().any(is_bucket)
                } else {
                    g.resource_types().iter().any(is_bucket)
                }
            });
            let running =
                statuses.configuration_recorders_status().iter().any(|s| s.name() == r.name() && s.recording());
            includes && running
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_sdk_config::operation::batch_get_resource_config::{
        BatchGetResourceConfigError, BatchGetResourceConfigOutput,
    };
    use aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput;
    use aws_sdk_config::operation::describe_configuration_recorders::DescribeConfigurationRecordersOutput;
    use aws_sdk_config::types::{
        BaseConfigurationItem, ConfigurationItemStatus, ConfigurationRecorder, ConfigurationRecorderStatus,
        ExclusionByResourceTypes, RecordingGroup,
    };
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, find, periodic};

    fn trail(name: &str, home: &str, bucket: &str) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(true)
            .s3_bucket_name(bucket)
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .build()
    }

    fn facts(trails: Vec<Trail>, buckets: &[(&str, BucketLogging)]) -> Facts {
        Facts { trails, buckets: buckets.iter().map(|(n, l)| ((*n).to_owned(), l.clone())).collect() }
    }

    fn evaluate(f: &Facts) -> Vec<Evaluation> {
        let evaluations = periodic(&CloudTrailS3BucketAccessLogging, "scheduled", f).unwrap();
        for e in &evaluations {
            assert_eq!(e.resource_type, TRAIL);
            assert!(e.annotation.chars().count() <= 256, "{}", e.annotation);
        }
        evaluations
    }

    #[test]
    fn scenario_1_compliant_when_the_bucket_logs_server_access() {
        let f = facts(
            vec![trail("main", "us-east-1", "trail-logs")],
            &[("trail-logs", BucketLogging::Recorded(Some("access-logs".into())))],
        );
        assert_evaluation(
            find(&evaluate(&f), "main"),
            Compliance::Compliant,
            &["bucket trail-logs", "to access-logs", "Manual check"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_without_server_access_logging() {
        let f = facts(
            vec![trail("main", "us-east-1", "trail-logs"), trail("data-events", "us-east-1", "trail-logs")],
            &[("trail-logs", BucketLogging::Recorded(None))],
        );
        let evaluations = evaluate(&f);
        for name in ["main", "data-events"] {
            assert_evaluation(
                find(&evaluations, name),
                Compliance::NonCompliant,
                &["no S3 server access logging", "Enable server access logging"],
            );
        }
    }

    #[test]
    fn scenario_3_non_compliant_when_the_bucket_was_deleted() {
        let f = facts(vec![trail("main", "us-east-1", "gone")], &[("gone", BucketLogging::Deleted)]);
        assert_evaluation(find(&evaluate(&f), "main"), Compliance::NonCompliant, &["gone, which no longer exists"]);
    }

    #[test]
    fn scenario_4_not_applicable_when_the_bucket_is_elsewhere() {
        let f = facts(vec![trail("org", "us-east-1", "log-archive")], &[("log-archive", BucketLogging::Elsewhere)]);
        assert_evaluation(
            find(&evaluate(&f), "org"),
            Compliance::NotApplicable,
            &["does not record in this account and region", "another account or region"],
        );
    }

    #[tokio::test]
    async fn scenario_4_error_when_config_does_not_record_buckets_here() {
        let cloudtrail = trails_client(vec![trail("org", "us-east-1", "log-archive")]);
        let empty = mock!(aws_sdk_config::Client::batch_get_resource_config)
            .then_output(|| BatchGetResourceConfigOutput::builder().build());
        let recorders = mock!(aws_sdk_config::Client::describe_configuration_recorders).then_output(|| {
            DescribeConfigurationRecordersOutput::builder()
                .configuration_recorders(recorder(RecordingGroup::builder().all_supported(true).build()))
                .build()
        });
        let stopped = mock!(aws_sdk_config::Client::describe_configuration_recorder_status).then_output(|| {
            DescribeConfigurationRecorderStatusOutput::builder()
                .configuration_recorders_status(
                    ConfigurationRecorderStatus::builder().name("default").recording(false).build(),
                )
                .build()
        });
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&empty, &recorders, &stopped]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let error = CloudTrailS3BucketAccessLogging.gather(&aws, &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(
            error.to_string().contains("log-archive") && error.to_string().contains("does not record AWS::S3::Bucket"),
            "{error}"
        );

        let running = mock!(aws_sdk_config::Client::describe_configuration_recorder_status).then_output(|| {
            DescribeConfigurationRecorderStatusOutput::builder()
                .configuration_recorders_status(
                    ConfigurationRecorderStatus::builder().name("default").recording(true).build(),
                )
                .build()
        });
        for (group, records) in [
            (RecordingGroup::builder().all_supported(true).build(), true),
            (RecordingGroup::builder().all_supported(false).resource_types(ResourceType::Bucket).build(), true),
            (RecordingGroup::builder().all_supported(false).resource_types(ResourceType::Instance).build(), false),
            (
                RecordingGroup::builder()
                    .all_supported(false)
                    .exclusion_by_resource_types(
                        ExclusionByResourceTypes::builder().resource_types(ResourceType::Bucket).build(),
                    )
                    .build(),
                false,
            ),
        ] {
            let recorders = mock!(aws_sdk_config::Client::describe_configuration_recorders).then_output(move || {
                DescribeConfigurationRecordersOutput::builder().configuration_recorders(recorder(group.clone())).build()
            });
            let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&recorders, &running]);
            assert_eq!(records_buckets(&config).await.unwrap(), records);
        }
    }

    #[test]
    fn scenario_5_trails_homed_elsewhere_are_left_to_their_region() {
        let f = facts(
            vec![trail("main", "us-east-1", "trail-logs"), trail("eu-trail", "eu-west-1", "eu-logs")],
            &[("trail-logs", BucketLogging::Recorded(None))],
        );
        let evaluations = evaluate(&f);
        assert_eq!(evaluations.len(), 1);
        assert!(evaluations.iter().all(|e| e.resource_id != "eu-trail"));
    }

    #[tokio::test]
    async fn scenario_5_no_trail_reports_nothing_and_clears_stale_results() {
        let cloudtrail = trails_client(vec![]);
        let config = shared::testing::recorded_config_client(vec![], vec![(TRAIL, "deleted-trail")]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let outcome =
            shared::testing::handle_periodic_with(&CloudTrailS3BucketAccessLogging, "scheduled-reporting", aws)
                .await
                .unwrap();
        assert_eq!(outcome.stale_cleared, 1);
        assert_eq!(outcome.verdicts(), [("deleted-trail", "NOT_APPLICABLE")]);
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_cloudtrail::primitives::DateTime::from_secs(0))
    }

    fn trails_client(trails: Vec<Trail>) -> aws_sdk_cloudtrail::Client {
        let describe = mock!(aws_sdk_cloudtrail::Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(false))
            .then_output(move || DescribeTrailsOutput::builder().set_trail_list(Some(trails.clone())).build());
        shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe])
    }

    fn recorder(group: RecordingGroup) -> ConfigurationRecorder {
        ConfigurationRecorder::builder().name("default").recording_group(group).build()
    }

    fn bucket_item(name: &str, status: ConfigurationItemStatus, logging: Option<&str>) -> BaseConfigurationItem {
        let mut b = BaseConfigurationItem::builder()
            .resource_type(ResourceType::Bucket)
            .resource_id(name)
            .configuration_item_status(status)
            .configuration_item_capture_time(aws_sdk_config::primitives::DateTime::from_secs(1_795_000_000))
            .configuration(format!("{{\"name\":\"{name}\"}}"));
        if let Some(logging) = logging {
            b = b.supplementary_configuration("BucketLoggingConfiguration", logging);
        }
        b.build()
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_buckets_from_the_inventory_in_batches() {
        let mut trails: Vec<Trail> =
            (0..101).map(|i| trail(&format!("t{i}"), "us-east-1", &format!("bucket-{i}"))).collect();
        trails.push(trail("shared", "us-east-1", "bucket-0"));
        trails.push(trail("deleted", "us-east-1", "gone"));
        trails.push(trail("eu", "eu-west-1", "eu-bucket"));
        let cloudtrail = trails_client(trails);
        let batch = mock!(aws_sdk_config::Client::batch_get_resource_config).then_compute_output(|req| {
            assert!(req.resource_keys().len() <= 100);
            let mut out = BatchGetResourceConfigOutput::builder();
            for key in req.resource_keys() {
                let id = key.resource_id();
                assert_eq!(key.resource_type(), &ResourceType::Bucket);
                assert_ne!(id, "eu-bucket", "buckets of trails homed elsewhere are not read");
                out = out.base_configuration_items(match id {
                    "bucket-0" => bucket_item(
                        id,
                        ConfigurationItemStatus::Ok,
                        Some(r#"{"destinationBucketName":"access-logs","logFilePrefix":null}"#),
                    ),
                    "gone" => bucket_item(id, ConfigurationItemStatus::ResourceDeleted, None),
                    _ => bucket_item(
                        id,
                        ConfigurationItemStatus::ResourceDiscovered,
                        Some(r#"{"destinationBucketName":null,"logFilePrefix":null}"#),
                    ),
                });
            }
            out.build()
        });
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&batch]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let facts = CloudTrailS3BucketAccessLogging.gather(&aws, &NoParams, &scope()).await.unwrap();
        assert_eq!(batch.num_calls(), 2);
        assert_eq!(facts.buckets.len(), 102);
        assert_eq!(facts.buckets["bucket-0"], BucketLogging::Recorded(Some("access-logs".into())));
        assert_eq!(facts.buckets["bucket-7"], BucketLogging::Recorded(None));
        assert_eq!(facts.buckets["gone"], BucketLogging::Deleted);
        let evaluations = CloudTrailS3BucketAccessLogging.evaluate(&facts, &NoParams, &scope());
        assert_eq!(evaluations.len(), 103);
        assert_evaluation(find(&evaluations, "shared"), Compliance::Compliant, &["access-logs"]);
        assert_evaluation(find(&evaluations, "deleted"), Compliance::NonCompliant, &["no longer exists"]);

        // An item without a logging configuration cannot be judged.
        let cloudtrail = trails_client(vec![trail("main", "us-east-1", "odd")]);
        let odd = mock!(aws_sdk_config::Client::batch_get_resource_config).then_output(|| {
            BatchGetResourceConfigOutput::builder()
                .base_configuration_items(bucket_item("odd", ConfigurationItemStatus::Ok, None))
                .build()
        });
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&odd]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let error = CloudTrailS3BucketAccessLogging.gather(&aws, &NoParams, &scope()).await.unwrap_err();
        assert!(error.to_string().contains("no BucketLoggingConfiguration"), "{error}");

        let cloudtrail = trails_client(vec![trail("main", "us-east-1", "logs")]);
        let denied = mock!(aws_sdk_config::Client::batch_get_resource_config).then_error(|| {
            BatchGetResourceConfigError::generic(
                aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail).with_client(config);
        let error = CloudTrailS3BucketAccessLogging.gather(&aws, &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("config:BatchGetResourceConfig"), "{error}");

        let denied = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_error(|| {
            DescribeTrailsError::generic(
                aws_sdk_cloudtrail::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let cloudtrail = shared::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(cloudtrail);
        let error = CloudTrailS3BucketAccessLogging.gather(&aws, &NoParams, &scope()).await.unwrap_err();
        assert!(error.to_string().contains("cloudtrail:DescribeTrails"), "{error}");
    }
}
