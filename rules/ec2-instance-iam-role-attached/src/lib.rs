//! # ec2-instance-iam-role-attached
//!
//! Checks that every EC2 instance gets AWS credentials from an IAM role: it has an instance
//! profile, the profile still exists, and the profile contains a role. An instance profile
//! without a role gives the instance no credentials, so applications fall back to access keys
//! stored on it.
//!
//! - **Trigger**: periodic, every 24 hours (a role added to or removed from a profile changes
//!   no instance, so configuration changes of instances would miss it).
//! - **Reports on**: `AWS::EC2::Instance`, by instance id.
//! - **Reads**: the instances AWS Config has recorded (`config:ListDiscoveredResources`,
//!   `config:BatchGetResourceConfig`; instances must be recorded), and every instance profile
//!   with its roles (`iam:ListInstanceProfiles`, only when an instance has a profile), joined
//!   on the profile ARN.
//! - **Parameters**: none.
//! - **Same as**: no AWS managed rule; it completes `ec2-instance-profile-attached`, which
//!   accepts a profile without a role.
//! - **CIS v5.0.0**: 1.17. CIS also asks for a scan of the instances for stored AWS keys, which
//!   no AWS API offers, so COMPLIANT results carry a manual check.
//!
//! ## Scenarios
//! 1. COMPLIANT when the instance's profile contains a role, with a manual check for stored keys.
//! 2. NON_COMPLIANT when the instance has no instance profile.
//! 3. NON_COMPLIANT when the profile contains no role.
//! 4. NON_COMPLIANT when the profile no longer exists.
//! 5. NOT_APPLICABLE when the instance is terminated or shutting down; stopped instances are
//!    evaluated.
//! 6. `gather` reads the instances from Config's inventory and pages through
//!    `ListInstanceProfiles`; it does not call IAM when no instance has a profile.
//! 7. AccessDenied on `ListInstanceProfiles` is an error naming `iam:ListInstanceProfiles`.
//! 8. A recorded instance without configuration is an error, not a verdict.
//! 9. A scheduled run reports every recorded instance and clears results of instances that are
//!    gone.

use serde_json::Value;
use shared::prelude::*;
use shared::recorded::recorded_items;

pub struct Ec2InstanceIamRoleAttached;

const INSTANCE: &str = "AWS::EC2::Instance";

/// An instance as AWS Config recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    /// `state.name`: `running`, `stopped`, `terminated`…
    pub state: Option<String>,
    pub profile_arn: Option<String>,
}

impl Instance {
    /// The instance of a recorded item; `None` for items of resources that are gone.
    pub fn from_item(item: &ConfigurationItem) -> Result<Option<Instance>, RuleError> {
        if !item.status.is_evaluable() {
            return Ok(None);
        }
        if !item.configuration.is_object() {
            return Err(RuleError::InvalidData(format!(
                "the configuration item of EC2 instance {} carries no configuration",
                item.resource_id
            )));
        }
        let text = |path: &str| item.config(path).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(Some(Instance {
            id: item.resource_id.clone(),
            state: text("state.name"),
            profile_arn: text("iamInstanceProfile.arn"),
        }))
    }
}

/// An instance profile and the names of its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub arn: String,
    pub name: String,
    pub roles: Vec<String>,
}

#[derive(Debug)]
pub struct Facts {
    pub instances: Vec<Instance>,
    pub profiles: Vec<Profile>,
}

impl PeriodicRule for Ec2InstanceIamRoleAttached {
    const SPEC: RuleSpec = RuleSpec {
        name: "ec2-instance-iam-role-attached",
        description: "Checks that EC2 instances have an instance profile that exists and contains an IAM role.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[INSTANCE],
        parameters: &[],
        iam_actions: &["config:ListDiscoveredResources", "config:BatchGetResourceConfig", "iam:ListInstanceProfiles"],
        cis: &["1.17"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Facts, RuleError> {
        let config = aws.client(aws_sdk_config::Client::new);
        let mut instances = Vec::new();
        for item in recorded_items(&config, &[INSTANCE]).await? {
            instances.extend(Instance::from_item(&item)?);
        }
        let mut profiles = Vec::new();
        if instances.iter().any(|i| i.profile_arn.is_some()) {
            let iam = aws.client(aws_sdk_iam::Client::new);
            let mut pages = iam.list_instance_profiles().into_paginator().send();
            while let Some(page) = pages.next().await {
                for p in page.context("iam:ListInstanceProfiles")?.instance_profiles() {
                    profiles.push(Profile {
                        arn: p.arn().to_owned(),
                        name: p.instance_profile_name().to_owned(),
                        roles: p.roles().iter().map(|r| r.role_name().to_owned()).collect(),
                    });
                }
            }
        }
        Ok(Facts { instances, profiles })
    }

    fn evaluate(&self, facts: &Facts, _: &NoParams, _: &Scope) -> Vec<Evaluation> {
        facts.instances.iter().map(|instance| evaluate_instance(instance, &facts.profiles)).collect()
    }
}

fn evaluate_instance(instance: &Instance, profiles: &[Profile]) -> Evaluation {
    let id = &instance.id;
    let verdict = |v: Verdict| v.on(INSTANCE, id);
    if let Some(state @ ("terminated" | "shutting-down")) = instance.state.as_deref() {
        return verdict(Verdict::not_applicable(format!("Instance {id} is {state}.")));
    }
    let Some(arn) = &instance.profile_arn else {
        return verdict(Verdict::non_compliant(format!(
            "Instance {id} has no IAM instance profile, so it has no role to get credentials from. Attach a profile that contains a role (aws ec2 associate-iam-instance-profile)."
        )));
    };
    // IAM names are unique in an account regardless of letter case.
    let Some(profile) = profiles.iter().find(|p| p.arn.eq_ignore_ascii_case(arn)) else {
        return verdict(Verdict::non_compliant(format!(
            "Instance {id}'s instance profile {arn} no longer exists. Associate an existing profile with a role (aws ec2 replace-iam-instance-profile-association)."
        )));
    };
    let name = &profile.name;
    match profile.roles.first() {
        None => verdict(Verdict::non_compliant(format!(
            "Instance {id}'s instance profile {name} contains no IAM role, so the instance gets no credentials. Add a role to the profile (aws iam add-role-to-instance-profile)."
        ))),
        Some(role) => verdict(Verdict::compliant(format!(
            "Instance {id} gets credentials from role {role} (instance profile {name}). Manual check: scan the instance for stored AWS access keys (e.g. with TruffleHog)."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::list_instance_profiles::{ListInstanceProfilesError, ListInstanceProfilesOutput};
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::{InstanceProfile, Role};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{Recorded, assert_evaluation, find, periodic, recorded_config_client};

    const ARN: &str = "arn:aws:iam::123456789012:instance-profile/";

    fn instance(id: &str, state: &str, profile: Option<&str>) -> Instance {
        Instance { id: id.into(), state: Some(state.into()), profile_arn: profile.map(|p| format!("{ARN}{p}")) }
    }

    fn profile(name: &str, roles: &[&str]) -> Profile {
        Profile {
            arn: format!("{ARN}{name}"),
            name: name.into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    fn evaluations() -> Vec<Evaluation> {
        let facts = Facts {
            instances: vec![
                instance("i-01", "running", Some("web-server")),
                instance("i-02", "running", None),
                instance("i-03", "running", Some("empty-profile")),
                instance("i-04", "running", Some("deleted-profile")),
                instance("i-05", "terminated", None),
                instance("i-06", "shutting-down", Some("web-server")),
                instance("i-07", "stopped", Some("Web-Server")),
            ],
            profiles: vec![profile("web-server", &["web-app"]), profile("empty-profile", &[])],
        };
        periodic(&Ec2InstanceIamRoleAttached, "scheduled", &facts).unwrap()
    }

    #[test]
    fn scenario_1_compliant_when_the_profile_contains_a_role() {
        let evaluations = evaluations();
        let e = find(&evaluations, "i-01");
        assert_eq!(e.resource_type, "AWS::EC2::Instance");
        assert_evaluation(
            e,
            Compliance::Compliant,
            &["role web-app", "web-server", "Manual check:", "stored AWS access keys"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_without_a_profile() {
        assert_evaluation(
            find(&evaluations(), "i-02"),
            Compliance::NonCompliant,
            &["no IAM instance profile", "associate-iam-instance-profile"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_when_the_profile_has_no_role() {
        assert_evaluation(
            find(&evaluations(), "i-03"),
            Compliance::NonCompliant,
            &["empty-profile contains no IAM role", "add-role-to-instance-profile"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_when_the_profile_is_gone() {
        assert_evaluation(
            find(&evaluations(), "i-04"),
            Compliance::NonCompliant,
            &["instance-profile/deleted-profile", "no longer exists"],
        );
    }

    #[test]
    fn scenario_5_terminated_instances_are_not_applicable_stopped_ones_are_evaluated() {
        let evaluations = evaluations();
        assert_evaluation(find(&evaluations, "i-05"), Compliance::NotApplicable, &["terminated"]);
        assert_evaluation(find(&evaluations, "i-06"), Compliance::NotApplicable, &["shutting-down"]);
        assert_evaluation(find(&evaluations, "i-07"), Compliance::Compliant, &["web-app"]);
        assert_eq!(evaluations.len(), 7);
    }

    fn recorded(id: &str, state: &str, profile: Option<&str>) -> Recorded {
        let profile = profile.map(|p| serde_json::json!({"arn": format!("{ARN}{p}"), "id": "AIPA0A1B2C3D4E5F60001"}));
        Recorded::new(
            INSTANCE,
            id,
            serde_json::json!({"instanceId": id, "state": {"code": 16, "name": state}, "iamInstanceProfile": profile}),
        )
    }

    fn sdk_profile(name: &str, roles: &[&str]) -> InstanceProfile {
        let mut b = InstanceProfile::builder()
            .path("/")
            .instance_profile_name(name)
            .instance_profile_id(format!("AIPA{}", name.to_uppercase()))
            .arn(format!("{ARN}{name}"))
            .create_date(DateTime::from_secs(0))
            .set_roles(Some(Vec::new()));
        for role in roles {
            b = b.roles(
                Role::builder()
                    .path("/")
                    .role_name(*role)
                    .role_id(format!("AROA{}", role.to_uppercase()))
                    .arn(format!("arn:aws:iam::123456789012:role/{role}"))
                    .create_date(DateTime::from_secs(0))
                    .build()
                    .unwrap(),
            );
        }
        b.build().unwrap()
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    fn aws_with(config: aws_sdk_config::Client, iam_rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, iam_rules);
        Aws::new(shared::testing::test_sdk_config()).with_client(config).with_client(iam)
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_the_inventory_and_pages_through_instance_profiles() {
        let first = sdk_profile("web-server", &["web-app"]);
        let second = sdk_profile("empty-profile", &[]);
        let list = mock!(aws_sdk_iam::Client::list_instance_profiles)
            .sequence()
            .output(move || {
                ListInstanceProfilesOutput::builder()
                    .instance_profiles(first.clone())
                    .is_truncated(true)
                    .marker("m")
                    .build()
                    .unwrap()
            })
            .output(move || ListInstanceProfilesOutput::builder().instance_profiles(second.clone()).build().unwrap())
            .build();
        let config = recorded_config_client(
            vec![recorded("i-01", "running", Some("web-server")), recorded("i-02", "stopped", None)],
            vec![],
        );
        let facts = Ec2InstanceIamRoleAttached.gather(&aws_with(config, &[&list]), &NoParams, &scope()).await.unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(facts.profiles, [profile("web-server", &["web-app"]), profile("empty-profile", &[])]);
        assert_eq!(
            facts.instances,
            [instance("i-01", "running", Some("web-server")), instance("i-02", "stopped", None)]
        );

        let unused = mock!(aws_sdk_iam::Client::list_instance_profiles)
            .then_output(|| ListInstanceProfilesOutput::builder().build().unwrap());
        let config = recorded_config_client(vec![recorded("i-02", "running", None)], vec![]);
        let facts =
            Ec2InstanceIamRoleAttached.gather(&aws_with(config, &[&unused]), &NoParams, &scope()).await.unwrap();
        assert_eq!(unused.num_calls(), 0);
        assert_eq!(facts.instances.len(), 1);
    }

    #[tokio::test]
    async fn scenario_7_access_denied_names_the_permission() {
        let denied = mock!(aws_sdk_iam::Client::list_instance_profiles).then_error(|| {
            ListInstanceProfilesError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = recorded_config_client(vec![recorded("i-01", "running", Some("web-server"))], vec![]);
        let error =
            Ec2InstanceIamRoleAttached.gather(&aws_with(config, &[&denied]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:ListInstanceProfiles"), "{error}");
    }

    #[tokio::test]
    async fn scenario_8_an_instance_without_configuration_is_an_error() {
        let config = recorded_config_client(vec![Recorded::new(INSTANCE, "i-09", serde_json::Value::Null)], vec![]);
        let error = Ec2InstanceIamRoleAttached.gather(&aws_with(config, &[]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("i-09"), "{error}");
    }

    #[tokio::test]
    async fn scenario_9_scheduled_run_reports_and_clears_stale_results() {
        let list = mock!(aws_sdk_iam::Client::list_instance_profiles).then_output(|| {
            ListInstanceProfilesOutput::builder()
                .instance_profiles(sdk_profile("web-server", &["web-app"]))
                .build()
                .unwrap()
        });
        let config =
            recorded_config_client(vec![recorded("i-01", "running", Some("web-server"))], vec![(INSTANCE, "i-0gone")]);
        let outcome =
            shared::testing::handle_periodic_with(&Ec2InstanceIamRoleAttached, "scheduled", aws_with(config, &[&list]))
                .await
                .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(verdicts, [("i-01", "COMPLIANT"), ("i-0gone", "NOT_APPLICABLE")]);
        assert_eq!(outcome.stale_cleared, 1);
    }
}
