//! # ec2-ebs-encryption-by-default
//!
//! Checks that EBS encryption by default is turned on in the region, so every new EBS volume and
//! snapshot copy is encrypted whether or not whoever creates it asks for encryption.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), for the region the rule runs in. The setting
//!   is per region: deploy the rule in every region you use.
//! - **Reads**: `ec2:GetEbsEncryptionByDefault` (Config records no item for this account setting).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `ec2-ebs-encryption-by-default`. Volumes created before the
//!   setting was turned on stay unencrypted; that is the job of `encrypted-volumes`. The default
//!   KMS key is not checked.
//! - **CIS v5.0.0**: 5.1.1. **Well-Architected**: SEC-8 (data at rest).
//!
//! ## Scenarios
//! 1. COMPLIANT when EBS encryption by default is on in the region.
//! 2. NON_COMPLIANT when it is off, naming the region.
//! 3. `gather` reads the setting; a response without it is an error, and AccessDenied
//!    (`UnauthorizedOperation`) is an error naming `ec2:GetEbsEncryptionByDefault`, never a verdict.

use shared::prelude::*;

pub struct Ec2EbsEncryptionByDefault;

impl PeriodicRule for Ec2EbsEncryptionByDefault {
    const SPEC: RuleSpec = RuleSpec {
        name: "ec2-ebs-encryption-by-default",
        description: "Checks that Amazon EBS encryption by default is enabled in the region.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["ec2:GetEbsEncryptionByDefault"],
        cis: &["5.1.1"],
        well_architected: &["SEC-8"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    /// Whether EBS encryption by default is on in the region.
    type Facts = bool;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<bool, RuleError> {
        let ec2 = aws.client(aws_sdk_ec2::Client::new);
        let output = ec2.get_ebs_encryption_by_default().send().await.context("ec2:GetEbsEncryptionByDefault")?;
        output.ebs_encryption_by_default().ok_or_else(|| {
            RuleError::InvalidData("ec2:GetEbsEncryptionByDefault returned no EbsEncryptionByDefault value".into())
        })
    }

    fn evaluate(&self, enabled: &bool, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let region = &scope.region;
        let evaluation = if *enabled {
            Evaluation::compliant(ACCOUNT, &scope.account_id, format!("EBS encryption by default is on in {region}."))
        } else {
            Evaluation::non_compliant(
                ACCOUNT,
                &scope.account_id,
                format!(
                    "EBS encryption by default is off in {region}, so new volumes can be created unencrypted. Turn it on (aws ec2 enable-ebs-encryption-by-default --region {region}) in every region you use."
                ),
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::operation::get_ebs_encryption_by_default::{
        GetEbsEncryptionByDefaultError, GetEbsEncryptionByDefaultOutput,
    };
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_when_on() {
        let e = only(periodic(&Ec2EbsEncryptionByDefault, "scheduled", &true).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &["on in us-east-1"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_off() {
        let e = only(periodic(&Ec2EbsEncryptionByDefault, "scheduled", &false).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["off in us-east-1", "enable-ebs-encryption-by-default"]);
    }

    fn aws_with(ec2: aws_sdk_ec2::Client) -> Aws {
        Aws::new(shared::testing::test_sdk_config()).with_client(ec2)
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_ec2::primitives::DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_3_gather_reads_the_setting_and_reports_errors() {
        for value in [true, false] {
            let read = mock!(aws_sdk_ec2::Client::get_ebs_encryption_by_default).then_output(move || {
                GetEbsEncryptionByDefaultOutput::builder().ebs_encryption_by_default(value).build()
            });
            let ec2 = shared::mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&read]);
            assert_eq!(Ec2EbsEncryptionByDefault.gather(&aws_with(ec2), &NoParams, &scope()).await.unwrap(), value);
        }

        let empty = mock!(aws_sdk_ec2::Client::get_ebs_encryption_by_default)
            .then_output(|| GetEbsEncryptionByDefaultOutput::builder().build());
        let ec2 = shared::mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&empty]);
        let error = Ec2EbsEncryptionByDefault.gather(&aws_with(ec2), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");

        let denied = mock!(aws_sdk_ec2::Client::get_ebs_encryption_by_default).then_error(|| {
            GetEbsEncryptionByDefaultError::generic(
                aws_sdk_ec2::error::ErrorMetadata::builder()
                    .code("UnauthorizedOperation")
                    .message("You are not authorized to perform this operation.")
                    .build(),
            )
        });
        let ec2 = shared::mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&denied]);
        let error = Ec2EbsEncryptionByDefault.gather(&aws_with(ec2), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("ec2:GetEbsEncryptionByDefault"), "{error}");
    }
}
