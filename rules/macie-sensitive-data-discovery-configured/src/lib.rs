//! # macie-sensitive-data-discovery-configured
//!
//! Checks that sensitive data in S3 is being discovered and classified in the region: Macie is
//! enabled and either automated sensitive data discovery is on or a discovery job exists that was
//! not cancelled. Being enabled alone (`macie-status-check`) classifies nothing.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), for the region the rule runs in. Macie is
//!   regional: deploy the rule in every region that holds buckets.
//! - **Reads**, in order, stopping as soon as the answer is known: `macie2:GetMacieSession`;
//!   `macie2:GetAdministratorAccount` (a member account's discovery is run by its Macie
//!   administrator); `macie2:GetAutomatedDiscoveryConfiguration`; `macie2:ListClassificationJobs`
//!   (every page, until a job that counts is found). "Macie is not enabled" (AccessDenied with that
//!   message, or no session) is a verdict; any other AccessDenied is an error.
//! - **Parameters**: `externalToolAttested` (optional, default `false`): `true` when another tool
//!   discovers and classifies S3 data instead of Macie; nothing is read then.
//! - **Same as**: no AWS managed rule. AWS's `macie-auto-sensitive-data-discovery-check` accepts
//!   only automated discovery; this rule also accepts jobs.
//! - **CIS v5.0.0**: 2.1.3 (Manual: whether every bucket is covered and findings are acted on is
//!   for a person to confirm, and the compliant annotation says so).
//!
//! ## Scenarios
//! 1. COMPLIANT when automated sensitive data discovery is enabled.
//! 2. COMPLIANT when a classification job exists that is not cancelled (running, idle, paused,
//!    paused by a user, or complete), naming it.
//! 3. NON_COMPLIANT when Macie is enabled but automated discovery is off and every job is
//!    cancelled, or there is none.
//! 4. NON_COMPLIANT when Macie is not enabled, or is suspended, in the region.
//! 5. COMPLIANT for a member account whose Macie administrator runs discovery, naming it.
//! 6. COMPLIANT without reading Macie when `externalToolAttested` is `true`, with a manual check.
//! 7. An invalid `externalToolAttested` value is an error naming it.
//! 8. `gather` reads in order and stops early: nothing after "not enabled" or a member
//!    relationship, no jobs when automated discovery is on, and it pages through jobs.
//! 9. A missing permission on any read is an error naming the action (AccessDenied on
//!    `GetMacieSession` other than "Macie is not enabled" included), never a verdict.

use aws_sdk_macie2::types::{AutomatedDiscoveryStatus, JobStatus, RelationshipStatus};
use shared::macie::{self, Macie};
use shared::prelude::*;

pub struct MacieSensitiveDataDiscoveryConfigured;

pub struct Params {
    external_tool_attested: bool,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { external_tool_attested: p.bool("externalToolAttested")? })
    }
}

/// What sets up discovery for the account in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// `externalToolAttested`: Macie was not read.
    ExternalTool,
    /// Macie is suspended (`paused`) or not enabled.
    MacieOff { paused: bool },
    /// A member account: its Macie administrator runs discovery.
    Member { administrator: String },
    /// A standalone or administrator account: automated discovery, and the first job that counts
    /// (not read when automated discovery is on).
    Own { automated_discovery: bool, job: Option<Job> },
}

/// A classification job that was not cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub name: String,
    pub status: JobStatus,
}

impl PeriodicRule for MacieSensitiveDataDiscoveryConfigured {
    const SPEC: RuleSpec = RuleSpec {
        name: "macie-sensitive-data-discovery-configured",
        description: "Checks that Amazon Macie runs sensitive data discovery in the region: automated discovery or a job that was not cancelled.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[ParamSpec::boolean(
            "externalToolAttested",
            Some("false"),
            "True when a tool other than Macie discovers and classifies S3 data (then Macie is not checked).",
        )],
        iam_actions: &[
            "macie2:GetMacieSession",
            "macie2:GetAdministratorAccount",
            "macie2:GetAutomatedDiscoveryConfiguration",
            "macie2:ListClassificationJobs",
        ],
        cis: &["2.1.3"],
        cis_parameters: &[("externalToolAttested", "false")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Discovery;

    async fn gather(&self, aws: &Aws, p: &Params, _: &Scope) -> Result<Discovery, RuleError> {
        if p.external_tool_attested {
            return Ok(Discovery::ExternalTool);
        }
        match macie::session(aws).await? {
            Macie::Enabled => {}
            Macie::Paused => return Ok(Discovery::MacieOff { paused: true }),
            Macie::NotEnabled => return Ok(Discovery::MacieOff { paused: false }),
        }
        let macie = aws.client(aws_sdk_macie2::Client::new);

        let administrator = macie.get_administrator_account().send().await.context("macie2:GetAdministratorAccount")?;
        if let Some(admin) = administrator.administrator()
            && admin.relationship_status() == Some(&RelationshipStatus::Enabled)
            && let Some(id) = admin.account_id()
        {
            return Ok(Discovery::Member { administrator: id.to_owned() });
        }

        let automated = macie
            .get_automated_discovery_configuration()
            .send()
            .await
            .context("macie2:GetAutomatedDiscoveryConfiguration")?;
        match automated.status() {
            Some(AutomatedDiscoveryStatus::Enabled) => {
                return Ok(Discovery::Own { automated_discovery: true, job: None });
            }
            Some(AutomatedDiscoveryStatus::Disabled) => {}
            other => {
                return Err(RuleError::InvalidData(format!(
                    "macie2:GetAutomatedDiscoveryConfiguration returned the unknown status {:?}",
                    other.map(AutomatedDiscoveryStatus::as_str)
                )));
            }
        }

        let mut pages = macie.list_classification_jobs().into_paginator().send();
        while let Some(page) = pages.next().await {
            for job in page.context("macie2:ListClassificationJobs")?.items() {
                if let Some(status) = job.job_status().filter(|s| counts(s)) {
                    let name = job.name().or(job.job_id()).unwrap_or("(unnamed)").to_owned();
                    return Ok(Discovery::Own {
                        automated_discovery: false,
                        job: Some(Job { name, status: status.clone() }),
                    });
                }
            }
        }
        Ok(Discovery::Own { automated_discovery: false, job: None })
    }

    fn evaluate(&self, discovery: &Discovery, _: &Params, scope: &Scope) -> Vec<Evaluation> {
        let region = &scope.region;
        let account = &scope.account_id;
        let manual = "Manual check: confirm every bucket is covered and findings are reviewed and acted on.";
        let evaluation = match discovery {
            Discovery::ExternalTool => Evaluation::compliant(
                ACCOUNT,
                account,
                format!(
                    "externalToolAttested is set: S3 data discovery is attested to run outside Macie, which was not checked. {manual}"
                ),
            ),
            Discovery::MacieOff { paused } => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Amazon Macie is {} in {region}, so S3 data is not discovered or classified. Enable Macie and turn on automated discovery or create a discovery job (or set externalToolAttested if another tool does this).",
                    if *paused { "suspended" } else { "not enabled" }
                ),
            ),
            Discovery::Member { administrator } => Evaluation::compliant(
                ACCOUNT,
                account,
                format!(
                    "Macie discovery for this account in {region} is run by Macie administrator {administrator}. Manual check: confirm its jobs or automated discovery cover this account's buckets."
                ),
            ),
            Discovery::Own { automated_discovery: true, .. } => Evaluation::compliant(
                ACCOUNT,
                account,
                format!("Automated sensitive data discovery is on in {region}. {manual}"),
            ),
            Discovery::Own { job: Some(job), .. } => Evaluation::compliant(
                ACCOUNT,
                account,
                format!("Macie discovery job {} is {} in {region}. {manual}", job.name, job.status.as_str()),
            ),
            Discovery::Own { .. } => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Macie is on in {region} but has no discovery job that was not cancelled, and automated discovery is off. Turn on automated discovery or create a job for your S3 buckets."
                ),
            ),
        };
        vec![evaluation]
    }
}

/// Jobs that set up discovery: every status but cancelled (unknown statuses do not count).
fn counts(status: &JobStatus) -> bool {
    matches!(
        status,
        JobStatus::Running | JobStatus::Idle | JobStatus::Paused | JobStatus::UserPaused | JobStatus::Complete
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_macie2::operation::get_administrator_account::{
        GetAdministratorAccountError, GetAdministratorAccountOutput,
    };
    use aws_sdk_macie2::operation::get_automated_discovery_configuration::{
        GetAutomatedDiscoveryConfigurationError, GetAutomatedDiscoveryConfigurationOutput,
    };
    use aws_sdk_macie2::operation::get_macie_session::GetMacieSessionError;
    use aws_sdk_macie2::operation::get_macie_session::GetMacieSessionOutput;
    use aws_sdk_macie2::operation::list_classification_jobs::{
        ListClassificationJobsError, ListClassificationJobsOutput,
    };
    use aws_sdk_macie2::types::MacieStatus;
    use aws_sdk_macie2::types::error::AccessDeniedException;
    use aws_sdk_macie2::types::{Invitation, JobSummary};
    use aws_smithy_mocks::{Rule, RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn evaluate(case: &str, discovery: Discovery) -> Evaluation {
        only(periodic(&MacieSensitiveDataDiscoveryConfigured, case, &discovery).unwrap())
    }

    #[test]
    fn scenario_1_compliant_with_automated_discovery() {
        let e = evaluate("scheduled", Discovery::Own { automated_discovery: true, job: None });
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["Automated sensitive data discovery is on in us-east-1", "Manual check:"],
        );
    }

    #[test]
    fn scenario_2_compliant_with_a_job_that_was_not_cancelled() {
        let job = Job { name: "weekly-pii-scan".into(), status: JobStatus::Idle };
        let e = evaluate("scheduled", Discovery::Own { automated_discovery: false, job: Some(job) });
        assert_evaluation(&e, Compliance::Compliant, &["job weekly-pii-scan is IDLE in us-east-1", "Manual check:"]);
        for status in
            [JobStatus::Running, JobStatus::Idle, JobStatus::Paused, JobStatus::UserPaused, JobStatus::Complete]
        {
            assert!(counts(&status), "{status:?}");
        }
        assert!(!counts(&JobStatus::Cancelled));
        assert!(!counts(&JobStatus::from("ARCHIVED")));
    }

    #[test]
    fn scenario_3_non_compliant_without_discovery() {
        let e = evaluate("scheduled", Discovery::Own { automated_discovery: false, job: None });
        assert_evaluation(&e, Compliance::NonCompliant, &["no discovery job", "automated discovery is off"]);
    }

    #[test]
    fn scenario_4_non_compliant_when_macie_is_off() {
        let e = evaluate("scheduled", Discovery::MacieOff { paused: false });
        assert_evaluation(&e, Compliance::NonCompliant, &["not enabled in us-east-1"]);
        let e = evaluate("scheduled", Discovery::MacieOff { paused: true });
        assert_evaluation(&e, Compliance::NonCompliant, &["suspended in us-east-1"]);
    }

    #[test]
    fn scenario_5_compliant_for_a_member_account() {
        let e = evaluate("scheduled", Discovery::Member { administrator: "111122223333".into() });
        assert_evaluation(&e, Compliance::Compliant, &["run by Macie administrator 111122223333", "Manual check:"]);
    }

    #[test]
    fn scenario_6_external_tool_attested() {
        let e = evaluate("external-tool", Discovery::ExternalTool);
        assert_evaluation(&e, Compliance::Compliant, &["externalToolAttested", "Manual check:"]);
    }

    #[test]
    fn scenario_7_invalid_parameter_is_an_error() {
        let error = periodic(&MacieSensitiveDataDiscoveryConfigured, "invalid-parameter", &Discovery::ExternalTool)
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("externalToolAttested"), "{error}");
    }

    fn meta(code: &str, message: &str) -> aws_sdk_macie2::error::ErrorMetadata {
        aws_sdk_macie2::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    fn denied(message: &str) -> AccessDeniedException {
        AccessDeniedException::builder().message(message).meta(meta("AccessDeniedException", message)).build()
    }

    fn session(status: MacieStatus) -> Rule {
        mock!(aws_sdk_macie2::Client::get_macie_session)
            .then_output(move || GetMacieSessionOutput::builder().status(status.clone()).build())
    }

    fn administrator(admin: Option<(&'static str, RelationshipStatus)>) -> Rule {
        mock!(aws_sdk_macie2::Client::get_administrator_account).then_output(move || {
            let invitation = admin
                .clone()
                .map(|(id, status)| Invitation::builder().account_id(id).relationship_status(status).build());
            GetAdministratorAccountOutput::builder().set_administrator(invitation).build()
        })
    }

    fn automated(status: AutomatedDiscoveryStatus) -> Rule {
        mock!(aws_sdk_macie2::Client::get_automated_discovery_configuration)
            .then_output(move || GetAutomatedDiscoveryConfigurationOutput::builder().status(status.clone()).build())
    }

    fn job(name: &str, status: JobStatus) -> JobSummary {
        JobSummary::builder().job_id(format!("id-{name}")).name(name).job_status(status).build()
    }

    async fn gather(case: &str, rules: &[&Rule]) -> Result<Discovery, RuleError> {
        let client = shared::mock_client!(aws_sdk_macie2, RuleMode::MatchAny, rules);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let params = shared::testing::params::<MacieSensitiveDataDiscoveryConfigured>(case).unwrap();
        let scope = shared::testing::scope(aws_sdk_macie2::primitives::DateTime::from_secs(1_795_168_800));
        MacieSensitiveDataDiscoveryConfigured.gather(&aws, &params, &scope).await
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_in_order_and_stops_early() {
        // Attested: nothing is read (no rule would answer).
        assert_eq!(gather("external-tool", &[]).await.unwrap(), Discovery::ExternalTool);

        // Not enabled or suspended: nothing after the session.
        let off = mock!(aws_sdk_macie2::Client::get_macie_session)
            .then_error(|| GetMacieSessionError::AccessDeniedException(denied("Macie is not enabled.")));
        assert_eq!(gather("scheduled", &[&off]).await.unwrap(), Discovery::MacieOff { paused: false });
        assert_eq!(
            gather("scheduled", &[&session(MacieStatus::Paused)]).await.unwrap(),
            Discovery::MacieOff { paused: true }
        );

        // A member: nothing after the administrator. An invitation not accepted is no member.
        let member = administrator(Some(("111122223333", RelationshipStatus::Enabled)));
        assert_eq!(
            gather("scheduled", &[&session(MacieStatus::Enabled), &member]).await.unwrap(),
            Discovery::Member { administrator: "111122223333".into() }
        );
        let invited = administrator(Some(("111122223333", RelationshipStatus::Invited)));
        let on = automated(AutomatedDiscoveryStatus::Enabled);
        assert_eq!(
            gather("scheduled", &[&session(MacieStatus::Enabled), &invited, &on]).await.unwrap(),
            Discovery::Own { automated_discovery: true, job: None }
        );

        // Automated discovery off: jobs are paged until one counts.
        let off = automated(AutomatedDiscoveryStatus::Disabled);
        let (cancelled, idle) = (job("old", JobStatus::Cancelled), job("weekly", JobStatus::Idle));
        let jobs = mock!(aws_sdk_macie2::Client::list_classification_jobs)
            .sequence()
            .output(move || ListClassificationJobsOutput::builder().items(cancelled.clone()).next_token("p2").build())
            .output(move || ListClassificationJobsOutput::builder().items(idle.clone()).build())
            .build();
        assert_eq!(
            gather("scheduled", &[&session(MacieStatus::Enabled), &administrator(None), &off, &jobs]).await.unwrap(),
            Discovery::Own {
                automated_discovery: false,
                job: Some(Job { name: "weekly".into(), status: JobStatus::Idle })
            }
        );
        let cancelled = job("old", JobStatus::Cancelled);
        let only_cancelled = mock!(aws_sdk_macie2::Client::list_classification_jobs)
            .then_output(move || ListClassificationJobsOutput::builder().items(cancelled.clone()).build());
        assert_eq!(
            gather("scheduled", &[&session(MacieStatus::Enabled), &administrator(None), &off, &only_cancelled])
                .await
                .unwrap(),
            Discovery::Own { automated_discovery: false, job: None }
        );
    }

    #[tokio::test]
    async fn scenario_9_missing_permissions_are_errors_naming_the_action() {
        let on = session(MacieStatus::Enabled);
        let no_admin = administrator(None);
        let off = automated(AutomatedDiscoveryStatus::Disabled);
        let not_authorized = "User is not authorized to perform this action";

        let session_denied = mock!(aws_sdk_macie2::Client::get_macie_session).then_error(|| {
            GetMacieSessionError::AccessDeniedException(denied("User is not authorized to perform this action"))
        });
        let admin_denied = mock!(aws_sdk_macie2::Client::get_administrator_account).then_error(|| {
            GetAdministratorAccountError::AccessDeniedException(denied("User is not authorized to perform this action"))
        });
        let automated_denied = mock!(aws_sdk_macie2::Client::get_automated_discovery_configuration).then_error(|| {
            GetAutomatedDiscoveryConfigurationError::AccessDeniedException(denied(
                "User is not authorized to perform this action",
            ))
        });
        let jobs_denied = mock!(aws_sdk_macie2::Client::list_classification_jobs).then_error(|| {
            ListClassificationJobsError::AccessDeniedException(denied("User is not authorized to perform this action"))
        });

        let cases: [(&[&Rule], &str); 4] = [
            (&[&session_denied], "macie2:GetMacieSession"),
            (&[&on, &admin_denied], "macie2:GetAdministratorAccount"),
            (&[&on, &no_admin, &automated_denied], "macie2:GetAutomatedDiscoveryConfiguration"),
            (&[&on, &no_admin, &off, &jobs_denied], "macie2:ListClassificationJobs"),
        ];
        for (rules, action) in cases {
            let error = gather("scheduled", rules).await.unwrap_err();
            assert_eq!(error.error_type(), "AccessDenied", "{action}: {error}");
            assert!(error.to_string().contains(action) && error.to_string().contains(not_authorized), "{error}");
        }

        let unknown = mock!(aws_sdk_macie2::Client::get_automated_discovery_configuration)
            .then_output(|| GetAutomatedDiscoveryConfigurationOutput::builder().build());
        let error = gather("scheduled", &[&on, &no_admin, &unknown]).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
    }
}
