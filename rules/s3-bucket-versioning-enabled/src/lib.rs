//! # s3-bucket-versioning-enabled
//!
//! Checks that versioning is enabled on every S3 bucket and, with `isMfaDeleteEnabled` = `true`
//! (as in the CIS pack), that MFA Delete is enabled too, so that deleting a version or changing
//! the versioning state needs the root user's MFA device.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::S3::Bucket`, by bucket name, read from the configuration item alone
//!   (supplementary `BucketVersioningConfiguration`: `status` `Off`, `Enabled` or `Suspended`,
//!   and `isMfaDeleteEnabled`).
//! - **Parameters**: `isMfaDeleteEnabled` (optional, default `false`: MFA Delete is not
//!   checked). The CIS pack sets `true`.
//! - **Same as**: the AWS managed rule `s3-bucket-versioning-enabled` (identifier
//!   `S3_BUCKET_VERSIONING_ENABLED`).
//! - **CIS v5.0.0**: 2.1.2 (Manual: a person decides which buckets hold data that needs MFA
//!   Delete; MFA Delete also stops lifecycle rules from expiring versions).
//!   **Well-Architected**: SEC-8 (data at rest), without MFA Delete.
//!
//! ## Scenarios
//! 1. COMPLIANT when versioning is `Enabled` (MFA Delete not required).
//! 2. NON_COMPLIANT when versioning was never enabled (`Off`).
//! 3. NON_COMPLIANT when versioning is `Suspended`.
//! 4. With `isMfaDeleteEnabled` = `true`: COMPLIANT when versioning and MFA Delete are enabled,
//!    with a manual check.
//! 5. With `isMfaDeleteEnabled` = `true`: NON_COMPLIANT when MFA Delete is off or was never set,
//!    with a manual check.
//! 6. With `isMfaDeleteEnabled` = `true`: NON_COMPLIANT when MFA Delete is on but versioning is
//!    suspended.
//! 7. NOT_APPLICABLE when the bucket was deleted.
//! 8. An oversized notification is evaluated on the item fetched from AWS Config (supplementary
//!    values arrive there as JSON text).
//! 9. An item without `BucketVersioningConfiguration` is an error, not a verdict.
//! 10. An `isMfaDeleteEnabled` value other than `true` or `false` is an error naming it.

use serde_json::Value;
use shared::prelude::*;

pub struct S3BucketVersioningEnabled;

const MFA_DELETE: &str = "isMfaDeleteEnabled";

pub struct Params {
    require_mfa_delete: bool,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { require_mfa_delete: p.bool(MFA_DELETE)? })
    }
}

impl ChangeRule for S3BucketVersioningEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "s3-bucket-versioning-enabled",
        description: "Checks that S3 buckets have versioning enabled and, when isMfaDeleteEnabled is true, MFA Delete too.",
        trigger: Trigger::Change,
        resource_types: &["AWS::S3::Bucket"],
        parameters: &[ParamSpec::boolean(MFA_DELETE, Some("false"), "Also require MFA Delete on every bucket.")],
        iam_actions: &[],
        cis: &["2.1.2"],
        cis_parameters: &[(MFA_DELETE, "true")],
        well_architected: &["SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let bucket = item.config("name").and_then(Value::as_str).unwrap_or(&item.resource_id);
        let unreadable = |what: &str| {
            RuleError::InvalidData(format!(
                "the configuration item of bucket {bucket} {what}; AWS Config records the versioning state of every bucket it can read"
            ))
        };
        let versioning = item
            .supplementary("BucketVersioningConfiguration")
            .ok_or_else(|| unreadable("carries no BucketVersioningConfiguration"))?;
        let status = versioning
            .get("status")
            .and_then(Value::as_str)
            .ok_or_else(|| unreadable("has no BucketVersioningConfiguration.status"))?;
        let mfa_delete = match versioning.get("isMfaDeleteEnabled") {
            None | Some(Value::Null) => false,
            Some(v) => shared::ci::as_flag(v)
                .ok_or_else(|| unreadable(&format!("has isMfaDeleteEnabled {v}, not a boolean")))?,
        };
        let enabled = status.eq_ignore_ascii_case("Enabled");
        let state = match status {
            s if s.eq_ignore_ascii_case("Off") => "never enabled",
            s if s.eq_ignore_ascii_case("Suspended") => "suspended",
            _ => status,
        };
        if !params.require_mfa_delete {
            return Ok(if enabled {
                Verdict::compliant(format!("Bucket {bucket} has versioning enabled."))
            } else {
                Verdict::non_compliant(format!(
                    "Bucket {bucket} has versioning {state}: deleted or overwritten objects cannot be recovered. Run s3api put-bucket-versioning with Status=Enabled."
                ))
            });
        }
        Ok(if enabled && mfa_delete {
            Verdict::compliant(format!(
                "Bucket {bucket} has versioning and MFA Delete enabled. Manual check: confirm which buckets hold sensitive data that needs MFA Delete."
            ))
        } else {
            let mfa = if mfa_delete { "on" } else { "off" };
            let versioning = if enabled { "enabled" } else { state };
            Verdict::non_compliant(format!(
                "Bucket {bucket}: versioning {versioning}, MFA Delete {mfa}. As root with MFA, run s3api put-bucket-versioning with Status=Enabled,MFADelete=Enabled. Manual check: record why if it needs no MFA Delete."
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_when_versioning_is_enabled() {
        let e = change(&S3BucketVersioningEnabled, "enabled").unwrap();
        assert_eq!(e.resource_id, "example-versioned-bucket");
        assert_evaluation(&e, Compliance::Compliant, &["example-versioned-bucket", "versioning enabled"]);
        assert!(!e.annotation.contains("MFA"));
    }

    #[test]
    fn scenario_2_non_compliant_when_versioning_was_never_enabled() {
        assert_evaluation(
            &change(&S3BucketVersioningEnabled, "off").unwrap(),
            Compliance::NonCompliant,
            &["example-plain-bucket", "never enabled", "Status=Enabled"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_when_versioning_is_suspended() {
        assert_evaluation(
            &change(&S3BucketVersioningEnabled, "suspended").unwrap(),
            Compliance::NonCompliant,
            &["suspended"],
        );
    }

    #[test]
    fn scenario_4_compliant_with_mfa_delete_when_required() {
        assert_evaluation(
            &change(&S3BucketVersioningEnabled, "mfa-delete-enabled").unwrap(),
            Compliance::Compliant,
            &["example-audit-bucket", "MFA Delete enabled", "Manual check:"],
        );
    }

    #[test]
    fn scenario_5_non_compliant_without_mfa_delete_when_required() {
        let e = change(&S3BucketVersioningEnabled, "mfa-delete-missing").unwrap();
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["versioning enabled, MFA Delete off", "MFADelete=Enabled", "Manual check:"],
        );
        assert!(e.annotation.chars().count() <= 256, "{}", e.annotation.chars().count());
    }

    #[test]
    fn scenario_6_non_compliant_with_mfa_delete_but_suspended_versioning() {
        assert_evaluation(
            &change(&S3BucketVersioningEnabled, "mfa-delete-without-versioning").unwrap(),
            Compliance::NonCompliant,
            &["versioning suspended, MFA Delete on"],
        );
    }

    #[test]
    fn scenario_7_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&S3BucketVersioningEnabled, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_8_oversized_item_is_fetched() {
        let bucket =
            Recorded::new("AWS::S3::Bucket", "example-big-bucket", serde_json::json!({"name": "example-big-bucket"}))
                .with_supplementary(
                    "BucketVersioningConfiguration",
                    serde_json::json!({"status": "Enabled", "isMfaDeleteEnabled": null}),
                );
        let config = shared::testing::recorded_config_client(vec![bucket], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&S3BucketVersioningEnabled, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "example-big-bucket");
    }

    #[test]
    fn scenario_9_missing_versioning_configuration_is_an_error() {
        let error = change(&S3BucketVersioningEnabled, "no-versioning-configuration").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("example-unread-bucket"), "{error}");
        assert!(error.to_string().contains("BucketVersioningConfiguration"), "{error}");
    }

    #[test]
    fn scenario_10_invalid_parameter_is_rejected() {
        let error = change(&S3BucketVersioningEnabled, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("isMfaDeleteEnabled"), "{error}");
        assert!(error.to_string().contains("yes"), "{error}");
    }
}
