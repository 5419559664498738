//! # s3-account-level-public-access-blocks-periodic
//!
//! Checks that the account-level S3 Block Public Access settings are on, so no bucket in the
//! account can be made public through an ACL or a bucket policy.
//!
//! - **Trigger**: periodic, every 24 hours. The setting is account-wide (all regions): deploy the
//!   rule in one region.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `s3control:GetPublicAccessBlock` for the account (IAM action
//!   `s3:GetAccountPublicAccessBlock`). `NoSuchPublicAccessBlockConfiguration` means all four
//!   settings are off.
//! - **Parameters** (all optional, default `True`): `BlockPublicAcls`, `IgnorePublicAcls`,
//!   `BlockPublicPolicy`, `RestrictPublicBuckets`. `True` means the setting must be on; `False`
//!   means it is not checked (AWS documents the parameters only as "enforced or not").
//! - **Same as**: the AWS managed rule `s3-account-level-public-access-blocks-periodic`.
//! - **CIS v5.0.0**: 2.1.4 (account approach; all four `True`).
//! - **Well-Architected**: SEC-3, SEC-5, SEC-8.
//!
//! ## Scenarios
//! 1. COMPLIANT when every required setting is on.
//! 2. NON_COMPLIANT when a required setting is off or absent, naming each one.
//! 3. NON_COMPLIANT when the account has no Block Public Access configuration at all.
//! 4. A parameter set to `False` makes that setting not required.
//! 5. An invalid parameter value is an error naming the parameter.
//! 6. `gather` asks for the evaluated account's configuration, treats
//!    `NoSuchPublicAccessBlockConfiguration` as "none", and reports an empty answer, or
//!    AccessDenied naming `s3:GetAccountPublicAccessBlock`, as an error, never as a verdict.
//! 7. The endpoint resolver keeps AWS's endpoints (`<account>.s3-control.<region>.amazonaws.com`,
//!    PrivateLink) as AWS resolves them, and drops the account-id host prefix only for a custom
//!    endpoint on an IP address or `localhost`, where no such host can exist.

use aws_sdk_s3control::config::endpoint::{DefaultResolver, EndpointFuture, Params as EndpointParams, ResolveEndpoint};
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use shared::prelude::*;

pub struct S3AccountLevelPublicAccessBlocksPeriodic;

/// Which settings must be on.
pub struct Params {
    block_public_acls: bool,
    ignore_public_acls: bool,
    block_public_policy: bool,
    restrict_public_buckets: bool,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params {
            block_public_acls: p.bool("BlockPublicAcls")?,
            ignore_public_acls: p.bool("IgnorePublicAcls")?,
            block_public_policy: p.bool("BlockPublicPolicy")?,
            restrict_public_buckets: p.bool("RestrictPublicBuckets")?,
        })
    }
}

impl PeriodicRule for S3AccountLevelPublicAccessBlocksPeriodic {
    const SPEC: RuleSpec = RuleSpec {
        name: "s3-account-level-public-access-blocks-periodic",
        description: "Checks that the account-level S3 Block Public Access settings required by the parameters are on.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::boolean("BlockPublicAcls", Some("True"), "Require BlockPublicAcls (False: not checked)."),
            ParamSpec::boolean("IgnorePublicAcls", Some("True"), "Require IgnorePublicAcls (False: not checked)."),
            ParamSpec::boolean("BlockPublicPolicy", Some("True"), "Require BlockPublicPolicy (False: not checked)."),
            ParamSpec::boolean(
                "RestrictPublicBuckets",
                Some("True"),
                "Require RestrictPublicBuckets (False: not checked).",
            ),
        ],
        iam_actions: &["s3:GetAccountPublicAccessBlock"],
        cis: &["2.1.4"],
        cis_parameters: &[
            ("BlockPublicAcls", "True"),
            ("IgnorePublicAcls", "True"),
            ("BlockPublicPolicy", "True"),
            ("RestrictPublicBuckets", "True"),
        ],
        well_architected: &["SEC-3", "SEC-5", "SEC-8"],
        wa_parameters: &[
            ("BlockPublicAcls", "true"),
            ("BlockPublicPolicy", "true"),
            ("IgnorePublicAcls", "true"),
            ("RestrictPublicBuckets", "true"),
        ],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    /// The account's configuration, or `None` when it has none.
    type Facts = Option<PublicAccessBlockConfiguration>;

    async fn gather(&self, aws: &Aws, _: &Params, scope: &Scope) -> Result<Self::Facts, RuleError> {
        let s3control = aws.client(|config| {
            aws_sdk_s3control::Client::from_conf(
                aws_sdk_s3control::config::Builder::from(config).endpoint_resolver(AccountEndpoints::default()).build(),
            )
        });
        match s3control.get_public_access_block().account_id(&scope.account_id).send().await {
            Ok(output) => output.public_access_block_configuration().cloned().map(Some).ok_or_else(|| {
                RuleError::InvalidData(
                    "s3control:GetPublicAccessBlock succeeded but returned no PublicAccessBlockConfiguration".into(),
                )
            }),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_public_access_block_configuration()) => {
                Ok(None)
            }
            Err(e) => Err(e).context("s3:GetAccountPublicAccessBlock"),
        }
    }

    fn evaluate(&self, configuration: &Self::Facts, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let fix = format!("aws s3control put-public-access-block --account-id {account}");
        let Some(c) = configuration else {
            return vec![Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "The account has no S3 Block Public Access configuration, so all four settings are off. Turn them on ({fix})."
                ),
            )];
        };
        let settings = [
            ("BlockPublicAcls", p.block_public_acls, c.block_public_acls()),
            ("IgnorePublicAcls", p.ignore_public_acls, c.ignore_public_acls()),
            ("BlockPublicPolicy", p.block_public_policy, c.block_public_policy()),
            ("RestrictPublicBuckets", p.restrict_public_buckets, c.restrict_public_buckets()),
        ];
        let off: Vec<&str> = settings
            .iter()
            .filter(|(_, required, on)| *required && *on != Some(true))
            .map(|(name, ..)| *name)
            .collect();
        let required = settings.iter().filter(|(_, required, _)| *required).count();
        let evaluation = if !off.is_empty() {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!("Account-level S3 Block Public Access is off for: {}. Turn it on ({fix}).", off.join(", ")),
            )
        } else if required == settings.len() {
            Evaluation::compliant(ACCOUNT, account, "All four account-level S3 Block Public Access settings are on.")
        } else {
            Evaluation::compliant(
                ACCOUNT,
                account,
                "The account-level S3 Block Public Access settings this rule requires are on.",
            )
        };
        vec![evaluation]
    }
}

/// S3 Control's endpoint resolver, usable with a local emulator.
///
/// S3 Control addresses the account in the host name: AWS's endpoint rules turn the account id
/// into a host prefix, `123456789012.s3-control.us-east-1.amazonaws.com`, and do the same with a
/// custom endpoint (`AWS_ENDPOINT_URL`): `http://127.0.0.1:5055` becomes
/// `http://123456789012.127.0.0.1:5055`, a host that cannot exist. This resolver asks AWS's own
/// rules first and changes nothing for AWS's endpoints or named custom hosts (PrivateLink
/// endpoints resolve such prefixes); only when the custom endpoint's host is an IP address or
/// `localhost` does it drop the prefix. The account still travels in the `x-amz-account-id`
/// header, which is how S3 Control (and the emulator) reads it.
#[derive(Debug, Default)]
pub struct AccountEndpoints(DefaultResolver);

impl ResolveEndpoint for AccountEndpoints {
    fn resolve_endpoint<'a>(&'a self, params: &'a EndpointParams) -> EndpointFuture<'a> {
        let resolved = ResolveEndpoint::resolve_endpoint(&self.0, params);
        EndpointFuture::new(async move {
            let endpoint = resolved.await?;
            let unprefixed = match (params.endpoint(), params.account_id()) {
                (Some(custom), Some(account)) => without_account_prefix(endpoint.url(), custom, account),
                _ => None,
            };
            Ok(match unprefixed {
                Some(url) => endpoint.into_builder().url(url).build(),
                None => endpoint,
            })
        })
    }
}

/// `url` without its `<account>.` host prefix, when `custom` (the configured endpoint) is on an IP
/// address or `localhost`; `None` when the URL is to be used as resolved.
fn without_account_prefix(url: &str, custom: &str, account: &str) -> Option<String> {
    let authority = custom.split_once("://").map_or(custom, |(_, rest)| rest);
    let authority = authority.split(['/', '?']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(host, _port)| host),
    };
    let literal = host.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost");
    if !literal {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.strip_prefix(account)?.strip_prefix('.')?;
    Some(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3control::config::endpoint::Endpoint;
    use aws_sdk_s3control::operation::get_public_access_block::{
        GetPublicAccessBlockError, GetPublicAccessBlockOutput,
    };
    use aws_sdk_s3control::types::error::NoSuchPublicAccessBlockConfiguration;
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn configuration(
        acls: bool,
        ignore: bool,
        policy: bool,
        restrict: Option<bool>,
    ) -> Option<PublicAccessBlockConfiguration> {
        Some(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(acls)
                .ignore_public_acls(ignore)
                .block_public_policy(policy)
                .set_restrict_public_buckets(restrict)
                .build(),
        )
    }

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn evaluate(case: &str, facts: Option<PublicAccessBlockConfiguration>) -> Evaluation {
        only(periodic(&S3AccountLevelPublicAccessBlocksPeriodic, case, &facts).unwrap())
    }

    #[test]
    fn scenario_1_compliant_when_all_settings_are_on() {
        let e = evaluate("scheduled", configuration(true, true, true, Some(true)));
        assert_evaluation(&e, Compliance::Compliant, &["All four"]);
        let e = evaluate("cis-parameters", configuration(true, true, true, Some(true)));
        assert_evaluation(&e, Compliance::Compliant, &["All four"]);
    }

    #[test]
    fn scenario_2_non_compliant_naming_each_setting_that_is_off() {
        let e = evaluate("scheduled", configuration(true, false, true, None));
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["off for: IgnorePublicAcls, RestrictPublicBuckets.", "put-public-access-block --account-id 123456789012"],
        );
        assert!(!e.annotation.contains("BlockPublicAcls,"), "{}", e.annotation);
        let e = evaluate("cis-parameters", configuration(true, true, false, Some(true)));
        assert_evaluation(&e, Compliance::NonCompliant, &["off for: BlockPublicPolicy."]);
    }

    #[test]
    fn scenario_3_non_compliant_without_any_configuration() {
        let e = evaluate("scheduled", None);
        assert_evaluation(&e, Compliance::NonCompliant, &["no S3 Block Public Access configuration"]);
    }

    #[test]
    fn scenario_4_a_false_parameter_is_not_required() {
        let e = evaluate("acls-not-required", configuration(false, false, true, Some(true)));
        assert_evaluation(&e, Compliance::Compliant, &["this rule requires are on"]);
        let e = evaluate("acls-not-required", configuration(false, false, false, Some(true)));
        assert_evaluation(&e, Compliance::NonCompliant, &["off for: BlockPublicPolicy."]);
    }

    #[test]
    fn scenario_5_invalid_parameter_is_an_error() {
        let error = periodic(&S3AccountLevelPublicAccessBlocksPeriodic, "invalid-parameter", &None).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("RestrictPublicBuckets"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_s3control::primitives::DateTime::from_secs(1_795_168_800))
    }

    async fn gather_with(rule: aws_smithy_mocks::Rule) -> Result<Option<PublicAccessBlockConfiguration>, RuleError> {
        let client = shared::mock_client!(aws_sdk_s3control, RuleMode::MatchAny, &[&rule]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let params = shared::testing::params::<S3AccountLevelPublicAccessBlocksPeriodic>("scheduled").unwrap();
        S3AccountLevelPublicAccessBlocksPeriodic.gather(&aws, &params, &scope()).await
    }

    fn meta(code: &str, message: &str) -> aws_sdk_s3control::error::ErrorMetadata {
        aws_sdk_s3control::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_the_account_configuration_and_reports_errors() {
        let found = mock!(aws_sdk_s3control::Client::get_public_access_block)
            .match_requests(|r| r.account_id() == Some("123456789012"))
            .then_output(|| {
                GetPublicAccessBlockOutput::builder()
                    .public_access_block_configuration(configuration(true, true, true, Some(false)).unwrap())
                    .build()
            });
        assert_eq!(gather_with(found).await.unwrap(), configuration(true, true, true, Some(false)));

        let none = mock!(aws_sdk_s3control::Client::get_public_access_block).then_error(|| {
            let message = "The public access block configuration was not found";
            GetPublicAccessBlockError::NoSuchPublicAccessBlockConfiguration(
                NoSuchPublicAccessBlockConfiguration::builder()
                    .message(message)
                    .meta(meta("NoSuchPublicAccessBlockConfiguration", message))
                    .build(),
            )
        });
        assert_eq!(gather_with(none).await.unwrap(), None);

        let empty = mock!(aws_sdk_s3control::Client::get_public_access_block)
            .then_output(|| GetPublicAccessBlockOutput::builder().build());
        assert_eq!(gather_with(empty).await.unwrap_err().error_type(), "InvalidData");

        let denied = mock!(aws_sdk_s3control::Client::get_public_access_block)
            .then_error(|| GetPublicAccessBlockError::generic(meta("AccessDenied", "Access Denied")));
        let error = gather_with(denied).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("s3:GetAccountPublicAccessBlock"), "{error}");
    }

    fn params(endpoint: Option<&str>) -> EndpointParams {
        EndpointParams::builder()
            .region("us-east-1")
            .account_id("123456789012")
            .requires_account_id(true)
            .use_fips(false)
            .use_dual_stack(false)
            .set_endpoint(endpoint.map(str::to_owned))
            .build()
            .unwrap()
    }

    /// The resolved endpoint (no network: endpoint rules only).
    async fn resolve(endpoint: Option<&str>) -> Endpoint {
        AccountEndpoints::default().resolve_endpoint(&params(endpoint)).await.unwrap()
    }

    #[tokio::test]
    async fn scenario_7_only_prefixes_that_cannot_resolve_are_dropped() {
        assert_eq!(resolve(None).await.url(), "https://123456789012.s3-control.us-east-1.amazonaws.com");
        assert_eq!(resolve(Some("http://127.0.0.1:5055")).await.url(), "http://127.0.0.1:5055");
        assert_eq!(resolve(Some("http://localhost:5055/")).await.url(), "http://localhost:5055/");
        assert_eq!(resolve(Some("http://[::1]:5055")).await.url(), "http://[::1]:5055");
        let private_link = "https://control.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com";
        assert_eq!(
            resolve(Some(private_link)).await.url(),
            "https://123456789012.control.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com"
        );
        let emulator = resolve(Some("http://127.0.0.1:5055")).await;
        let as_aws_resolves =
            ResolveEndpoint::resolve_endpoint(&DefaultResolver::new(), &params(Some("http://127.0.0.1:5055")))
                .await
                .unwrap();
        assert_eq!(as_aws_resolves.url(), "http://123456789012.127.0.0.1:5055");
        assert_eq!(emulator.auth_schemes(), as_aws_resolves.auth_schemes(), "signing (name s3, region) is kept");
        assert!(!emulator.auth_schemes().is_empty());
        assert_eq!(without_account_prefix("http://127.0.0.1:1", "http://127.0.0.1:1", "123456789012"), None);
    }
}
