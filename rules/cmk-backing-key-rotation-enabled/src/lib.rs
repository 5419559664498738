//! # cmk-backing-key-rotation-enabled
//!
//! Checks that automatic key rotation is enabled for every enabled customer managed symmetric
//! KMS key, so that KMS creates new key material every year (or the key's rotation period).
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded key (hybrid).
//!   AWS's rule is periodic; the rotation status is in the configuration item
//!   (supplementary `KeyRotationStatus`, recorded by Config's own role with
//!   `kms:GetKeyRotationStatus`), so this rule needs no KMS permission. KMS keys must be recorded
//!   by AWS Config.
//! - **Reports on**: `AWS::KMS::Key`, by key id, read from the configuration item alone
//!   (`keyManager`, `keySpec` or the older `customerMasterKeySpec`, `origin`,
//!   `customKeyStoreId`, `keyState`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `cmk-backing-key-rotation-enabled` (identifier
//!   `CMK_BACKING_KEY_ROTATION_ENABLED`). Keys that cannot rotate automatically (AWS managed,
//!   asymmetric, HMAC, imported key material, custom key stores) and keys that are not enabled
//!   (KMS does not rotate disabled keys) are NOT_APPLICABLE.
//! - **CIS v5.0.0**: 3.6.
//!
//! ## Scenarios
//! 1. COMPLIANT when an enabled customer managed symmetric key has rotation enabled.
//! 2. NON_COMPLIANT when it has not, with the command that enables it.
//! 3. NOT_APPLICABLE for AWS managed keys.
//! 4. NOT_APPLICABLE for asymmetric and HMAC keys.
//! 5. NOT_APPLICABLE for keys with imported key material or in a custom key store.
//! 6. NOT_APPLICABLE for keys that are disabled or pending deletion.
//! 7. The older `customerMasterKeySpec` is read when `keySpec` is absent.
//! 8. An item without `KeyRotationStatus` is an error that names the recorder permission, not a
//!    verdict.
//! 9. NOT_APPLICABLE when the key was deleted.
//! 10. A scheduled run evaluates every recorded key and clears results of keys that are gone.
//! 11. An oversized notification is evaluated on the item fetched from AWS Config.

use serde_json::Value;
use shared::prelude::*;

pub struct CmkBackingKeyRotationEnabled;

impl ChangeRule for CmkBackingKeyRotationEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "cmk-backing-key-rotation-enabled",
        description: "Checks that automatic key rotation is enabled for enabled customer managed symmetric KMS keys.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::KMS::Key"],
        parameters: &[],
        iam_actions: &[],
        cis: &["3.6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let key = item.config("keyId").and_then(Value::as_str).unwrap_or(&item.resource_id);
        let text = |field: &str| item.config(field).and_then(Value::as_str).filter(|s| !s.is_empty());
        let required = |field: &str| {
            text(field).ok_or_else(|| {
                RuleError::InvalidData(format!("the configuration item of KMS key {key} has no {field}"))
            })
        };
        let manager = required("keyManager")?;
        if manager != "CUSTOMER" {
            return Ok(Verdict::not_applicable(format!(
                "KMS key {key} is managed by {manager}; AWS rotates AWS managed keys itself."
            )));
        }
        let spec = text("keySpec")
            .or_else(|| text("customerMasterKeySpec"))
            .ok_or_else(|| RuleError::InvalidData(format!("the configuration item of KMS key {key} has no keySpec")))?;
        if spec != "SYMMETRIC_DEFAULT" {
            return Ok(Verdict::not_applicable(format!(
                "KMS key {key} is a {spec} key; automatic rotation is only available for symmetric encryption keys."
            )));
        }
        let origin = required("origin")?;
        if let Some(store) = text("customKeyStoreId") {
            return Ok(Verdict::not_applicable(format!(
                "KMS key {key} is in custom key store {store}, where KMS cannot rotate keys automatically."
            )));
        }
        if origin != "AWS_KMS" {
            return Ok(Verdict::not_applicable(format!(
                "KMS key {key} has key material of origin {origin}, which KMS cannot rotate automatically; rotate it manually."
            )));
        }
        let state = match text("keyState") {
            Some(state) => state,
            None => match item.config("enabled") {
                Some(Value::Bool(true)) => "Enabled",
                Some(Value::Bool(false)) => "Disabled",
                _ => required("keyState")?,
            },
        };
        if state != "Enabled" {
            return Ok(Verdict::not_applicable(format!("KMS key {key} is {state}; KMS rotates only enabled keys.")));
        }
        let rotation = match item.supplementary("KeyRotationStatus") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
            other => {
                return Err(RuleError::InvalidData(format!(
                    "AWS Config recorded no rotation status for KMS key {key} (KeyRotationStatus: {}); let the configuration recorder's role call kms:GetKeyRotationStatus and kms:DescribeKey",
                    other.map_or_else(|| "absent".to_owned(), Value::to_string)
                )));
            }
        };
        Ok(if rotation {
            Verdict::compliant(format!("KMS key {key} has automatic key rotation enabled."))
        } else {
            Verdict::non_compliant(format!(
                "KMS key {key} is a customer managed symmetric key without automatic rotation. Enable it (aws kms enable-key-rotation --key-id {key})."
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change, handle_change_with_config, recorded_config_client};

    const KEY: &str = "AWS::KMS::Key";

    #[test]
    fn scenario_1_compliant_with_rotation() {
        let e = change(&CmkBackingKeyRotationEnabled, "rotation-enabled").unwrap();
        assert_eq!(e.resource_type, KEY);
        assert_eq!(e.resource_id, "1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_evaluation(&e, Compliance::Compliant, &["1234abcd-12ab-34cd-56ef-1234567890ab", "rotation enabled"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_rotation() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "rotation-disabled").unwrap(),
            Compliance::NonCompliant,
            &["without automatic rotation", "enable-key-rotation --key-id 2234abcd-12ab-34cd-56ef-1234567890ab"],
        );
    }

    #[test]
    fn scenario_3_not_applicable_for_aws_managed_keys() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "aws-managed").unwrap(),
            Compliance::NotApplicable,
            &["managed by AWS"],
        );
    }

    #[test]
    fn scenario_4_not_applicable_for_asymmetric_and_hmac_keys() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "asymmetric").unwrap(),
            Compliance::NotApplicable,
            &["RSA_2048"],
        );
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "hmac").unwrap(),
            Compliance::NotApplicable,
            &["HMAC_256"],
        );
    }

    #[test]
    fn scenario_5_not_applicable_for_imported_material_and_custom_key_stores() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "imported").unwrap(),
            Compliance::NotApplicable,
            &["origin EXTERNAL", "manually"],
        );
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "custom-key-store").unwrap(),
            Compliance::NotApplicable,
            &["custom key store cks-1234567890abcdef0"],
        );
    }

    #[test]
    fn scenario_6_not_applicable_when_not_enabled() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "disabled").unwrap(),
            Compliance::NotApplicable,
            &["is Disabled"],
        );
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "pending-deletion").unwrap(),
            Compliance::NotApplicable,
            &["is PendingDeletion"],
        );
    }

    #[test]
    fn scenario_7_the_older_key_spec_field_is_read() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "legacy-key-spec").unwrap(),
            Compliance::NonCompliant,
            &["a234abcd-12ab-34cd-56ef-1234567890ab"],
        );
    }

    #[test]
    fn scenario_8_missing_rotation_status_is_an_error() {
        let error = change(&CmkBackingKeyRotationEnabled, "rotation-status-missing").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("b234abcd-12ab-34cd-56ef-1234567890ab"), "{error}");
        assert!(error.to_string().contains("kms:GetKeyRotationStatus"), "{error}");
    }

    #[test]
    fn scenario_9_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&CmkBackingKeyRotationEnabled, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    fn key(id: &str, manager: &str, rotation: bool) -> Recorded {
        Recorded::new(
            KEY,
            id,
            serde_json::json!({"keyId": id, "keyManager": manager, "keySpec": "SYMMETRIC_DEFAULT",
                "origin": "AWS_KMS", "keyState": "Enabled", "enabled": true}),
        )
        .with_supplementary("KeyRotationStatus", serde_json::json!(rotation))
    }

    #[tokio::test]
    async fn scenario_10_scheduled_run_sweeps_recorded_keys_and_clears_stale_results() {
        let keys = vec![
            key("11111111-1111-1111-1111-111111111111", "CUSTOMER", true),
            key("22222222-2222-2222-2222-222222222222", "CUSTOMER", false),
            key("33333333-3333-3333-3333-333333333333", "AWS", false),
        ];
        let config = recorded_config_client(keys, vec![(KEY, "44444444-4444-4444-4444-444444444444")]);
        let outcome = handle_change_with_config(&CmkBackingKeyRotationEnabled, "scheduled", config).await.unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("11111111-1111-1111-1111-111111111111", "COMPLIANT"),
                ("22222222-2222-2222-2222-222222222222", "NON_COMPLIANT"),
                ("33333333-3333-3333-3333-333333333333", "NOT_APPLICABLE"),
                ("44444444-4444-4444-4444-444444444444", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[tokio::test]
    async fn scenario_11_oversized_item_is_fetched() {
        let config =
            recorded_config_client(vec![key("d234abcd-12ab-34cd-56ef-1234567890ab", "CUSTOMER", true)], vec![]);
        let outcome = handle_change_with_config(&CmkBackingKeyRotationEnabled, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "d234abcd-12ab-34cd-56ef-1234567890ab");
    }
}
