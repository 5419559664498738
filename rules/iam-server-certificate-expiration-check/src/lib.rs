//! # iam-server-certificate-expiration-check
//!
//! Checks that no SSL/TLS server certificate stored in IAM has expired. (Certificates in AWS
//! Certificate Manager are not IAM server certificates and are not listed.)
//!
//! - **Trigger**: periodic, every 24 hours. IAM is global: deploy the rule in one Region only.
//! - **Reports on**: `AWS::IAM::ServerCertificate`, by certificate name (the identifier AWS
//!   Config and Cloud Control use for this type).
//! - **Reads**: `iam:ListServerCertificates` (every page). The configuration item has no
//!   expiry date, so the rule reads IAM.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `iam-server-certificate-expiration-check` (which AWS
//!   offers in us-east-1 only).
//! - **CIS v5.0.0**: 1.18.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when a certificate has expired; the annotation gives the date and says to
//!    check that nothing still uses it before deleting it.
//! 2. COMPLIANT when a certificate is still valid, with its expiry date.
//! 3. A certificate that expires at the evaluation time counts as expired.
//! 4. No certificates: nothing is reported (earlier results are cleared as stale).
//! 5. `gather` pages through the certificates; one without an expiry date is an error, not a
//!    verdict.
//! 6. AccessDenied is an error naming `iam:ListServerCertificates`, and nothing is reported.

use aws_sdk_iam::primitives::DateTime;
use shared::prelude::*;
use shared::time::format_date;

pub struct IamServerCertificateExpirationCheck;

const CERTIFICATE: &str = "AWS::IAM::ServerCertificate";

/// One IAM server certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    pub name: String,
    pub expiration: DateTime,
}

impl PeriodicRule for IamServerCertificateExpirationCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-server-certificate-expiration-check",
        description: "Checks that no SSL/TLS server certificate stored in IAM has expired.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[CERTIFICATE],
        parameters: &[],
        iam_actions: &["iam:ListServerCertificates"],
        cis: &["1.18"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Vec<Certificate>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Vec<Certificate>, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let mut certificates = Vec::new();
        let mut pages = iam.list_server_certificates().into_paginator().send();
        while let Some(page) = pages.next().await {
            for meta in page.context("iam:ListServerCertificates")?.server_certificate_metadata_list() {
                let name = meta.server_certificate_name().to_owned();
                let expiration = meta.expiration().copied().ok_or_else(|| {
                    RuleError::InvalidData(format!(
                        "iam:ListServerCertificates returned no expiry date for server certificate {name}"
                    ))
                })?;
                certificates.push(Certificate { name, expiration });
            }
        }
        Ok(certificates)
    }

    fn evaluate(&self, certificates: &Vec<Certificate>, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        certificates
            .iter()
            .map(|c| {
                let (name, date) = (&c.name, format_date(c.expiration));
                if c.expiration.secs() <= scope.now.secs() {
                    Evaluation::non_compliant(
                        CERTIFICATE,
                        name,
                        format!(
                            "IAM server certificate {name} expired on {date}. Check that no load balancer or CloudFront distribution still uses it, then delete it (aws iam delete-server-certificate)."
                        ),
                    )
                } else {
                    Evaluation::compliant(
                        CERTIFICATE,
                        name,
                        format!("IAM server certificate {name} is valid until {date}."),
                    )
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::list_server_certificates::{ListServerCertificatesError, ListServerCertificatesOutput};
    use aws_sdk_iam::types::ServerCertificateMetadata;
    use aws_smithy_mocks::mock;
    use shared::testing::{assert_evaluation, find, periodic};

    /// The scheduled event's notification time, 2026-11-20T12:00:00Z.
    const NOW: i64 = 1_795_176_000;

    fn cert(name: &str, expiration: i64) -> Certificate {
        Certificate { name: name.into(), expiration: DateTime::from_secs(expiration) }
    }

    fn evaluations(certificates: &[Certificate]) -> Vec<Evaluation> {
        periodic(&IamServerCertificateExpirationCheck, "scheduled", &certificates.to_vec()).unwrap()
    }

    fn meta(name: &str, expiration: Option<i64>) -> ServerCertificateMetadata {
        ServerCertificateMetadata::builder()
            .path("/")
            .server_certificate_name(name)
            .server_certificate_id(format!("ASCA{}", name.to_uppercase()))
            .arn(format!("arn:aws:iam::123456789012:server-certificate/{name}"))
            .set_expiration(expiration.map(DateTime::from_secs))
            .build()
            .unwrap()
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(NOW))
    }

    #[test]
    fn scenario_1_non_compliant_when_expired() {
        let evaluations = evaluations(&[cert("old-www", 1_531_267_199)]);
        let e = find(&evaluations, "old-www");
        assert_eq!(e.resource_type, "AWS::IAM::ServerCertificate");
        assert_evaluation(
            e,
            Compliance::NonCompliant,
            &["old-www", "expired on 2018-07-10", "delete-server-certificate"],
        );
    }

    #[test]
    fn scenario_2_compliant_while_valid() {
        let evaluations = evaluations(&[cert("www", NOW + 86_400 * 30), cert("old-www", NOW - 1)]);
        assert_eq!(evaluations.len(), 2);
        assert_evaluation(find(&evaluations, "www"), Compliance::Compliant, &["valid until 2026-12-20"]);
        assert_eq!(find(&evaluations, "old-www").compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_3_expiring_at_the_evaluation_time_counts_as_expired() {
        let evaluations = evaluations(&[cert("edge", NOW), cert("next-second", NOW + 1)]);
        assert_eq!(find(&evaluations, "edge").compliance, Compliance::NonCompliant);
        assert_eq!(find(&evaluations, "next-second").compliance, Compliance::Compliant);
    }

    #[tokio::test]
    async fn scenario_4_no_certificates_report_nothing() {
        assert!(evaluations(&[]).is_empty());
        let empty = mock!(aws_sdk_iam::Client::list_server_certificates).then_output(|| {
            ListServerCertificatesOutput::builder().set_server_certificate_metadata_list(Some(vec![])).build().unwrap()
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let outcome = shared::testing::handle_periodic_with(
            &IamServerCertificateExpirationCheck,
            "scheduled",
            iam_with(&[&empty]).with_client(config),
        )
        .await
        .unwrap();
        assert_eq!(outcome.reported, 0);
    }

    #[tokio::test]
    async fn scenario_5_gather_pages_through_certificates_and_needs_expiry_dates() {
        let list = mock!(aws_sdk_iam::Client::list_server_certificates)
            .sequence()
            .output(|| {
                ListServerCertificatesOutput::builder()
                    .server_certificate_metadata_list(meta("a", Some(NOW - 10)))
                    .is_truncated(true)
                    .marker("m")
                    .build()
                    .unwrap()
            })
            .output(|| {
                ListServerCertificatesOutput::builder()
                    .server_certificate_metadata_list(meta("b", Some(NOW + 10)))
                    .build()
                    .unwrap()
            })
            .build();
        let facts = IamServerCertificateExpirationCheck.gather(&iam_with(&[&list]), &NoParams, &scope()).await.unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(facts, vec![cert("a", NOW - 10), cert("b", NOW + 10)]);

        let undated = mock!(aws_sdk_iam::Client::list_server_certificates).then_output(|| {
            ListServerCertificatesOutput::builder().server_certificate_metadata_list(meta("c", None)).build().unwrap()
        });
        let error =
            IamServerCertificateExpirationCheck.gather(&iam_with(&[&undated]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("server certificate c"), "{error}");
    }

    #[tokio::test]
    async fn scenario_6_access_denied_names_the_action_and_reports_nothing() {
        let denied = mock!(aws_sdk_iam::Client::list_server_certificates).then_error(|| {
            ListServerCertificatesError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let error = shared::testing::handle_periodic_with(
            &IamServerCertificateExpirationCheck,
            "scheduled",
            iam_with(&[&denied]).with_client(config),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:ListServerCertificates"), "{error}");
    }
}
