//! # account-part-of-organizations
//!
//! Checks that the account is a member of AWS Organizations and, when `MasterAccountId` is
//! given, of the organization managed by that account: central account governance is what lets
//! people be managed in one place (IAM Identity Center or a federated identity provider).
//!
//! - **Trigger**: periodic, every 24 hours. The answer is global: deploy the rule in one region.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `organizations:DescribeOrganization` (`AWSOrganizationsNotInUseException` means the
//!   account is in no organization).
//! - **Parameters**: `MasterAccountId` (optional): the management account the organization must
//!   have.
//! - **Same as**: the AWS managed rule `account-part-of-organizations`. `MasterAccountId` must be a
//!   12-digit account id; anything else is an error rather than a silent mismatch.
//! - **CIS v5.0.0**: 1.20, partly (Manual: whether people are really managed centrally is for a
//!   person to confirm, and the compliant annotation says so).
//! - **Well-Architected**: SEC-1, SEC-3, SEC-8.
//!
//! ## Scenarios
//! 1. COMPLIANT when the account belongs to an organization, naming it and its management account.
//! 2. NON_COMPLIANT when the account is not a member of any organization.
//! 3. With `MasterAccountId`, NON_COMPLIANT when the organization's management account is another
//!    account, COMPLIANT when it is that account.
//! 4. An invalid `MasterAccountId` (not 12 digits) is an error naming it.
//! 5. `gather` treats `AWSOrganizationsNotInUseException` as "no organization"; an organization
//!    without a management account id is an error, and AccessDenied is an error naming
//!    `organizations:DescribeOrganization`, never a verdict.

use shared::prelude::*;

pub struct AccountPartOfOrganizations;

pub struct Params {
    /// The management account the organization must have, when given.
    master_account_id: Option<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let master_account_id = p.opt_string("MasterAccountId")?.map(str::to_owned);
        if let Some(id) = &master_account_id
            && !(id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(ParamError::new("MasterAccountId", format!("expected a 12-digit AWS account id, got {id:?}")));
        }
        Ok(Params { master_account_id })
    }
}

/// The organization the account belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organization_id: String,
    pub management_account_id: String,
}

impl PeriodicRule for AccountPartOfOrganizations {
    const SPEC: RuleSpec = RuleSpec {
        name: "account-part-of-organizations",
        description: "Checks that the account is part of AWS Organizations, optionally under the given management account.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[ParamSpec::string(
            "MasterAccountId",
            None,
            "The 12-digit id of the management account the organization must have (optional).",
        )],
        iam_actions: &["organizations:DescribeOrganization"],
        cis: &["1.20"],
        well_architected: &["SEC-1", "SEC-3", "SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    /// The organization, or `None` when the account is in none.
    type Facts = Option<Membership>;

    async fn gather(&self, aws: &Aws, _: &Params, _: &Scope) -> Result<Self::Facts, RuleError> {
        let organizations = aws.client(aws_sdk_organizations::Client::new);
        let output = match organizations.describe_organization().send().await {
            Ok(output) => output,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_aws_organizations_not_in_use_exception()) => {
                return Ok(None);
            }
            Err(e) => return Err(e).context("organizations:DescribeOrganization"),
        };
        let organization = output.organization();
        let field = |value: Option<&str>, name: &str| {
            value
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| RuleError::InvalidData(format!("organizations:DescribeOrganization returned no {name}")))
        };
        Ok(Some(Membership {
            organization_id: field(organization.and_then(|o| o.id()), "organization id")?,
            management_account_id: field(organization.and_then(|o| o.master_account_id()), "MasterAccountId")?,
        }))
    }

    fn evaluate(&self, membership: &Self::Facts, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let evaluation = match membership {
            None => Evaluation::non_compliant(
                ACCOUNT,
                account,
                "This account is not part of AWS Organizations. Join it to your organization and manage people centrally (IAM Identity Center or an external identity provider).",
            ),
            Some(Membership { organization_id, management_account_id }) => match &p.master_account_id {
                Some(expected) if expected != management_account_id => Evaluation::non_compliant(
                    ACCOUNT,
                    account,
                    format!(
                        "This account belongs to organization {organization_id}, whose management account is {management_account_id}, not {expected} (MasterAccountId). Move the account to the expected organization, or correct the parameter."
                    ),
                ),
                _ => Evaluation::compliant(
                    ACCOUNT,
                    account,
                    format!(
                        "This account belongs to organization {organization_id} (management account {management_account_id}). Manual check: confirm people sign in through IAM Identity Center or a federated identity provider, not IAM users."
                    ),
                ),
            },
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_organizations::operation::describe_organization::{
        DescribeOrganizationError, DescribeOrganizationOutput,
    };
    use aws_sdk_organizations::types::Organization;
    use aws_sdk_organizations::types::error::{AccessDeniedException, AwsOrganizationsNotInUseException};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn member_of(management: &str) -> Option<Membership> {
        Some(Membership { organization_id: "o-a1b2c3d4e5".into(), management_account_id: management.into() })
    }

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_in_an_organization() {
        let e = only(periodic(&AccountPartOfOrganizations, "scheduled", &member_of("111122223333")).unwrap());
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["organization o-a1b2c3d4e5", "management account 111122223333", "Manual check:"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_outside_any_organization() {
        let e = only(periodic(&AccountPartOfOrganizations, "scheduled", &None).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["not part of AWS Organizations"]);
    }

    #[test]
    fn scenario_3_master_account_id_must_match() {
        let e = only(periodic(&AccountPartOfOrganizations, "master-account", &member_of("444455556666")).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["management account is 444455556666, not 111122223333"]);
        let e = only(periodic(&AccountPartOfOrganizations, "master-account", &member_of("111122223333")).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &["management account 111122223333"]);
        let e = only(periodic(&AccountPartOfOrganizations, "master-account", &None).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["not part of AWS Organizations"]);
    }

    #[test]
    fn scenario_4_invalid_master_account_id_is_an_error() {
        let error = periodic(&AccountPartOfOrganizations, "invalid-master-account", &None).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("MasterAccountId") && error.to_string().contains("12-digit"), "{error}");
    }

    fn aws_with(organizations: aws_sdk_organizations::Client) -> Aws {
        Aws::new(shared::testing::test_sdk_config()).with_client(organizations)
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_organizations::primitives::DateTime::from_secs(1_795_168_800))
    }

    fn meta(code: &str, message: &str) -> aws_sdk_organizations::error::ErrorMetadata {
        aws_sdk_organizations::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    async fn gather_with(rule: aws_smithy_mocks::Rule) -> Result<Option<Membership>, RuleError> {
        let organizations = shared::mock_client!(aws_sdk_organizations, RuleMode::MatchAny, &[&rule]);
        let params = shared::testing::params::<AccountPartOfOrganizations>("scheduled").unwrap();
        AccountPartOfOrganizations.gather(&aws_with(organizations), &params, &scope()).await
    }

    #[tokio::test]
    async fn scenario_5_gather_reads_the_organization_and_reports_errors() {
        let found = mock!(aws_sdk_organizations::Client::describe_organization).then_output(|| {
            DescribeOrganizationOutput::builder()
                .organization(Organization::builder().id("o-a1b2c3d4e5").master_account_id("111122223333").build())
                .build()
        });
        assert_eq!(gather_with(found).await.unwrap(), member_of("111122223333"));

        let none = mock!(aws_sdk_organizations::Client::describe_organization).then_error(|| {
            let message = "Your account is not a member of an organization.";
            DescribeOrganizationError::AwsOrganizationsNotInUseException(
                AwsOrganizationsNotInUseException::builder()
                    .message(message)
                    .meta(meta("AWSOrganizationsNotInUseException", message))
                    .build(),
            )
        });
        assert_eq!(gather_with(none).await.unwrap(), None);

        let no_management = mock!(aws_sdk_organizations::Client::describe_organization).then_output(|| {
            DescribeOrganizationOutput::builder()
                .organization(Organization::builder().id("o-a1b2c3d4e5").build())
                .build()
        });
        assert_eq!(gather_with(no_management).await.unwrap_err().error_type(), "InvalidData");

        let denied = mock!(aws_sdk_organizations::Client::describe_organization).then_error(|| {
            DescribeOrganizationError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("not authorized")
                    .meta(meta("AccessDeniedException", "not authorized"))
                    .build(),
            )
        });
        let error = gather_with(denied).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("organizations:DescribeOrganization"), "{error}");
    }
}
