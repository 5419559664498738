//! Configuration items, in one shape whichever way they arrived.
//!
//! AWS Config delivers items in two shapes. Change notifications carry the *notification* shape
//! (`awsAccountId`, `ARN`, `configuration` as an object, relationship `name`); the API
//! (`GetResourceConfigHistory`, `BatchGetResourceConfig`) returns the *API* shape (`accountId`,
//! `arn`, `configuration` as a JSON string, supplementary values as JSON strings, relationship
//! `relationshipName`). Both become one [`ConfigurationItem`] here, with every embedded JSON string
//! decoded, so rules read `configuration` and `supplementary` as plain JSON.

use std::collections::BTreeMap;

use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

use crate::error::RuleError;
use crate::time::parse_timestamp;

/// The fields `ConfigurationItem` and `BaseConfigurationItem` of the SDK have in common.
macro_rules! from_sdk_fields {
    ($item:expr, $tags:expr, $relationships:expr) => {{
        let item = $item;
        let resource_type = item
            .resource_type()
            .map(|t| t.as_str().to_owned())
            .ok_or_else(|| ItemError("configuration item from the Config API has no resourceType".into()))?;
        let resource_id = item
            .resource_id()
            .map(str::to_owned)
            .ok_or_else(|| ItemError("configuration item from the Config API has no resourceId".into()))?;
        let status_text = item.configuration_item_status().map(|s| s.as_str()).unwrap_or_default();
        let status = ItemStatus::parse(status_text)
            .ok_or_else(|| ItemError(format!("configuration item status {status_text:?} is not a known status")))?;
        let capture_time = item
            .configuration_item_capture_time()
            .copied()
            .ok_or_else(|| ItemError("configuration item from the Config API has no capture time".into()))?;
        let configuration =
            item.configuration().map(|c| decode_embedded_json(Value::String(c.to_owned()))).unwrap_or(Value::Null);
        let supplementary = item
            .supplementary_configuration()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), decode_embedded_json(Value::String(v.clone())))).collect())
            .unwrap_or_default();
        Ok(ConfigurationItem {
            resource_type,
            resource_id,
            resource_name: item.resource_name().map(str::to_owned),
            arn: item.arn().map(str::to_owned),
            account_id: item.account_id().map(str::to_owned),
            region: item.aws_region().map(str::to_owned),
            status,
            capture_time,
            configuration,
            supplementary,
            tags: $tags,
            relationships: $relationships,
        })
    }};
}

/// `configurationItemStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Ok,
    ResourceDiscovered,
    ResourceNotRecorded,
    ResourceDeleted,
    ResourceDeletedNotRecorded,
}

impl ItemStatus {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "OK" => ItemStatus::Ok,
            "ResourceDiscovered" => ItemStatus::ResourceDiscovered,
            "ResourceNotRecorded" => ItemStatus::ResourceNotRecorded,
            "ResourceDeleted" => ItemStatus::ResourceDeleted,
            "ResourceDeletedNotRecorded" => ItemStatus::ResourceDeletedNotRecorded,
            _ => return None,
        })
    }

    /// Whether the item describes a live, recorded resource that a rule can evaluate.
    pub fn is_evaluable(self) -> bool {
        matches!(self, ItemStatus::Ok | ItemStatus::ResourceDiscovered)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Ok => "OK",
            ItemStatus::ResourceDiscovered => "ResourceDiscovered",
            ItemStatus::ResourceNotRecorded => "ResourceNotRecorded",
            ItemStatus::ResourceDeleted => "ResourceDeleted",
            ItemStatus::ResourceDeletedNotRecorded => "ResourceDeletedNotRecorded",
        }
    }
}

/// A relationship of the item to another resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    /// For example `Is associated with SecurityGroup`.
    pub name: Option<String>,
}

/// One configuration item, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationItem {
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub arn: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub status: ItemStatus,
    pub capture_time: DateTime,
    /// The resource's configuration; `Value::Null` when Config sent none (deleted resources).
    pub configuration: Value,
    /// Supplementary configuration, each value decoded from its JSON string where it was one.
    pub supplementary: Map<String, Value>,
    pub tags: BTreeMap<String, String>,
    pub relationships: Vec<Relationship>,
}

/// Why a configuration item could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError(pub String);

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ConfigurationItem {
    /// Reads an item in either JSON shape (notification or API).
    pub fn from_json(item: &Value) -> Result<Self, ItemError> {
        let obj = item
            .as_object()
            .ok_or_else(|| ItemError(format!("configurationItem must be a JSON object, got {}", kind_of(item))))?;
        let text = |keys: &[&str]| -> Option<String> {
            keys.iter().find_map(|k| obj.get(*k).and_then(Value::as_str)).map(str::to_owned)
        };
        let required = |key: &str| -> Result<String, ItemError> {
            text(&[key])
                .filter(|s| !s.is_empty())
                .ok_or_else(|| ItemError(format!("configurationItem.{key} is missing or not a string")))
        };
        let resource_type = required("resourceType")?;
        let resource_id = required("resourceId")?;
        let status_text = required("configurationItemStatus")?;
        let status = ItemStatus::parse(&status_text).ok_or_else(|| {
            ItemError(format!("configurationItem.configurationItemStatus {status_text:?} is not a known status"))
        })?;
        let capture_time = match obj.get("configurationItemCaptureTime") {
            Some(v) => parse_timestamp(v)
                .map_err(|e| ItemError(format!("configurationItem.configurationItemCaptureTime: {e}")))?,
            None => {
                return Err(ItemError("configurationItem.configurationItemCaptureTime is missing".into()));
            }
        };
        let configuration = obj.get("configuration").cloned().map(decode_embedded_json).unwrap_or(Value::Null);
        let supplementary = match obj.get("supplementaryConfiguration") {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), decode_embedded_json(v.clone()))).collect(),
            _ => Map::new(),
        };
        let tags = match obj.get("tags") {
            Some(Value::Object(map)) => {
                map.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect()
            }
            _ => BTreeMap::new(),
        };
        let relationships = match obj.get("relationships") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_object)
                .map(|r| {
                    let field =
                        |keys: &[&str]| keys.iter().find_map(|k| r.get(*k).and_then(Value::as_str)).map(str::to_owned);
                    Relationship {
                        resource_type: field(&["resourceType"]),
                        resource_id: field(&["resourceId"]),
                        resource_name: field(&["resourceName"]),
                        name: field(&["name", "relationshipName"]),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(ConfigurationItem {
            resource_type,
            resource_id,
            resource_name: text(&["resourceName"]),
            arn: text(&["ARN", "arn"]),
            account_id: text(&["awsAccountId", "accountId"]),
            region: text(&["awsRegion"]),
            status,
            capture_time,
            configuration,
            supplementary,
            tags,
            relationships,
        })
    }

    /// Reads an item as the Config API returns it through the SDK (`GetResourceConfigHistory`).
    pub fn from_sdk(item: &aws_sdk_config::types::ConfigurationItem) -> Result<Self, ItemError> {
        let tags = item.tags().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        let relationships = item
            .relationships()
            .iter()
            .map(|r| Relationship {
                resource_type: r.resource_type().map(|t| t.as_str().to_owned()),
                resource_id: r.resource_id().map(str::to_owned),
                resource_name: r.resource_name().map(str::to_owned),
                name: r.relationship_name().map(str::to_owned),
            })
            .collect();
        from_sdk_fields!(item, tags, relationships)
    }

    /// Reads an item from `BatchGetResourceConfig` (which returns neither tags nor relationships).
    pub fn from_sdk_base(item: &aws_sdk_config::types::BaseConfigurationItem) -> Result<Self, ItemError> {
        from_sdk_fields!(item, BTreeMap::new(), Vec::new())
    }

    /// A field of `configuration` by dotted path, for example `"logFileValidationEnabled"`.
    pub fn config(&self, path: &str) -> Option<&Value> {
        path.split('.').try_fold(&self.configuration, |v, key| v.get(key))
    }

    /// A supplementary configuration value by name, for example `"BucketPolicy"`.
    pub fn supplementary(&self, name: &str) -> Option<&Value> {
        self.supplementary.get(name).filter(|v| !v.is_null())
    }

    /// A boolean field of `configuration` that a verdict depends on. Missing, or anything that
    /// is not a boolean, is an error: a verdict is never guessed from an incomplete item.
    pub fn required_flag(&self, path: &str) -> Result<bool, RuleError> {
        let value = self.config(path);
        value.and_then(as_flag).ok_or_else(|| {
            let name = match self.resource_name.as_deref() {
                Some(name) if name != self.resource_id => format!(" ({name})"),
                _ => String::new(),
            };
            RuleError::InvalidData(format!(
                "the configuration item of {} {}{name} has no boolean {path} (found {})",
                self.resource_type,
                self.resource_id,
                value.map_or_else(|| "nothing".to_owned(), Value::to_string)
            ))
        })
    }

    /// The name to show in annotations: the string at `path` of `configuration` (such as
    /// `dBInstanceIdentifier`), else the resource name, else the resource id.
    pub fn display_name(&self, path: &str) -> &str {
        self.config(path).and_then(Value::as_str).or(self.resource_name.as_deref()).unwrap_or(&self.resource_id)
    }
}

/// A boolean as AWS Config records it: `true`/`false`, or the strings `"true"`/`"false"` (any
/// letter case) that some resource types use.
pub fn as_flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Decodes values that AWS Config embeds as JSON strings (sometimes twice); anything that is not
/// such a string is returned unchanged.
pub fn decode_embedded_json(mut value: Value) -> Value {
    for _ in 0..3 {
        let Value::String(text) = &value else {
            return value;
        };
        let trimmed = text.trim_start();
        if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
            return value;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(decoded) => value = decoded,
            Err(_) => return value,
        }
    }
    value
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn notification_shape_is_read() {
        let ci = ConfigurationItem::from_json(&json!({
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": "2026-11-20T10:00:00.123Z",
            "configurationStateId": 1549956556288u64,
            "awsAccountId": "123456789012",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::S3::Bucket",
            "resourceId": "my-bucket",
            "resourceName": "my-bucket",
            "ARN": "arn:aws:s3:::my-bucket",
            "awsRegion": "eu-west-1",
            "tags": {"team": "sec"},
            "relationships": [{"resourceId": "x", "resourceType": "AWS::S3::AccountPublicAccessBlock", "name": "Is attached to"}],
            "configuration": {"name": "my-bucket"},
            "supplementaryConfiguration": {
                "BucketPolicy": {"policyText": "{\"Version\":\"2012-10-17\"}"},
                "AccessControlList": "{\"grantList\":[]}",
                "BucketVersioningConfiguration": {"status": "Off"}
            }
        }))
        .unwrap();
        assert_eq!(ci.resource_id, "my-bucket");
        assert_eq!(ci.account_id.as_deref(), Some("123456789012"));
        assert_eq!(ci.arn.as_deref(), Some("arn:aws:s3:::my-bucket"));
        assert_eq!(ci.capture_time.to_millis().unwrap(), 1_795_168_800_123);
        assert_eq!(ci.config("name"), Some(&json!("my-bucket")));
        assert_eq!(ci.supplementary("AccessControlList"), Some(&json!({"grantList": []})));
        assert_eq!(
            ci.supplementary("BucketPolicy").and_then(|p| p.get("policyText")),
            Some(&json!("{\"Version\":\"2012-10-17\"}"))
        );
        assert_eq!(ci.tags.get("team").map(String::as_str), Some("sec"));
        assert_eq!(ci.relationships[0].name.as_deref(), Some("Is attached to"));
    }

    #[test]
    fn api_shape_is_read_with_embedded_json_decoded() {
        let ci = ConfigurationItem::from_json(&json!({
            "version": "1.3",
            "accountId": "123456789012",
            "configurationItemCaptureTime": "2026-11-20T10:00:00+00:00",
            "configurationItemStatus": "ResourceDiscovered",
            "configurationStateId": "58",
            "arn": "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1",
            "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1",
            "configuration": "{\"groupId\":\"sg-1\",\"ipPermissions\":[]}",
            "supplementaryConfiguration": {"AccessControlList": "\"{\\\"grantList\\\": []}\""},
            "relationships": [{"resourceId": "vpc-1", "resourceType": "AWS::EC2::VPC", "relationshipName": "Is contained in Vpc"}]
        }))
        .unwrap();
        assert_eq!(ci.account_id.as_deref(), Some("123456789012"));
        assert_eq!(ci.status, ItemStatus::ResourceDiscovered);
        assert_eq!(ci.config("groupId"), Some(&json!("sg-1")));
        assert_eq!(ci.supplementary("AccessControlList"), Some(&json!({"grantList": []})));
        assert_eq!(ci.relationships[0].name.as_deref(), Some("Is contained in Vpc"));
    }

    #[test]
    fn deleted_items_have_null_configuration() {
        let ci = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z",
            "configurationItemStatus": "ResourceDeleted",
            "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1",
            "configuration": null
        }))
        .unwrap();
        assert_eq!(ci.configuration, Value::Null);
        assert!(!ci.status.is_evaluable());
    }

    #[test]
    fn missing_fields_are_named() {
        let base = json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1"
        });
        for key in ["resourceType", "resourceId", "configurationItemStatus", "configurationItemCaptureTime"] {
            let mut item = base.clone();
            item.as_object_mut().unwrap().remove(key);
            let err = ConfigurationItem::from_json(&item).unwrap_err();
            assert!(err.0.contains(key), "{err}");
        }
        let mut item = base.clone();
        item["configurationItemStatus"] = json!("Exploded");
        assert!(ConfigurationItem::from_json(&item).unwrap_err().0.contains("Exploded"));
        assert!(ConfigurationItem::from_json(&json!("nope")).unwrap_err().0.contains("a string"));
    }

    #[test]
    fn embedded_json_is_decoded_at_most_three_times_and_text_is_left_alone() {
        assert_eq!(decode_embedded_json(json!("plain text")), json!("plain text"));
        assert_eq!(decode_embedded_json(json!("{broken")), json!("{broken"));
        assert_eq!(decode_embedded_json(json!("\"\\\"{}\\\"\"")), json!({}));
        assert_eq!(decode_embedded_json(json!(5)), json!(5));
    }

    #[test]
    fn flags_are_required_and_names_fall_back() {
        let item = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::RDS::DBInstance",
            "resourceId": "db-ABC",
            "resourceName": "orders",
            "configuration": {"multiAZ": true, "storageEncrypted": "FALSE", "publiclyAccessible": "maybe", "dBInstanceIdentifier": "orders-db"}
        }))
        .unwrap();
        assert!(item.required_flag("multiAZ").unwrap());
        assert!(!item.required_flag("storageEncrypted").unwrap());
        let error = item.required_flag("publiclyAccessible").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(
            error
                .to_string()
                .contains("AWS::RDS::DBInstance db-ABC (orders) has no boolean publiclyAccessible (found \"maybe\")"),
            "{error}"
        );
        assert!(item.required_flag("autoMinorVersionUpgrade").unwrap_err().to_string().contains("(found nothing)"));
        assert_eq!(item.display_name("dBInstanceIdentifier"), "orders-db");
        assert_eq!(item.display_name("missing"), "orders");
        assert_eq!(as_flag(&json!(1)), None);
    }
}
