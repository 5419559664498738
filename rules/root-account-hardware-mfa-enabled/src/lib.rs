//! # root-account-hardware-mfa-enabled
//!
//! Checks that the root user signs in with hardware MFA only: MFA must be enabled and no virtual
//! (authenticator app) MFA device may be assigned to the root user. FIDO security keys and
//! passkeys never appear among virtual devices, so they count as hardware.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `iam:GetAccountSummary` (`AccountMFAEnabled`, `AccountPasswordPresent`) and
//!   `iam:ListVirtualMFADevices` (assigned devices, every page).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `root-account-hardware-mfa-enabled`.
//! - **CIS v5.0.0**: 1.5 (Level 2, Manual: a person confirms that the device is a dedicated
//!   hardware token kept in a safe place). **Well-Architected**: SEC-1, SEC-2.
//!
//! ## Scenarios
//! 1. COMPLIANT when root MFA is enabled and no virtual device is assigned to the root user; the
//!    annotation says what a person must still confirm.
//! 2. NON_COMPLIANT when a virtual MFA device is assigned to the root user, even if a hardware
//!    device is registered too.
//! 3. NON_COMPLIANT when the root user has a password and no MFA device at all.
//! 4. NOT_APPLICABLE when the root user has no credentials at all (for example after
//!    Organizations removed them with centralized root access).
//! 5. Virtual devices of IAM users do not count; a root device is recognised by its user
//!    (`arn:…:iam::<account>:root`) or by the serial IAM gives it (`…:mfa/root-account-mfa-device`).
//! 6. `gather` pages through the assigned virtual devices and reads the summary; a summary
//!    without `AccountMFAEnabled` is an error, not a verdict.
//! 7. AccessDenied is an error naming the IAM action, and nothing is reported.

use aws_sdk_iam::types::{AssignmentStatusType, VirtualMfaDevice};
use shared::prelude::*;

pub struct RootAccountHardwareMfaEnabled;

/// The root user's MFA, as IAM shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootMfa {
    /// `AccountMFAEnabled` = 1.
    pub mfa_enabled: bool,
    /// `AccountPasswordPresent` > 0 (taken as true when IAM omits the counter).
    pub password_present: bool,
    /// Serial numbers of the virtual MFA devices assigned to the root user.
    pub root_virtual_devices: Vec<String>,
}

/// The serial IAM gives a virtual device created for the root user in the console.
const ROOT_DEVICE_SUFFIX: &str = ":mfa/root-account-mfa-device";

/// Whether a virtual device belongs to the root user.
fn is_root_device(device: &VirtualMfaDevice) -> bool {
    let user_is_root = device.user().is_some_and(|u| {
        let parts: Vec<&str> = u.arn().split(':').collect();
        matches!(parts.as_slice(), ["arn", _, "iam", "", _, "root"])
    });
    user_is_root || device.serial_number().ends_with(ROOT_DEVICE_SUFFIX)
}

impl PeriodicRule for RootAccountHardwareMfaEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "root-account-hardware-mfa-enabled",
        description: "Checks that the root user has MFA enabled and that no virtual MFA device is assigned to it (hardware MFA only).",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
        cis: &["1.5"],
        well_architected: &["SEC-1", "SEC-2"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = RootMfa;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<RootMfa, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let summary = shared::iam::account_summary(&iam).await?;
        let mfa = summary.get("AccountMFAEnabled").copied().ok_or_else(|| {
            RuleError::InvalidData("iam:GetAccountSummary returned no AccountMFAEnabled counter".into())
        })?;
        let password_present = summary.get("AccountPasswordPresent").is_none_or(|n| *n > 0);
        let mut root_virtual_devices = Vec::new();
        let mut pages =
            iam.list_virtual_mfa_devices().assignment_status(AssignmentStatusType::Assigned).into_paginator().send();
        while let Some(page) = pages.next().await {
            for device in page.context("iam:ListVirtualMFADevices")?.virtual_mfa_devices() {
                if is_root_device(device) {
                    root_virtual_devices.push(device.serial_number().to_owned());
                }
            }
        }
        Ok(RootMfa { mfa_enabled: mfa > 0, password_present, root_virtual_devices })
    }

    fn evaluate(&self, root: &RootMfa, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let evaluation = if !root.password_present {
            Evaluation::not_applicable(
                ACCOUNT,
                account,
                "The root user has no password, so it cannot sign in and needs no MFA.",
            )
        } else if !root.mfa_enabled {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                "The root user has a password but no MFA device. Register a hardware MFA device or a FIDO security key for the root user.",
            )
        } else if let Some(serial) = root.root_virtual_devices.first() {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "The root user can sign in with virtual MFA device {serial}. Register a hardware MFA device or a FIDO security key for the root user, then remove the virtual device."
                ),
            )
        } else {
            Evaluation::compliant(
                ACCOUNT,
                account,
                "The root user has MFA and no virtual MFA device. Manual check: confirm the device is a dedicated hardware token kept in a safe place (Level 2: may apply to sensitive accounts only).",
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
    use aws_sdk_iam::operation::list_virtual_mfa_devices::{ListVirtualMFADevicesError, ListVirtualMfaDevicesOutput};
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::{SummaryKeyType, User};
    use aws_smithy_mocks::mock;
    use shared::testing::{assert_evaluation, periodic};

    const ROOT_SERIAL: &str = "arn:aws:iam::123456789012:mfa/root-account-mfa-device";

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn judge(mfa_enabled: bool, password_present: bool, devices: &[&str]) -> Evaluation {
        let facts = RootMfa {
            mfa_enabled,
            password_present,
            root_virtual_devices: devices.iter().map(|d| (*d).to_owned()).collect(),
        };
        only(periodic(&RootAccountHardwareMfaEnabled, "scheduled", &facts).unwrap())
    }

    fn device(serial: &str, user_arn: Option<&str>) -> VirtualMfaDevice {
        let user = user_arn.map(|arn| {
            User::builder()
                .user_name(arn.rsplit(['/', ':']).next().unwrap())
                .user_id("AIDAEXAMPLE")
                .path("/")
                .arn(arn)
                .create_date(DateTime::from_secs(0))
                .build()
                .unwrap()
        });
        VirtualMfaDevice::builder().serial_number(serial).set_user(user).build().unwrap()
    }

    fn summary(mfa: Option<i32>, password: Option<i32>) -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_iam::Client::get_account_summary).then_output(move || {
            let mut out = GetAccountSummaryOutput::builder().summary_map(SummaryKeyType::Users, 2);
            if let Some(n) = mfa {
                out = out.summary_map(SummaryKeyType::AccountMfaEnabled, n);
            }
            if let Some(n) = password {
                out = out.summary_map(SummaryKeyType::AccountPasswordPresent, n);
            }
            out.build()
        })
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[test]
    fn scenario_1_compliant_with_mfa_and_no_virtual_root_device() {
        let e = judge(true, true, &[]);
        assert_evaluation(&e, Compliance::Compliant, &["no virtual MFA device", "Manual check:"]);
    }

    #[test]
    fn scenario_2_non_compliant_with_a_virtual_root_device() {
        let e = judge(true, true, &[ROOT_SERIAL]);
        assert_evaluation(&e, Compliance::NonCompliant, &[ROOT_SERIAL, "remove the virtual device"]);
    }

    #[test]
    fn scenario_3_non_compliant_without_any_mfa() {
        assert_evaluation(&judge(false, true, &[]), Compliance::NonCompliant, &["no MFA device", "hardware MFA"]);
    }

    #[test]
    fn scenario_4_not_applicable_without_root_credentials() {
        assert_evaluation(&judge(false, false, &[]), Compliance::NotApplicable, &["no password"]);
    }

    #[test]
    fn scenario_5_only_root_devices_count() {
        assert!(is_root_device(&device(ROOT_SERIAL, None)));
        assert!(is_root_device(&device(
            "arn:aws:iam::123456789012:mfa/my-phone",
            Some("arn:aws:iam::123456789012:root")
        )));
        assert!(is_root_device(&device(
            "arn:aws-us-gov:iam::123456789012:mfa/phone",
            Some("arn:aws-us-gov:iam::123456789012:root")
        )));
        assert!(!is_root_device(&device(
            "arn:aws:iam::123456789012:mfa/alice",
            Some("arn:aws:iam::123456789012:user/alice")
        )));
        assert!(!is_root_device(&device(
            "arn:aws:iam::123456789012:mfa/root",
            Some("arn:aws:iam::123456789012:user/root")
        )));
    }

    #[tokio::test]
    async fn scenario_6_gather_pages_through_the_assigned_virtual_devices() {
        let (alice, root) = (
            device("arn:aws:iam::123456789012:mfa/alice", Some("arn:aws:iam::123456789012:user/alice")),
            device("arn:aws:iam::123456789012:mfa/backup", Some("arn:aws:iam::123456789012:root")),
        );
        let list = mock!(aws_sdk_iam::Client::list_virtual_mfa_devices)
            .match_requests(|r| r.assignment_status() == Some(&AssignmentStatusType::Assigned))
            .sequence()
            .output(move || {
                ListVirtualMfaDevicesOutput::builder()
                    .virtual_mfa_devices(alice.clone())
                    .is_truncated(true)
                    .marker("m")
                    .build()
                    .unwrap()
            })
            .output(move || ListVirtualMfaDevicesOutput::builder().virtual_mfa_devices(root.clone()).build().unwrap())
            .build();
        let sum = summary(Some(1), Some(1));
        let facts = RootAccountHardwareMfaEnabled.gather(&iam_with(&[&sum, &list]), &NoParams, &scope()).await.unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(
            facts,
            RootMfa {
                mfa_enabled: true,
                password_present: true,
                root_virtual_devices: vec!["arn:aws:iam::123456789012:mfa/backup".into()],
            }
        );

        let incomplete = summary(None, Some(1));
        let error =
            RootAccountHardwareMfaEnabled.gather(&iam_with(&[&incomplete]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("AccountMFAEnabled"), "{error}");
    }

    #[tokio::test]
    async fn scenario_7_access_denied_names_the_action_and_reports_nothing() {
        let sum = summary(Some(1), None);
        let denied = mock!(aws_sdk_iam::Client::list_virtual_mfa_devices).then_error(|| {
            ListVirtualMFADevicesError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let aws = iam_with(&[&sum, &denied]).with_client(config);
        let error =
            shared::testing::handle_periodic_with(&RootAccountHardwareMfaEnabled, "scheduled", aws).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:ListVirtualMFADevices"), "{error}");
    }
}
