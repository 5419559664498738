//! # rds-multi-az-support
//!
//! Checks that RDS DB instances are Multi-AZ deployments, with a synchronous standby in
//! another Availability Zone that RDS fails over to.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::RDS::DBInstance`, by the id AWS Config records (the `DbiResourceId`,
//!   `db-…`); annotations name the instance identifier. Read from the configuration item alone
//!   (`multiAZ`, `engine`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `rds-multi-az-support` (identifier
//!   `RDS_MULTI_AZ_SUPPORT`), which does not evaluate Aurora, DocumentDB and Neptune instances:
//!   their availability is a property of the cluster.
//! - **CIS v5.0.0**: 2.2.4 (Manual: a person decides which databases need Multi-AZ; development
//!   databases and read replicas may not, and it has a cost).
//!
//! ## Scenarios
//! 1. COMPLIANT when the instance is Multi-AZ; reported by `DbiResourceId`.
//! 2. NON_COMPLIANT when it is Single-AZ, with how to change it and a manual check.
//! 3. NOT_APPLICABLE for Aurora, DocumentDB and Neptune instances.
//! 4. NOT_APPLICABLE when the instance was deleted.
//! 5. An oversized notification is evaluated on the item fetched from AWS Config.
//! 6. An item without `multiAZ` is an error, not a verdict.

use serde_json::Value;
use shared::prelude::*;

pub struct RdsMultiAzSupport;

impl ChangeRule for RdsMultiAzSupport {
    const SPEC: RuleSpec = RuleSpec {
        name: "rds-multi-az-support",
        description: "Checks that RDS DB instances (other than Aurora, DocumentDB and Neptune) are Multi-AZ deployments.",
        trigger: Trigger::Change,
        resource_types: &["AWS::RDS::DBInstance"],
        parameters: &[],
        iam_actions: &[],
        cis: &["2.2.4"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let db = item.display_name("dBInstanceIdentifier");
        let engine = item.config("engine").and_then(Value::as_str).ok_or_else(|| {
            RuleError::InvalidData(format!("the configuration item of DB instance {db} names no engine"))
        })?;
        if engine.starts_with("aurora") || engine == "docdb" || engine == "neptune" {
            return Ok(Verdict::not_applicable(format!(
                "DB instance {db} runs {engine}, whose availability is set on its cluster (see rds-cluster-multi-az-enabled)."
            )));
        }
        Ok(if item.required_flag("multiAZ")? {
            Verdict::compliant(format!("DB instance {db} is a Multi-AZ deployment."))
        } else {
            Verdict::non_compliant(format!(
                "DB instance {db} is Single-AZ: an Availability Zone failure takes it down. Turn on Multi-AZ (aws rds modify-db-instance --multi-az). Manual check: record why if it needs no standby."
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_when_multi_az() {
        let e = change(&RdsMultiAzSupport, "multi-az").unwrap();
        assert_eq!(e.resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX01");
        assert_evaluation(&e, Compliance::Compliant, &["orders-db", "Multi-AZ"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_single_az() {
        assert_evaluation(
            &change(&RdsMultiAzSupport, "single-az").unwrap(),
            Compliance::NonCompliant,
            &["dev-db", "Single-AZ", "--multi-az", "Manual check:"],
        );
    }

    #[test]
    fn scenario_3_not_applicable_for_cluster_engines() {
        for (case, engine) in
            [("aurora-instance", "aurora-mysql"), ("docdb-instance", "docdb"), ("neptune-instance", "neptune")]
        {
            assert_evaluation(
                &change(&RdsMultiAzSupport, case).unwrap(),
                Compliance::NotApplicable,
                &[engine, "cluster"],
            );
        }
    }

    #[test]
    fn scenario_4_not_applicable_when_deleted() {
        assert_evaluation(&change(&RdsMultiAzSupport, "deleted").unwrap(), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_5_oversized_item_is_fetched() {
        let db = Recorded::new(
            "AWS::RDS::DBInstance",
            "db-ABCDEFGHIJKLMNOPQRSTUVWX08",
            serde_json::json!({"dBInstanceIdentifier": "big-db", "engine": "postgres", "multiAZ": true}),
        );
        let config = shared::testing::recorded_config_client(vec![db], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&RdsMultiAzSupport, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "db-ABCDEFGHIJKLMNOPQRSTUVWX08");
    }

    #[test]
    fn scenario_6_missing_flag_is_an_error() {
        let error = change(&RdsMultiAzSupport, "missing-flag").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("multiAZ"), "{error}");
    }
}
