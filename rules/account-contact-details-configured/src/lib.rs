//! # account-contact-details-configured
//!
//! Checks that the account's contact details are filled in: the primary contact (name, address,
//! phone) and an alternate contact with email address, name and phone number for each required
//! type (billing, operations, security), so AWS can reach the organization about the account.
//!
//! - **Trigger**: periodic, every 24 hours. Contacts are global: deploy the rule in one region.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `account:GetContactInformation` (the primary contact; it does not include the root
//!   user's email address) and `account:GetAlternateContact`, once per required type. The Account
//!   Management API answers `ResourceNotFoundException` when a contact does not exist.
//! - **Parameters** (optional): `requiredAlternateContactTypes` (default
//!   `BILLING,OPERATIONS,SECURITY`): the alternate contacts that must exist;
//!   `allowedEmailPatterns`: comma-separated patterns (`*` matches any text, letter case is
//!   ignored, for example `*@example.com` or `aws-*@example.com`) that every alternate contact's
//!   email address must match one of, to require team aliases in your own domain.
//! - **Same as**: no AWS managed rule (`security-account-information-provided` covers the security
//!   contact only).
//! - **CIS v5.0.0**: 1.1 (Manual: whether the details are current and reach more than one person
//!   is for a person to confirm, and the compliant annotation says so).
//!
//! ## Scenarios
//! 1. COMPLIANT when the primary contact and the billing, operations and security alternate
//!    contacts are filled in, with a manual check in the annotation.
//! 2. NON_COMPLIANT when a required alternate contact does not exist, naming its type.
//! 3. NON_COMPLIANT when the primary contact is missing or a required field of it (full name,
//!    address line 1, city, postal code, country code, phone number) is blank.
//! 4. NON_COMPLIANT when an alternate contact has a blank email address, name or phone number.
//! 5. `requiredAlternateContactTypes` chooses the alternate contacts that are read and required.
//! 6. With `allowedEmailPatterns`, NON_COMPLIANT when an alternate contact's email address matches
//!    none of the patterns; COMPLIANT when every one matches.
//! 7. Invalid parameters are errors naming them: an unknown contact type, or a pattern written as
//!    a regular expression.
//! 8. `gather` reads the primary contact and one alternate contact per required type, treating
//!    `ResourceNotFoundException` as "none".
//! 9. AccessDenied on either read is an error naming the action, never a verdict.

use aws_sdk_account::types::{AlternateContact, AlternateContactType, ContactInformation};
use shared::prelude::*;

pub struct AccountContactDetailsConfigured;

pub struct Params {
    required: Vec<AlternateContactType>,
    /// Lower-case `*` patterns; empty: any email address.
    email_patterns: Vec<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let mut required = Vec::new();
        for name in p.list("requiredAlternateContactTypes")? {
            let kind = match name.to_ascii_uppercase().as_str() {
                "BILLING" => AlternateContactType::Billing,
                "OPERATIONS" => AlternateContactType::Operations,
                "SECURITY" => AlternateContactType::Security,
                _ => {
                    return Err(ParamError::new(
                        "requiredAlternateContactTypes",
                        format!("expected BILLING, OPERATIONS or SECURITY, got {name:?}"),
                    ));
                }
            };
            if !required.contains(&kind) {
                required.push(kind);
            }
        }
        let mut email_patterns = Vec::new();
        for pattern in p.list("allowedEmailPatterns")? {
            if pattern.contains(['\\', '^', '$', '(', ')', '[', ']', '{', '}', '|']) {
                return Err(ParamError::new(
                    "allowedEmailPatterns",
                    format!(
                        "{pattern:?} looks like a regular expression; use * as the only wildcard, e.g. *@example.com"
                    ),
                ));
            }
            email_patterns.push(pattern.to_ascii_lowercase());
        }
        Ok(Params { required, email_patterns })
    }
}

/// What Account Management holds for the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The primary contact, or `None` when there is none.
    pub primary: Option<ContactInformation>,
    /// Each required alternate-contact type, with its contact or `None` when there is none.
    pub alternates: Vec<(AlternateContactType, Option<AlternateContact>)>,
}

impl PeriodicRule for AccountContactDetailsConfigured {
    const SPEC: RuleSpec = RuleSpec {
        name: "account-contact-details-configured",
        description: "Checks that the account's primary contact and its billing, operations and security alternate contacts are filled in.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::csv(
                "requiredAlternateContactTypes",
                Some("BILLING,OPERATIONS,SECURITY"),
                "Alternate contact types that must be filled in (BILLING, OPERATIONS, SECURITY).",
            ),
            ParamSpec::csv(
                "allowedEmailPatterns",
                None,
                "Patterns (* is a wildcard, e.g. *@example.com) that alternate contact email addresses must match (optional).",
            ),
        ],
        iam_actions: &["account:GetContactInformation", "account:GetAlternateContact"],
        cis: &["1.1"],
        cis_parameters: &[("requiredAlternateContactTypes", "BILLING,OPERATIONS,SECURITY")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, p: &Params, _: &Scope) -> Result<Facts, RuleError> {
        let account = aws.client(aws_sdk_account::Client::new);
        let primary = match account.get_contact_information().send().await {
            Ok(output) => output.contact_information().cloned(),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => None,
            Err(e) => return Err(e).context("account:GetContactInformation"),
        };
        let mut alternates = Vec::new();
        for kind in &p.required {
            let contact = match account.get_alternate_contact().alternate_contact_type(kind.clone()).send().await {
                Ok(output) => output.alternate_contact().cloned(),
                Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => None,
                Err(e) => return Err(e).context("account:GetAlternateContact"),
            };
            alternates.push((kind.clone(), contact));
        }
        Ok(Facts { primary, alternates })
    }

    fn evaluate(&self, facts: &Facts, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let mut gaps = Vec::new();
        match &facts.primary {
            None => gaps.push("no primary contact".to_owned()),
            Some(c) => {
                let fields = [
                    ("full name", c.full_name()),
                    ("address line 1", c.address_line1()),
                    ("city", c.city()),
                    ("postal code", c.postal_code()),
                    ("country code", c.country_code()),
                    ("phone number", c.phone_number()),
                ];
                let blank = blank_fields(fields.iter().map(|(f, v)| (*f, Some(*v))));
                if !blank.is_empty() {
                    gaps.push(format!("primary contact lacks {}", blank.join(", ")));
                }
            }
        }
        for (kind, contact) in &facts.alternates {
            let kind = kind.as_str();
            let Some(c) = contact else {
                gaps.push(format!("no {kind} contact"));
                continue;
            };
            let blank = blank_fields(
                [("email", c.email_address()), ("name", c.name()), ("phone", c.phone_number())].into_iter(),
            );
            if !blank.is_empty() {
                gaps.push(format!("{kind} contact lacks {}", blank.join(", ")));
            }
            if let Some(email) = c.email_address().map(str::trim).filter(|e| !e.is_empty())
                && !p.email_patterns.is_empty()
                && !p.email_patterns.iter().any(|pattern| wildcard_match(pattern, &email.to_ascii_lowercase()))
            {
                gaps.push(format!("{kind} email {email} matches no allowedEmailPatterns"));
            }
        }
        let account = &scope.account_id;
        let types: Vec<&str> = facts.alternates.iter().map(|(kind, _)| kind.as_str()).collect();
        let evaluation = if gaps.is_empty() {
            let contacts: Vec<&str> = std::iter::once("primary").chain(types).collect();
            Evaluation::compliant(
                ACCOUNT,
                account,
                format!(
                    "Account contacts are filled in ({}). Manual check: confirm they are current and reach a monitored team alias or phone line, not one person.",
                    contacts.join(", ")
                ),
            )
        } else {
            let contacts = match types.as_slice() {
                [] => "the primary contact".to_owned(),
                types => format!("the primary contact and the {} alternate contacts", types.join(", ")),
            };
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Account contact details are incomplete: {}. Fill in {contacts} in Account settings{}.",
                    gaps.join("; "),
                    if p.email_patterns.is_empty() { "" } else { ", with addresses that match allowedEmailPatterns" }
                ),
            )
        };
        vec![evaluation]
    }
}

/// The names of the fields that are absent or blank.
fn blank_fields<'a>(fields: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Vec<&'a str> {
    fields.filter(|(_, value)| value.is_none_or(|v| v.trim().is_empty())).map(|(name, _)| name).collect()
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (possibly empty).
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_account::operation::get_alternate_contact::{GetAlternateContactError, GetAlternateContactOutput};
    use aws_sdk_account::operation::get_contact_information::{
        GetContactInformationError, GetContactInformationOutput,
    };
    use aws_sdk_account::types::error::{AccessDeniedException, ResourceNotFoundException};
    use aws_smithy_mocks::{Rule, RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn primary(full_name: &str, postal_code: &str) -> ContactInformation {
        ContactInformation::builder()
            .full_name(full_name)
            .address_line1("1 Main Street")
            .city("Springfield")
            .postal_code(postal_code)
            .country_code("US")
            .phone_number("+1 555 0100")
            .build()
            .unwrap()
    }

    fn alternate(kind: AlternateContactType, email: &str, name: &str) -> AlternateContact {
        AlternateContact::builder()
            .alternate_contact_type(kind)
            .email_address(email)
            .name(name)
            .phone_number("+1 555 0101")
            .title("Team")
            .build()
    }

    fn complete() -> Facts {
        Facts {
            primary: Some(primary("Example Corp", "12345")),
            alternates: vec![
                (
                    AlternateContactType::Billing,
                    Some(alternate(AlternateContactType::Billing, "billing@example.com", "Finance")),
                ),
                (
                    AlternateContactType::Operations,
                    Some(alternate(AlternateContactType::Operations, "ops@example.com", "Operations")),
                ),
                (
                    AlternateContactType::Security,
                    Some(alternate(AlternateContactType::Security, "Security@Example.com", "Security")),
                ),
            ],
        }
    }

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn evaluate(case: &str, facts: &Facts) -> Evaluation {
        only(periodic(&AccountContactDetailsConfigured, case, facts).unwrap())
    }

    #[test]
    fn scenario_1_compliant_when_every_contact_is_filled_in() {
        let e = evaluate("scheduled", &complete());
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["filled in (primary, BILLING, OPERATIONS, SECURITY)", "Manual check:"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_without_a_required_alternate_contact() {
        let mut facts = complete();
        facts.alternates[1].1 = None;
        facts.alternates[2].1 = None;
        let e = evaluate("scheduled", &facts);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["no OPERATIONS contact; no SECURITY contact", "the BILLING, OPERATIONS, SECURITY alternate contacts"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_when_the_primary_contact_is_incomplete() {
        let mut facts = complete();
        facts.primary = Some(primary(" ", ""));
        let e = evaluate("scheduled", &facts);
        assert_evaluation(&e, Compliance::NonCompliant, &["primary contact lacks full name, postal code"]);
        facts.primary = None;
        let e = evaluate("scheduled", &facts);
        assert_evaluation(&e, Compliance::NonCompliant, &["no primary contact"]);
    }

    #[test]
    fn scenario_4_non_compliant_when_an_alternate_contact_is_incomplete() {
        let mut facts = complete();
        facts.alternates[0].1 = Some(AlternateContact::builder().name("Finance").email_address("").build());
        let e = evaluate("scheduled", &facts);
        assert_evaluation(&e, Compliance::NonCompliant, &["BILLING contact lacks email, phone"]);
    }

    #[test]
    fn scenario_5_required_types_are_configurable() {
        let facts = Facts {
            primary: Some(primary("Example Corp", "12345")),
            alternates: vec![(
                AlternateContactType::Security,
                Some(alternate(AlternateContactType::Security, "security@example.com", "Security")),
            )],
        };
        let e = evaluate("security-only", &facts);
        assert_evaluation(&e, Compliance::Compliant, &["(primary, SECURITY)"]);
        let params = shared::testing::params::<AccountContactDetailsConfigured>("security-only").unwrap();
        assert_eq!(params.required, [AlternateContactType::Security]);
        let params = shared::testing::params::<AccountContactDetailsConfigured>("scheduled").unwrap();
        assert_eq!(
            params.required,
            [AlternateContactType::Billing, AlternateContactType::Operations, AlternateContactType::Security]
        );
    }

    #[test]
    fn scenario_6_email_addresses_must_match_an_allowed_pattern() {
        // Patterns: *@example.com, security-*@example.net (case ignored).
        let e = evaluate("email-patterns", &complete());
        assert_evaluation(&e, Compliance::Compliant, &[]);
        let mut facts = complete();
        facts.alternates[1].1 = Some(alternate(AlternateContactType::Operations, "jane.doe@gmail.com", "Jane"));
        facts.alternates[2].1 = Some(alternate(AlternateContactType::Security, "security-team@example.net", "Sec"));
        let e = evaluate("email-patterns", &facts);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["OPERATIONS email jane.doe@gmail.com matches no allowedEmailPatterns"],
        );
        assert!(!e.annotation.contains("SECURITY email"), "{}", e.annotation);
        assert!(e.annotation.ends_with("with addresses that match allowedEmailPatterns."), "{}", e.annotation);

        assert!(wildcard_match("*@example.com", "a@example.com"));
        assert!(!wildcard_match("*@example.com", "a@example.com.evil.org"));
        assert!(!wildcard_match("*@example.com", "a@sub-example.com"));
        assert!(wildcard_match("aws-*@*.example.com", "aws-root@mail.example.com"));
        assert!(!wildcard_match("aws-*@*.example.com", "aws-root@example.com"));
        assert!(wildcard_match("a*a", "aa") && !wildcard_match("a*a", "a"));
        assert!(
            wildcard_match("exact@example.com", "exact@example.com")
                && !wildcard_match("exact@example.com", "xexact@example.com")
        );
    }

    #[test]
    fn scenario_7_invalid_parameters_are_errors() {
        for (case, name) in [
            ("invalid-contact-type", "requiredAlternateContactTypes"),
            ("invalid-email-pattern", "allowedEmailPatterns"),
        ] {
            let error = periodic(&AccountContactDetailsConfigured, case, &complete()).unwrap_err();
            assert_eq!(error.error_type(), "InvalidParameterValueException", "{case}");
            assert!(error.to_string().contains(name), "{error}");
        }
    }

    fn meta(code: &str, message: &str) -> aws_sdk_account::error::ErrorMetadata {
        aws_sdk_account::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    fn contact_information(found: bool) -> Rule {
        mock!(aws_sdk_account::Client::get_contact_information).then_compute_response(move |_| {
            if found {
                aws_smithy_mocks::MockResponse::Output(
                    GetContactInformationOutput::builder()
                        .contact_information(primary("Example Corp", "12345"))
                        .build(),
                )
            } else {
                let message = "The specified resource was not found.";
                aws_smithy_mocks::MockResponse::Error(GetContactInformationError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .message(message)
                        .meta(meta("ResourceNotFoundException", message))
                        .build()
                        .unwrap(),
                ))
            }
        })
    }

    /// Answers BILLING and SECURITY; OPERATIONS does not exist.
    fn alternates() -> Rule {
        mock!(aws_sdk_account::Client::get_alternate_contact).then_compute_response(|request| {
            let kind = request.alternate_contact_type().cloned().unwrap();
            if kind == AlternateContactType::Operations {
                let message = "No contact of the inputted alternate contact type found.";
                return aws_smithy_mocks::MockResponse::Error(GetAlternateContactError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .message(message)
                        .meta(meta("ResourceNotFoundException", message))
                        .build()
                        .unwrap(),
                ));
            }
            let email = format!("{}@example.com", kind.as_str().to_ascii_lowercase());
            aws_smithy_mocks::MockResponse::Output(
                GetAlternateContactOutput::builder().alternate_contact(alternate(kind, &email, "Team")).build(),
            )
        })
    }

    async fn gather(case: &str, rules: &[&Rule]) -> Result<Facts, RuleError> {
        let client = shared::mock_client!(aws_sdk_account, RuleMode::MatchAny, rules);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let params = shared::testing::params::<AccountContactDetailsConfigured>(case).unwrap();
        let scope = shared::testing::scope(aws_sdk_account::primitives::DateTime::from_secs(1_795_168_800));
        AccountContactDetailsConfigured.gather(&aws, &params, &scope).await
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_every_required_contact() {
        let alternates_rule = alternates();
        let found = contact_information(true);
        let facts = gather("scheduled", &[&found, &alternates_rule]).await.unwrap();
        assert_eq!(facts.primary.as_ref().map(ContactInformation::full_name), Some("Example Corp"));
        let read: Vec<(&str, Option<&str>)> = facts
            .alternates
            .iter()
            .map(|(kind, c)| (kind.as_str(), c.as_ref().and_then(AlternateContact::email_address)))
            .collect();
        assert_eq!(
            read,
            [
                ("BILLING", Some("billing@example.com")),
                ("OPERATIONS", None),
                ("SECURITY", Some("security@example.com"))
            ]
        );
        assert_eq!(alternates_rule.num_calls(), 3);

        let missing = contact_information(false);
        let facts = gather("security-only", &[&missing, &alternates_rule]).await.unwrap();
        assert_eq!(facts.primary, None);
        assert_eq!(facts.alternates.len(), 1);
        assert_eq!(alternates_rule.num_calls(), 4);
    }

    #[tokio::test]
    async fn scenario_9_access_denied_is_an_error_naming_the_action() {
        let denied_primary = mock!(aws_sdk_account::Client::get_contact_information).then_error(|| {
            GetContactInformationError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("not authorized")
                    .meta(meta("AccessDeniedException", "not authorized"))
                    .build()
                    .unwrap(),
            )
        });
        let error = gather("scheduled", &[&denied_primary]).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("account:GetContactInformation"), "{error}");

        let found = contact_information(true);
        let denied_alternate = mock!(aws_sdk_account::Client::get_alternate_contact).then_error(|| {
            GetAlternateContactError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("not authorized")
                    .meta(meta("AccessDeniedException", "not authorized"))
                    .build()
                    .unwrap(),
            )
        });
        let error = gather("scheduled", &[&found, &denied_alternate]).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("account:GetAlternateContact"), "{error}");
    }
}
