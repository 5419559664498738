//! The Lambda event AWS Config sends to a custom rule.
//!
//! `invokingEvent` and `ruleParameters` are JSON *strings* inside the event; `invokingEvent`
//! carries one of four message types. Change and scheduled notifications (and oversized change
//! notifications, whose item the runner fetches) are evaluated; snapshot-delivery and unknown
//! message types are reported as [`Event::Unsupported`], never guessed at.

use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

use crate::ci::{ConfigurationItem, ItemStatus, kind_of};
use crate::time::parse_timestamp;

/// A parsed Config rule invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Evaluate(Box<ConfigEvent>),
    /// A message type this product does not evaluate (`ConfigurationSnapshotDeliveryCompleted`
    /// or one AWS may add later). Nothing is reported for it.
    Unsupported {
        message_type: String,
    },
}

/// An invocation that asks for an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigEvent {
    pub message: Message,
    /// The raw `ruleParameters` string (validated later against the rule's declared parameters).
    pub rule_parameters: Option<String>,
    pub result_token: String,
    pub event_left_scope: bool,
    pub config_rule_name: Option<String>,
    pub config_rule_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// The account that owns the rule (and whose resources are evaluated).
    pub account_id: Option<String>,
}

impl ConfigEvent {
    /// `TESTMODE` as result token asks for `PutEvaluations` in test mode (nothing is stored).
    pub fn test_mode(&self) -> bool {
        self.result_token == "TESTMODE"
    }

    /// The account evaluated: the scheduled notification's `awsAccountId`, the item's account, or
    /// the event's `accountId`.
    pub fn evaluated_account(&self) -> Option<&str> {
        let from_message = match &self.message {
            Message::Scheduled { account_id, .. } => account_id.as_deref(),
            Message::Change { item, .. } => item.account_id.as_deref(),
            Message::Oversized { summary } => summary.account_id.as_deref(),
        };
        from_message.or(self.account_id.as_deref())
    }

    /// The partition of the rule (`aws`, `aws-cn`, `aws-us-gov`), from its ARN.
    pub fn partition(&self) -> &str {
        self.config_rule_arn.as_deref().and_then(|arn| arn.split(':').nth(1)).filter(|p| !p.is_empty()).unwrap_or("aws")
    }
}

/// The `invokingEvent` of an evaluated message type.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// `ConfigurationItemChangeNotification`: the item is in the event.
    Change { item: Box<ConfigurationItem>, notification_time: Option<DateTime> },
    /// `OversizedConfigurationItemChangeNotification`: only a summary; the item must be fetched.
    Oversized { summary: ItemSummary },
    /// `ScheduledNotification`: a periodic run.
    Scheduled { account_id: Option<String>, notification_time: DateTime },
}

/// `configurationItemSummary` of an oversized change notification.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSummary {
    pub resource_type: String,
    pub resource_id: String,
    pub status: ItemStatus,
    pub capture_time: DateTime,
    pub account_id: Option<String>,
}

/// A malformed event. The message names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError(pub String);

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EventError {}

fn err<T>(message: impl Into<String>) -> Result<T, EventError> {
    Err(EventError(message.into()))
}

/// Parses a Lambda event from AWS Config.
pub fn parse_event(event: &Value) -> Result<Event, EventError> {
    let Some(top) = event.as_object() else {
        return err(format!("the event must be a JSON object, got {}", kind_of(event)));
    };
    let invoking_text = match top.get("invokingEvent") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return err(format!("event.invokingEvent must be a JSON string, got {}", kind_of(other)));
        }
        None => return err("event.invokingEvent is missing"),
    };
    let invoking: Value = serde_json::from_str(invoking_text)
        .map_err(|e| EventError(format!("event.invokingEvent is not valid JSON: {e}")))?;
    let Some(invoking) = invoking.as_object() else {
        return err(format!("event.invokingEvent must hold a JSON object, got {}", kind_of(&invoking)));
    };
    let message_type = match invoking.get("messageType") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return err(format!("invokingEvent.messageType must be a string, got {}", kind_of(other)));
        }
        None => return err("invokingEvent.messageType is missing"),
    };
    let message = match message_type {
        "ConfigurationItemChangeNotification" => parse_change(invoking)?,
        "OversizedConfigurationItemChangeNotification" => parse_oversized(invoking)?,
        "ScheduledNotification" => parse_scheduled(invoking)?,
        other => {
            return Ok(Event::Unsupported { message_type: other.to_owned() });
        }
    };
    let text = |key: &str| -> Result<Option<String>, EventError> {
        match top.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => err(format!("event.{key} must be a string, got {}", kind_of(other))),
        }
    };
    let result_token = match text("resultToken")? {
        Some(token) if !token.is_empty() => token,
        _ => return err("event.resultToken is missing: without it no result can be reported"),
    };
    let event_left_scope = match top.get("eventLeftScope") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        Some(other) => {
            return err(format!("event.eventLeftScope must be a boolean, got {other}"));
        }
    };
    Ok(Event::Evaluate(Box::new(ConfigEvent {
        message,
        rule_parameters: text("ruleParameters")?,
        result_token,
        event_left_scope,
        config_rule_name: text("configRuleName")?,
        config_rule_arn: text("configRuleArn")?,
        execution_role_arn: text("executionRoleArn")?,
        account_id: text("accountId")?,
    })))
}

fn optional_time(obj: &Map<String, Value>, key: &str) -> Result<Option<DateTime>, EventError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => parse_timestamp(v).map(Some).map_err(|e| EventError(format!("invokingEvent.{key}: {e}"))),
    }
}

fn parse_change(invoking: &Map<String, Value>) -> Result<Message, EventError> {
    let item = match invoking.get("configurationItem") {
        Some(item) if !item.is_null() => item,
        _ => return err("invokingEvent.configurationItem is missing"),
    };
    let item = ConfigurationItem::from_json(item).map_err(|e| EventError(format!("invokingEvent: {e}")))?;
    Ok(Message::Change {
        item: Box::new(item),
        notification_time: optional_time(invoking, "notificationCreationTime")?,
    })
}

fn parse_oversized(invoking: &Map<String, Value>) -> Result<Message, EventError> {
    let Some(summary) = invoking.get("configurationItemSummary").and_then(Value::as_object) else {
        return err("invokingEvent.configurationItemSummary is missing or not an object");
    };
    let field = |key: &str| -> Result<String, EventError> {
        match summary.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => err(format!("invokingEvent.configurationItemSummary.{key} is missing or not a string")),
        }
    };
    let status_text = field("configurationItemStatus")?;
    let status = ItemStatus::parse(&status_text).ok_or_else(|| {
        EventError(format!(
            "invokingEvent.configurationItemSummary.configurationItemStatus {status_text:?} is not a known status"
        ))
    })?;
    let capture_time = match summary.get("configurationItemCaptureTime") {
        Some(v) => parse_timestamp(v).map_err(|e| {
            EventError(format!("invokingEvent.configurationItemSummary.configurationItemCaptureTime: {e}"))
        })?,
        None => {
            return err("invokingEvent.configurationItemSummary.configurationItemCaptureTime is missing");
        }
    };
    Ok(Message::Oversized {
        summary: ItemSummary {
            resource_type: field("resourceType")?,
            resource_id: field("resourceId")?,
            status,
            capture_time,
            account_id: summary.get("awsAccountId").and_then(Value::as_str).map(str::to_owned),
        },
    })
}

fn parse_scheduled(invoking: &Map<String, Value>) -> Result<Message, EventError> {
    let Some(notification_time) = optional_time(invoking, "notificationCreationTime")? else {
        return err(
            "invokingEvent.notificationCreationTime is missing: a periodic evaluation needs it as its timestamp",
        );
    };
    let account_id = invoking.get("awsAccountId").and_then(Value::as_str).map(str::to_owned);
    Ok(Message::Scheduled { account_id, notification_time })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(invoking: Value) -> Value {
        json!({
            "invokingEvent": invoking.to_string(),
            "ruleParameters": "{}",
            "resultToken": "token",
            "eventLeftScope": false,
            "configRuleArn": "arn:aws-us-gov:config:us-gov-west-1:123456789012:config-rule/config-rule-abc",
            "configRuleName": "restricted-ssh",
            "accountId": "123456789012",
        })
    }

    fn scheduled() -> Value {
        json!({"awsAccountId": "210987654321", "notificationCreationTime": "2026-11-20T10:00:00.000Z", "messageType": "ScheduledNotification", "recordVersion": "1.0"})
    }

    #[test]
    fn scheduled_notification() {
        let Event::Evaluate(e) = parse_event(&event(scheduled())).unwrap() else { panic!() };
        assert!(matches!(e.message, Message::Scheduled { .. }));
        assert_eq!(e.evaluated_account(), Some("210987654321"));
        assert_eq!(e.partition(), "aws-us-gov");
        assert!(!e.test_mode());
    }

    #[test]
    fn snapshot_delivery_and_unknown_types_are_unsupported() {
        let snapshot = json!({"configSnapshotId": "x", "s3ObjectKey": "k", "s3Bucket": "b", "notificationCreationTime": "2016-02-24T18:23:20.328Z", "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"});
        assert_eq!(
            parse_event(&event(snapshot)).unwrap(),
            Event::Unsupported { message_type: "ConfigurationSnapshotDeliveryCompleted".into() }
        );
        assert_eq!(
            parse_event(&event(json!({"messageType": "SomethingNew"}))).unwrap(),
            Event::Unsupported { message_type: "SomethingNew".into() }
        );
    }

    #[test]
    fn oversized_summary() {
        let Event::Evaluate(e) = parse_event(&event(json!({
            "configurationItemSummary": {"changeType": "UPDATE", "configurationItemCaptureTime": "2026-11-20T10:00:00.000Z", "configurationStateId": 0, "awsAccountId": "123456789012", "configurationItemStatus": "OK", "resourceType": "AWS::S3::Bucket", "resourceId": "b"},
            "messageType": "OversizedConfigurationItemChangeNotification"
        })))
        .unwrap() else { panic!() };
        let Message::Oversized { summary } = e.message else { panic!() };
        assert_eq!(summary.resource_id, "b");
    }

    #[test]
    fn malformed_events_name_the_problem() {
        let cases = [
            (json!([]), "must be a JSON object"),
            (json!({}), "invokingEvent is missing"),
            (json!({"invokingEvent": {"messageType": "x"}}), "must be a JSON string"),
            (json!({"invokingEvent": "{not json"}), "not valid JSON"),
            (json!({"invokingEvent": "[]"}), "must hold a JSON object"),
            (json!({"invokingEvent": "{}"}), "messageType is missing"),
            (json!({"invokingEvent": "{\"messageType\":7}"}), "messageType must be a string"),
            (json!({"invokingEvent": scheduled().to_string()}), "resultToken is missing"),
            (
                json!({"invokingEvent": "{\"messageType\":\"ScheduledNotification\"}", "resultToken": "t"}),
                "notificationCreationTime is missing",
            ),
            (
                json!({"invokingEvent": "{\"messageType\":\"ConfigurationItemChangeNotification\"}", "resultToken": "t"}),
                "configurationItem is missing",
            ),
            (
                json!({"invokingEvent": "{\"messageType\":\"OversizedConfigurationItemChangeNotification\"}", "resultToken": "t"}),
                "configurationItemSummary is missing",
            ),
            (
                json!({"invokingEvent": scheduled().to_string(), "resultToken": "t", "eventLeftScope": "maybe"}),
                "eventLeftScope must be a boolean",
            ),
            (
                json!({"invokingEvent": scheduled().to_string(), "resultToken": "t", "ruleParameters": {}}),
                "ruleParameters must be a string",
            ),
        ];
        for (input, expected) in cases {
            let e = parse_event(&input).unwrap_err();
            assert!(e.0.contains(expected), "{input}: {e}");
        }
    }

    #[test]
    fn test_mode_token() {
        let mut e = event(scheduled());
        e["resultToken"] = json!("TESTMODE");
        let Event::Evaluate(e) = parse_event(&e).unwrap() else { panic!() };
        assert!(e.test_mode());
    }
}
