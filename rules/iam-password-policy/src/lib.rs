//! # iam-password-policy
//!
//! Checks that the account's IAM password policy meets the requirements set by the parameters.
//! Without a custom policy IAM's default applies, and that fails every requirement.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `iam:GetAccountPasswordPolicy`.
//! - **Parameters** (all optional): `RequireUppercaseCharacters`, `RequireLowercaseCharacters`,
//!   `RequireSymbols`, `RequireNumbers` (default `true`); `MinimumPasswordLength` (14);
//!   `PasswordReusePrevention` (24); `MaxPasswordAge` (90 days; `0` skips the expiry check, as
//!   `0` means "never expire" in IAM itself).
//! - **Same as**: the AWS managed rule `iam-password-policy`.
//! - **CIS v5.0.0**: 1.7 (length ≥ 14) and 1.8 (reuse prevention ≥ 24); the CIS pack sets the
//!   character classes to `false` and `MaxPasswordAge` to `0`, since CIS requires neither.
//! - **Well-Architected**: SEC-2 (identities).
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when the account has no custom password policy.
//! 2. COMPLIANT when the policy meets every default requirement.
//! 3. NON_COMPLIANT when the minimum length is below `MinimumPasswordLength`.
//! 4. NON_COMPLIANT when fewer previous passwords are remembered than `PasswordReusePrevention`,
//!    or none.
//! 5. NON_COMPLIANT when passwords never expire, or expire later than `MaxPasswordAge` days.
//! 6. NON_COMPLIANT when a required character class is not required by the policy.
//! 7. COMPLIANT with the CIS parameters when length and reuse meet CIS and nothing else is set.
//! 8. An invalid parameter (`MinimumPasswordLength` = `fourteen`) is an error naming it.
//! 9. `gather` reads the policy, treats `NoSuchEntity` as "no custom policy", and reports
//!    AccessDenied as an error naming `iam:GetAccountPasswordPolicy`, never as a verdict.

use aws_sdk_iam::types::PasswordPolicy;
use shared::prelude::*;

pub struct IamPasswordPolicy;

pub struct Params {
    require_uppercase: bool,
    require_lowercase: bool,
    require_symbols: bool,
    require_numbers: bool,
    minimum_length: i64,
    reuse_prevention: i64,
    /// `None`: expiry is not checked.
    max_age: Option<i64>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params {
            require_uppercase: p.bool("RequireUppercaseCharacters")?,
            require_lowercase: p.bool("RequireLowercaseCharacters")?,
            require_symbols: p.bool("RequireSymbols")?,
            require_numbers: p.bool("RequireNumbers")?,
            minimum_length: p.int("MinimumPasswordLength")?,
            reuse_prevention: p.int("PasswordReusePrevention")?,
            max_age: Some(p.int("MaxPasswordAge")?).filter(|days| *days > 0),
        })
    }
}

impl PeriodicRule for IamPasswordPolicy {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-password-policy",
        description: "Checks that the account password policy for IAM users meets the requirements given as parameters.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::boolean("RequireUppercaseCharacters", Some("true"), "Require at least one uppercase letter."),
            ParamSpec::boolean("RequireLowercaseCharacters", Some("true"), "Require at least one lowercase letter."),
            ParamSpec::boolean("RequireSymbols", Some("true"), "Require at least one symbol."),
            ParamSpec::boolean("RequireNumbers", Some("true"), "Require at least one number."),
            ParamSpec::int("MinimumPasswordLength", Some("14"), 6, 128, "Minimum password length."),
            ParamSpec::int(
                "PasswordReusePrevention",
                Some("24"),
                1,
                24,
                "Number of previous passwords that cannot be reused.",
            ),
            ParamSpec::int(
                "MaxPasswordAge",
                Some("90"),
                0,
                1095,
                "Maximum days before a password expires (0: not checked).",
            ),
        ],
        iam_actions: &["iam:GetAccountPasswordPolicy"],
        cis: &["1.7", "1.8"],
        cis_parameters: &[
            ("MinimumPasswordLength", "14"),
            ("PasswordReusePrevention", "24"),
            ("MaxPasswordAge", "0"),
            ("RequireUppercaseCharacters", "false"),
            ("RequireLowercaseCharacters", "false"),
            ("RequireSymbols", "false"),
            ("RequireNumbers", "false"),
        ],
        well_architected: &["SEC-2"],
        wa_parameters: &[
            ("MaxPasswordAge", "90"),
            ("MinimumPasswordLength", "14"),
            ("PasswordReusePrevention", "24"),
            ("RequireLowercaseCharacters", "true"),
            ("RequireNumbers", "true"),
            ("RequireSymbols", "true"),
            ("RequireUppercaseCharacters", "true"),
        ],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    /// The account's custom password policy, if any.
    type Facts = Option<PasswordPolicy>;

    async fn gather(&self, aws: &Aws, _: &Params, _: &Scope) -> Result<Self::Facts, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        match iam.get_account_password_policy().send().await {
            Ok(output) => Ok(output.password_policy().cloned()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_entity_exception()) => Ok(None),
            Err(e) => Err(e).context("iam:GetAccountPasswordPolicy"),
        }
    }

    fn evaluate(&self, policy: &Self::Facts, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let Some(policy) = policy else {
            return vec![Evaluation::non_compliant(
                ACCOUNT,
                account,
                "The account has no IAM password policy, so IAM's weak default applies. Set a password policy in IAM account settings.",
            )];
        };
        let mut gaps = Vec::new();
        let classes = [
            (p.require_uppercase, policy.require_uppercase_characters(), "uppercase letters"),
            (p.require_lowercase, policy.require_lowercase_characters(), "lowercase letters"),
            (p.require_symbols, policy.require_symbols(), "symbols"),
            (p.require_numbers, policy.require_numbers(), "numbers"),
        ];
        for (required, set, class) in classes {
            if required && !set {
                gaps.push(format!("does not require {class}"));
            }
        }
        let length = policy.minimum_password_length().map(i64::from).unwrap_or(6);
        if length < p.minimum_length {
            gaps.push(format!("minimum length is {length}, needs {}", p.minimum_length));
        }
        match policy.password_reuse_prevention().map(i64::from) {
            None => gaps.push(format!("allows password reuse, needs {} remembered", p.reuse_prevention)),
            Some(n) if n < p.reuse_prevention => {
                gaps.push(format!("remembers {n} passwords, needs {}", p.reuse_prevention))
            }
            Some(_) => {}
        }
        if let Some(max_age) = p.max_age {
            match policy.max_password_age().map(i64::from).filter(|d| *d > 0) {
                None => gaps.push(format!("passwords never expire, need at most {max_age} days")),
                Some(days) if days > max_age => {
                    gaps.push(format!("passwords expire after {days} days, need at most {max_age}"))
                }
                Some(_) => {}
            }
        }
        let evaluation = if gaps.is_empty() {
            Evaluation::compliant(ACCOUNT, account, "The IAM password policy meets every requirement of this rule.")
        } else {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!("The IAM password policy {}. Update it in IAM account settings.", gaps.join("; ")),
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_account_password_policy::{
        GetAccountPasswordPolicyError, GetAccountPasswordPolicyOutput,
    };
    use aws_sdk_iam::types::error::NoSuchEntityException;
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn policy(length: i32, reuse: Option<i32>, max_age: Option<i32>, classes: bool) -> Option<PasswordPolicy> {
        Some(
            PasswordPolicy::builder()
                .minimum_password_length(length)
                .set_password_reuse_prevention(reuse)
                .set_max_password_age(max_age)
                .require_uppercase_characters(classes)
                .require_lowercase_characters(classes)
                .require_symbols(classes)
                .require_numbers(classes)
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
    fn scenario_1_non_compliant_without_custom_policy() {
        assert_evaluation(
            &only(periodic(&IamPasswordPolicy, "scheduled", &None).unwrap()),
            Compliance::NonCompliant,
            &["no IAM password policy"],
        );
    }

    #[test]
    fn scenario_2_compliant_when_every_requirement_is_met() {
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, Some(24), Some(90), true)).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_3_non_compliant_when_too_short() {
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(8, Some(24), Some(90), true)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["minimum length is 8, needs 14"]);
    }

    #[test]
    fn scenario_4_non_compliant_when_reuse_is_allowed() {
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, Some(5), Some(90), true)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["remembers 5 passwords, needs 24"]);
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, None, Some(90), true)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["allows password reuse"]);
    }

    #[test]
    fn scenario_5_non_compliant_when_passwords_expire_too_late_or_never() {
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, Some(24), None, true)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["never expire"]);
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, Some(24), Some(180), true)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["after 180 days, need at most 90"]);
    }

    #[test]
    fn scenario_6_non_compliant_when_a_character_class_is_missing() {
        let e = only(periodic(&IamPasswordPolicy, "scheduled", &policy(14, Some(24), Some(90), false)).unwrap());
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["uppercase letters", "lowercase letters", "symbols", "numbers"],
        );
    }

    #[test]
    fn scenario_7_compliant_with_cis_parameters() {
        let e = only(periodic(&IamPasswordPolicy, "cis-parameters", &policy(14, Some(24), None, false)).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &[]);
        let e = only(periodic(&IamPasswordPolicy, "cis-parameters", &policy(12, Some(24), None, false)).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["minimum length is 12"]);
    }

    #[test]
    fn scenario_8_invalid_parameter_is_an_error() {
        let error = periodic(&IamPasswordPolicy, "invalid-parameter", &None).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("MinimumPasswordLength"), "{error}");
    }

    fn aws_with(iam: aws_sdk_iam::Client) -> Aws {
        Aws::new(shared::testing::test_sdk_config()).with_client(iam)
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_iam::primitives::DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_9_gather_reads_the_policy_and_reports_errors() {
        let params = shared::testing::params::<IamPasswordPolicy>("scheduled").unwrap();
        let found = mock!(aws_sdk_iam::Client::get_account_password_policy).then_output(|| {
            GetAccountPasswordPolicyOutput::builder()
                .password_policy(PasswordPolicy::builder().minimum_password_length(20).build())
                .build()
        });
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&found]);
        let facts = IamPasswordPolicy.gather(&aws_with(iam), &params, &scope()).await.unwrap();
        assert_eq!(facts.and_then(|p| p.minimum_password_length()), Some(20));

        let none = mock!(aws_sdk_iam::Client::get_account_password_policy).then_error(|| {
            GetAccountPasswordPolicyError::NoSuchEntityException(
                NoSuchEntityException::builder().message("none").build(),
            )
        });
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&none]);
        assert_eq!(IamPasswordPolicy.gather(&aws_with(iam), &params, &scope()).await.unwrap(), None);

        let denied = mock!(aws_sdk_iam::Client::get_account_password_policy).then_error(|| {
            GetAccountPasswordPolicyError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&denied]);
        let error = IamPasswordPolicy.gather(&aws_with(iam), &params, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetAccountPasswordPolicy"), "{error}");
    }
}
