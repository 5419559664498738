//! # rds-storage-encrypted
//!
//! Checks that the storage of every RDS DB instance is encrypted at rest and, when `kmsKeyId`
//! is set, that it is encrypted with that KMS key.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::RDS::DBInstance`, by the id AWS Config records (the `DbiResourceId`,
//!   `db-…`); annotations name the instance identifier. Read from the configuration item alone
//!   (`storageEncrypted`, `kmsKeyId`). Aurora, DocumentDB and Neptune instances report their
//!   cluster's encryption and are evaluated the same way.
//! - **Parameters**: `kmsKeyId` (optional: a key id or key ARN; aliases are refused, because
//!   resolving them would need KMS). A key id matches the key ARN that ends with it.
//! - **Same as**: the AWS managed rule `rds-storage-encrypted` (identifier
//!   `RDS_STORAGE_ENCRYPTED`).
//! - **CIS v5.0.0**: 2.2.1. **Well-Architected**: SEC-8 (data at rest).
//!
//! ## Scenarios
//! 1. COMPLIANT when the storage is encrypted; the result is reported by `DbiResourceId`.
//! 2. NON_COMPLIANT when it is not, with how to migrate (encryption cannot be turned on in
//!    place).
//! 3. With `kmsKeyId` given as a key id: COMPLIANT when the instance's key ARN ends with it.
//! 4. With `kmsKeyId`: NON_COMPLIANT when the instance is encrypted with another key.
//! 5. NOT_APPLICABLE when the instance was deleted.
//! 6. An oversized notification is evaluated on the item fetched from AWS Config.
//! 7. An item without `storageEncrypted` is an error, not a verdict.
//! 8. A `kmsKeyId` that is an alias is an error naming the parameter.

use serde_json::Value;
use shared::kms;
use shared::prelude::*;

pub struct RdsStorageEncrypted;

const KMS_KEY_ID: &str = "kmsKeyId";

pub struct Params {
    key: Option<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { key: kms::key_param(p, KMS_KEY_ID)? })
    }
}

impl ChangeRule for RdsStorageEncrypted {
    const SPEC: RuleSpec = RuleSpec {
        name: "rds-storage-encrypted",
        description: "Checks that RDS DB instances have storage encryption enabled (with the KMS key kmsKeyId when it is set).",
        trigger: Trigger::Change,
        resource_types: &["AWS::RDS::DBInstance"],
        parameters: &[ParamSpec::string(
            KMS_KEY_ID,
            None,
            "Id or ARN of the KMS key the storage must be encrypted with.",
        )],
        iam_actions: &[],
        cis: &["2.2.1"],
        well_architected: &["SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let db = item.display_name("dBInstanceIdentifier");
        if !item.required_flag("storageEncrypted")? {
            return Ok(Verdict::non_compliant(format!(
                "DB instance {db} does not encrypt its storage. It cannot be turned on in place: snapshot, copy the snapshot with encryption, restore from the copy and switch over."
            )));
        }
        let key = item.config("kmsKeyId").and_then(Value::as_str).filter(|k| !k.is_empty());
        match (&params.key, key) {
            (None, _) => Ok(Verdict::compliant(format!("DB instance {db} encrypts its storage."))),
            (Some(wanted), Some(key)) if kms::same_key(wanted, key) => {
                Ok(Verdict::compliant(format!("DB instance {db} encrypts its storage with KMS key {key}.")))
            }
            (Some(wanted), Some(key)) => Ok(Verdict::non_compliant(format!(
                "DB instance {db} uses KMS key {}, not {}. Restore it from a snapshot copy encrypted with the required key, then switch over.",
                kms::key_id(key),
                kms::key_id(wanted)
            ))),
            (Some(_), None) => Err(RuleError::InvalidData(format!(
                "the configuration item of DB instance {db} says its storage is encrypted but names no kmsKeyId"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_when_encrypted_and_reported_by_dbi_resource_id() {
        let e = change(&RdsStorageEncrypted, "encrypted").unwrap();
        assert_eq!(e.resource_type, "AWS::RDS::DBInstance");
        assert_eq!(e.resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX01");
        assert_evaluation(&e, Compliance::Compliant, &["orders-db"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_not_encrypted() {
        assert_evaluation(
            &change(&RdsStorageEncrypted, "unencrypted").unwrap(),
            Compliance::NonCompliant,
            &["legacy-db", "does not encrypt", "copy the snapshot with encryption"],
        );
    }

    #[test]
    fn scenario_3_compliant_when_the_key_id_matches_the_key_arn() {
        assert_evaluation(
            &change(&RdsStorageEncrypted, "key-matches").unwrap(),
            Compliance::Compliant,
            &["key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_with_another_key() {
        assert_evaluation(
            &change(&RdsStorageEncrypted, "other-key").unwrap(),
            Compliance::NonCompliant,
            &["uses KMS key 1234abcd-12ab-34cd-56ef-1234567890ab, not 9876fedc-98fe-76dc-54ba-0987654321fe"],
        );
    }

    #[test]
    fn scenario_5_not_applicable_when_deleted() {
        assert_evaluation(&change(&RdsStorageEncrypted, "deleted").unwrap(), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_6_oversized_item_is_fetched() {
        let db = Recorded::new(
            "AWS::RDS::DBInstance",
            "db-ABCDEFGHIJKLMNOPQRSTUVWX08",
            serde_json::json!({"dBInstanceIdentifier": "big-db", "storageEncrypted": false}),
        );
        let config = shared::testing::recorded_config_client(vec![db], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&RdsStorageEncrypted, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX08");
    }

    #[test]
    fn scenario_7_missing_flag_is_an_error() {
        let error = change(&RdsStorageEncrypted, "missing-flag").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("storageEncrypted"), "{error}");
    }

    #[test]
    fn scenario_8_alias_parameter_is_rejected() {
        let error = change(&RdsStorageEncrypted, "alias-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("kmsKeyId"), "{error}");
    }
}
