//! Reading what AWS Config has recorded: the full item behind an oversized notification, and
//! every recorded resource of the rule's types for the periodic sweep of hybrid rules.
//! Config's own inventory needs no service SDK and no read permission on the resources.

use aws_sdk_config::types::{ResourceKey, ResourceType};
use aws_smithy_types::DateTime;

use crate::ci::ConfigurationItem;
use crate::error::{AwsResultExt, RuleError};
use crate::event::ItemSummary;

/// `BatchGetResourceConfig` takes at most 100 keys.
const BATCH: usize = 100;
/// How often unprocessed keys of a batch are asked for again.
const UNPROCESSED_RETRIES: usize = 3;

/// The configuration item an oversized notification refers to, as recorded at its capture time.
pub async fn fetch_item(
    client: &aws_sdk_config::Client,
    summary: &ItemSummary,
) -> Result<ConfigurationItem, RuleError> {
    let output = client
        .get_resource_config_history()
        .resource_type(ResourceType::from(summary.resource_type.as_str()))
        .resource_id(&summary.resource_id)
        .later_time(later_bound(summary.capture_time))
        .limit(1)
        .send()
        .await
        .context("config:GetResourceConfigHistory")?;
    let item = output.configuration_items().first().ok_or_else(|| {
        RuleError::InvalidData(format!(
            "config:GetResourceConfigHistory returned no item for {} {}",
            summary.resource_type, summary.resource_id
        ))
    })?;
    ConfigurationItem::from_sdk(item).map_err(|e| RuleError::InvalidData(e.0))
}

/// `laterTime` is inclusive to the second; round up so the captured item is inside the window.
fn later_bound(capture: DateTime) -> DateTime {
    DateTime::from_secs(capture.secs() + 1)
}

/// Every live resource of the given types that Config has recorded in this account and region.
pub async fn recorded_items(
    client: &aws_sdk_config::Client,
    resource_types: &[&str],
) -> Result<Vec<ConfigurationItem>, RuleError> {
    let mut keys = Vec::new();
    for resource_type in resource_types {
        let mut pages = client
            .list_discovered_resources()
            .resource_type(ResourceType::from(*resource_type))
            .limit(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.context("config:ListDiscoveredResources")?;
            for identifier in page.resource_identifiers() {
                if let (Some(t), Some(id)) = (identifier.resource_type(), identifier.resource_id()) {
                    keys.push(
                        ResourceKey::builder()
                            .resource_type(t.clone())
                            .resource_id(id)
                            .build()
                            .map_err(|e| RuleError::InvalidData(e.to_string()))?,
                    );
                }
            }
        }
    }
    let mut items = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(BATCH) {
        let mut pending = chunk.to_vec();
        for attempt in 0..=UNPROCESSED_RETRIES {
            let output = client
                .batch_get_resource_config()
                .set_resource_keys(Some(pending.clone()))
                .send()
                .await
                .context("config:BatchGetResourceConfig")?;
            for item in output.base_configuration_items() {
                items.push(ConfigurationItem::from_sdk_base(item).map_err(|e| RuleError::InvalidData(e.0))?);
            }
            pending = output.unprocessed_resource_keys().to_vec();
            if pending.is_empty() {
                break;
            }
            if attempt == UNPROCESSED_RETRIES {
                return Err(RuleError::Service {
                    action: "config:BatchGetResourceConfig".into(),
                    code: "UnprocessedResourceKeys".into(),
                    message: format!(
                        "{} resources were still unprocessed after {UNPROCESSED_RETRIES} retries",
                        pending.len()
                    ),
                });
            }
            tokio::time::sleep(std::time::Duration::from_millis(200 << attempt)).await;
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::operation::batch_get_resource_config::BatchGetResourceConfigOutput;
    use aws_sdk_config::operation::get_resource_config_history::GetResourceConfigHistoryOutput;
    use aws_sdk_config::operation::list_discovered_resources::ListDiscoveredResourcesOutput;
    use aws_sdk_config::types::{
        BaseConfigurationItem, ConfigurationItem as SdkItem, ConfigurationItemStatus, ResourceIdentifier,
    };
    use aws_smithy_mocks::{RuleMode, mock};

    use crate::ci::ItemStatus;

    #[tokio::test]
    async fn oversized_items_are_fetched_from_the_history_in_api_shape() {
        let history = mock!(aws_sdk_config::Client::get_resource_config_history)
            .match_requests(|r| {
                r.resource_id() == Some("big-bucket") && r.limit() == Some(1) && r.later_time().is_some()
            })
            .then_output(|| {
                GetResourceConfigHistoryOutput::builder()
                    .configuration_items(
                        SdkItem::builder()
                            .resource_type(ResourceType::from("AWS::S3::Bucket"))
                            .resource_id("big-bucket")
                            .configuration_item_status(ConfigurationItemStatus::Ok)
                            .configuration_item_capture_time(DateTime::from_secs(1_700_000_000))
                            .configuration("{\"name\":\"big-bucket\"}")
                            .supplementary_configuration("BucketPolicy", "{\"policyText\":\"{}\"}")
                            .build(),
                    )
                    .build()
            });
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&history]);
        let summary = ItemSummary {
            resource_type: "AWS::S3::Bucket".into(),
            resource_id: "big-bucket".into(),
            status: ItemStatus::Ok,
            capture_time: DateTime::from_secs(1_700_000_000),
            account_id: None,
        };
        let item = fetch_item(&client, &summary).await.unwrap();
        assert_eq!(item.config("name"), Some(&serde_json::json!("big-bucket")));
        assert_eq!(item.supplementary("BucketPolicy"), Some(&serde_json::json!({"policyText": "{}"})));
    }

    #[tokio::test]
    async fn recorded_items_are_listed_then_fetched_in_batches() {
        let list = mock!(aws_sdk_config::Client::list_discovered_resources)
            .sequence()
            .output(|| {
                let mut b = ListDiscoveredResourcesOutput::builder().next_token("2");
                for i in 0..100 {
                    b = b.resource_identifiers(
                        ResourceIdentifier::builder()
                            .resource_type(ResourceType::from("AWS::EC2::SecurityGroup"))
                            .resource_id(format!("sg-{i}"))
                            .build(),
                    );
                }
                b.build()
            })
            .output(|| {
                ListDiscoveredResourcesOutput::builder()
                    .resource_identifiers(
                        ResourceIdentifier::builder()
                            .resource_type(ResourceType::from("AWS::EC2::SecurityGroup"))
                            .resource_id("sg-100")
                            .build(),
                    )
                    .build()
            })
            .build();
        let batch = mock!(aws_sdk_config::Client::batch_get_resource_config).then_compute_output(|req| {
            let mut b = BatchGetResourceConfigOutput::builder();
            for key in req.resource_keys() {
                b = b.base_configuration_items(
                    BaseConfigurationItem::builder()
                        .resource_type(key.resource_type().clone())
                        .resource_id(key.resource_id())
                        .configuration_item_status(ConfigurationItemStatus::Ok)
                        .configuration_item_capture_time(DateTime::from_secs(1))
                        .configuration("{}")
                        .build(),
                );
            }
            b.build()
        });
        let client = crate::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&list, &batch]);
        let items = recorded_items(&client, &["AWS::EC2::SecurityGroup"]).await.unwrap();
        assert_eq!(items.len(), 101);
        assert_eq!(batch.num_calls(), 2);
    }
}
