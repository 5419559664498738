//! # rds-automatic-minor-version-upgrade-enabled
//!
//! Checks that every RDS DB instance has Auto Minor Version Upgrade turned on, so that minor
//! engine versions with security fixes are applied in the maintenance window.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::RDS::DBInstance`, by the id AWS Config records (the `DbiResourceId`,
//!   `db-…`); annotations name the instance identifier. Read from the configuration item alone
//!   (`autoMinorVersionUpgrade`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `rds-automatic-minor-version-upgrade-enabled`
//!   (identifier `RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED`). Like it, the rule judges the
//!   instance's own flag; for Aurora the cluster's setting matters too, so the annotation says
//!   so.
//! - **CIS v5.0.0**: 2.2.2. **Well-Architected**: SEC-6 (vulnerability management).
//!
//! ## Scenarios
//! 1. COMPLIANT when Auto Minor Version Upgrade is on; reported by `DbiResourceId`.
//! 2. NON_COMPLIANT when it is off, with the command that turns it on.
//! 3. An Aurora instance is judged by its own flag, and the annotation points at the cluster's
//!    setting.
//! 4. NOT_APPLICABLE when the instance was deleted.
//! 5. An oversized notification is evaluated on the item fetched from AWS Config.
//! 6. An item without `autoMinorVersionUpgrade` is an error, not a verdict.

use serde_json::Value;
use shared::prelude::*;

pub struct RdsAutomaticMinorVersionUpgradeEnabled;

impl ChangeRule for RdsAutomaticMinorVersionUpgradeEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "rds-automatic-minor-version-upgrade-enabled",
        description: "Checks that RDS DB instances have Auto Minor Version Upgrade enabled.",
        trigger: Trigger::Change,
        resource_types: &["AWS::RDS::DBInstance"],
        parameters: &[],
        iam_actions: &[],
        cis: &["2.2.2"],
        well_architected: &["SEC-6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let db = item.display_name("dBInstanceIdentifier");
        let aurora = item.config("engine").and_then(Value::as_str).is_some_and(|e| e.starts_with("aurora"));
        let cluster_note = if aurora { " Aurora: also set it on the cluster (aws rds modify-db-cluster)." } else { "" };
        Ok(if item.required_flag("autoMinorVersionUpgrade")? {
            Verdict::compliant(format!("DB instance {db} has Auto Minor Version Upgrade turned on.{cluster_note}"))
        } else {
            Verdict::non_compliant(format!(
                "DB instance {db} has Auto Minor Version Upgrade turned off, so security fixes in minor versions are not applied. Turn it on (aws rds modify-db-instance --auto-minor-version-upgrade).{cluster_note}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_when_enabled() {
        let e = change(&RdsAutomaticMinorVersionUpgradeEnabled, "enabled").unwrap();
        assert_eq!(e.resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX01");
        assert_evaluation(&e, Compliance::Compliant, &["orders-db", "turned on"]);
        assert!(!e.annotation.contains("Aurora"));
    }

    #[test]
    fn scenario_2_non_compliant_when_disabled() {
        assert_evaluation(
            &change(&RdsAutomaticMinorVersionUpgradeEnabled, "disabled").unwrap(),
            Compliance::NonCompliant,
            &["pinned-db", "turned off", "--auto-minor-version-upgrade"],
        );
    }

    #[test]
    fn scenario_3_aurora_instances_point_at_the_cluster_setting() {
        assert_evaluation(
            &change(&RdsAutomaticMinorVersionUpgradeEnabled, "aurora-instance").unwrap(),
            Compliance::Compliant,
            &["aurora-writer", "modify-db-cluster"],
        );
    }

    #[test]
    fn scenario_4_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&RdsAutomaticMinorVersionUpgradeEnabled, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_5_oversized_item_is_fetched() {
        let db = Recorded::new(
            "AWS::RDS::DBInstance",
            "db-ABCDEFGHIJKLMNOPQRSTUVWX08",
            serde_json::json!({"dBInstanceIdentifier": "big-db", "engine": "mysql", "autoMinorVersionUpgrade": false}),
        );
        let config = shared::testing::recorded_config_client(vec![db], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&RdsAutomaticMinorVersionUpgradeEnabled, "oversized", config)
                .await
                .unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX08");
    }

    #[test]
    fn scenario_6_missing_flag_is_an_error() {
        let error = change(&RdsAutomaticMinorVersionUpgradeEnabled, "missing-flag").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("autoMinorVersionUpgrade"), "{error}");
        assert!(error.to_string().contains("orders-db"), "{error}");
    }
}
