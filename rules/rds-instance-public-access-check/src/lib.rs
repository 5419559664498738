//! # rds-instance-public-access-check
//!
//! Checks that no RDS DB instance is publicly accessible, that is, that RDS does not give it a
//! DNS name resolving to a public IP address.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::RDS::DBInstance`, by the id AWS Config records (the `DbiResourceId`,
//!   `db-…`); annotations name the instance identifier. Read from the configuration item alone
//!   (`publiclyAccessible`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `rds-instance-public-access-check` (identifier
//!   `RDS_INSTANCE_PUBLIC_ACCESS_CHECK`).
//! - **CIS v5.0.0**: 2.2.3, in part: CIS also asks that the instance's subnets have no route to
//!   an internet gateway, which `rds-instance-subnet-igw-check` checks.
//!   **Well-Architected**: SEC-3, SEC-5.
//!
//! ## Scenarios
//! 1. COMPLIANT when the instance is not publicly accessible; reported by `DbiResourceId`.
//! 2. NON_COMPLIANT when it is, with how to turn that off.
//! 3. NOT_APPLICABLE when the instance was deleted.
//! 4. An oversized notification is evaluated on the item fetched from AWS Config.
//! 5. An item without `publiclyAccessible` is an error, not a verdict.

use shared::prelude::*;

pub struct RdsInstancePublicAccessCheck;

impl ChangeRule for RdsInstancePublicAccessCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "rds-instance-public-access-check",
        description: "Checks that RDS DB instances are not publicly accessible.",
        trigger: Trigger::Change,
        resource_types: &["AWS::RDS::DBInstance"],
        parameters: &[],
        iam_actions: &[],
        cis: &["2.2.3"],
        well_architected: &["SEC-3", "SEC-5"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let db = item.display_name("dBInstanceIdentifier");
        Ok(if item.required_flag("publiclyAccessible")? {
            Verdict::non_compliant(format!(
                "DB instance {db} is publicly accessible. Turn this off (aws rds modify-db-instance --no-publicly-accessible) and allow only trusted sources in its security groups."
            ))
        } else {
            Verdict::compliant(format!("DB instance {db} is not publicly accessible."))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_when_private() {
        let e = change(&RdsInstancePublicAccessCheck, "private").unwrap();
        assert_eq!(e.resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX01");
        assert_evaluation(&e, Compliance::Compliant, &["orders-db", "not publicly accessible"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_public() {
        assert_evaluation(
            &change(&RdsInstancePublicAccessCheck, "public").unwrap(),
            Compliance::NonCompliant,
            &["reporting-db", "is publicly accessible", "--no-publicly-accessible"],
        );
    }

    #[test]
    fn scenario_3_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&RdsInstancePublicAccessCheck, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_4_oversized_item_is_fetched() {
        let db = Recorded::new(
            "AWS::RDS::DBInstance",
            "db-ABCDEFGHIJKLMNOPQRSTUVWX08",
            serde_json::json!({"dBInstanceIdentifier": "big-db", "publiclyAccessible": true}),
        );
        let config = shared::testing::recorded_config_client(vec![db], vec![]);
        let outcome = shared::testing::handle_change_with_config(&RdsInstancePublicAccessCheck, "oversized", config)
            .await
            .unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX08");
    }

    #[test]
    fn scenario_5_missing_flag_is_an_error() {
        let error = change(&RdsInstancePublicAccessCheck, "missing-flag").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("publiclyAccessible"), "{error}");
    }
}
