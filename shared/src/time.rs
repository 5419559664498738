//! Timestamps as they appear in Config events, the Config API and the IAM credential report.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::Value;

/// Seconds in a day, for age computations.
pub const DAY: i64 = 86_400;

/// Parses an RFC 3339 timestamp (`Z` or a numeric offset; a space instead of `T` is accepted),
/// or epoch seconds given as a JSON number.
pub fn parse_timestamp(value: &Value) -> Result<DateTime, String> {
    match value {
        Value::String(text) => parse_rfc3339(text),
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && (0.0..1e11).contains(s))
            .map(DateTime::from_secs_f64)
            .ok_or_else(|| format!("{n} is not a valid epoch-seconds timestamp")),
        other => Err(format!("expected a timestamp, got {other}")),
    }
}

/// Parses an RFC 3339 timestamp such as `2026-11-20T10:00:00.123Z` or `2026-11-20T10:00:00+00:00`.
pub fn parse_rfc3339(text: &str) -> Result<DateTime, String> {
    let text = text.trim();
    let normalised;
    let text = if text.len() > 10 && text.is_char_boundary(10) && text.is_char_boundary(11) && &text[10..11] == " " {
        normalised = format!("{}T{}", &text[..10], &text[11..]);
        normalised.as_str()
    } else {
        text
    };
    DateTime::from_str(text, Format::DateTimeWithOffset)
        .map_err(|e| format!("{text:?} is not an RFC 3339 timestamp ({e})"))
}

/// Whole days from `earlier` to `later` (negative when `earlier` is after `later`).
pub fn days_between(earlier: DateTime, later: DateTime) -> i64 {
    (later.secs() - earlier.secs()).div_euclid(DAY)
}

/// A timestamp as `2026-11-20T10:00:00Z`, for annotations and logs.
pub fn format_rfc3339(t: DateTime) -> String {
    t.fmt(Format::DateTime).unwrap_or_else(|_| t.secs().to_string())
}

/// Only the date part, `2026-11-20`, for annotations.
pub fn format_date(t: DateTime) -> String {
    let full = format_rfc3339(t);
    full.get(..10).map(str::to_owned).unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_the_shapes_config_and_iam_use() {
        let z = parse_timestamp(&json!("2026-11-20T10:00:00.000Z")).unwrap();
        assert_eq!(parse_timestamp(&json!("2026-11-20T10:00:00+00:00")).unwrap(), z);
        assert_eq!(parse_timestamp(&json!("2026-11-20 10:00:00+00:00")).unwrap(), z);
        assert_eq!(parse_timestamp(&json!("2026-11-20T12:00:00+02:00")).unwrap(), z);
        assert_eq!(parse_timestamp(&json!(z.secs())).unwrap(), z);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in
            [json!("yesterday"), json!(""), json!("N/A"), json!(true), json!(-1), json!(1e300), json!("2026-11-2é")]
        {
            assert!(parse_timestamp(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_arithmetic() {
        let a = parse_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let b = parse_rfc3339("2026-01-31T23:59:59Z").unwrap();
        assert_eq!(days_between(a, b), 30);
        assert_eq!(days_between(b, a), -31);
        assert_eq!(format_date(b), "2026-01-31");
        assert_eq!(format_rfc3339(a), "2026-01-01T00:00:00Z");
    }
}
