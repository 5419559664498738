//! CloudTrail trails as several rules see them: status, event selectors, management events.
//!
//! CIS 3.1 (a multi-Region trail that is logging and records every management event), 3.8 and
//! 3.9 (S3 object-level data events for all buckets) and the section 4 monitoring chain all start
//! from the same facts: the trails this region shows, including the shadow copies of multi-Region
//! and organization trails homed elsewhere, each with its logging status and event selectors.
//! They are read here once ([`account_trails`]) and judged by pure functions.
//!
//! ## Gather (SDK)
//!
//! - [`account_trails`]: `cloudtrail:DescribeTrails` with shadow trails; for every multi-Region
//!   trail (once per ARN) `cloudtrail:GetTrailStatus`, and for those that are logging
//!   `cloudtrail:GetEventSelectors`. Both are called **by trail ARN in the trail's home region**:
//!   shadow and organization trails are addressed by ARN, and some implementations (moto) answer
//!   `GetEventSelectors` only in the home region. A rule that calls it declares the three actions
//!   ([`ACCOUNT_TRAILS_ACTIONS`]).
//! - A trail for which `GetEventSelectors` returns neither basic nor advanced selectors is an
//!   error, not "records nothing" and not "the default": CloudTrail always returns at least the
//!   default selector, so such an answer cannot be interpreted. (moto returns two empty lists
//!   for a trail created without selectors; tests there call `PutEventSelectors` first.)
//!
//! ## Decide (pure)
//!
//! - [`Selectors::records_management`]: are management events of one direction ([`Access`])
//!   recorded from every event source, or from one named source ([`Sources`])?
//! - [`Selectors::records_all_s3_objects`]: are S3 object-level data events of one direction
//!   recorded for all current and future buckets?
//! - [`MultiRegionTrail::logs_all_management_events`],
//!   [`MultiRegionTrail::logs_management_events`], [`MultiRegionTrail::management_exclusion`],
//!   [`MultiRegionTrail::logs_all_s3_object_events`]: the same questions for a trail, with
//!   "is it logging" first, answered as `Ok(())` or the [`Shortfall`] that names what is missing.
//! - [`first_qualifying`]: the first multi-Region trail that passes a check, or why each failed
//!   (logging trails first); [`describe_failures`] words those reasons for an annotation.
//! - [`homed_in`]: whether a trail is judged by the rule in this region (per-trail rules, which
//!   read `DescribeTrails` without shadow trails themselves).
//!
//! An account-level rule is then, in short:
//!
//! ```text
//! gather:   cloudtrail::account_trails(aws).await
//! evaluate: match cloudtrail::first_qualifying(&facts.multi_region, |t| t.logs_all_management_events()) {
//!               Ok(trail) => COMPLIANT, naming trail.name(),
//!               Err(failures) => NON_COMPLIANT, with cloudtrail::describe_failures(&failures, 1),
//!           }
//! ```
//!
//! The section 4 chain continues from a qualifying trail with `trail.trail` (for example
//! `cloud_watch_logs_log_group_arn()`) and `trail.status` (for example
//! `latest_cloud_watch_logs_delivery_error()`); a control about one event source asks
//! `trail.logs_management_events(&Access::BOTH, Sources::Only("kms.amazonaws.com"))`.
//!
//! Selector semantics follow the CloudTrail API: a trail records an event when **any** of its
//! selectors matches it. In a basic selector `ReadWriteType` and `ExcludeManagementEventSources`
//! narrow management events, and `DataResources` of type `AWS::S3::Object` with the value
//! `arn:<partition>:s3` or `arn:<partition>:s3:::` mean all buckets, current and future. In an
//! advanced selector every field selector must match (AND); within a field selector the value
//! must match one of the `Equals`/`StartsWith`/`EndsWith` values (when any is given) and none of
//! the `NotEquals`/`NotStartsWith`/`NotEndsWith` values. A field these functions do not know
//! narrows the selector, so it never widens a verdict. Coverage that needs two selectors to
//! complement each other on one field (for example one selector for `kms.amazonaws.com` and
//! another for every other source) is not recognised: the answer is then "not covered".

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::config::Region;
use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
use aws_sdk_cloudtrail::types::{AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType, Trail};

use crate::aws::Aws;
use crate::error::{AwsResultExt, RuleError};
use crate::evaluation::{Evaluation, Verdict};
use crate::rule::{ACCOUNT, Scope};

/// The IAM actions [`account_trails`] calls; a rule that uses it lists them in `iam_actions`.
pub const ACCOUNT_TRAILS_ACTIONS: [&str; 3] =
    ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"];

/// The S3 object data resource type of event selectors.
pub const S3_OBJECT: &str = "AWS::S3::Object";

/// Partitions whose S3 ARNs [`Selectors::records_all_s3_objects`] recognises.
const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// The trails one region shows, as account-wide checks need them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountTrails {
    /// Multi-Region trails (own, shadow copies of trails homed elsewhere, organization trails),
    /// once each, in the order `DescribeTrails` listed them.
    pub multi_region: Vec<MultiRegionTrail>,
    /// Single-Region trails of this region; they never satisfy an account-wide check.
    pub single_region: Vec<Trail>,
}

/// A multi-Region trail with what CloudTrail says about its logging and its selectors.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiRegionTrail {
    /// As `DescribeTrails` listed it (name, ARN, home region, bucket, log group, key…).
    pub trail: Trail,
    /// `GetTrailStatus` (`is_logging`, `latest_cloud_watch_logs_delivery_error`, …).
    pub status: GetTrailStatusOutput,
    /// `GetEventSelectors`, read only when the trail is logging (a stopped trail records nothing,
    /// whatever its selectors say).
    pub selectors: Option<Selectors>,
}

/// A trail's event selectors: basic or advanced (CloudTrail allows one kind per trail; both are
/// kept if both are ever returned, and a trail records what either matches).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selectors {
    pub basic: Vec<EventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

/// Which events of a kind: read-only API calls or mutating ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub const BOTH: [Access; 2] = [Access::Read, Access::Write];

    /// The value of the `readOnly` field of the events of this direction.
    fn read_only(self) -> &'static str {
        match self {
            Access::Read => "true",
            Access::Write => "false",
        }
    }

    fn covered_by(self, read_write: Option<&ReadWriteType>) -> bool {
        match read_write {
            // The API default of a basic selector is All.
            None | Some(ReadWriteType::All) => true,
            Some(ReadWriteType::ReadOnly) => self == Access::Read,
            Some(ReadWriteType::WriteOnly) => self == Access::Write,
            // A value this SDK does not know: it cannot be shown to cover anything.
            Some(_) => false,
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Read => "read",
            Access::Write => "write",
        })
    }
}

/// Which management event sources a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources<'a> {
    /// Every event source: no source may be left out.
    Every,
    /// Events of one source, for example `kms.amazonaws.com` for the CIS 4.7 alarm.
    Only(&'a str),
}

/// Why a trail does not pass a check, in words an annotation can use ("trail X {shortfall}").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortfall {
    /// `GetTrailStatus` says the trail is not logging.
    NotLogging,
    /// No selector records management events of this direction.
    NoManagementEvents(Access),
    /// Management events of this direction are recorded, but not from these named sources.
    ExcludedSources(Access, Vec<String>),
    /// Management events of this direction are recorded only from some event sources.
    SomeSourcesOnly(Access),
    /// S3 object-level data events of this direction are not recorded for all buckets.
    NoS3ObjectEvents(Access),
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::NotLogging => f.write_str("is not logging"),
            Shortfall::NoManagementEvents(a) => write!(f, "does not record {a} management events"),
            Shortfall::ExcludedSources(a, sources) => {
                write!(f, "excludes {a} management events from {}", sources.join(", "))
            }
            Shortfall::SomeSourcesOnly(a) => write!(f, "records {a} management events from some event sources only"),
            Shortfall::NoS3ObjectEvents(a) => {
                write!(f, "does not record S3 object-level {a} events for all buckets")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gather
// ---------------------------------------------------------------------------------------------

/// The trails this region shows, with status and selectors for the multi-Region ones (see the
/// module documentation). IAM actions: [`ACCOUNT_TRAILS_ACTIONS`].
pub async fn account_trails(aws: &Aws) -> Result<AccountTrails, RuleError> {
    let client = aws.client(Client::new);
    let listed =
        client.describe_trails().include_shadow_trails(true).send().await.context("cloudtrail:DescribeTrails")?;
    let mut clients = HomeClients::new(client);
    let mut seen = HashSet::new();
    let mut out = AccountTrails::default();
    for trail in listed.trail_list() {
        if trail.is_multi_region_trail() != Some(true) {
            out.single_region.push(trail.clone());
            continue;
        }
        let arn = trail.trail_arn().ok_or_else(|| {
            RuleError::InvalidData(format!("DescribeTrails listed trail {} without an ARN", label(trail)))
        })?;
        if !seen.insert(arn.to_owned()) {
            continue;
        }
        let home = clients.for_region(trail.home_region());
        let status = home.get_trail_status().name(arn).send().await.context("cloudtrail:GetTrailStatus")?;
        let logging = status.is_logging().ok_or_else(|| {
            RuleError::InvalidData(format!("cloudtrail:GetTrailStatus did not say whether trail {arn} is logging"))
        })?;
        let selectors = if logging {
            let output =
                home.get_event_selectors().trail_name(arn).send().await.context("cloudtrail:GetEventSelectors")?;
            let selectors = Selectors {
                basic: output.event_selectors().to_vec(),
                advanced: output.advanced_event_selectors().to_vec(),
            };
            if selectors.basic.is_empty() && selectors.advanced.is_empty() {
                return Err(RuleError::InvalidData(format!(
                    "cloudtrail:GetEventSelectors returned no event selectors for trail {arn}; CloudTrail returns at \
                     least its default selector for every trail, so what the trail records cannot be established \
                     (an emulator may return none until PutEventSelectors is called)"
                )));
            }
            Some(selectors)
        } else {
            None
        };
        out.multi_region.push(MultiRegionTrail { trail: trail.clone(), status, selectors });
    }
    Ok(out)
}

/// CloudTrail clients per home region, derived from the rule's client (same credentials,
/// endpoint, retries and interceptors; only the region differs).
struct HomeClients {
    base: Client,
    by_region: HashMap<String, Client>,
}

impl HomeClients {
    fn new(base: Client) -> Self {
        HomeClients { base, by_region: HashMap::new() }
    }

    fn for_region(&mut self, region: Option<&str>) -> Client {
        let base_region = self.base.config().region().map(|r| r.as_ref().to_owned());
        match region {
            Some(region) if base_region.as_deref() != Some(region) => self
                .by_region
                .entry(region.to_owned())
                .or_insert_with(|| {
                    Client::from_conf(self.base.config().to_builder().region(Region::new(region.to_owned())).build())
                })
                .clone(),
            _ => self.base.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------------------------

/// The resource type of trails, which AWS Config records by trail name.
pub const TRAIL: &str = "AWS::CloudTrail::Trail";

/// The trails this region lists without shadow copies (`cloudtrail:DescribeTrails`): what a
/// per-trail rule reads, judging each trail once, in its home region ([`per_trail`]).
pub async fn region_trails(aws: &Aws) -> Result<Vec<Trail>, RuleError> {
    let cloudtrail = aws.client(Client::new);
    let output =
        cloudtrail.describe_trails().include_shadow_trails(false).send().await.context("cloudtrail:DescribeTrails")?;
    Ok(output.trail_list().to_vec())
}

/// One evaluation of `AWS::CloudTrail::Trail` (by name) per trail homed in `region`, from `decide`.
pub fn per_trail(trails: &[Trail], region: &str, decide: impl Fn(&Trail, &str) -> Verdict) -> Vec<Evaluation> {
    trails
        .iter()
        .filter(|t| homed_in(t, region))
        .filter_map(|t| {
            let name = t.name()?;
            Some(decide(t, name).on(TRAIL, name))
        })
        .collect()
}

/// Whether the rule running in `region` judges this trail: trails are judged once, in their home
/// region (a trail without a home region is taken to be this region's).
pub fn homed_in(trail: &Trail, region: &str) -> bool {
    trail.home_region().is_none_or(|home| home == region)
}

/// A trail's name for annotations (its ARN, or `?`, if it has none).
pub fn label(trail: &Trail) -> &str {
    trail.name().or(trail.trail_arn()).unwrap_or("?")
}

/// The first multi-Region trail that passes `check`, or, when none does, each trail's name with
/// the reason `check` gave (empty when there is no multi-Region trail). Reasons of logging trails
/// come first: they say more than "is not logging". `check` is typically one of the
/// `MultiRegionTrail::logs_…` methods, or a rule's own check built on them.
pub fn first_qualifying<F, E>(trails: &[MultiRegionTrail], check: F) -> Result<&MultiRegionTrail, Vec<(String, E)>>
where
    F: Fn(&MultiRegionTrail) -> Result<(), E>,
{
    let mut failures = Vec::new();
    for trail in trails {
        match check(trail) {
            Ok(()) => return Ok(trail),
            Err(why) => failures.push((!trail.is_logging(), trail.name().to_owned(), why)),
        }
    }
    failures.sort_by_key(|(stopped, _, _)| *stopped);
    Err(failures.into_iter().map(|(_, name, why)| (name, why)).collect())
}

/// The failures of [`first_qualifying`] for an annotation: `trail a is not logging; trail b …`,
/// the first `max` of them, then how many other trails fail.
pub fn describe_failures<E: fmt::Display>(failures: &[(String, E)], max: usize) -> String {
    let mut text =
        failures.iter().take(max).map(|(name, why)| format!("trail {name} {why}")).collect::<Vec<_>>().join("; ");
    match failures.len().saturating_sub(max) {
        0 => {}
        1 => text.push_str("; 1 other trail fails too"),
        n => text.push_str(&format!("; {n} other trails fail too")),
    }
    text
}

/// The account's verdict for CIS 3.8 (write) and 3.9 (read): is there a logging multi-Region
/// trail that records S3 object-level `access` events for all current and future buckets? One
/// such trail is enough, as for the AWS managed rules `cloudtrail-all-write-s3-data-event-check`
/// and `cloudtrail-all-read-s3-data-event-check`.
pub fn s3_object_events_evaluation(facts: &AccountTrails, access: Access, scope: &Scope) -> Evaluation {
    let account = &scope.account_id;
    let selector = match access {
        Access::Read => "Read",
        Access::Write => "Write",
    };
    let fix = format!(
        "Record S3 data events for all current and future buckets ({selector} or All) on a multi-Region trail that is logging."
    );
    match first_qualifying(&facts.multi_region, |t| t.logs_all_s3_object_events(access)) {
        Ok(trail) => Evaluation::compliant(
            ACCOUNT,
            account,
            format!(
                "Trail {} is multi-Region, logging, and records S3 object-level {access} events for all current and future buckets.",
                trail.name()
            ),
        ),
        Err(failures) if failures.is_empty() => {
            let single: Vec<&str> = facts.single_region.iter().map(label).collect();
            let what = if single.is_empty() {
                format!("No multi-Region CloudTrail trail is visible in {}.", scope.region)
            } else {
                format!(
                    "No multi-Region CloudTrail trail exists; single-Region trails do not count ({}).",
                    single.join(", ")
                )
            };
            Evaluation::non_compliant(ACCOUNT, account, format!("{what} {fix}"))
        }
        Err(failures) => Evaluation::non_compliant(
            ACCOUNT,
            account,
            format!("No multi-Region trail qualifies: {}. {fix}", describe_failures(&failures, 1)),
        ),
    }
}

impl MultiRegionTrail {
    /// The trail's name (for annotations).
    pub fn name(&self) -> &str {
        label(&self.trail)
    }

    /// `GetTrailStatus.IsLogging`.
    pub fn is_logging(&self) -> bool {
        self.status.is_logging() == Some(true)
    }

    /// The selectors of a logging trail, or [`Shortfall::NotLogging`].
    pub fn logging_selectors(&self) -> Result<&Selectors, Shortfall> {
        match &self.selectors {
            Some(selectors) if self.is_logging() => Ok(selectors),
            _ => Err(Shortfall::NotLogging),
        }
    }

    /// Logging, and recording every read and every write management event from every source
    /// (CIS 3.1; the trail the section 4 metric filters need).
    pub fn logs_all_management_events(&self) -> Result<(), Shortfall> {
        self.logs_management_events(&Access::BOTH, Sources::Every)
    }

    /// Logging, and recording the management events of each direction in `access` from `sources`
    /// (for example only `kms.amazonaws.com`, both directions, for CIS 4.7).
    pub fn logs_management_events(&self, access: &[Access], sources: Sources<'_>) -> Result<(), Shortfall> {
        let selectors = self.logging_selectors()?;
        for a in access {
            if let Some(shortfall) = selectors.management_shortfall(*a, sources) {
                return Err(shortfall);
            }
        }
        Ok(())
    }

    /// A logging trail that records management events of some direction, but not from every
    /// source: AWS's managed rule for CIS 3.1 calls such a trail non-compliant whatever its other
    /// parameters. `None` for a trail that is not logging.
    pub fn management_exclusion(&self) -> Option<Shortfall> {
        let selectors = self.selectors.as_ref().filter(|_| self.is_logging())?;
        Access::BOTH.into_iter().find_map(|a| {
            if selectors.records_some_management(a) { selectors.management_shortfall(a, Sources::Every) } else { None }
        })
    }

    /// Logging, and recording S3 object-level data events of this direction for all current and
    /// future buckets (CIS 3.8 write, 3.9 read).
    pub fn logs_all_s3_object_events(&self, access: Access) -> Result<(), Shortfall> {
        let selectors = self.logging_selectors()?;
        if selectors.records_all_s3_objects(access) { Ok(()) } else { Err(Shortfall::NoS3ObjectEvents(access)) }
    }
}

impl Selectors {
    /// Whether management events of this direction are recorded from `sources`.
    pub fn records_management(&self, access: Access, sources: Sources<'_>) -> bool {
        let basic = self.basic.iter().any(|s| {
            records_management_basic(s, access)
                && match sources {
                    Sources::Every => s.exclude_management_event_sources().is_empty(),
                    Sources::Only(source) => !s.exclude_management_event_sources().iter().any(|e| e == source),
                }
        });
        basic
            || self.advanced.iter().any(|s| {
                is_management(s, access)
                    && s.field_selectors().iter().all(|f| match f.field() {
                        "eventCategory" | "readOnly" => true,
                        "eventSource" => match sources {
                            Sources::Every => false,
                            Sources::Only(source) => accepts(f, source),
                        },
                        _ => false,
                    })
            })
    }

    /// Whether any management event of this direction is recorded (from some source at least).
    pub fn records_some_management(&self, access: Access) -> bool {
        self.basic.iter().any(|s| records_management_basic(s, access))
            || self.advanced.iter().any(|s| is_management(s, access))
    }

    /// Event sources a selector names as excluded from management events of this direction
    /// (basic `ExcludeManagementEventSources`, advanced `eventSource` `NotEquals`) and that no
    /// other selector records, sorted.
    pub fn excluded_management_sources(&self, access: Access) -> Vec<String> {
        let named = self
            .basic
            .iter()
            .filter(|s| records_management_basic(s, access))
            .flat_map(|s| s.exclude_management_event_sources().iter())
            .chain(
                self.advanced
                    .iter()
                    .filter(|s| is_management(s, access))
                    .flat_map(|s| s.field_selectors().iter())
                    .filter(|f| f.field() == "eventSource")
                    .flat_map(|f| f.not_equals().iter()),
            );
        named
            .filter(|source| !self.records_management(access, Sources::Only(source)))
            .cloned()
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect()
    }

    /// What is missing for management events of this direction from `sources`, if anything.
    pub fn management_shortfall(&self, access: Access, sources: Sources<'_>) -> Option<Shortfall> {
        if self.records_management(access, sources) {
            return None;
        }
        if !self.records_some_management(access) {
            return Some(Shortfall::NoManagementEvents(access));
        }
        Some(match sources {
            Sources::Only(source) => Shortfall::ExcludedSources(access, vec![source.to_owned()]),
            Sources::Every => {
                let excluded = self.excluded_management_sources(access);
                if excluded.is_empty() {
                    Shortfall::SomeSourcesOnly(access)
                } else {
                    Shortfall::ExcludedSources(access, excluded)
                }
            }
        })
    }

    /// Whether S3 object-level data events of this direction are recorded for all current and
    /// future buckets: a basic selector with `AWS::S3::Object` and an all-buckets value, or an
    /// advanced selector for data events of `AWS::S3::Object` narrowed by nothing but `readOnly`
    /// (and a `resources.ARN` `StartsWith` that every S3 object ARN starts with).
    pub fn records_all_s3_objects(&self, access: Access) -> bool {
        let basic = self.basic.iter().any(|s| {
            access.covered_by(s.read_write_type())
                && s.data_resources()
                    .iter()
                    .any(|r| r.r#type() == Some(S3_OBJECT) && r.values().iter().any(|v| is_all_buckets_value(v)))
        });
        basic
            || self.advanced.iter().any(|s| {
                let fields = s.field_selectors();
                has_field(s, "eventCategory", "Data")
                    && has_field(s, "resources.type", S3_OBJECT)
                    && fields.iter().all(|f| match f.field() {
                        "eventCategory" | "resources.type" => true,
                        "readOnly" => accepts(f, access.read_only()),
                        "resources.ARN" => is_all_buckets_arn_selector(f),
                        _ => false,
                    })
            })
    }
}

fn records_management_basic(s: &EventSelector, access: Access) -> bool {
    // The API default of IncludeManagementEvents is true.
    s.include_management_events().unwrap_or(true) && access.covered_by(s.read_write_type())
}

/// An advanced selector that records management events of this direction (from some source).
fn is_management(s: &AdvancedEventSelector, access: Access) -> bool {
    has_field(s, "eventCategory", "Management")
        && s.field_selectors().iter().filter(|f| f.field() == "readOnly").all(|f| accepts(f, access.read_only()))
}

/// The selector has the field, and every field selector on it accepts `value`.
fn has_field(s: &AdvancedEventSelector, field: &str, value: &str) -> bool {
    let mut on_field = s.field_selectors().iter().filter(|f| f.field() == field).peekable();
    on_field.peek().is_some() && on_field.all(|f| accepts(f, value))
}

/// Whether an event whose field has `value` passes this field selector.
fn accepts(f: &AdvancedFieldSelector, value: &str) -> bool {
    let positive = !f.equals().is_empty() || !f.starts_with().is_empty() || !f.ends_with().is_empty();
    let matched = f.equals().iter().any(|v| v == value)
        || f.starts_with().iter().any(|v| value.starts_with(v.as_str()))
        || f.ends_with().iter().any(|v| value.ends_with(v.as_str()));
    let excluded = f.not_equals().iter().any(|v| v == value)
        || f.not_starts_with().iter().any(|v| value.starts_with(v.as_str()))
        || f.not_ends_with().iter().any(|v| value.ends_with(v.as_str()));
    (!positive || matched) && !excluded
}

/// `arn:<partition>:s3` or `arn:<partition>:s3:::`: every bucket, current and future.
fn is_all_buckets_value(value: &str) -> bool {
    PARTITIONS.iter().any(|p| value == format!("arn:{p}:s3") || value == format!("arn:{p}:s3:::"))
}

/// A `resources.ARN` field selector with only `StartsWith` values, one of which every S3 object
/// ARN of some partition starts with (`arn:aws:s3:::`, `arn:aws:s3`…): no narrowing.
fn is_all_buckets_arn_selector(f: &AdvancedFieldSelector) -> bool {
    let only_starts_with = f.equals().is_empty()
        && f.ends_with().is_empty()
        && f.not_equals().is_empty()
        && f.not_starts_with().is_empty()
        && f.not_ends_with().is_empty();
    only_starts_with
        && f.starts_with().iter().any(|v| PARTITIONS.iter().any(|p| format!("arn:{p}:s3:::").starts_with(v.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::operation::describe_trails::{DescribeTrailsError, DescribeTrailsOutput};
    use aws_sdk_cloudtrail::operation::get_event_selectors::{GetEventSelectorsError, GetEventSelectorsOutput};
    use aws_sdk_cloudtrail::types::DataResource;
    use aws_smithy_mocks::{RuleMode, mock};
    use std::sync::{Arc, Mutex};

    // ---- builders -----------------------------------------------------------------------------

    fn basic(rw: ReadWriteType, management: bool, excluded: &[&str]) -> EventSelector {
        let mut b = EventSelector::builder().read_write_type(rw).include_management_events(management);
        for e in excluded {
            b = b.exclude_management_event_sources(*e);
        }
        b.build()
    }

    fn s3_basic(rw: ReadWriteType, values: &[&str]) -> EventSelector {
        let mut r = DataResource::builder().r#type(S3_OBJECT);
        for v in values {
            r = r.values(*v);
        }
        EventSelector::builder().read_write_type(rw).include_management_events(false).data_resources(r.build()).build()
    }

    #[derive(Default, Clone)]
    struct F {
        field: &'static str,
        equals: Vec<&'static str>,
        starts_with: Vec<&'static str>,
        not_equals: Vec<&'static str>,
        not_starts_with: Vec<&'static str>,
        ends_with: Vec<&'static str>,
    }

    fn eq(field: &'static str, values: &[&'static str]) -> F {
        F { field, equals: values.to_vec(), ..F::default() }
    }

    fn advanced(fields: &[F]) -> AdvancedEventSelector {
        let mut b = AdvancedEventSelector::builder().name("s");
        for f in fields {
            let mut fb = AdvancedFieldSelector::builder().field(f.field);
            for v in &f.equals {
                fb = fb.equals(*v);
            }
            for v in &f.starts_with {
                fb = fb.starts_with(*v);
            }
            for v in &f.not_equals {
                fb = fb.not_equals(*v);
            }
            for v in &f.not_starts_with {
                fb = fb.not_starts_with(*v);
            }
            for v in &f.ends_with {
                fb = fb.ends_with(*v);
            }
            b = b.field_selectors(fb.build().unwrap());
        }
        b.build().unwrap()
    }

    fn basic_only(selectors: Vec<EventSelector>) -> Selectors {
        Selectors { basic: selectors, advanced: vec![] }
    }

    fn advanced_only(selectors: Vec<AdvancedEventSelector>) -> Selectors {
        Selectors { basic: vec![], advanced: selectors }
    }

    fn trail(name: &str, home: &str, multi_region: bool) -> Trail {
        Trail::builder()
            .name(name)
            .home_region(home)
            .is_multi_region_trail(multi_region)
            .trail_arn(format!("arn:aws:cloudtrail:{home}:123456789012:trail/{name}"))
            .s3_bucket_name("logs")
            .build()
    }

    fn multi(name: &str, logging: bool, selectors: Option<Selectors>) -> MultiRegionTrail {
        MultiRegionTrail {
            trail: trail(name, "us-east-1", true),
            status: GetTrailStatusOutput::builder().is_logging(logging).build(),
            selectors,
        }
    }

    // ---- management events --------------------------------------------------------------------

    #[test]
    fn the_default_basic_selector_records_every_management_event() {
        let s = basic_only(vec![basic(ReadWriteType::All, true, &[])]);
        for a in Access::BOTH {
            assert!(s.records_management(a, Sources::Every));
            assert!(s.records_management(a, Sources::Only("kms.amazonaws.com")));
        }
        assert_eq!(multi("t", true, Some(s)).logs_all_management_events(), Ok(()));
        // Unset fields take the API defaults (All, management events included).
        assert!(basic_only(vec![EventSelector::builder().build()]).records_management(Access::Read, Sources::Every));
    }

    #[test]
    fn write_only_or_no_management_events_fall_short() {
        let write_only = basic_only(vec![basic(ReadWriteType::WriteOnly, true, &[])]);
        assert!(write_only.records_management(Access::Write, Sources::Every));
        assert_eq!(
            write_only.management_shortfall(Access::Read, Sources::Every),
            Some(Shortfall::NoManagementEvents(Access::Read))
        );
        let data_only = basic_only(vec![s3_basic(ReadWriteType::All, &["arn:aws:s3"])]);
        assert_eq!(
            multi("t", true, Some(data_only)).logs_all_management_events(),
            Err(Shortfall::NoManagementEvents(Access::Read))
        );
        // A read-only and a write-only selector together record both directions.
        let union =
            basic_only(vec![basic(ReadWriteType::ReadOnly, true, &[]), basic(ReadWriteType::WriteOnly, true, &[])]);
        assert_eq!(multi("t", true, Some(union)).logs_all_management_events(), Ok(()));
    }

    #[test]
    fn excluded_sources_are_named_and_respected_per_source() {
        let s = basic_only(vec![basic(ReadWriteType::All, true, &["kms.amazonaws.com", "rdsdata.amazonaws.com"])]);
        assert!(!s.records_management(Access::Write, Sources::Every));
        assert!(!s.records_management(Access::Write, Sources::Only("kms.amazonaws.com")));
        assert!(s.records_management(Access::Write, Sources::Only("iam.amazonaws.com")));
        let t = multi("t", true, Some(s));
        let excluded =
            Shortfall::ExcludedSources(Access::Read, vec!["kms.amazonaws.com".into(), "rdsdata.amazonaws.com".into()]);
        assert_eq!(t.logs_all_management_events(), Err(excluded.clone()));
        assert_eq!(t.management_exclusion(), Some(excluded));
        assert_eq!(t.logs_management_events(&Access::BOTH, Sources::Only("iam.amazonaws.com")), Ok(()));
        assert_eq!(
            t.logs_management_events(&[Access::Write], Sources::Only("kms.amazonaws.com")),
            Err(Shortfall::ExcludedSources(Access::Write, vec!["kms.amazonaws.com".into()]))
        );
        assert_eq!(
            t.logs_all_management_events().unwrap_err().to_string(),
            "excludes read management events from kms.amazonaws.com, rdsdata.amazonaws.com"
        );
    }

    #[test]
    fn an_exclusion_another_selector_makes_up_for_is_no_exclusion() {
        let s = basic_only(vec![
            basic(ReadWriteType::All, true, &["kms.amazonaws.com"]),
            basic(ReadWriteType::All, true, &[]),
        ]);
        assert!(s.records_management(Access::Read, Sources::Every));
        assert!(s.excluded_management_sources(Access::Read).is_empty());
        assert_eq!(multi("t", true, Some(s)).management_exclusion(), None);
        // Only writes are made up for: KMS reads stay excluded.
        let s = basic_only(vec![
            basic(ReadWriteType::All, true, &["kms.amazonaws.com"]),
            basic(ReadWriteType::WriteOnly, true, &[]),
        ]);
        assert_eq!(s.excluded_management_sources(Access::Read), vec!["kms.amazonaws.com".to_owned()]);
        assert!(s.excluded_management_sources(Access::Write).is_empty());
    }

    #[test]
    fn advanced_management_selectors_follow_read_only_and_event_source() {
        let all = advanced_only(vec![advanced(&[eq("eventCategory", &["Management"])])]);
        assert_eq!(multi("t", true, Some(all)).logs_all_management_events(), Ok(()));

        let writes = advanced_only(vec![advanced(&[eq("eventCategory", &["Management"]), eq("readOnly", &["false"])])]);
        assert!(writes.records_management(Access::Write, Sources::Every));
        assert_eq!(
            writes.management_shortfall(Access::Read, Sources::Every),
            Some(Shortfall::NoManagementEvents(Access::Read))
        );

        let both = advanced_only(vec![
            advanced(&[eq("eventCategory", &["Management"]), eq("readOnly", &["true"])]),
            advanced(&[eq("eventCategory", &["Management"]), eq("readOnly", &["false"])]),
        ]);
        assert_eq!(multi("t", true, Some(both)).logs_all_management_events(), Ok(()));

        let no_kms = advanced_only(vec![advanced(&[
            eq("eventCategory", &["Management"]),
            F { field: "eventSource", not_equals: vec!["kms.amazonaws.com"], ..F::default() },
        ])]);
        let t = multi("t", true, Some(no_kms));
        assert_eq!(
            t.logs_all_management_events(),
            Err(Shortfall::ExcludedSources(Access::Read, vec!["kms.amazonaws.com".into()]))
        );
        assert_eq!(t.logs_management_events(&Access::BOTH, Sources::Only("iam.amazonaws.com")), Ok(()));

        let only_s3 = advanced_only(vec![advanced(&[
            eq("eventCategory", &["Management"]),
            eq("eventSource", &["s3.amazonaws.com"]),
        ])]);
        let t = multi("t", true, Some(only_s3));
        assert_eq!(t.logs_all_management_events(), Err(Shortfall::SomeSourcesOnly(Access::Read)));
        assert_eq!(t.management_exclusion(), Some(Shortfall::SomeSourcesOnly(Access::Read)));

        // Data-only advanced selectors record no management events; unknown fields narrow.
        let data = advanced_only(vec![advanced(&[eq("eventCategory", &["Data"]), eq("resources.type", &[S3_OBJECT])])]);
        assert!(!data.records_some_management(Access::Read));
        let odd =
            advanced_only(vec![advanced(&[eq("eventCategory", &["Management"]), eq("userIdentity.arn", &["x"])])]);
        assert!(!odd.records_management(Access::Read, Sources::Every));
        assert!(odd.records_some_management(Access::Read));
    }

    #[test]
    fn a_stopped_trail_records_nothing() {
        let s = basic_only(vec![basic(ReadWriteType::All, true, &[]), s3_basic(ReadWriteType::All, &["arn:aws:s3"])]);
        let stopped = multi("t", false, Some(s));
        assert_eq!(stopped.logs_all_management_events(), Err(Shortfall::NotLogging));
        assert_eq!(stopped.logs_all_s3_object_events(Access::Write), Err(Shortfall::NotLogging));
        assert_eq!(stopped.management_exclusion(), None);
        assert_eq!(multi("t", false, None).logs_all_management_events(), Err(Shortfall::NotLogging));
    }

    // ---- S3 data events -----------------------------------------------------------------------

    #[test]
    fn basic_s3_selectors_need_an_all_buckets_value_and_the_direction() {
        for value in ["arn:aws:s3", "arn:aws:s3:::", "arn:aws-cn:s3:::"] {
            let s = basic_only(vec![s3_basic(ReadWriteType::All, &[value])]);
            assert!(s.records_all_s3_objects(Access::Read) && s.records_all_s3_objects(Access::Write), "{value}");
        }
        let one_bucket = basic_only(vec![s3_basic(ReadWriteType::All, &["arn:aws:s3:::one-bucket/"])]);
        assert!(!one_bucket.records_all_s3_objects(Access::Write));
        let writes = basic_only(vec![s3_basic(ReadWriteType::WriteOnly, &["arn:aws:s3"])]);
        assert!(writes.records_all_s3_objects(Access::Write));
        assert!(!writes.records_all_s3_objects(Access::Read));
        let lambda = EventSelector::builder()
            .data_resources(DataResource::builder().r#type("AWS::Lambda::Function").values("arn:aws:lambda").build())
            .build();
        assert!(!basic_only(vec![lambda]).records_all_s3_objects(Access::Write));
        let t = multi("t", true, Some(one_bucket));
        assert_eq!(t.logs_all_s3_object_events(Access::Write), Err(Shortfall::NoS3ObjectEvents(Access::Write)));
        assert_eq!(
            t.logs_all_s3_object_events(Access::Read).unwrap_err().to_string(),
            "does not record S3 object-level read events for all buckets"
        );
    }

    #[test]
    fn advanced_s3_selectors_may_narrow_only_by_direction() {
        let data = || vec![eq("eventCategory", &["Data"]), eq("resources.type", &[S3_OBJECT])];
        let all = advanced_only(vec![advanced(&data())]);
        assert!(all.records_all_s3_objects(Access::Read) && all.records_all_s3_objects(Access::Write));

        let mut writes = data();
        writes.push(eq("readOnly", &["false"]));
        let writes = advanced_only(vec![advanced(&writes)]);
        assert!(writes.records_all_s3_objects(Access::Write));
        assert!(!writes.records_all_s3_objects(Access::Read));

        let mut prefix = data();
        prefix.push(F { field: "resources.ARN", starts_with: vec!["arn:aws:s3:::"], ..F::default() });
        assert!(advanced_only(vec![advanced(&prefix)]).records_all_s3_objects(Access::Read));

        for narrowing in [
            F { field: "resources.ARN", starts_with: vec!["arn:aws:s3:::bucket/"], ..F::default() },
            F {
                field: "resources.ARN",
                starts_with: vec!["arn:aws:s3:::"],
                not_starts_with: vec!["arn:aws:s3:::x/"],
                ..F::default()
            },
            F { field: "resources.ARN", ends_with: vec![".log"], ..F::default() },
            eq("eventName", &["PutObject"]),
            F { field: "userIdentity.arn", not_equals: vec!["arn:aws:iam::1:role/x"], ..F::default() },
        ] {
            let mut fields = data();
            fields.push(narrowing.clone());
            assert!(
                !advanced_only(vec![advanced(&fields)]).records_all_s3_objects(Access::Write),
                "{}",
                narrowing.field
            );
        }
        let express = advanced_only(vec![advanced(&[
            eq("eventCategory", &["Data"]),
            eq("resources.type", &["AWS::S3Express::Object"]),
        ])]);
        assert!(!express.records_all_s3_objects(Access::Write));
        let management = advanced_only(vec![advanced(&[eq("eventCategory", &["Management"])])]);
        assert!(!management.records_all_s3_objects(Access::Write));
    }

    #[test]
    fn field_selector_operators() {
        let f = |spec: F| {
            let s = advanced(&[spec]);
            s.field_selectors()[0].clone()
        };
        assert!(accepts(&f(eq("x", &["a", "b"])), "b"));
        assert!(!accepts(&f(eq("x", &["a"])), "b"));
        assert!(accepts(&f(F { field: "x", starts_with: vec!["ab"], ..F::default() }), "abc"));
        assert!(accepts(&f(F { field: "x", ends_with: vec!["bc"], ..F::default() }), "abc"));
        assert!(!accepts(&f(F { field: "x", not_starts_with: vec!["ab"], ..F::default() }), "abc"));
        assert!(accepts(&f(F { field: "x", not_equals: vec!["ab"], ..F::default() }), "abc"));
        assert!(!accepts(&f(F { field: "x", equals: vec!["abc"], not_equals: vec!["abc"], ..F::default() }), "abc"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    #[test]
    fn first_qualifying_returns_a_passing_trail_or_every_reason() {
        let good = multi("good", true, Some(basic_only(vec![basic(ReadWriteType::All, true, &[])])));
        let stopped = multi("stopped", false, None);
        let trails = vec![stopped.clone(), good];
        assert_eq!(first_qualifying(&trails, MultiRegionTrail::logs_all_management_events).unwrap().name(), "good");
        let writes = multi("writes", true, Some(basic_only(vec![basic(ReadWriteType::WriteOnly, true, &[])])));
        let failures = first_qualifying(&[stopped, writes], MultiRegionTrail::logs_all_management_events).unwrap_err();
        assert_eq!(
            failures,
            vec![
                ("writes".to_owned(), Shortfall::NoManagementEvents(Access::Read)),
                ("stopped".to_owned(), Shortfall::NotLogging)
            ],
            "logging trails first"
        );
        assert!(first_qualifying(&[], MultiRegionTrail::logs_all_management_events).unwrap_err().is_empty());
    }

    #[test]
    fn failures_are_described_briefly() {
        let failures = vec![
            ("a".to_owned(), Shortfall::NotLogging),
            ("b".to_owned(), Shortfall::NoManagementEvents(Access::Read)),
            ("c".to_owned(), Shortfall::NotLogging),
        ];
        assert_eq!(
            describe_failures(&failures, 2),
            "trail a is not logging; trail b does not record read management events; 1 other trail fails too"
        );
        assert_eq!(describe_failures(&failures[..1], 2), "trail a is not logging");
        assert!(describe_failures(&failures, 1).ends_with("; 2 other trails fail too"));
    }

    #[test]
    fn trails_are_judged_in_their_home_region() {
        assert!(homed_in(&trail("a", "us-east-1", true), "us-east-1"));
        assert!(!homed_in(&trail("a", "eu-west-1", true), "us-east-1"));
        assert!(homed_in(&Trail::builder().name("no-home").build(), "us-east-1"));
    }

    // ---- gather (SDK level) -------------------------------------------------------------------

    /// Records the host every request was sent to.
    #[derive(Debug, Clone, Default)]
    struct Hosts(Arc<Mutex<Vec<String>>>);

    impl aws_smithy_runtime_api::client::interceptors::Intercept for Hosts {
        fn name(&self) -> &'static str {
            "Hosts"
        }

        fn read_before_transmit(
            &self,
            context: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
            _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
            _: &mut aws_smithy_types::config_bag::ConfigBag,
        ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
            let uri = context.request().uri().to_owned();
            self.0.lock().unwrap().push(uri);
            Ok(())
        }
    }

    fn listing() -> DescribeTrailsOutput {
        DescribeTrailsOutput::builder()
            .trail_list(trail("local-single", "us-east-1", false))
            .trail_list(trail("org-trail", "eu-west-1", true))
            .trail_list(trail("org-trail", "eu-west-1", true))
            .trail_list(trail("stopped", "us-east-1", true))
            .build()
    }

    #[tokio::test]
    async fn account_trails_read_status_and_selectors_by_arn_in_the_home_region() {
        let describe = mock!(Client::describe_trails)
            .match_requests(|r| r.include_shadow_trails() == Some(true))
            .then_output(listing);
        let status = mock!(Client::get_trail_status).then_compute_output(|r| {
            GetTrailStatusOutput::builder()
                .is_logging(r.name() == Some("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail"))
                .build()
        });
        let selectors = mock!(Client::get_event_selectors)
            .match_requests(|r| r.trail_name() == Some("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail"))
            .then_output(|| {
                GetEventSelectorsOutput::builder().event_selectors(basic(ReadWriteType::All, true, &[])).build()
            });
        let hosts = Hosts::default();
        let recorder = hosts.clone();
        let client =
            crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &selectors], move |c| c
                .interceptor(recorder.clone()));
        let aws = Aws::new(crate::testing::test_sdk_config()).with_client(client);

        let trails = account_trails(&aws).await.unwrap();
        assert_eq!(trails.single_region.len(), 1);
        let names: Vec<&str> = trails.multi_region.iter().map(MultiRegionTrail::name).collect();
        assert_eq!(names, ["org-trail", "stopped"], "shadow copies are deduplicated by ARN");
        assert_eq!(trails.multi_region[0].logs_all_management_events(), Ok(()));
        assert_eq!(trails.multi_region[1].selectors, None, "selectors of a stopped trail are not read");
        assert_eq!(status.num_calls(), 2);
        assert_eq!(selectors.num_calls(), 1);
        let hosts = hosts.0.lock().unwrap().clone();
        assert_eq!(hosts.len(), 4, "{hosts:?}");
        assert!(hosts[0].contains("cloudtrail.us-east-1."), "DescribeTrails in the rule's region: {hosts:?}");
        assert!(hosts[1].contains("cloudtrail.eu-west-1.") && hosts[2].contains("cloudtrail.eu-west-1."), "{hosts:?}");
        assert!(hosts[3].contains("cloudtrail.us-east-1."), "{hosts:?}");
    }

    #[tokio::test]
    async fn no_selectors_at_all_is_an_error_not_a_verdict() {
        let describe = mock!(Client::describe_trails)
            .then_output(|| DescribeTrailsOutput::builder().trail_list(trail("t", "us-east-1", true)).build());
        let status =
            mock!(Client::get_trail_status).then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let empty = mock!(Client::get_event_selectors).then_output(|| GetEventSelectorsOutput::builder().build());
        let client = crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &empty]);
        let aws = Aws::new(crate::testing::test_sdk_config()).with_client(client);
        let e = account_trails(&aws).await.unwrap_err();
        assert!(matches!(e, RuleError::InvalidData(_)), "{e}");
        assert!(
            e.to_string().contains("no event selectors for trail arn:aws:cloudtrail:us-east-1:123456789012:trail/t"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn errors_name_the_action_that_failed() {
        let denied =
            |code: &'static str| aws_sdk_cloudtrail::error::ErrorMetadata::builder().code(code).message("no").build();
        let describe = mock!(Client::describe_trails)
            .then_error(move || DescribeTrailsError::generic(denied("AccessDeniedException")));
        let client = crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe]);
        let aws = Aws::new(crate::testing::test_sdk_config()).with_client(client);
        let e = account_trails(&aws).await.unwrap_err().to_string();
        assert!(e.contains("cloudtrail:DescribeTrails") && e.contains("access denied"), "{e}");

        let describe = mock!(Client::describe_trails)
            .then_output(|| DescribeTrailsOutput::builder().trail_list(trail("t", "us-east-1", true)).build());
        let status =
            mock!(Client::get_trail_status).then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
        let selectors = mock!(Client::get_event_selectors)
            .then_error(move || GetEventSelectorsError::generic(denied("AccessDeniedException")));
        let client = crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status, &selectors]);
        let aws = Aws::new(crate::testing::test_sdk_config()).with_client(client);
        let e = account_trails(&aws).await.unwrap_err().to_string();
        assert!(e.contains("cloudtrail:GetEventSelectors"), "{e}");

        let status = mock!(Client::get_trail_status).then_output(|| GetTrailStatusOutput::builder().build());
        let client = crate::mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, &[&describe, &status]);
        let aws = Aws::new(crate::testing::test_sdk_config()).with_client(client);
        let e = account_trails(&aws).await.unwrap_err().to_string();
        assert!(e.contains("did not say whether trail") && e.contains("is logging"), "{e}");
    }
}
