//! # efs-encrypted-check
//!
//! Checks that every EFS file system is encrypted at rest and, when `KmsKeyId` is set, that it
//! is encrypted with that KMS key.
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded file system
//!   (hybrid). AWS's rule is periodic and calls `DescribeFileSystems`; everything it reads is in
//!   the configuration item (`Encrypted`, `KmsKeyId`), so this rule needs no EFS permission,
//!   judges a new file system as soon as Config records it, and its sweep clears results of file
//!   systems that are gone. File systems must be recorded by AWS Config.
//! - **Reports on**: `AWS::EFS::FileSystem`, by file system id.
//! - **Parameters**: `KmsKeyId` (optional: a key ARN or key id; aliases are refused, because
//!   resolving them would need KMS). A key id matches the key ARN that ends with it.
//! - **Same as**: the AWS managed rule `efs-encrypted-check` (identifier `EFS_ENCRYPTED_CHECK`).
//! - **CIS v5.0.0**: 2.3.1. **Well-Architected**: SEC-8 (data at rest).
//!
//! ## Scenarios
//! 1. COMPLIANT when the file system is encrypted.
//! 2. NON_COMPLIANT when it is not, with how to migrate (encryption is chosen at creation).
//! 3. With `KmsKeyId`: COMPLIANT when the file system uses that key.
//! 4. With `KmsKeyId`: NON_COMPLIANT when it uses another key.
//! 5. NOT_APPLICABLE when the file system was deleted.
//! 6. A scheduled run evaluates every recorded file system and clears results of file systems
//!    that are gone.
//! 7. An oversized notification is evaluated on the item fetched from AWS Config.
//! 8. An item without `Encrypted` is an error, not a verdict.
//! 9. A `KmsKeyId` that is an alias is an error naming the parameter.

use serde_json::Value;
use shared::kms;
use shared::prelude::*;

pub struct EfsEncryptedCheck;

const KMS_KEY_ID: &str = "KmsKeyId";

pub struct Params {
    key: Option<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { key: kms::key_param(p, KMS_KEY_ID)? })
    }
}

impl ChangeRule for EfsEncryptedCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "efs-encrypted-check",
        description: "Checks that EFS file systems are encrypted at rest (with the KMS key KmsKeyId when it is set).",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EFS::FileSystem"],
        parameters: &[ParamSpec::string(
            KMS_KEY_ID,
            None,
            "ARN (or id) of the KMS key the file systems must be encrypted with.",
        )],
        iam_actions: &[],
        cis: &["2.3.1"],
        well_architected: &["SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let fs = item.display_name("FileSystemId");
        let encrypted = item.required_flag("Encrypted")?;
        if !encrypted {
            return Ok(Verdict::non_compliant(format!(
                "EFS file system {fs} is not encrypted at rest. Encryption is chosen at creation: create an encrypted file system, copy the data (e.g. with AWS DataSync), then delete this one."
            )));
        }
        let key = item.config("KmsKeyId").and_then(Value::as_str).filter(|k| !k.is_empty());
        match (&params.key, key) {
            (None, Some(key)) => {
                Ok(Verdict::compliant(format!("EFS file system {fs} is encrypted with KMS key {}.", kms::key_id(key))))
            }
            (None, None) => Ok(Verdict::compliant(format!("EFS file system {fs} is encrypted at rest."))),
            (Some(wanted), Some(key)) if kms::same_key(wanted, key) => {
                Ok(Verdict::compliant(format!("EFS file system {fs} is encrypted with KMS key {}.", kms::key_id(key))))
            }
            (Some(wanted), Some(key)) => Ok(Verdict::non_compliant(format!(
                "EFS file system {fs} is encrypted with KMS key {}, not {}. Create a file system encrypted with the required key and move the data to it.",
                kms::key_id(key),
                kms::key_id(wanted)
            ))),
            (Some(_), None) => Err(RuleError::InvalidData(format!(
                "the configuration item of EFS file system {fs} says it is encrypted but names no KmsKeyId"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change, handle_change_with_config, recorded_config_client};

    const FS: &str = "AWS::EFS::FileSystem";

    #[test]
    fn scenario_1_compliant_when_encrypted() {
        let e = change(&EfsEncryptedCheck, "encrypted").unwrap();
        assert_eq!(e.resource_type, FS);
        assert_eq!(e.resource_id, "fs-0a1b2c3d4e5f60001");
        assert_evaluation(&e, Compliance::Compliant, &["fs-0a1b2c3d4e5f60001", "1234abcd-12ab-34cd-56ef-1234567890ab"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_not_encrypted() {
        assert_evaluation(
            &change(&EfsEncryptedCheck, "unencrypted").unwrap(),
            Compliance::NonCompliant,
            &["fs-0a1b2c3d4e5f60002", "not encrypted", "DataSync"],
        );
    }

    #[test]
    fn scenario_3_compliant_with_the_required_key() {
        assert_evaluation(&change(&EfsEncryptedCheck, "key-matches").unwrap(), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_4_non_compliant_with_another_key() {
        assert_evaluation(
            &change(&EfsEncryptedCheck, "other-key").unwrap(),
            Compliance::NonCompliant,
            &["key 1234abcd-12ab-34cd-56ef-1234567890ab, not 9876fedc-98fe-76dc-54ba-0987654321fe"],
        );
    }

    #[test]
    fn scenario_5_not_applicable_when_deleted() {
        assert_evaluation(&change(&EfsEncryptedCheck, "deleted").unwrap(), Compliance::NotApplicable, &["deleted"]);
    }

    /// File systems as Config records them: `…01` encrypted, `…02` not.
    fn recorded() -> Vec<Recorded> {
        vec![
            Recorded::new(
                FS,
                "fs-0a1b2c3d4e5f60001",
                serde_json::json!({"FileSystemId": "fs-0a1b2c3d4e5f60001", "Encrypted": true,
                    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
            ),
            Recorded::new(
                FS,
                "fs-0a1b2c3d4e5f60002",
                serde_json::json!({"FileSystemId": "fs-0a1b2c3d4e5f60002", "Encrypted": false}),
            ),
        ]
    }

    #[tokio::test]
    async fn scenario_6_scheduled_run_sweeps_recorded_file_systems_and_clears_stale_results() {
        let config = recorded_config_client(recorded(), vec![(FS, "fs-0a1b2c3d4e5f6dead")]);
        let outcome = handle_change_with_config(&EfsEncryptedCheck, "scheduled", config).await.unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("fs-0a1b2c3d4e5f60001", "COMPLIANT"),
                ("fs-0a1b2c3d4e5f60002", "NON_COMPLIANT"),
                ("fs-0a1b2c3d4e5f6dead", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[tokio::test]
    async fn scenario_7_oversized_item_is_fetched() {
        let fs = Recorded::new(
            FS,
            "fs-0a1b2c3d4e5f60004",
            serde_json::json!({"FileSystemId": "fs-0a1b2c3d4e5f60004", "Encrypted": false}),
        );
        let outcome =
            handle_change_with_config(&EfsEncryptedCheck, "oversized", recorded_config_client(vec![fs], vec![]))
                .await
                .unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "fs-0a1b2c3d4e5f60004");
    }

    #[test]
    fn scenario_8_missing_flag_is_an_error() {
        let error = change(&EfsEncryptedCheck, "missing-flag").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("Encrypted"), "{error}");
    }

    #[test]
    fn scenario_9_alias_parameter_is_rejected() {
        let error = change(&EfsEncryptedCheck, "alias-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("KmsKeyId"), "{error}");
    }
}
