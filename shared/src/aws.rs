//! AWS configuration and clients, built once per cold start (and once per evaluated account in
//! organization deployments).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use crate::error::RuleError;
use crate::event::ConfigEvent;
use crate::params::Parameters;

/// The SDK configuration of one account, and the clients made from it.
///
/// Rules ask for clients by constructor, for example `aws.client(aws_sdk_iam::Client::new)`;
/// each client type is built once and then shared.
pub struct Aws {
    config: SdkConfig,
    clients: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl Aws {
    pub fn new(config: SdkConfig) -> Self {
        Aws { config, clients: Mutex::new(HashMap::new()) }
    }

    /// Loads the standard SDK configuration (environment, credential chain, `AWS_ENDPOINT_URL`),
    /// with throttling and transient errors retried with backoff (up to 5 attempts).
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(5))
            .load()
            .await;
        Aws::new(config)
    }

    /// An `Aws` whose clients are the ones given (tests build them with `aws-smithy-mocks`).
    pub fn with_client<C: Clone + Send + Sync + 'static>(self, client: C) -> Self {
        lock(&self.clients).insert(TypeId::of::<C>(), Box::new(client));
        self
    }

    /// The client of type `C`, built with `make` the first time it is asked for.
    pub fn client<C: Clone + Send + Sync + 'static>(&self, make: fn(&SdkConfig) -> C) -> C {
        let mut clients = lock(&self.clients);
        if let Some(client) = clients.get(&TypeId::of::<C>()).and_then(|c| c.downcast_ref::<C>()) {
            return client.clone();
        }
        let client = make(&self.config);
        clients.insert(TypeId::of::<C>(), Box::new(client.clone()));
        client
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    /// The region the rule runs in (`AWS_REGION`).
    pub fn region(&self) -> Result<String, RuleError> {
        self.config
            .region()
            .map(|r| r.as_ref().to_owned())
            .ok_or_else(|| RuleError::AssumeRole("no AWS region is configured (set AWS_REGION)".into()))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The configuration of the function's own account plus, for organization deployments, one per
/// evaluated account reached through the `ExecutionRoleName` role.
pub struct Accounts {
    base: Arc<Aws>,
    assumed: Mutex<HashMap<String, Arc<Aws>>>,
}

impl Accounts {
    pub fn new(base: Aws) -> Self {
        Accounts { base: Arc::new(base), assumed: Mutex::new(HashMap::new()) }
    }

    /// The configuration to evaluate and report with: the function's own, or the execution role
    /// in the evaluated account when `ExecutionRoleName` is set. Results must be reported with the
    /// evaluated account's credentials, so both reading and `PutEvaluations` use it.
    pub async fn for_event(
        &self,
        event: &ConfigEvent,
        params: &Parameters,
        rule_name: &str,
    ) -> Result<Arc<Aws>, RuleError> {
        let Some(role_name) = params.execution_role_name() else {
            return Ok(self.base.clone());
        };
        let role_arn = execution_role_arn(event, role_name)?;
        if let Some(aws) = lock(&self.assumed).get(&role_arn) {
            return Ok(aws.clone());
        }
        let mut provider = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
            .session_name(format!("config-rule-{rule_name}").chars().take(64).collect::<String>())
            .configure(self.base.sdk_config());
        if let Some(region) = self.base.sdk_config().region() {
            provider = provider.region(Region::new(region.as_ref().to_owned()));
        }
        let provider = provider.build().await;
        provider.provide_credentials().await.map_err(|e| {
            RuleError::AssumeRole(format!(
                "could not assume {role_arn} (ExecutionRoleName): {}; the role must trust this function's role and allow sts:AssumeRole",
                aws_sdk_config::error::DisplayErrorContext(&e)
            ))
        })?;
        let config =
            self.base.sdk_config().to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build();
        let aws = Arc::new(Aws::new(config));
        lock(&self.assumed).insert(role_arn, aws.clone());
        Ok(aws)
    }
}

/// `arn:<partition>:iam::<evaluated account>:role/<ExecutionRoleName>`.
pub fn execution_role_arn(event: &ConfigEvent, role_name: &str) -> Result<String, RuleError> {
    let role_name = role_name.trim_matches('/');
    if role_name.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("AWSServiceRoleForConfig"))
        || role_name.starts_with("aws-service-role/")
    {
        return Err(RuleError::AssumeRole(format!(
            "ExecutionRoleName {role_name:?} is a service-linked role, which no function can assume; \
             deploy the member-account execution role (see README, organization deployment) and name it instead"
        )));
    }
    let account = event
        .evaluated_account()
        .ok_or_else(|| RuleError::AssumeRole("the event names no account to assume the execution role in".into()))?;
    Ok(format!("arn:{}:iam::{account}:role/{role_name}", event.partition()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, parse_event};
    use serde_json::json;

    fn event() -> ConfigEvent {
        let e = json!({
            "invokingEvent": json!({"awsAccountId": "210987654321", "notificationCreationTime": "2026-11-20T10:00:00Z", "messageType": "ScheduledNotification"}).to_string(),
            "resultToken": "t",
            "configRuleArn": "arn:aws-cn:config:cn-north-1:111111111111:config-rule/config-rule-1",
        });
        match parse_event(&e).unwrap() {
            Event::Evaluate(e) => *e,
            Event::Unsupported { .. } => unreachable!(),
        }
    }

    #[test]
    fn execution_role_is_in_the_evaluated_account_and_partition() {
        assert_eq!(
            execution_role_arn(&event(), "config-rules-execution").unwrap(),
            "arn:aws-cn:iam::210987654321:role/config-rules-execution"
        );
        assert_eq!(
            execution_role_arn(&event(), "path/to/role").unwrap(),
            "arn:aws-cn:iam::210987654321:role/path/to/role"
        );
    }

    #[test]
    fn the_config_service_linked_role_is_refused_with_advice() {
        for name in ["AWSServiceRoleForConfig", "aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"] {
            let e = execution_role_arn(&event(), name).unwrap_err().to_string();
            assert!(e.contains("service-linked role"), "{e}");
        }
    }

    #[test]
    fn clients_are_built_once_and_shared() {
        let aws = Aws::new(
            SdkConfig::builder().behavior_version(BehaviorVersion::latest()).region(Region::new("eu-west-1")).build(),
        );
        let a = aws.client(aws_sdk_iam::Client::new);
        let b = aws.client(aws_sdk_iam::Client::new);
        assert_eq!(format!("{:?}", a.config().region()), format!("{:?}", b.config().region()));
        assert_eq!(lock(&aws.clients).len(), 1);
        assert_eq!(aws.region().unwrap(), "eu-west-1");
    }
}
