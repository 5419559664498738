//! # security-account-information-provided
//!
//! Checks that the account has a SECURITY alternate contact, so AWS can reach the team that acts
//! on security notices about the account.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `account:GetAlternateContact` for the `SECURITY` type. The Account Management API
//!   answers `ResourceNotFoundException` when no contact of that type is registered.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `security-account-information-provided`. The contact's email
//!   address, name and phone number must also be non-blank (the API requires them, so this only
//!   guards against unexpected data).
//! - **CIS v5.0.0**: 1.2 (Manual: whether the contact reaches the right, monitored team is for a
//!   person to confirm, and the compliant annotation says so).
//!
//! ## Scenarios
//! 1. COMPLIANT when a SECURITY alternate contact with email address, name and phone number is
//!    registered, with a manual check in the annotation.
//! 2. NON_COMPLIANT when no SECURITY alternate contact is registered.
//! 3. NON_COMPLIANT when the registered contact has a blank email address, name or phone number.
//! 4. A rule parameter is an error naming it (the rule takes none), so a typo is never ignored.
//! 5. `gather` asks for the SECURITY contact and treats `ResourceNotFoundException` as "none";
//!    AccessDenied is an error naming `account:GetAlternateContact`, never a verdict.

use aws_sdk_account::types::{AlternateContact, AlternateContactType};
use shared::prelude::*;

pub struct SecurityAccountInformationProvided;

impl PeriodicRule for SecurityAccountInformationProvided {
    const SPEC: RuleSpec = RuleSpec {
        name: "security-account-information-provided",
        description: "Checks that the account has a security alternate contact with an email address, name and phone number.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["account:GetAlternateContact"],
        cis: &["1.2"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    /// The SECURITY alternate contact, or `None` when none is registered.
    type Facts = Option<AlternateContact>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Self::Facts, RuleError> {
        let account = aws.client(aws_sdk_account::Client::new);
        match account.get_alternate_contact().alternate_contact_type(AlternateContactType::Security).send().await {
            Ok(output) => Ok(output.alternate_contact().cloned()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => Ok(None),
            Err(e) => Err(e).context("account:GetAlternateContact"),
        }
    }

    fn evaluate(&self, contact: &Self::Facts, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let evaluation = match contact {
            None => Evaluation::non_compliant(
                ACCOUNT,
                account,
                "No SECURITY alternate contact is registered for this account. Add one that reaches your security team (aws account put-alternate-contact --alternate-contact-type SECURITY).",
            ),
            Some(contact) => {
                let fields = [
                    ("email address", contact.email_address()),
                    ("name", contact.name()),
                    ("phone number", contact.phone_number()),
                ];
                let blank: Vec<&str> =
                    fields.iter().filter(|(_, v)| v.is_none_or(|v| v.trim().is_empty())).map(|(f, _)| *f).collect();
                if blank.is_empty() {
                    Evaluation::compliant(
                        ACCOUNT,
                        account,
                        "A SECURITY alternate contact is registered. Manual check: confirm it is a monitored team address and phone, not one person or a placeholder.",
                    )
                } else {
                    Evaluation::non_compliant(
                        ACCOUNT,
                        account,
                        format!(
                            "The SECURITY alternate contact has no {}. Complete it in Account settings (aws account put-alternate-contact --alternate-contact-type SECURITY).",
                            blank.join(", ")
                        ),
                    )
                }
            }
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_account::operation::get_alternate_contact::{GetAlternateContactError, GetAlternateContactOutput};
    use aws_sdk_account::types::error::{AccessDeniedException, ResourceNotFoundException};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn contact(email: &str, name: &str, phone: &str) -> Option<AlternateContact> {
        Some(
            AlternateContact::builder()
                .alternate_contact_type(AlternateContactType::Security)
                .email_address(email)
                .name(name)
                .phone_number(phone)
                .title("Security team")
                .build(),
        )
    }

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_with_a_complete_security_contact() {
        let facts = contact("security@example.com", "Security team", "+1 555 0100");
        let e = only(periodic(&SecurityAccountInformationProvided, "scheduled", &facts).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &["SECURITY alternate contact is registered", "Manual check:"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_security_contact() {
        let e = only(periodic(&SecurityAccountInformationProvided, "scheduled", &None).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["No SECURITY alternate contact", "put-alternate-contact"]);
    }

    #[test]
    fn scenario_3_non_compliant_when_a_field_is_blank() {
        let facts = contact("security@example.com", " ", "");
        let e = only(periodic(&SecurityAccountInformationProvided, "scheduled", &facts).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["has no name, phone number"]);
        let facts = Some(AlternateContact::builder().name("Security team").phone_number("+1 555 0100").build());
        let e = only(periodic(&SecurityAccountInformationProvided, "scheduled", &facts).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["has no email address"]);
    }

    #[test]
    fn scenario_4_a_parameter_is_an_error() {
        let error = periodic(&SecurityAccountInformationProvided, "unknown-parameter", &None).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("SecurityContactEmail"), "{error}");
    }

    fn meta(code: &str, message: &str) -> aws_sdk_account::error::ErrorMetadata {
        aws_sdk_account::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    fn aws_with(account: aws_sdk_account::Client) -> Aws {
        Aws::new(shared::testing::test_sdk_config()).with_client(account)
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_account::primitives::DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_5_gather_reads_the_security_contact_and_reports_errors() {
        let found = mock!(aws_sdk_account::Client::get_alternate_contact)
            .match_requests(|r| r.alternate_contact_type() == Some(&AlternateContactType::Security))
            .then_output(|| {
                GetAlternateContactOutput::builder()
                    .alternate_contact(contact("security@example.com", "Security team", "+1 555 0100").unwrap())
                    .build()
            });
        let account = shared::mock_client!(aws_sdk_account, RuleMode::MatchAny, &[&found]);
        let facts = SecurityAccountInformationProvided.gather(&aws_with(account), &NoParams, &scope()).await.unwrap();
        assert_eq!(facts.and_then(|c| c.email_address().map(str::to_owned)).as_deref(), Some("security@example.com"));

        let none = mock!(aws_sdk_account::Client::get_alternate_contact).then_error(|| {
            GetAlternateContactError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message("No contact of the inputted alternate contact type found.")
                    .meta(meta("ResourceNotFoundException", "No contact of the inputted alternate contact type found."))
                    .build()
                    .unwrap(),
            )
        });
        let account = shared::mock_client!(aws_sdk_account, RuleMode::MatchAny, &[&none]);
        assert_eq!(
            SecurityAccountInformationProvided.gather(&aws_with(account), &NoParams, &scope()).await.unwrap(),
            None
        );

        let denied = mock!(aws_sdk_account::Client::get_alternate_contact).then_error(|| {
            GetAlternateContactError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("not authorized")
                    .meta(meta("AccessDeniedException", "not authorized"))
                    .build()
                    .unwrap(),
            )
        });
        let account = shared::mock_client!(aws_sdk_account, RuleMode::MatchAny, &[&denied]);
        let error =
            SecurityAccountInformationProvided.gather(&aws_with(account), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("account:GetAlternateContact"), "{error}");
    }
}
