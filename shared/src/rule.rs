//! The two shapes of a rule, and the pure decisions the runner makes around them.
//!
//! A **change rule** decides from one configuration item ([`ChangeRule::evaluate`]). If its trigger
//! is hybrid, scheduled runs evaluate every resource Config has recorded in scope with the same
//! function. A **periodic rule** gathers facts through the SDK ([`PeriodicRule::gather`]) and
//! decides from them ([`PeriodicRule::evaluate`]). Both decisions are pure: no I/O, no clock.

use std::future::Future;

use aws_smithy_types::DateTime;

use crate::aws::Aws;
use crate::ci::{ConfigurationItem, ItemStatus};
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::params::FromParams;
use crate::spec::RuleSpec;

/// A rule decided from the configuration item AWS Config sends.
pub trait ChangeRule: Sync {
    const SPEC: RuleSpec;
    type Params: FromParams + Sync;

    /// The verdict for one recorded, in-scope, live resource. Deleted, out-of-scope and
    /// not-recorded items never reach this function. An item that cannot be understood is an
    /// error, not a verdict.
    fn evaluate(&self, item: &ConfigurationItem, params: &Self::Params) -> Result<Verdict, RuleError>;
}

/// A rule that runs on a schedule and reads what it needs through the SDK.
pub trait PeriodicRule: Sync {
    const SPEC: RuleSpec;
    type Params: FromParams + Sync;
    type Facts: Send;

    /// Reads what the decision needs. Every SDK error is returned (naming the IAM action), never
    /// replaced by a default.
    fn gather(
        &self,
        aws: &Aws,
        params: &Self::Params,
        scope: &Scope,
    ) -> impl Future<Output = Result<Self::Facts, RuleError>> + Send;

    /// One evaluation per resource in scope; account-level rules report on
    /// `AWS::::Account` / `scope.account_id`.
    fn evaluate(&self, facts: &Self::Facts, params: &Self::Params, scope: &Scope) -> Vec<Evaluation>;
}

/// Where and when a periodic evaluation runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub account_id: String,
    pub region: String,
    /// The notification's creation time: "now" for age computations, so results are reproducible.
    pub now: DateTime,
}

/// The resource type of account-level evaluations.
pub const ACCOUNT: &str = "AWS::::Account";

/// NOT_APPLICABLE when a change must not be evaluated: the resource left the rule's scope, was
/// deleted, is not recorded, or is of a type the rule does not evaluate.
pub fn not_applicable(spec: &RuleSpec, left_scope: bool, status: ItemStatus, resource_type: &str) -> Option<Verdict> {
    if left_scope {
        return Some(Verdict::not_applicable("The resource is no longer in the scope of this rule."));
    }
    match status {
        ItemStatus::ResourceDeleted | ItemStatus::ResourceDeletedNotRecorded => {
            return Some(Verdict::not_applicable("The resource was deleted."));
        }
        ItemStatus::ResourceNotRecorded => {
            return Some(Verdict::not_applicable("AWS Config does not record this resource's configuration."));
        }
        ItemStatus::Ok | ItemStatus::ResourceDiscovered => {}
    }
    if !spec.resource_types.contains(&resource_type) {
        return Some(Verdict::not_applicable(format!(
            "This rule does not evaluate resources of type {resource_type}."
        )));
    }
    None
}

/// The evaluation of one configuration item by a change rule, applicability included.
pub fn decide_change<R: ChangeRule>(
    rule: &R,
    left_scope: bool,
    item: &ConfigurationItem,
    params: &R::Params,
) -> Result<Evaluation, RuleError> {
    let verdict = match not_applicable(&R::SPEC, left_scope, item.status, &item.resource_type) {
        Some(verdict) => verdict,
        None => rule.evaluate(item, params)?,
    };
    Ok(verdict.on(&item.resource_type, &item.resource_id))
}
