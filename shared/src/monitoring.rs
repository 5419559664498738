//! The CIS section 4 monitoring chain: trail → log group → metric filter → alarm → subscribed topic.
//!
//! CIS AWS Foundations Benchmark v5.0.0 recommendations 4.1–4.15 each ask that one kind of
//! CloudTrail event (unauthorized API calls, root usage, IAM policy changes…) raises an alarm
//! someone receives. They differ only in the metric-filter pattern, so the fifteen rules share
//! this module: [`gather`] reads the chain once per invocation, and [`decide`] judges it for one
//! [`Control`], purely.
//!
//! ## The chain (COMPLIANT when one trail completes it)
//!
//! 1. A **multi-Region trail** that is logging and records every read and write management event
//!    from the control's event source ([`Control::source`]: `kms.amazonaws.com` for 4.7, every
//!    source for 4.1 and 4.3…), through [`crate::cloudtrail`].
//! 2. It sends its events to a **CloudWatch Logs log group** of this account
//!    (`CloudWatchLogsLogGroupArn`, read in the log group's region as the ARN gives it).
//! 3. A **metric filter** on that log group whose pattern catches every event the CIS pattern
//!    catches ([`FilterPattern::covers`]: the literal, an equivalent rewriting or a broader pattern;
//!    several alarmed filters of one log group may cover it together). A filter that selects
//!    events by field (`fieldSelectionCriteria`), runs on transformed logs, or publishes its
//!    metric with dimensions (no single alarm sees every value) is not relied on.
//! 4. An **alarm** on that metric: same metric name *and namespace*, no dimensions, and, unless the
//!    `RequireActionsEnabled` parameter is `false`, actions enabled. Alarms on metric math are not
//!    followed.
//! 5. An **SNS topic** in the alarm's `AlarmActions` with at least one **confirmed subscription**
//!    (a subscription ARN; `PendingConfirmation` does not count).
//!
//! A COMPLIANT annotation names the chain and says how the filter relates to the benchmark's
//! pattern: the same tokens ("CIS pattern"), equal once quoting, grouping and operand order are
//! normalised ("equivalent"), one of the variants [`crate::filter_pattern`] accepts, or "broader".
//! Otherwise NON_COMPLIANT, with an annotation naming the furthest link any trail reached and how
//! to fix it; a filter that looks like an attempt at the pattern (most of its equality conditions
//! are the pattern's, and the other way round) but does not cover it is named with an event it
//! misses. Every annotation ends with the "Manual check:" sentence these Manual recommendations
//! need: CIS also accepts monitoring these events in another tool (a SIEM), which no API shows,
//! and whether someone acts on the notifications is for a person to confirm.
//!
//! Deliberate readings where the benchmark's audit is silent or looser:
//! - The trail must record management events of **both** directions from the control's source;
//!   a trail that excludes `kms.amazonaws.com` therefore fails 4.7 but not 4.5.
//! - A log group in **another account** (an organization trail seen from a member account) cannot
//!   be inspected from here: the chain stops there, and the annotation says where to evaluate.
//! - An SNS topic in another account that does not let this account list its subscriptions
//!   leaves the chain unproven (NON_COMPLIANT naming the topic); the same denial on a topic of
//!   this account is an error naming `sns:ListSubscriptionsByTopic`.
//! - A log group or topic that no longer exists is a broken link, not an error.
//!
//! ## Gather (SDK)
//!
//! [`gather`] calls [`ACTIONS`]: [`cloudtrail::account_trails`]; then, for each logging
//! multi-Region trail that sends to a log group of this account (once per log group),
//! `logs:DescribeMetricFilters` by log group name in the log group's region (paginated);
//! `cloudwatch:DescribeAlarms` (metric alarms, paginated) once per region holding such a log group,
//! keeping alarms on the filters' metric names; and `sns:ListSubscriptionsByTopic` (paginated) in
//! the topic's region for each SNS topic those alarms notify. Every error is returned naming the
//! action, except the three facts above (missing log group, missing topic, foreign topic denied).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use aws_sdk_cloudwatchlogs::types::MetricFilter;
use aws_sdk_sns::types::Subscription;

use crate::aws::Aws;
use crate::cloudtrail::{self, AccountTrails, Sources};
use crate::error::{RuleError, aws_error};
use crate::evaluation::{Evaluation, Verdict};
use crate::filter_pattern::{
    AcceptedPattern, CIS_CONTROLS, CisControl, Condition, Coverage, Expr, FilterPattern, Op, PatternSource, Test,
    same_tokens,
};
use crate::params::{FromParams, ParamError, ParamSpec, Parameters};
use crate::rule::{ACCOUNT, Scope};

/// The IAM actions [`gather`] calls; every rule built on this module declares exactly these.
pub const ACTIONS: [&str; 6] = [
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "logs:DescribeMetricFilters",
    "cloudwatch:DescribeAlarms",
    "sns:ListSubscriptionsByTopic",
];

// ---------------------------------------------------------------------------------------------
// The controls
// ---------------------------------------------------------------------------------------------

/// One CIS monitoring recommendation, as the decision needs it.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// The accepted filter patterns ([`crate::filter_pattern::CIS_CONTROLS`]).
    pub cis: &'static CisControl,
    /// What the control watches, for annotations ("IAM policy changes").
    pub subject: &'static str,
    /// The event source whose management events the trail must record (every source for the
    /// controls that watch all of them).
    pub source: Sources<'static>,
}

impl Control {
    /// The recommendation number, `"4.5"`.
    pub fn id(&self) -> &'static str {
        self.cis.id
    }
}

const fn control(cis: &'static CisControl, subject: &'static str, source: Sources<'static>) -> Control {
    Control { cis, subject, source }
}

const EC2: Sources<'static> = Sources::Only("ec2.amazonaws.com");
const SIGNIN: Sources<'static> = Sources::Only("signin.amazonaws.com");

pub static CIS_4_1: Control = control(&CIS_CONTROLS[0], "unauthorized API calls", Sources::Every);
pub static CIS_4_2: Control = control(&CIS_CONTROLS[1], "console sign-ins without MFA", SIGNIN);
pub static CIS_4_3: Control = control(&CIS_CONTROLS[2], "root account usage", Sources::Every);
pub static CIS_4_4: Control = control(&CIS_CONTROLS[3], "IAM policy changes", Sources::Only("iam.amazonaws.com"));
pub static CIS_4_5: Control =
    control(&CIS_CONTROLS[4], "CloudTrail configuration changes", Sources::Only("cloudtrail.amazonaws.com"));
pub static CIS_4_6: Control = control(&CIS_CONTROLS[5], "console authentication failures", SIGNIN);
pub static CIS_4_7: Control =
    control(&CIS_CONTROLS[6], "disabling or deletion of KMS keys", Sources::Only("kms.amazonaws.com"));
pub static CIS_4_8: Control = control(&CIS_CONTROLS[7], "S3 bucket policy changes", Sources::Only("s3.amazonaws.com"));
pub static CIS_4_9: Control =
    control(&CIS_CONTROLS[8], "AWS Config configuration changes", Sources::Only("config.amazonaws.com"));
pub static CIS_4_10: Control = control(&CIS_CONTROLS[9], "security group changes", EC2);
pub static CIS_4_11: Control = control(&CIS_CONTROLS[10], "network ACL changes", EC2);
pub static CIS_4_12: Control = control(&CIS_CONTROLS[11], "network gateway changes", EC2);
pub static CIS_4_13: Control = control(&CIS_CONTROLS[12], "route table changes", EC2);
pub static CIS_4_14: Control = control(&CIS_CONTROLS[13], "VPC changes", EC2);
pub static CIS_4_15: Control =
    control(&CIS_CONTROLS[14], "AWS Organizations changes", Sources::Only("organizations.amazonaws.com"));

/// The fifteen controls, in order.
pub static CONTROLS: [&Control; 15] = [
    &CIS_4_1, &CIS_4_2, &CIS_4_3, &CIS_4_4, &CIS_4_5, &CIS_4_6, &CIS_4_7, &CIS_4_8, &CIS_4_9, &CIS_4_10, &CIS_4_11,
    &CIS_4_12, &CIS_4_13, &CIS_4_14, &CIS_4_15,
];

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

/// The parameter that decides whether an alarm with disabled actions counts.
pub const REQUIRE_ACTIONS_ENABLED: &str = "RequireActionsEnabled";

/// The parameters of every rule built on this module.
pub const PARAMETERS: &[ParamSpec] = &[ParamSpec::boolean(
    REQUIRE_ACTIONS_ENABLED,
    Some("true"),
    "true: an alarm whose actions are disabled does not count (CIS's audit does not look at it; false follows the audit).",
)];

/// The parsed [`PARAMETERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub require_actions_enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params { require_actions_enabled: true }
    }
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { require_actions_enabled: p.bool(REQUIRE_ACTIONS_ENABLED)? })
    }
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// What [`gather`] read: the whole chain, for every control.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chain {
    pub trails: AccountTrails,
    /// The log groups of this account that logging multi-Region trails send to, once each.
    pub log_groups: Vec<LogGroup>,
    /// Region → the metric alarms there whose metric name is one the log groups' filters publish
    /// (in any namespace).
    pub alarms: BTreeMap<String, Vec<MetricAlarm>>,
    /// Topic ARN → what `ListSubscriptionsByTopic` said, for each SNS topic those alarms notify.
    pub topics: BTreeMap<String, Topic>,
}

/// A log group and its metric filters.
#[derive(Debug, Clone, PartialEq)]
pub struct LogGroup {
    pub region: String,
    pub name: String,
    /// `None` when CloudWatch Logs says the log group does not exist.
    pub filters: Option<Vec<MetricFilter>>,
}

/// An SNS topic's subscriptions, as far as they could be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Topic {
    Subscriptions(Vec<Subscription>),
    /// The topic does not exist (`NotFound`).
    Missing,
    /// A topic of another account that denied `sns:ListSubscriptionsByTopic` (the message).
    Unreadable(String),
}

/// The parts of a CloudWatch Logs log group ARN
/// (`arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogGroupArn<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl<'a> LogGroupArn<'a> {
    pub fn parse(arn: &'a str) -> Option<Self> {
        let parts: Vec<&str> = arn.split(':').collect();
        let ok = parts.len() >= 7
            && parts.len() <= 8
            && parts[0] == "arn"
            && parts[2] == "logs"
            && parts[5] == "log-group"
            && parts.iter().take(7).skip(3).all(|p| !p.is_empty())
            && parts.get(7).is_none_or(|p| *p == "*");
        ok.then(|| LogGroupArn { region: parts[3], account: parts[4], name: parts[6] })
    }
}

/// The parts of an SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`); `None` for
/// any other ARN (Auto Scaling, EC2, Lambda, Systems Manager actions…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicArn<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl<'a> TopicArn<'a> {
    pub fn parse(arn: &'a str) -> Option<Self> {
        let parts: Vec<&str> = arn.split(':').collect();
        let ok = parts.len() == 6 && parts[0] == "arn" && parts[2] == "sns" && parts[3..].iter().all(|p| !p.is_empty());
        ok.then(|| TopicArn { region: parts[3], account: parts[4], name: parts[5] })
    }
}

/// A subscription that is confirmed: its ARN is a real subscription ARN
/// (`arn:<partition>:sns:<region>:<account>:<topic>:<id>`), not `PendingConfirmation`, `Deleted`…
pub fn is_confirmed(subscription: &Subscription) -> bool {
    subscription.subscription_arn().is_some_and(|arn| {
        let parts: Vec<&str> = arn.split(':').collect();
        parts.len() == 7 && parts[0] == "arn" && parts[2] == "sns" && parts[3..].iter().all(|p| !p.is_empty())
    })
}

// ---------------------------------------------------------------------------------------------
// Gather
// ---------------------------------------------------------------------------------------------

/// Clients of one service per region, derived from the rule's client (same credentials,
/// endpoint, retries and interceptors; only the region differs).
struct Regional<C> {
    base: C,
    base_region: Option<String>,
    made: HashMap<String, C>,
    make: fn(&C, &str) -> C,
}

impl<C: Clone> Regional<C> {
    fn new(base: C, base_region: Option<String>, make: fn(&C, &str) -> C) -> Self {
        Regional { base, base_region, made: HashMap::new(), make }
    }

    fn get(&mut self, region: &str) -> C {
        if self.base_region.as_deref() == Some(region) {
            return self.base.clone();
        }
        let (base, make) = (&self.base, self.make);
        self.made.entry(region.to_owned()).or_insert_with(|| make(base, region)).clone()
    }
}

macro_rules! in_region {
    ($sdk:ident) => {
        |client: &$sdk::Client, region: &str| {
            $sdk::Client::from_conf(
                client.config().to_builder().region($sdk::config::Region::new(region.to_owned())).build(),
            )
        }
    };
}

/// Reads the chain (see the module documentation). IAM actions: [`ACTIONS`].
pub async fn gather(aws: &Aws, scope: &Scope) -> Result<Chain, RuleError> {
    let trails = cloudtrail::account_trails(aws).await?;
    let base_region = aws.sdk_config().region().map(|r| r.as_ref().to_owned());

    let mut logs = Regional::new(
        aws.client(aws_sdk_cloudwatchlogs::Client::new),
        base_region.clone(),
        in_region!(aws_sdk_cloudwatchlogs),
    );
    let mut log_groups: Vec<LogGroup> = Vec::new();
    for trail in trails.multi_region.iter().filter(|t| t.is_logging()) {
        let Some(arn) = log_group_of(trail) else { continue };
        let group = LogGroupArn::parse(arn).ok_or_else(|| {
            RuleError::InvalidData(format!(
                "trail {} names log group {arn:?}, which is not a log group ARN",
                trail.name()
            ))
        })?;
        if group.account != scope.account_id
            || log_groups.iter().any(|g| g.region == group.region && g.name == group.name)
        {
            continue;
        }
        let filters = metric_filters(&logs.get(group.region), group.name).await?;
        log_groups.push(LogGroup { region: group.region.to_owned(), name: group.name.to_owned(), filters });
    }

    // Region → metric names the filters publish.
    let mut metric_names: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for group in &log_groups {
        for filter in group.filters.iter().flatten() {
            for t in filter.metric_transformations() {
                metric_names.entry(group.region.as_str()).or_default().insert(t.metric_name());
            }
        }
    }
    let mut cloudwatch =
        Regional::new(aws.client(aws_sdk_cloudwatch::Client::new), base_region.clone(), in_region!(aws_sdk_cloudwatch));
    let mut alarms = BTreeMap::new();
    for (region, names) in &metric_names {
        let found = alarms_on(&cloudwatch.get(region), names).await?;
        alarms.insert((*region).to_owned(), found);
    }

    // SNS topics notified by alarms on exactly the filters' metrics (name and namespace).
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for group in &log_groups {
        let published: Vec<(&str, &str)> = group
            .filters
            .iter()
            .flatten()
            .flat_map(|f| f.metric_transformations())
            .map(|t| (t.metric_namespace(), t.metric_name()))
            .collect();
        for alarm in alarms.get(&group.region).into_iter().flatten() {
            if published.iter().any(|(ns, name)| alarm.namespace() == Some(*ns) && alarm.metric_name() == Some(*name)) {
                wanted
                    .extend(alarm.alarm_actions().iter().map(String::as_str).filter(|a| TopicArn::parse(a).is_some()));
            }
        }
    }
    let mut sns = Regional::new(aws.client(aws_sdk_sns::Client::new), base_region, in_region!(aws_sdk_sns));
    let mut topics = BTreeMap::new();
    for arn in wanted {
        let Some(topic) = TopicArn::parse(arn) else { continue };
        let read = subscriptions(&sns.get(topic.region), arn, topic.account == scope.account_id).await?;
        topics.insert(arn.to_owned(), read);
    }

    Ok(Chain { trails, log_groups, alarms, topics })
}

/// The trail's `CloudWatchLogsLogGroupArn`, if it has one (an empty value, as some
/// implementations leave after the log group is removed from the trail, is none).
fn log_group_of(trail: &cloudtrail::MultiRegionTrail) -> Option<&str> {
    trail.trail.cloud_watch_logs_log_group_arn().filter(|arn| !arn.trim().is_empty())
}

/// The metric filters of a log group, or `None` if it does not exist.
async fn metric_filters(
    logs: &aws_sdk_cloudwatchlogs::Client,
    log_group: &str,
) -> Result<Option<Vec<MetricFilter>>, RuleError> {
    let mut filters = Vec::new();
    let mut pages = logs.describe_metric_filters().log_group_name(log_group).into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => filters.extend(page.metric_filters().iter().cloned()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => return Ok(None),
            Err(e) => return Err(aws_error("logs:DescribeMetricFilters", e)),
        }
    }
    Ok(Some(filters))
}

/// The region's metric alarms on one of these metric names (any namespace).
async fn alarms_on(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    metric_names: &BTreeSet<&str>,
) -> Result<Vec<MetricAlarm>, RuleError> {
    let mut alarms = Vec::new();
    let mut pages = cloudwatch.describe_alarms().alarm_types(AlarmType::MetricAlarm).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws_error("cloudwatch:DescribeAlarms", e))?;
        alarms.extend(
            page.metric_alarms().iter().filter(|a| a.metric_name().is_some_and(|m| metric_names.contains(m))).cloned(),
        );
    }
    Ok(alarms)
}

/// A topic's subscriptions. `own`: the topic belongs to the evaluated account, so a denial is the
/// rule's missing permission (an error), not the other account's choice.
async fn subscriptions(sns: &aws_sdk_sns::Client, topic: &str, own: bool) -> Result<Topic, RuleError> {
    let mut found = Vec::new();
    let mut pages = sns.list_subscriptions_by_topic().topic_arn(topic).into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => found.extend(page.subscriptions().iter().cloned()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found_exception()) => return Ok(Topic::Missing),
            Err(e) => {
                return match aws_error("sns:ListSubscriptionsByTopic", e) {
                    RuleError::AccessDenied { message, .. } if !own => Ok(Topic::Unreadable(message)),
                    error => Err(error),
                };
            }
        }
    }
    Ok(Topic::Subscriptions(found))
}

// ---------------------------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------------------------

const MANUAL_COMPLIANT: &str = "Manual check: confirm someone acts on its alerts.";
const MANUAL_NON_COMPLIANT: &str = "Manual check: record an exception if a SIEM alerts on these instead.";
/// Longest rendering of a missed pattern in an annotation.
const MAX_MISSED_CHARS: usize = 70;

/// The evaluation of `AWS::::Account` for one control: [`decide`] on the evaluated account.
pub fn evaluate(control: &Control, chain: &Chain, params: &Params, scope: &Scope) -> Vec<Evaluation> {
    vec![decide(control, chain, params, scope).on(ACCOUNT, &scope.account_id)]
}

/// COMPLIANT when some trail completes the chain for this control, otherwise NON_COMPLIANT naming
/// the furthest link reached (see the module documentation).
pub fn decide(control: &Control, chain: &Chain, params: &Params, scope: &Scope) -> Verdict {
    let references: Vec<FilterPattern> = control.cis.references().collect();
    let mut best: Option<Gap<'_>> = None;
    for trail in &chain.trails.multi_region {
        match trail_chain(control, &references, trail, chain, params, scope) {
            Ok(done) => return Verdict::compliant(format!("{done} {MANUAL_COMPLIANT}")),
            Err(gap) => {
                if best.as_ref().is_none_or(|b| gap.rank() > b.rank()) {
                    best = Some(gap);
                }
            }
        }
    }
    let text = match best {
        Some(gap) => gap.describe(control),
        None => {
            let single: Vec<&str> = chain.trails.single_region.iter().map(cloudtrail::label).collect();
            let what = if single.is_empty() {
                format!("No multi-Region CloudTrail trail is visible in {}.", scope.region)
            } else {
                format!("Only single-Region trails exist in {} ({}).", scope.region, single.join(", "))
            };
            format!(
                "{what} Create one logging all management events to CloudWatch Logs, with the CIS {} metric filter \
                 and alarm.",
                control.id()
            )
        }
    };
    Verdict::non_compliant(format!("{text} {MANUAL_NON_COMPLIANT}"))
}

/// A completed chain, for the COMPLIANT annotation.
struct Done<'a> {
    trail: &'a str,
    group: &'a str,
    /// The filters relied on, with how each relates to the CIS pattern (one, or several that
    /// cover it together).
    filters: Vec<(&'a str, &'static str)>,
    /// The alarm and topic of the first filter.
    alarm: &'a str,
    topic: &'a str,
}

impl fmt::Display for Done<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let filters = match self.filters.as_slice() {
            [(name, tier)] => format!("metric filter {name} ({tier})"),
            many => {
                format!("metric filters {} (together)", many.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))
            }
        };
        write!(
            f,
            "Trail {} → log group {} → {filters} → alarm {} → SNS topic {}, confirmed subscriber.",
            self.trail,
            self.group,
            self.alarm,
            topic_label(self.topic),
        )
    }
}

/// Why a trail's chain stops, in order of how far it got ([`Gap::rank`]).
#[derive(Debug, Clone, PartialEq)]
enum Gap<'a> {
    Trail { trail: &'a str, shortfall: cloudtrail::Shortfall },
    NoLogGroup { trail: &'a str },
    ForeignLogGroup { trail: &'a str, group: &'a str, account: &'a str },
    MissingLogGroup { trail: &'a str, group: &'a str, region: &'a str },
    NoFilter { group: &'a str },
    Misses { filter: &'a str, missed: Option<String> },
    MatchesNothing { filter: &'a str, group: &'a str },
    Unusable { filter: &'a str, group: &'a str, why: Unusable<'a> },
    NoAlarm { filter: &'a str, metric: &'a str, namespace: &'a str, near: Option<Near<'a>> },
    ActionsDisabled { alarm: &'a str, metric: &'a str },
    NoTopic { alarm: &'a str, metric: &'a str },
    NoSubscriber { alarm: &'a str, topic: &'a str, why: NoSubscriber<'a> },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unusable<'a> {
    FieldSelection,
    TransformedLogs,
    Dimensions(&'a str),
    NoMetric,
}

/// An alarm on the right metric name that still does not count.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Near<'a> {
    OtherNamespace { alarm: &'a str, namespace: &'a str },
    Dimensions { alarm: &'a str },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NoSubscriber<'a> {
    Pending,
    None,
    Missing,
    Unreadable { account: &'a str },
}

impl Gap<'_> {
    fn rank(&self) -> u8 {
        match self {
            Gap::Trail { shortfall: cloudtrail::Shortfall::NotLogging, .. } => 0,
            Gap::Trail { .. } => 1,
            Gap::NoLogGroup { .. } => 2,
            Gap::ForeignLogGroup { .. } | Gap::MissingLogGroup { .. } => 3,
            Gap::NoFilter { .. } => 4,
            Gap::Misses { .. } | Gap::MatchesNothing { .. } => 5,
            Gap::Unusable { .. } => 6,
            Gap::NoAlarm { .. } => 7,
            Gap::ActionsDisabled { .. } => 8,
            Gap::NoTopic { .. } => 9,
            Gap::NoSubscriber { .. } => 10,
        }
    }

    /// What is wrong, then how to fix it (one sentence each).
    fn describe(&self, control: &Control) -> String {
        let id = control.id();
        match self {
            Gap::Trail { trail, shortfall } => format!(
                "Trail {trail} {shortfall}. Log all read and write management events{} to CloudWatch Logs.",
                match control.source {
                    Sources::Every => String::new(),
                    Sources::Only(source) => format!(" (including {source})"),
                }
            ),
            Gap::NoLogGroup { trail } => format!(
                "Trail {trail} does not send its events to CloudWatch Logs. Give it a log group, then add the CIS {id} \
                 metric filter and alarm."
            ),
            Gap::ForeignLogGroup { trail, group, account } => format!(
                "Trail {trail} logs to log group {group} in account {account}, which is not readable from here. \
                 Evaluate CIS {id} there, or log to a log group here."
            ),
            Gap::MissingLogGroup { trail, group, region } => format!(
                "Trail {trail} logs to log group {group} ({region}), which does not exist. Create it or point the \
                 trail at an existing one."
            ),
            Gap::NoFilter { group } => format!(
                "No metric filter on log group {group} catches {} (CIS {id}). Add one with the CIS pattern and an \
                 alarm on its metric.",
                control.subject
            ),
            Gap::Misses { filter, missed: Some(missed) } => format!(
                "Metric filter {filter} misses {} such as {missed}. Extend it to cover the CIS {id} pattern.",
                control.subject
            ),
            Gap::Misses { filter, missed: None } => format!(
                "Metric filter {filter} narrows the CIS {id} pattern with conditions of its own, so it misses some {}. \
                 Remove them.",
                control.subject
            ),
            Gap::MatchesNothing { filter, group } => format!(
                "Metric filter {filter} on log group {group} never matches: its conditions contradict each other. \
                 Use the CIS {id} pattern."
            ),
            Gap::Unusable { filter, group, why } => match why {
                Unusable::FieldSelection => format!(
                    "Metric filter {filter} on log group {group} sees only the events its field selection criteria \
                     select. Remove the criteria."
                ),
                Unusable::TransformedLogs => format!(
                    "Metric filter {filter} on log group {group} runs on transformed log events, not CloudTrail's. \
                     Turn off applyOnTransformedLogs."
                ),
                Unusable::Dimensions(metric) => format!(
                    "Metric filter {filter} publishes metric {metric} with dimensions, so no single alarm sees every \
                     event. Publish it without dimensions."
                ),
                Unusable::NoMetric => format!(
                    "Metric filter {filter} on log group {group} publishes no metric. Give it a metric transformation \
                     with an alarm on its metric."
                ),
            },
            Gap::NoAlarm { filter, metric, namespace, near } => match near {
                None => format!(
                    "No alarm watches metric {metric} ({namespace}) of metric filter {filter}. Create one that \
                     notifies a subscribed SNS topic."
                ),
                Some(Near::OtherNamespace { alarm, namespace: other }) => format!(
                    "Alarm {alarm} watches metric {metric} in namespace {other}, but metric filter {filter} publishes \
                     it in {namespace}. Point the alarm at namespace {namespace}."
                ),
                Some(Near::Dimensions { alarm }) => format!(
                    "Alarm {alarm} watches metric {metric} ({namespace}) with dimensions that metric filter {filter} \
                     does not publish. Remove the dimensions from the alarm."
                ),
            },
            Gap::ActionsDisabled { alarm, metric } => format!(
                "Alarm {alarm} on metric {metric} has its actions disabled. Enable them (aws cloudwatch \
                 enable-alarm-actions)."
            ),
            Gap::NoTopic { alarm, metric } => format!(
                "Alarm {alarm} on metric {metric} notifies no SNS topic. Add an SNS topic with a confirmed \
                 subscription to its alarm actions."
            ),
            Gap::NoSubscriber { alarm, topic, why } => {
                let topic = topic_label(topic);
                match why {
                    NoSubscriber::Pending => format!(
                        "SNS topic {topic} of alarm {alarm} has only subscriptions pending confirmation. Confirm one."
                    ),
                    NoSubscriber::None => format!(
                        "SNS topic {topic} of alarm {alarm} has no subscriptions. Subscribe an endpoint and confirm it."
                    ),
                    NoSubscriber::Missing => format!(
                        "SNS topic {topic} of alarm {alarm} does not exist. Create it with a confirmed subscription, \
                         or point the alarm at a topic that has one."
                    ),
                    NoSubscriber::Unreadable { account } => format!(
                        "SNS topic {topic} of alarm {alarm} is in account {account}, which hides its subscriptions \
                         from here. Grant sns:ListSubscriptionsByTopic or use a local topic."
                    ),
                }
            }
        }
    }
}

/// A topic's name (its ARN if it is not a topic ARN).
fn topic_label(arn: &str) -> &str {
    TopicArn::parse(arn).map_or(arn, |t| t.name)
}

/// One trail's chain for a control.
fn trail_chain<'a>(
    control: &Control,
    references: &[FilterPattern],
    trail: &'a cloudtrail::MultiRegionTrail,
    chain: &'a Chain,
    params: &Params,
    scope: &Scope,
) -> Result<Done<'a>, Gap<'a>> {
    let name = trail.name();
    trail
        .logs_management_events(&cloudtrail::Access::BOTH, control.source)
        .map_err(|shortfall| Gap::Trail { trail: name, shortfall })?;
    let arn = log_group_of(trail).ok_or(Gap::NoLogGroup { trail: name })?;
    // gather refuses ARNs that do not parse; a hand-made Chain may still hold one.
    let group = LogGroupArn::parse(arn).ok_or(Gap::NoLogGroup { trail: name })?;
    if group.account != scope.account_id {
        return Err(Gap::ForeignLogGroup { trail: name, group: group.name, account: group.account });
    }
    let read = chain.log_groups.iter().find(|g| g.region == group.region && g.name == group.name);
    let Some(filters) = read.and_then(|g| g.filters.as_ref()) else {
        return Err(Gap::MissingLogGroup { trail: name, group: group.name, region: group.region });
    };
    let region = group.region;

    let judged: Vec<Judged<'a>> = filters
        .iter()
        .map(|f| Judged {
            name: f.filter_name().unwrap_or("(unnamed)"),
            text: f.filter_pattern().unwrap_or_default(),
            pattern: f.filter_pattern().and_then(|p| FilterPattern::parse(p).ok()),
            link: filter_chain(f, group.name, region, chain, params),
        })
        .collect();
    let done = |filters: Vec<(&'a str, &'static str)>, (alarm, topic): (&'a str, &'a str)| Done {
        trail: name,
        group: group.name,
        filters,
        alarm,
        topic,
    };

    // One alarmed filter that covers the pattern on its own.
    for j in &judged {
        if let (Some(pattern), Ok(link)) = (&j.pattern, &j.link)
            && let Some(accepted) = control.cis.covered_by(pattern)
        {
            return Ok(done(vec![(j.name, tier(j.text, pattern, accepted))], *link));
        }
    }
    // Several alarmed filters that cover it together.
    let alarmed: Vec<&Judged<'a>> = judged.iter().filter(|j| j.pattern.is_some() && j.link.is_ok()).collect();
    if covers_any(alarmed.iter().filter_map(|j| j.pattern.as_ref()), references)
        && let Some(Ok(link)) = alarmed.first().map(|j| &j.link)
    {
        return Ok(done(alarmed.iter().map(|j| (j.name, "together")).collect(), *link));
    }

    // Where it stops: the furthest link of the filters that matter for this control.
    let mut gaps: Vec<Gap<'a>> = Vec::new();
    for j in &judged {
        if let (Some(pattern), Err(gap)) = (&j.pattern, &j.link)
            && control.cis.covered_by(pattern).is_some()
        {
            gaps.push(gap.clone());
        }
    }
    if gaps.is_empty() && covers_any(judged.iter().filter_map(|j| j.pattern.as_ref()), references) {
        // Covered together, but the chain of a filter the others cannot do without is broken.
        for (i, j) in judged.iter().enumerate() {
            if let (Some(_), Err(gap)) = (&j.pattern, &j.link) {
                let others = judged.iter().enumerate().filter(|(k, _)| *k != i).filter_map(|(_, o)| o.pattern.as_ref());
                if !covers_any(others, references) {
                    gaps.push(gap.clone());
                }
            }
        }
    }
    if gaps.is_empty()
        && let Some(narrowest) = narrowest(references)
    {
        for j in &judged {
            let Some(pattern) = j.pattern.as_ref().filter(|p| related(p, references)) else { continue };
            match pattern.coverage(narrowest) {
                Coverage::Misses(missed) => {
                    gaps.push(Gap::Misses { filter: j.name, missed: missed_text(pattern, &missed) })
                }
                Coverage::MatchesNothing => gaps.push(Gap::MatchesNothing { filter: j.name, group: group.name }),
                Coverage::Covered | Coverage::TooComplex => {}
            }
        }
    }
    Err(gaps
        .into_iter()
        .reduce(|best, gap| if gap.rank() > best.rank() { gap } else { best })
        .unwrap_or(Gap::NoFilter { group: group.name }))
}

/// A metric filter of the trail's log group, with its parsed pattern (`None` when it is not a
/// JSON pattern this module reads) and where its own chain ends.
struct Judged<'a> {
    name: &'a str,
    text: &'a str,
    pattern: Option<FilterPattern>,
    link: Result<(&'a str, &'a str), Gap<'a>>,
}

/// Where one filter's own chain ends: `Ok((alarm, topic))` when it reaches a confirmed
/// subscription, else the furthest gap of its alarms.
fn filter_chain<'a>(
    filter: &'a MetricFilter,
    group: &'a str,
    region: &str,
    chain: &'a Chain,
    params: &Params,
) -> Result<(&'a str, &'a str), Gap<'a>> {
    let name = filter.filter_name().unwrap_or("(unnamed)");
    let unusable = |why| Gap::Unusable { filter: name, group, why };
    if filter.field_selection_criteria().is_some_and(|c| !c.trim().is_empty()) {
        return Err(unusable(Unusable::FieldSelection));
    }
    if filter.apply_on_transformed_logs() {
        return Err(unusable(Unusable::TransformedLogs));
    }
    let mut best: Option<Gap<'a>> = None;
    let mut keep = |gap: Gap<'a>| {
        if best.as_ref().is_none_or(|b| gap.rank() > b.rank()) {
            best = Some(gap);
        }
    };
    for t in filter.metric_transformations() {
        let metric = t.metric_name();
        if t.dimensions().is_some_and(|d| !d.is_empty()) || !filter.emit_system_field_dimensions().is_empty() {
            keep(unusable(Unusable::Dimensions(metric)));
            continue;
        }
        let on_name: Vec<&MetricAlarm> =
            chain.alarms.get(region).into_iter().flatten().filter(|a| a.metric_name() == Some(metric)).collect();
        let same_namespace: Vec<&MetricAlarm> =
            on_name.iter().copied().filter(|a| a.namespace() == Some(t.metric_namespace())).collect();
        let counted: Vec<&MetricAlarm> = same_namespace.iter().copied().filter(|a| a.dimensions().is_empty()).collect();
        if counted.is_empty() {
            let near = match (same_namespace.first(), on_name.first()) {
                (Some(a), _) => Some(Near::Dimensions { alarm: alarm_name(a) }),
                (None, Some(a)) => {
                    Some(Near::OtherNamespace { alarm: alarm_name(a), namespace: a.namespace().unwrap_or("(none)") })
                }
                (None, None) => None,
            };
            keep(Gap::NoAlarm { filter: name, metric, namespace: t.metric_namespace(), near });
            continue;
        }
        for alarm in counted {
            match alarm_chain(alarm, metric, chain, params) {
                Ok(topic) => return Ok((alarm_name(alarm), topic)),
                Err(gap) => keep(gap),
            }
        }
    }
    Err(best.unwrap_or(unusable(Unusable::NoMetric)))
}

fn alarm_name(alarm: &MetricAlarm) -> &str {
    alarm.alarm_name().unwrap_or("(unnamed)")
}

/// Where an alarm's chain ends: the first topic with a confirmed subscription, or the gap.
fn alarm_chain<'a>(
    alarm: &'a MetricAlarm,
    metric: &'a str,
    chain: &'a Chain,
    params: &Params,
) -> Result<&'a str, Gap<'a>> {
    let name = alarm_name(alarm);
    // The API default of ActionsEnabled is true.
    if params.require_actions_enabled && alarm.actions_enabled() == Some(false) {
        return Err(Gap::ActionsDisabled { alarm: name, metric });
    }
    let mut best: Option<NoSubscriber<'a>> = None;
    let mut first_topic = None;
    for action in alarm.alarm_actions() {
        let Some(topic) = TopicArn::parse(action) else { continue };
        first_topic.get_or_insert(action.as_str());
        let why = match chain.topics.get(action) {
            Some(Topic::Subscriptions(subs)) if subs.iter().any(is_confirmed) => return Ok(action),
            Some(Topic::Subscriptions(subs)) if subs.is_empty() => NoSubscriber::None,
            Some(Topic::Subscriptions(_)) => NoSubscriber::Pending,
            // Not read (a hand-made Chain) is not evidence of anything: say it is missing.
            Some(Topic::Missing) | None => NoSubscriber::Missing,
            Some(Topic::Unreadable(_)) => NoSubscriber::Unreadable { account: topic.account },
        };
        if best.is_none() || why == NoSubscriber::Pending {
            best = Some(why);
            first_topic = Some(action.as_str());
        }
    }
    match (best, first_topic) {
        (Some(why), Some(topic)) => Err(Gap::NoSubscriber { alarm: name, topic, why }),
        _ => Err(Gap::NoTopic { alarm: name, metric }),
    }
}

/// How a filter relied on relates to the accepted pattern it covers.
fn tier(text: &str, pattern: &FilterPattern, accepted: &AcceptedPattern) -> &'static str {
    let reference = FilterPattern::parse(accepted.pattern).ok();
    let exact = same_tokens(text, accepted.pattern);
    let equivalent = reference.is_some_and(|r| r.canonical() == pattern.canonical());
    match (exact || equivalent, accepted.source, exact) {
        (true, PatternSource::Audit, true) => "CIS pattern",
        (true, PatternSource::Audit, false) => "equivalent to the CIS pattern",
        (true, PatternSource::Project, _) => "accepted variant of the CIS pattern",
        (false, _, _) => "broader than the CIS pattern",
    }
}

fn covers_any<'p>(patterns: impl IntoIterator<Item = &'p FilterPattern>, references: &[FilterPattern]) -> bool {
    FilterPattern::any_of(patterns).is_some_and(|union| references.iter().any(|r| union.covers(r)))
}

/// The accepted pattern every other accepted pattern covers (the minimum to cover), else the first.
fn narrowest(references: &[FilterPattern]) -> Option<&FilterPattern> {
    references.iter().find(|r| references.iter().all(|other| other.covers(r))).or(references.first())
}

/// The equality conditions of a pattern.
fn equalities(expr: &Expr, out: &mut Vec<Condition>) {
    match expr {
        Expr::Condition(c) => {
            if matches!(c.test, Test::Compare { op: Op::Eq, .. }) && !out.contains(c) {
                out.push(c.clone());
            }
        }
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| equalities(x, out)),
    }
}

/// Whether a filter that does not cover a reference looks like an attempt at it: more than half
/// of its equality conditions are the reference's, and more than half of the reference's are its
/// own. (This only chooses the annotation; it never changes a verdict.)
fn related(pattern: &FilterPattern, references: &[FilterPattern]) -> bool {
    let mut mine = Vec::new();
    equalities(pattern.expr(), &mut mine);
    references.iter().any(|r| {
        let mut theirs = Vec::new();
        equalities(r.expr(), &mut theirs);
        let shared = mine.iter().filter(|c| theirs.contains(c)).count();
        shared * 2 > mine.len() && shared * 2 > theirs.len()
    })
}

/// Every condition of a pattern.
fn conditions<'e>(expr: &'e Expr, out: &mut Vec<&'e Condition>) {
    match expr {
        Expr::Condition(c) => out.push(c),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| conditions(x, out)),
    }
}

/// The alternative of the reference a filter misses, for an annotation: its conditions that the
/// filter does not mention (`$.eventName = "ScheduleKeyDeletion"` rather than the whole
/// alternative with the `eventSource` the filter has), cut to a readable length; `None` when the
/// filter mentions every one (it narrows them with conditions of its own).
fn missed_text(filter: &FilterPattern, missed: &FilterPattern) -> Option<String> {
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    conditions(filter.expr(), &mut mine);
    conditions(missed.expr(), &mut theirs);
    let absent: Vec<String> = theirs.iter().filter(|c| !mine.contains(c)).map(|c| c.to_string()).collect();
    if absent.is_empty() {
        return None;
    }
    let text = absent.join(" && ");
    if text.chars().count() <= MAX_MISSED_CHARS {
        return Some(text);
    }
    let mut cut: String = text.chars().take(MAX_MISSED_CHARS - 1).collect();
    cut.push('…');
    Some(cut)
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// Chains for the tests of the rules built on this module: a complete chain for a pattern, to be
/// broken link by link.
#[cfg(any(test, feature = "testing"))]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "test support: fixtures are built from constants")]
pub mod fixtures {
    use super::*;
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType, Trail};
    use aws_sdk_cloudwatchlogs::types::MetricTransformation;

    use crate::cloudtrail::{MultiRegionTrail, Selectors};

    pub const ACCOUNT_ID: &str = "123456789012";
    pub const REGION: &str = "us-east-1";
    pub const TRAIL: &str = "cis-trail";
    pub const LOG_GROUP: &str = "cloudtrail-logs";
    pub const FILTER: &str = "cis-filter";
    pub const METRIC: &str = "CisEvents";
    pub const NAMESPACE: &str = "CISBenchmark";
    pub const ALARM: &str = "cis-alarm";
    pub const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:cis-alerts";

    /// `arn:aws:logs:<region>:<account>:log-group:<name>:*`, as CloudTrail reports it.
    pub fn log_group_arn(region: &str, account: &str, name: &str) -> String {
        format!("arn:aws:logs:{region}:{account}:log-group:{name}:*")
    }

    /// A multi-Region trail homed in us-east-1 that records all management events when logging.
    pub fn trail(name: &str, logging: bool, log_group_arn: Option<&str>) -> MultiRegionTrail {
        let trail = Trail::builder()
            .name(name)
            .home_region(REGION)
            .is_multi_region_trail(true)
            .trail_arn(format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{name}"))
            .set_cloud_watch_logs_log_group_arn(log_group_arn.map(str::to_owned))
            .build();
        let all = EventSelector::builder().read_write_type(ReadWriteType::All).include_management_events(true).build();
        MultiRegionTrail {
            trail,
            status: GetTrailStatusOutput::builder().is_logging(logging).build(),
            selectors: logging.then(|| Selectors { basic: vec![all], advanced: vec![] }),
        }
    }

    /// A metric filter publishing `metric` in namespace CISBenchmark, value 1.
    pub fn filter(name: &str, pattern: &str, metric: &str) -> MetricFilter {
        MetricFilter::builder()
            .filter_name(name)
            .filter_pattern(pattern)
            .log_group_name(LOG_GROUP)
            .metric_transformations(
                MetricTransformation::builder()
                    .metric_name(metric)
                    .metric_namespace(NAMESPACE)
                    .metric_value("1")
                    .build()
                    .unwrap(),
            )
            .build()
    }

    /// An alarm on `metric` in CISBenchmark, actions enabled, notifying `topics`.
    pub fn alarm(name: &str, metric: &str, topics: &[&str]) -> MetricAlarm {
        MetricAlarm::builder()
            .alarm_name(name)
            .alarm_arn(format!("arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{name}"))
            .metric_name(metric)
            .namespace(NAMESPACE)
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold)
            .actions_enabled(true)
            .set_alarm_actions(Some(topics.iter().map(|t| (*t).to_owned()).collect()))
            .build()
    }

    /// A confirmed subscription of `topic`.
    pub fn confirmed(topic: &str) -> Subscription {
        Subscription::builder()
            .topic_arn(topic)
            .protocol("email")
            .endpoint("security@example.com")
            .subscription_arn(format!("{topic}:0b4a7f5e-8c2d-4d3e-9f1a-2b6c8d0e4f21"))
            .build()
    }

    /// A subscription still waiting for its endpoint to confirm it.
    pub fn pending(topic: &str) -> Subscription {
        Subscription::builder()
            .topic_arn(topic)
            .protocol("email")
            .endpoint("security@example.com")
            .subscription_arn("PendingConfirmation")
            .build()
    }

    /// The complete chain for one pattern: trail cis-trail (logging, all management events) →
    /// log group cloudtrail-logs (us-east-1) → metric filter cis-filter with `pattern` (metric
    /// CisEvents in CISBenchmark) → alarm cis-alarm → topic cis-alerts with a confirmed
    /// subscription.
    pub fn chain(pattern: &str) -> Chain {
        let arn = log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP);
        Chain {
            trails: AccountTrails { multi_region: vec![trail(TRAIL, true, Some(&arn))], single_region: vec![] },
            log_groups: vec![LogGroup {
                region: REGION.into(),
                name: LOG_GROUP.into(),
                filters: Some(vec![filter(FILTER, pattern, METRIC)]),
            }],
            alarms: BTreeMap::from([(REGION.to_owned(), vec![alarm(ALARM, METRIC, &[TOPIC])])]),
            topics: BTreeMap::from([(TOPIC.to_owned(), Topic::Subscriptions(vec![confirmed(TOPIC)]))]),
        }
    }

    /// The accepted pattern of a control that the benchmark's audit prints first.
    pub fn audit_pattern(control: &Control) -> &'static str {
        control.cis.accepted[0].pattern
    }

    /// The one evaluation a monitoring rule reports, on the account, for `chain` and its fixture
    /// event `events/<rule>/<case>.json`.
    #[track_caller]
    pub fn verdict<R: crate::rule::PeriodicRule<Facts = Chain>>(rule: &R, case: &str, chain: &Chain) -> Evaluation {
        let evaluations = crate::testing::periodic(rule, case, chain).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, ACCOUNT_ID));
        e
    }

    /// `pattern` with each of `parts` removed; each must occur in it.
    #[track_caller]
    pub fn without(pattern: &str, parts: &[&str]) -> String {
        parts.iter().fold(pattern.to_owned(), |p, part| {
            assert!(p.contains(part), "{part:?} is not in {p:?}");
            p.replace(part, "")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::evaluation::Compliance;
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
    use aws_sdk_cloudwatch::types::Dimension;

    fn scope() -> Scope {
        Scope { account_id: ACCOUNT_ID.into(), region: REGION.into(), now: aws_smithy_types::DateTime::from_secs(0) }
    }

    /// The verdict, after checking that the annotation fits Config's limit untruncated and ends
    /// with the manual check.
    #[track_caller]
    fn judge(control: &Control, chain: &Chain, params: Params) -> Verdict {
        let verdict = decide(control, chain, &params, &scope());
        let n = verdict.annotation.chars().count();
        assert!(n <= 256, "{n} characters: {}", verdict.annotation);
        assert!(verdict.annotation.contains(". Manual check: "), "{}", verdict.annotation);
        verdict
    }

    #[track_caller]
    fn compliant(control: &Control, chain: &Chain, mentions: &[&str]) {
        let v = judge(control, chain, Params::default());
        assert_eq!(v.compliance, Compliance::Compliant, "{}", v.annotation);
        for m in mentions {
            assert!(v.annotation.contains(m), "{:?} does not mention {m:?}", v.annotation);
        }
    }

    #[track_caller]
    fn non_compliant(control: &Control, chain: &Chain, mentions: &[&str]) {
        let v = judge(control, chain, Params::default());
        assert_eq!(v.compliance, Compliance::NonCompliant, "{}", v.annotation);
        for m in mentions {
            assert!(v.annotation.contains(m), "{:?} does not mention {m:?}", v.annotation);
        }
    }

    fn filters_mut(chain: &mut Chain) -> &mut Vec<MetricFilter> {
        chain.log_groups[0].filters.as_mut().unwrap()
    }

    fn alarms_mut(chain: &mut Chain) -> &mut Vec<MetricAlarm> {
        chain.alarms.get_mut(REGION).unwrap()
    }

    // ---- the controls -------------------------------------------------------------------------

    #[test]
    fn the_controls_are_the_fifteen_cis_recommendations_in_order() {
        for (i, control) in CONTROLS.iter().enumerate() {
            assert_eq!(control.id(), format!("4.{}", i + 1));
            assert!(control.cis.references().count() == control.cis.accepted.len(), "{}", control.id());
        }
        assert_eq!(CIS_4_7.source, Sources::Only("kms.amazonaws.com"));
        assert_eq!(CIS_4_13.cis.rule_name, "cloudwatch-alarm-route-table-changes");
    }

    #[test]
    fn every_control_is_compliant_with_its_own_pattern_and_not_with_an_unrelated_one() {
        for control in CONTROLS {
            for accepted in control.cis.accepted {
                compliant(
                    control,
                    &chain(accepted.pattern),
                    &["Trail cis-trail", "cis-filter", "cis-alarm", "cis-alerts"],
                );
            }
            compliant(control, &chain(audit_pattern(control)), &["(CIS pattern)"]);
            let other = if control.id() == "4.5" { &CIS_4_6 } else { &CIS_4_5 };
            non_compliant(control, &chain(audit_pattern(other)), &[control.id()]);
        }
    }

    #[test]
    fn parameters_default_to_requiring_enabled_actions() {
        let p = |raw: &str| Params::from_params(&Parameters::parse(Some(raw), PARAMETERS)?);
        assert_eq!(p("{}").unwrap(), Params { require_actions_enabled: true });
        assert_eq!(p(r#"{"RequireActionsEnabled": "FALSE"}"#).unwrap(), Params { require_actions_enabled: false });
        let e = p(r#"{"RequireActionsEnabled": "sometimes"}"#).unwrap_err();
        assert!(e.to_string().contains("RequireActionsEnabled"), "{e}");
    }

    #[test]
    fn arns_are_parsed_strictly() {
        assert_eq!(
            LogGroupArn::parse("arn:aws:logs:eu-west-1:123456789012:log-group:aws-cloudtrail-logs:*"),
            Some(LogGroupArn { region: "eu-west-1", account: "123456789012", name: "aws-cloudtrail-logs" })
        );
        assert_eq!(LogGroupArn::parse("arn:aws-cn:logs:cn-north-1:1:log-group:/a/b").map(|g| g.name), Some("/a/b"));
        for bad in [
            "arn:aws:logs:eu-west-1:1:log-stream:x:*",
            "arn:aws:logs::1:log-group:x:*",
            "arn:aws:logs:eu-west-1:1:log-group:x:y",
            "log-group:x",
        ] {
            assert_eq!(LogGroupArn::parse(bad), None, "{bad}");
        }
        assert_eq!(TopicArn::parse(TOPIC).map(|t| (t.region, t.name)), Some(("us-east-1", "cis-alerts")));
        assert_eq!(TopicArn::parse("arn:aws:lambda:us-east-1:1:function:f"), None);
        assert_eq!(TopicArn::parse("arn:aws:automate:us-east-1:ec2:stop"), None);
        assert!(is_confirmed(&confirmed(TOPIC)));
        assert!(!is_confirmed(&pending(TOPIC)));
        for other in ["Deleted", "PendingAcceptance", "arn:aws:sns:us-east-1:1:t", ""] {
            assert!(!is_confirmed(&Subscription::builder().subscription_arn(other).build()), "{other}");
        }
        assert!(!is_confirmed(&Subscription::builder().build()));
    }

    // ---- the trail ----------------------------------------------------------------------------

    #[test]
    fn without_a_multi_region_trail_nothing_is_monitored() {
        let mut c = chain(audit_pattern(&CIS_4_5));
        c.trails.multi_region.clear();
        non_compliant(&CIS_4_5, &c, &["No multi-Region CloudTrail trail is visible in us-east-1", "CIS 4.5"]);
        c.trails.single_region.push(aws_sdk_cloudtrail::types::Trail::builder().name("regional").build());
        non_compliant(&CIS_4_5, &c, &["Only single-Region trails exist in us-east-1 (regional)"]);
    }

    #[test]
    fn the_trail_must_log_all_management_events_of_the_control_source() {
        let mut c = chain(audit_pattern(&CIS_4_5));
        let arn = log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP);
        c.trails.multi_region = vec![trail(TRAIL, false, Some(&arn))];
        non_compliant(&CIS_4_5, &c, &["Trail cis-trail is not logging", "cloudtrail.amazonaws.com"]);

        let writes = EventSelector::builder().read_write_type(ReadWriteType::WriteOnly).build();
        c.trails.multi_region = vec![trail("stopped", false, None), trail(TRAIL, true, Some(&arn))];
        c.trails.multi_region[1].selectors.as_mut().unwrap().basic = vec![writes];
        non_compliant(&CIS_4_5, &c, &["Trail cis-trail does not record read management events"]);

        // An excluded source fails only the controls that watch it.
        let no_kms = EventSelector::builder()
            .read_write_type(ReadWriteType::All)
            .exclude_management_event_sources("kms.amazonaws.com")
            .build();
        for control in [&CIS_4_5, &CIS_4_7, &CIS_4_1] {
            let mut c = chain(audit_pattern(control));
            c.trails.multi_region[0].selectors.as_mut().unwrap().basic = vec![no_kms.clone()];
            let v = judge(control, &c, Params::default());
            let expected = if control.id() == "4.5" { Compliance::Compliant } else { Compliance::NonCompliant };
            assert_eq!(v.compliance, expected, "{}: {}", control.id(), v.annotation);
        }
        let mut c = chain(audit_pattern(&CIS_4_7));
        c.trails.multi_region[0].selectors.as_mut().unwrap().basic = vec![no_kms];
        non_compliant(&CIS_4_7, &c, &["excludes read management events from kms.amazonaws.com"]);
    }

    #[test]
    fn the_trail_must_send_to_a_log_group_of_this_account_that_exists() {
        let mut c = chain(audit_pattern(&CIS_4_3));
        c.trails.multi_region = vec![trail(TRAIL, true, None)];
        non_compliant(&CIS_4_3, &c, &["Trail cis-trail does not send its events to CloudWatch Logs"]);
        c.trails.multi_region = vec![trail(TRAIL, true, Some(""))];
        non_compliant(&CIS_4_3, &c, &["Trail cis-trail does not send its events to CloudWatch Logs"]);

        let foreign = log_group_arn(REGION, "999999999999", LOG_GROUP);
        c.trails.multi_region = vec![trail("org-trail", true, Some(&foreign))];
        non_compliant(&CIS_4_3, &c, &["log group cloudtrail-logs in account 999999999999", "Evaluate CIS 4.3 there"]);

        let mut c = chain(audit_pattern(&CIS_4_3));
        c.log_groups[0].filters = None;
        non_compliant(&CIS_4_3, &c, &["log group cloudtrail-logs (us-east-1), which does not exist"]);
    }

    #[test]
    fn a_filter_on_a_log_group_that_is_not_the_trails_does_not_count() {
        let mut c = chain(audit_pattern(&CIS_4_4));
        c.log_groups[0].name = "other-group".into();
        non_compliant(&CIS_4_4, &c, &["log group cloudtrail-logs (us-east-1), which does not exist"]);
        c.log_groups.push(LogGroup { region: REGION.into(), name: LOG_GROUP.into(), filters: Some(vec![]) });
        non_compliant(
            &CIS_4_4,
            &c,
            &["No metric filter on log group cloudtrail-logs catches IAM policy changes (CIS 4.4)"],
        );
        // The same log group name in another region is another log group.
        let mut c = chain(audit_pattern(&CIS_4_4));
        c.log_groups[0].region = "eu-west-1".into();
        non_compliant(&CIS_4_4, &c, &["does not exist"]);
    }

    #[test]
    fn the_furthest_link_of_any_trail_is_reported() {
        let mut c = chain(audit_pattern(&CIS_4_5));
        alarms_mut(&mut c).clear();
        c.trails.multi_region.insert(0, trail("stopped", false, None));
        non_compliant(&CIS_4_5, &c, &["No alarm watches metric CisEvents (CISBenchmark) of metric filter cis-filter"]);
        // Any trail completing the chain is enough.
        let second = log_group_arn(REGION, ACCOUNT_ID, "second-group");
        c.trails.multi_region.push(trail("second", true, Some(&second)));
        c.log_groups.push(LogGroup {
            region: REGION.into(),
            name: "second-group".into(),
            filters: Some(vec![filter("second-filter", audit_pattern(&CIS_4_5), "SecondMetric")]),
        });
        alarms_mut(&mut c).push(alarm("second-alarm", "SecondMetric", &[TOPIC]));
        compliant(&CIS_4_5, &c, &["Trail second → log group second-group → metric filter second-filter"]);
    }

    // ---- the metric filter --------------------------------------------------------------------

    #[test]
    fn equivalent_and_broader_patterns_cover_the_cis_pattern() {
        let equivalent = r#"{ $.eventName = "StopLogging" || $.eventName = "StartLogging" || $.eventName = "DeleteTrail" || $.eventName = "UpdateTrail" || $.eventName = "CreateTrail" }"#;
        compliant(&CIS_4_5, &chain(equivalent), &["(equivalent to the CIS pattern)"]);
        let spaced = audit_pattern(&CIS_4_9).replace(' ', "");
        compliant(&CIS_4_9, &chain(&spaced), &["(CIS pattern)"]);
        compliant(&CIS_4_3, &chain(r#"{ $.userIdentity.type = "Root" }"#), &["(broader than the CIS pattern)"]);
        let remediation_4_13 = CIS_4_13.cis.remediation.unwrap().repaired.unwrap();
        compliant(&CIS_4_13, &chain(remediation_4_13), &["broader"]);
        compliant(&CIS_4_1, &chain(CIS_4_1.cis.accepted[1].pattern), &["(accepted variant of the CIS pattern)"]);
        compliant(&CIS_4_2, &chain(CIS_4_2.cis.accepted[1].pattern), &["(CIS pattern)"]);
    }

    #[test]
    fn a_narrower_pattern_is_named_with_an_event_it_misses() {
        let no_deletion = audit_pattern(&CIS_4_7).replace(" || ($.eventName=ScheduleKeyDeletion)", "");
        non_compliant(&CIS_4_7, &chain(&no_deletion), &["such as $.eventName = \"ScheduleKeyDeletion\". Extend"]);
        let old_4_10 = audit_pattern(&CIS_4_10).replace(" || ($.eventName = ModifySecurityGroupRules)", "");
        non_compliant(
            &CIS_4_10,
            &chain(&old_4_10),
            &[
                "Metric filter cis-filter misses security group changes such as",
                "ModifySecurityGroupRules",
                "Extend it",
            ],
        );
        let root_but_one_ip = audit_pattern(&CIS_4_3).replace(" }", r#" && $.sourceIPAddress != "203.0.113.7" }"#);
        non_compliant(
            &CIS_4_3,
            &chain(&root_but_one_ip),
            &[
                "narrows the CIS 4.3 pattern with conditions of its own, so it misses some root account usage. Remove them.",
            ],
        );
        // Against 4.2 the minimum is the narrower (single sign-on tolerant) pattern.
        let one_user = CIS_4_2.cis.accepted[1].pattern.replace(" }", r#" && ($.userIdentity.userName = "alice") }"#);
        non_compliant(&CIS_4_2, &chain(&one_user), &["Metric filter cis-filter narrows the CIS 4.2 pattern"]);
    }

    #[test]
    fn a_pattern_that_matches_nothing_or_cannot_be_read_covers_nothing() {
        let broken_4_8 = CIS_4_8.cis.remediation.unwrap().sent.unwrap();
        non_compliant(
            &CIS_4_8,
            &chain(broken_4_8),
            &["Metric filter cis-filter on log group cloudtrail-logs never matches"],
        );
        non_compliant(&CIS_4_6, &chain(r#"ConsoleLogin "Failed authentication""#), &["No metric filter on log group"]);
        let mut c = chain(audit_pattern(&CIS_4_6));
        filters_mut(&mut c)[0].filter_pattern = None;
        non_compliant(&CIS_4_6, &c, &["No metric filter"]);
    }

    #[test]
    fn unrelated_filters_are_not_blamed() {
        // A 4.2 filter is no attempt at 4.6, though both look at ConsoleLogin.
        non_compliant(&CIS_4_6, &chain(audit_pattern(&CIS_4_2)), &["No metric filter on log group cloudtrail-logs"]);
        non_compliant(&CIS_4_4, &chain(audit_pattern(&CIS_4_15)), &["No metric filter"]);
        // A broken chain of another control's filter is not this control's gap.
        let mut c = chain(audit_pattern(&CIS_4_3));
        c.topics.clear();
        non_compliant(&CIS_4_5, &c, &["No metric filter"]);
    }

    #[test]
    fn alarmed_filters_may_cover_the_pattern_together() {
        let mut c =
            chain("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }");
        filters_mut(&mut c).push(filter(
            "cis-logging",
            "{ $.eventName = StartLogging || $.eventName = StopLogging }",
            "LoggingChanges",
        ));
        non_compliant(
            &CIS_4_5,
            &c,
            &["No alarm watches metric LoggingChanges (CISBenchmark) of metric filter cis-logging"],
        );
        alarms_mut(&mut c).push(alarm("cis-logging-alarm", "LoggingChanges", &[TOPIC]));
        compliant(&CIS_4_5, &c, &["metric filters cis-filter, cis-logging (together)"]);
        // Alone, the first is narrower.
        c.log_groups[0].filters.as_mut().unwrap().pop();
        non_compliant(&CIS_4_5, &c, &["misses CloudTrail configuration changes such as"]);
    }

    #[test]
    fn filters_that_see_or_publish_differently_are_not_relied_on() {
        let pattern = audit_pattern(&CIS_4_11);
        let mut c = chain(pattern);
        filters_mut(&mut c)[0].field_selection_criteria = Some(r#"$.recipientAccountId IN ["123456789012"]"#.into());
        non_compliant(&CIS_4_11, &c, &["sees only the events its field selection criteria select"]);

        let mut c = chain(pattern);
        filters_mut(&mut c)[0].apply_on_transformed_logs = true;
        non_compliant(&CIS_4_11, &c, &["runs on transformed log events"]);

        let mut c = chain(pattern);
        let t = &mut filters_mut(&mut c)[0].metric_transformations.as_mut().unwrap()[0];
        t.dimensions = Some(HashMap::from([("user".to_owned(), "$.userIdentity.arn".to_owned())]));
        non_compliant(&CIS_4_11, &c, &["Metric filter cis-filter publishes metric CisEvents with dimensions"]);

        let mut c = chain(pattern);
        filters_mut(&mut c)[0].emit_system_field_dimensions = Some(vec!["@aws.region".into()]);
        non_compliant(&CIS_4_11, &c, &["with dimensions"]);

        let mut c = chain(pattern);
        filters_mut(&mut c)[0].metric_transformations = Some(vec![]);
        non_compliant(&CIS_4_11, &c, &["publishes no metric"]);
    }

    // ---- the alarm ----------------------------------------------------------------------------

    #[test]
    fn the_alarm_must_watch_the_metric_in_its_namespace_without_dimensions() {
        let pattern = audit_pattern(&CIS_4_12);
        let mut c = chain(pattern);
        alarms_mut(&mut c).clear();
        non_compliant(
            &CIS_4_12,
            &c,
            &["No alarm watches metric CisEvents (CISBenchmark) of metric filter cis-filter", "Create one"],
        );

        let mut c = chain(pattern);
        alarms_mut(&mut c)[0].namespace = Some("Other".into());
        non_compliant(
            &CIS_4_12,
            &c,
            &["Alarm cis-alarm watches metric CisEvents in namespace Other", "publishes it in CISBenchmark"],
        );

        let mut c = chain(pattern);
        alarms_mut(&mut c)[0].dimensions = Some(vec![Dimension::builder().name("user").value("alice").build()]);
        non_compliant(&CIS_4_12, &c, &["with dimensions that metric filter cis-filter does not publish"]);

        // An alarm in another region watches another region's metric.
        let mut c = chain(pattern);
        let alarms = c.alarms.remove(REGION).unwrap();
        c.alarms.insert("eu-west-1".into(), alarms);
        non_compliant(&CIS_4_12, &c, &["No alarm watches metric CisEvents"]);

        // A second, working alarm on the same metric is enough.
        let mut c = chain(pattern);
        alarms_mut(&mut c)[0].actions_enabled = Some(false);
        alarms_mut(&mut c).push(alarm("second", METRIC, &[TOPIC]));
        compliant(&CIS_4_12, &c, &["alarm second"]);
    }

    #[test]
    fn disabled_actions_fail_unless_the_parameter_allows_them() {
        let mut c = chain(audit_pattern(&CIS_4_14));
        alarms_mut(&mut c)[0].actions_enabled = Some(false);
        non_compliant(
            &CIS_4_14,
            &c,
            &["Alarm cis-alarm on metric CisEvents has its actions disabled", "enable-alarm-actions"],
        );
        let v = judge(&CIS_4_14, &c, Params { require_actions_enabled: false });
        assert_eq!(v.compliance, Compliance::Compliant, "{}", v.annotation);
        // Unset means the API default, enabled.
        alarms_mut(&mut c)[0].actions_enabled = None;
        compliant(&CIS_4_14, &c, &[]);
    }

    #[test]
    fn the_alarm_must_notify_an_sns_topic() {
        let mut c = chain(audit_pattern(&CIS_4_9));
        alarms_mut(&mut c)[0].alarm_actions = Some(vec![
            "arn:aws:automate:us-east-1:ec2:stop".into(),
            "arn:aws:lambda:us-east-1:123456789012:function:notify".into(),
        ]);
        non_compliant(&CIS_4_9, &c, &["Alarm cis-alarm on metric CisEvents notifies no SNS topic"]);
        // OK actions are not alarm actions.
        alarms_mut(&mut c)[0].alarm_actions = None;
        alarms_mut(&mut c)[0].ok_actions = Some(vec![TOPIC.into()]);
        non_compliant(&CIS_4_9, &c, &["notifies no SNS topic"]);
    }

    // ---- the topic ----------------------------------------------------------------------------

    #[test]
    fn the_topic_needs_a_confirmed_subscription() {
        let pattern = audit_pattern(&CIS_4_8);
        let mut c = chain(pattern);
        c.topics.insert(TOPIC.into(), Topic::Subscriptions(vec![pending(TOPIC), pending(TOPIC)]));
        non_compliant(
            &CIS_4_8,
            &c,
            &["SNS topic cis-alerts of alarm cis-alarm has only subscriptions pending confirmation"],
        );

        c.topics.insert(TOPIC.into(), Topic::Subscriptions(vec![]));
        non_compliant(&CIS_4_8, &c, &["has no subscriptions"]);

        c.topics.insert(TOPIC.into(), Topic::Missing);
        non_compliant(&CIS_4_8, &c, &["SNS topic cis-alerts of alarm cis-alarm does not exist"]);
        c.topics.clear();
        non_compliant(&CIS_4_8, &c, &["does not exist"]);

        let central = "arn:aws:sns:us-east-1:999999999999:central-alerts";
        alarms_mut(&mut c)[0].alarm_actions = Some(vec![central.into()]);
        c.topics.insert(central.into(), Topic::Unreadable("not authorized".into()));
        non_compliant(
            &CIS_4_8,
            &c,
            &[
                "central-alerts of alarm cis-alarm is in account 999999999999, which hides",
                "sns:ListSubscriptionsByTopic",
            ],
        );

        // One topic with a confirmed subscription among several is enough; pending beats empty in the annotation.
        let (empty, waiting) =
            ("arn:aws:sns:us-east-1:123456789012:empty", "arn:aws:sns:us-east-1:123456789012:waiting");
        alarms_mut(&mut c)[0].alarm_actions = Some(vec![empty.into(), waiting.into()]);
        c.topics.insert(empty.into(), Topic::Subscriptions(vec![]));
        c.topics.insert(waiting.into(), Topic::Subscriptions(vec![pending(waiting)]));
        non_compliant(&CIS_4_8, &c, &["SNS topic waiting of alarm cis-alarm has only subscriptions pending"]);
        alarms_mut(&mut c)[0].alarm_actions = Some(vec![empty.into(), waiting.into(), TOPIC.into()]);
        c.topics.insert(TOPIC.into(), Topic::Subscriptions(vec![pending(TOPIC), confirmed(TOPIC)]));
        compliant(&CIS_4_8, &c, &["SNS topic cis-alerts, confirmed subscriber"]);
    }

    #[test]
    fn names_as_aws_makes_them_still_fit_the_annotation() {
        // The console names a trail's log group aws-cloudtrail-logs-<account>-<8 hex digits>.
        let group = "aws-cloudtrail-logs-123456789012-3c8f2a1b";
        let arn = log_group_arn(REGION, ACCOUNT_ID, group);
        let mut c = chain(audit_pattern(&CIS_4_9));
        c.trails.multi_region = vec![trail("management-events", true, Some(&arn))];
        c.log_groups[0].name = group.into();
        compliant(&CIS_4_9, &c, &[group]);
        c.log_groups[0].filters = Some(vec![]);
        non_compliant(&CIS_4_9, &c, &["No metric filter on log group aws-cloudtrail-logs-123456789012-3c8f2a1b"]);
        // Longer names are cut at 256 characters by the runner: what and how come first.
        c.log_groups[0].name = group.repeat(3);
        c.trails.multi_region = vec![trail("t", true, Some(&log_group_arn(REGION, ACCOUNT_ID, &group.repeat(3))))];
        let v = decide(&CIS_4_9, &c, &Params::default(), &scope());
        assert!(v.annotation.starts_with("No metric filter on log group aws-cloudtrail-logs"), "{}", v.annotation);
    }

    #[test]
    fn evaluate_reports_on_the_account() {
        let e = evaluate(&CIS_4_1, &chain(audit_pattern(&CIS_4_1)), &Params::default(), &scope());
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].resource_type.as_str(), e[0].resource_id.as_str()), (ACCOUNT, ACCOUNT_ID));
        assert_eq!(e[0].compliance, Compliance::Compliant);
    }

    // ---- gather (SDK level) -------------------------------------------------------------------

    mod sdk {
        use super::*;
        use aws_sdk_cloudtrail::operation::describe_trails::DescribeTrailsOutput;
        use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
        use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
        use aws_sdk_cloudwatch::operation::describe_alarms::{DescribeAlarmsError, DescribeAlarmsOutput};
        use aws_sdk_cloudwatchlogs::operation::describe_metric_filters::{
            DescribeMetricFiltersError, DescribeMetricFiltersOutput,
        };
        use aws_sdk_sns::operation::list_subscriptions_by_topic::{
            ListSubscriptionsByTopicError, ListSubscriptionsByTopicOutput,
        };
        use aws_smithy_mocks::{Rule, RuleMode, mock};
        use std::sync::{Arc, Mutex};

        const OTHER_REGION: &str = "eu-west-1";

        /// Records the host of every request.
        #[derive(Debug, Clone, Default)]
        struct Hosts(Arc<Mutex<Vec<String>>>);

        impl aws_smithy_runtime_api::client::interceptors::Intercept for Hosts {
            fn name(&self) -> &'static str {
                "Hosts"
            }

            fn read_before_transmit(
                &self,
                context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<
                    '_,
                >,
                _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
                _: &mut aws_smithy_types::config_bag::ConfigBag,
            ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
                self.0.lock().unwrap().push(context.request().uri().to_owned());
                Ok(())
            }
        }

        fn cloudtrail_client(log_group: Option<String>) -> aws_sdk_cloudtrail::Client {
            // Two trails sending to the same log group.
            let describe = mock!(aws_sdk_cloudtrail::Client::describe_trails).then_output(move || {
                DescribeTrailsOutput::builder()
                    .trail_list(trail(TRAIL, true, log_group.as_deref()).trail)
                    .trail_list(trail("second", true, log_group.as_deref()).trail)
                    .build()
            });
            let status = mock!(aws_sdk_cloudtrail::Client::get_trail_status)
                .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
            let selectors = mock!(aws_sdk_cloudtrail::Client::get_event_selectors).then_output(|| {
                GetEventSelectorsOutput::builder()
                    .event_selectors(EventSelector::builder().read_write_type(ReadWriteType::All).build())
                    .build()
            });
            crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &selectors])
        }

        fn logs_client(rules: &[&Rule], hosts: &Hosts) -> aws_sdk_cloudwatchlogs::Client {
            let hosts = hosts.clone();
            crate::mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, rules, move |c| c
                .interceptor(hosts.clone()))
        }

        fn cloudwatch_client(rules: &[&Rule], hosts: &Hosts) -> aws_sdk_cloudwatch::Client {
            let hosts = hosts.clone();
            crate::mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, rules, move |c| c.interceptor(hosts.clone()))
        }

        fn sns_client(rules: &[&Rule], hosts: &Hosts) -> aws_sdk_sns::Client {
            let hosts = hosts.clone();
            crate::mock_client!(aws_sdk_sns, RuleMode::MatchAny, rules, move |c| c.interceptor(hosts.clone()))
        }

        fn filter_page(filters: &[MetricFilter], next: Option<&str>) -> DescribeMetricFiltersOutput {
            DescribeMetricFiltersOutput::builder()
                .set_metric_filters(Some(filters.to_vec()))
                .set_next_token(next.map(str::to_owned))
                .build()
        }

        #[tokio::test]
        async fn gather_reads_the_chain_page_by_page_in_the_log_groups_and_topics_regions() {
            let group_arn = log_group_arn(OTHER_REGION, ACCOUNT_ID, LOG_GROUP);
            let topic = "arn:aws:sns:eu-west-1:123456789012:cis-alerts";
            let pattern = audit_pattern(&CIS_4_5);

            let first = filter(FILTER, pattern, METRIC);
            let second = filter("cis-root", audit_pattern(&CIS_4_3), "RootUsage");
            let filters = mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters)
                .match_requests(|r| r.log_group_name() == Some(LOG_GROUP))
                .sequence()
                .output(move || filter_page(std::slice::from_ref(&first), Some("page-2")))
                .output(move || filter_page(std::slice::from_ref(&second), None))
                .build();

            let on_metric = alarm(ALARM, METRIC, &[topic, "arn:aws:lambda:eu-west-1:123456789012:function:f"]);
            let unrelated = alarm("cpu", "CPUUtilization", &["arn:aws:sns:eu-west-1:123456789012:ops"]);
            let other_namespace = MetricAlarm::builder()
                .alarm_name("elsewhere")
                .metric_name("RootUsage")
                .namespace("Other")
                .alarm_actions("arn:aws:sns:eu-west-1:123456789012:never-read")
                .build();
            let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
                .match_requests(|r| r.alarm_types() == [AlarmType::MetricAlarm])
                .sequence()
                .output(move || {
                    DescribeAlarmsOutput::builder()
                        .metric_alarms(unrelated.clone())
                        .metric_alarms(other_namespace.clone())
                        .next_token("alarms-2")
                        .build()
                })
                .output(move || DescribeAlarmsOutput::builder().metric_alarms(on_metric.clone()).build())
                .build();

            let subscriptions = mock!(aws_sdk_sns::Client::list_subscriptions_by_topic)
                .match_requests(move |r| r.topic_arn() == Some(topic))
                .sequence()
                .output(move || {
                    ListSubscriptionsByTopicOutput::builder().subscriptions(pending(topic)).next_token("subs-2").build()
                })
                .output(move || ListSubscriptionsByTopicOutput::builder().subscriptions(confirmed(topic)).build())
                .build();

            let hosts = Hosts::default();
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(Some(group_arn)))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&alarms], &hosts))
                .with_client(sns_client(&[&subscriptions], &hosts));
            let chain = gather(&aws, &scope()).await.unwrap();

            assert_eq!(chain.log_groups.len(), 1, "two trails, one log group, read once");
            assert_eq!(chain.log_groups[0].region, OTHER_REGION);
            assert_eq!(chain.log_groups[0].filters.as_ref().unwrap().len(), 2);
            let names: Vec<&str> = chain.alarms[OTHER_REGION].iter().filter_map(|a| a.alarm_name()).collect();
            assert_eq!(names, ["elsewhere", ALARM], "alarms on the filters' metric names, any namespace");
            assert_eq!(
                chain.topics.keys().collect::<Vec<_>>(),
                [topic],
                "only topics of alarms on the filters' metrics"
            );
            assert!(matches!(&chain.topics[topic], Topic::Subscriptions(s) if s.len() == 2));
            assert_eq!((filters.num_calls(), alarms.num_calls(), subscriptions.num_calls()), (2, 2, 2));
            let hosts = hosts.0.lock().unwrap().clone();
            assert_eq!(hosts.len(), 6, "{hosts:?}");
            assert!(hosts[..2].iter().all(|h| h.contains("logs.eu-west-1.")), "{hosts:?}");
            assert!(hosts[2..4].iter().all(|h| h.contains("monitoring.eu-west-1.")), "{hosts:?}");
            assert!(hosts[4..].iter().all(|h| h.contains("sns.eu-west-1.")), "{hosts:?}");

            let scope = Scope { region: OTHER_REGION.into(), ..scope() };
            assert_eq!(decide(&CIS_4_5, &chain, &Params::default(), &scope).compliance, Compliance::Compliant);
            let v = decide(&CIS_4_3, &chain, &Params::default(), &scope);
            assert!(
                v.annotation.contains("Alarm elsewhere watches metric RootUsage in namespace Other"),
                "{}",
                v.annotation
            );
        }

        #[tokio::test]
        async fn gather_reads_nothing_more_without_a_logging_trail_that_sends_to_this_account() {
            let filters =
                mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters).then_output(|| filter_page(&[], None));
            let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
                .then_output(|| DescribeAlarmsOutput::builder().build());
            let hosts = Hosts::default();
            for log_group in [None, Some(log_group_arn(REGION, "999999999999", LOG_GROUP))] {
                let aws = Aws::new(crate::testing::test_sdk_config())
                    .with_client(cloudtrail_client(log_group))
                    .with_client(logs_client(&[&filters], &hosts))
                    .with_client(cloudwatch_client(&[&alarms], &hosts));
                let chain = gather(&aws, &scope()).await.unwrap();
                assert!(chain.log_groups.is_empty() && chain.alarms.is_empty() && chain.topics.is_empty());
            }
            assert_eq!(filters.num_calls() + alarms.num_calls(), 0);

            // A log group without filters: no alarms to look for.
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(Some(log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP))))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&alarms], &hosts));
            let chain = gather(&aws, &scope()).await.unwrap();
            assert_eq!(chain.log_groups[0].filters, Some(vec![]));
            assert_eq!((filters.num_calls(), alarms.num_calls()), (1, 0));
            assert!(hosts.0.lock().unwrap().iter().all(|h| h.contains(".us-east-1.")), "the rule's own region");
        }

        #[tokio::test]
        async fn a_missing_log_group_or_topic_is_a_fact_and_a_malformed_log_group_arn_an_error() {
            let missing_group = mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters).then_error(|| {
                DescribeMetricFiltersError::ResourceNotFoundException(
                    aws_sdk_cloudwatchlogs::types::error::ResourceNotFoundException::builder()
                        .message("The specified log group does not exist.")
                        .build(),
                )
            });
            let hosts = Hosts::default();
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(Some(log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP))))
                .with_client(logs_client(&[&missing_group], &hosts));
            let chain = gather(&aws, &scope()).await.unwrap();
            assert_eq!(chain.log_groups[0].filters, None);
            let v = decide(&CIS_4_1, &chain, &Params::default(), &scope());
            assert!(v.annotation.contains("which does not exist"), "{}", v.annotation);

            let filters = mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters)
                .then_output(|| filter_page(&[filter(FILTER, audit_pattern(&CIS_4_1), METRIC)], None));
            let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
                .then_output(|| DescribeAlarmsOutput::builder().metric_alarms(alarm(ALARM, METRIC, &[TOPIC])).build());
            let missing_topic = mock!(aws_sdk_sns::Client::list_subscriptions_by_topic).then_error(|| {
                ListSubscriptionsByTopicError::NotFoundException(
                    aws_sdk_sns::types::error::NotFoundException::builder().message("Topic does not exist").build(),
                )
            });
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(Some(log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP))))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&alarms], &hosts))
                .with_client(sns_client(&[&missing_topic], &hosts));
            let chain = gather(&aws, &scope()).await.unwrap();
            assert_eq!(chain.topics[TOPIC], Topic::Missing);

            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(Some("arn:aws:logs:us-east-1:123456789012:cloudtrail-logs".into())));
            let e = gather(&aws, &scope()).await.unwrap_err();
            assert_eq!(e.error_type(), "InvalidData");
            assert!(e.to_string().contains("not a log group ARN"), "{e}");
        }

        #[tokio::test]
        async fn access_denied_names_the_action_except_on_another_accounts_topic() {
            let group = Some(log_group_arn(REGION, ACCOUNT_ID, LOG_GROUP));
            let hosts = Hosts::default();
            let denied_filters = mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters).then_error(|| {
                DescribeMetricFiltersError::generic(
                    aws_sdk_cloudwatchlogs::error::ErrorMetadata::builder().code("AccessDeniedException").build(),
                )
            });
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(group.clone()))
                .with_client(logs_client(&[&denied_filters], &hosts));
            let e = gather(&aws, &scope()).await.unwrap_err();
            assert_eq!(e.error_type(), "AccessDenied");
            assert!(e.to_string().contains("logs:DescribeMetricFilters"), "{e}");

            let filters = mock!(aws_sdk_cloudwatchlogs::Client::describe_metric_filters)
                .then_output(|| filter_page(&[filter(FILTER, audit_pattern(&CIS_4_1), METRIC)], None));
            let denied_alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_error(|| {
                DescribeAlarmsError::generic(
                    aws_sdk_cloudwatch::error::ErrorMetadata::builder().code("AccessDenied").message("no").build(),
                )
            });
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(group.clone()))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&denied_alarms], &hosts));
            let e = gather(&aws, &scope()).await.unwrap_err();
            assert_eq!(e.error_type(), "AccessDenied");
            assert!(e.to_string().contains("cloudwatch:DescribeAlarms"), "{e}");

            let central = "arn:aws:sns:us-east-1:999999999999:central";
            let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_output(move || {
                DescribeAlarmsOutput::builder().metric_alarms(alarm(ALARM, METRIC, &[TOPIC, central])).build()
            });
            let denied_subscriptions = mock!(aws_sdk_sns::Client::list_subscriptions_by_topic).then_error(|| {
                ListSubscriptionsByTopicError::generic(
                    aws_sdk_sns::error::ErrorMetadata::builder()
                        .code("AuthorizationError")
                        .message("not authorized")
                        .build(),
                )
            });
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(group.clone()))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&alarms], &hosts))
                .with_client(sns_client(&[&denied_subscriptions], &hosts));
            let e = gather(&aws, &scope()).await.unwrap_err();
            assert_eq!(e.error_type(), "AccessDenied");
            assert!(e.to_string().contains("sns:ListSubscriptionsByTopic"), "{e}");

            // The other account's topic alone: a fact the decision reports.
            let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_output(move || {
                DescribeAlarmsOutput::builder().metric_alarms(alarm(ALARM, METRIC, &[central])).build()
            });
            let aws = Aws::new(crate::testing::test_sdk_config())
                .with_client(cloudtrail_client(group))
                .with_client(logs_client(&[&filters], &hosts))
                .with_client(cloudwatch_client(&[&alarms], &hosts))
                .with_client(sns_client(&[&denied_subscriptions], &hosts));
            let chain = gather(&aws, &scope()).await.unwrap();
            assert_eq!(chain.topics[central], Topic::Unreadable("not authorized".into()));
            let v = decide(&CIS_4_1, &chain, &Params::default(), &scope());
            assert_eq!(v.compliance, Compliance::NonCompliant);
            assert!(v.annotation.contains("is in account 999999999999"), "{}", v.annotation);
        }
    }
}
