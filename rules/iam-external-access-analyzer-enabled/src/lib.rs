//! # iam-external-access-analyzer-enabled
//!
//! Checks that the region has an active IAM Access Analyzer *external access* analyzer (zone of
//! trust the account or the organization), which reports resources shared outside that zone.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), for the region the rule runs in. Analyzers are
//!   regional: deploy the rule in every enabled region.
//! - **Reads**: `access-analyzer:ListAnalyzers` (all analyzers of the region, every page).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `iam-external-access-analyzer-enabled`. Unused-access and
//!   internal-access analyzers do not count. An organization analyzer that lives in the
//!   management or delegated-administrator account is not listed in member accounts, so members
//!   without their own analyzer are NON_COMPLIANT (as with Security Hub IAM.28).
//! - **CIS v5.0.0**: 1.19.
//!
//! ## Scenarios
//! 1. COMPLIANT when an `ACCOUNT` or `ORGANIZATION` analyzer is `ACTIVE` in the region.
//! 2. NON_COMPLIANT when the region has no analyzer.
//! 3. NON_COMPLIANT when the only analyzers check unused or internal access.
//! 4. NON_COMPLIANT when the external access analyzer is not `ACTIVE` (creating, disabled or
//!    failed), naming it and its status.
//! 5. `gather` pages through `ListAnalyzers`; AccessDenied is an error naming
//!    `access-analyzer:ListAnalyzers`, never a verdict. (The emulator has no Access Analyzer, so
//!    this is tested against the SDK with mocked responses only.)

use aws_sdk_accessanalyzer::types::{AnalyzerStatus, AnalyzerSummary, Type};
use shared::prelude::*;

pub struct IamExternalAccessAnalyzerEnabled;

impl PeriodicRule for IamExternalAccessAnalyzerEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-external-access-analyzer-enabled",
        description: "Checks that an active IAM Access Analyzer external access analyzer exists in the region.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["access-analyzer:ListAnalyzers"],
        cis: &["1.19"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    /// Every analyzer of the region.
    type Facts = Vec<AnalyzerSummary>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Self::Facts, RuleError> {
        let analyzer = aws.client(aws_sdk_accessanalyzer::Client::new);
        let mut analyzers = Vec::new();
        let mut pages = analyzer.list_analyzers().into_paginator().send();
        while let Some(page) = pages.next().await {
            analyzers.extend_from_slice(page.context("access-analyzer:ListAnalyzers")?.analyzers());
        }
        Ok(analyzers)
    }

    fn evaluate(&self, analyzers: &Self::Facts, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let region = &scope.region;
        let external: Vec<&AnalyzerSummary> =
            analyzers.iter().filter(|a| matches!(a.r#type(), Type::Account | Type::Organization)).collect();
        let evaluation = if let Some(active) = external.iter().find(|a| *a.status() == AnalyzerStatus::Active) {
            Evaluation::compliant(
                ACCOUNT,
                &scope.account_id,
                format!(
                    "External access analyzer {} ({}) is active in {region}.",
                    active.name(),
                    active.r#type().as_str()
                ),
            )
        } else {
            let why = if let Some(inactive) = external.first() {
                format!(" (analyzer {} is {})", inactive.name(), inactive.status().as_str())
            } else if !analyzers.is_empty() {
                " (unused-access and internal-access analyzers do not count)".to_owned()
            } else {
                String::new()
            };
            Evaluation::non_compliant(
                ACCOUNT,
                &scope.account_id,
                format!(
                    "No active external access analyzer in {region}{why}. Create one here (aws accessanalyzer create-analyzer --analyzer-name external --type ACCOUNT or ORGANIZATION)."
                ),
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_accessanalyzer::operation::list_analyzers::{ListAnalyzersError, ListAnalyzersOutput};
    use aws_sdk_accessanalyzer::primitives::DateTime;
    use aws_sdk_accessanalyzer::types::error::AccessDeniedException;
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn analyzer(name: &str, kind: Type, status: AnalyzerStatus) -> AnalyzerSummary {
        AnalyzerSummary::builder()
            .arn(format!("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/{name}"))
            .name(name)
            .r#type(kind)
            .created_at(DateTime::from_secs(1_700_000_000))
            .status(status)
            .build()
            .unwrap()
    }

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn evaluate(analyzers: Vec<AnalyzerSummary>) -> Evaluation {
        only(periodic(&IamExternalAccessAnalyzerEnabled, "scheduled", &analyzers).unwrap())
    }

    #[test]
    fn scenario_1_compliant_with_an_active_external_access_analyzer() {
        let e = evaluate(vec![
            analyzer("unused", Type::AccountUnusedAccess, AnalyzerStatus::Active),
            analyzer("external", Type::Account, AnalyzerStatus::Active),
        ]);
        assert_evaluation(&e, Compliance::Compliant, &["external (ACCOUNT) is active in us-east-1"]);
        let e = evaluate(vec![analyzer("org", Type::Organization, AnalyzerStatus::Active)]);
        assert_evaluation(&e, Compliance::Compliant, &["org (ORGANIZATION)"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_analyzers() {
        let e = evaluate(vec![]);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["No active external access analyzer in us-east-1.", "create-analyzer"],
        );
    }

    #[test]
    fn scenario_3_unused_and_internal_access_analyzers_do_not_count() {
        let e = evaluate(vec![
            analyzer("unused", Type::AccountUnusedAccess, AnalyzerStatus::Active),
            analyzer("org-unused", Type::OrganizationUnusedAccess, AnalyzerStatus::Active),
            analyzer("internal", Type::AccountInternalAccess, AnalyzerStatus::Active),
        ]);
        assert_evaluation(&e, Compliance::NonCompliant, &["unused-access and internal-access analyzers do not count"]);
    }

    #[test]
    fn scenario_4_non_compliant_when_the_analyzer_is_not_active() {
        for status in [AnalyzerStatus::Creating, AnalyzerStatus::Disabled, AnalyzerStatus::Failed] {
            let label = format!("analyzer external is {}", status.as_str());
            let e = evaluate(vec![analyzer("external", Type::Account, status)]);
            assert_evaluation(&e, Compliance::NonCompliant, &[&label]);
        }
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_5_gather_pages_through_analyzers_and_reports_access_denied() {
        let first = analyzer("unused", Type::AccountUnusedAccess, AnalyzerStatus::Active);
        let second = analyzer("external", Type::Account, AnalyzerStatus::Active);
        let pages = mock!(aws_sdk_accessanalyzer::Client::list_analyzers)
            .sequence()
            .output(move || {
                ListAnalyzersOutput::builder().analyzers(first.clone()).next_token("page-2").build().unwrap()
            })
            .output(move || ListAnalyzersOutput::builder().analyzers(second.clone()).build().unwrap())
            .build();
        let client = shared::mock_client!(aws_sdk_accessanalyzer, RuleMode::Sequential, &[&pages]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let analyzers = IamExternalAccessAnalyzerEnabled.gather(&aws, &NoParams, &scope()).await.unwrap();
        assert_eq!(analyzers.iter().map(|a| a.name()).collect::<Vec<_>>(), ["unused", "external"]);

        let denied = mock!(aws_sdk_accessanalyzer::Client::list_analyzers).then_error(|| {
            let message = "User is not authorized to perform: access-analyzer:ListAnalyzers";
            ListAnalyzersError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message(message)
                    .meta(
                        aws_sdk_accessanalyzer::error::ErrorMetadata::builder()
                            .code("AccessDeniedException")
                            .message(message)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
        });
        let client = shared::mock_client!(aws_sdk_accessanalyzer, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let error = IamExternalAccessAnalyzerEnabled.gather(&aws, &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("access-analyzer:ListAnalyzers"), "{error}");
    }
}
