//! A small YAML writer for the generated templates: block style, long-form intrinsic functions
//! (`{"Fn::Sub": …}`), strings quoted whenever a YAML reader could take them for something else.

use serde_json::Value;

/// The document as YAML text (with a trailing newline).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (key, value) in map {
        indent(out, level);
        out.push_str(&string(key, level));
        out.push(':');
        write_value(out, value, level);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry on the dash line, the rest aligned under it.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        indent(out, level + 2);
                    }
                    out.push_str(&string(key, level + 2));
                    out.push(':');
                    write_value(out, value, level + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, level + 2));
                out.push('\n');
            }
        }
    }
}

/// Collections up to this long (as flow text) are written on one line: `[a, {Ref: b}]`.
const FLOW_WIDTH: usize = 72;

/// A collection in flow style, when it is short and holds nothing multi-line.
fn flow(value: &Value) -> Option<String> {
    let text = match value {
        Value::Array(items) => format!("[{}]", items.iter().map(flow).collect::<Option<Vec<_>>>()?.join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| Some(format!("{}: {}", flow_string(k)?, flow(v)?)))
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        ),
        Value::String(s) => flow_string(s)?,
        other => scalar(other, 0),
    };
    (text.len() <= FLOW_WIDTH).then_some(text)
}

fn flow_string(s: &str) -> Option<String> {
    if s.contains('\n') {
        return None;
    }
    let plain = is_plain(s) && !s.contains([',', '[', ']', '{', '}']);
    Some(if plain { s.to_owned() } else { serde_json::to_string(s).ok()? })
}

/// After `key:`: a nested block on the next lines, or a scalar on the same line.
fn write_value(out: &mut String, value: &Value, level: usize) {
    let collection = matches!(value, Value::Array(items) if !items.is_empty())
        || matches!(value, Value::Object(map) if !map.is_empty());
    if collection && let Some(text) = flow(value).filter(|t| level + t.len() <= 100) {
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, level + 2));
            out.push('\n');
        }
    }
}

fn scalar(value: &Value, level: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, level),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string: plain when unambiguous, a literal block for multi-line text, else double-quoted.
fn string(s: &str, level: usize) -> String {
    if s.contains('\n') && !s.contains('\r') && !s.starts_with(' ') {
        let mut block = String::from(if s.ends_with('\n') { "|" } else { "|-" });
        for line in s.lines() {
            block.push('\n');
            if !line.is_empty() {
                block.extend(std::iter::repeat_n(' ', level));
                block.push_str(line);
            }
        }
        return block;
    }
    if is_plain(s) { s.to_owned() } else { serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")) }
}

const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];

fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let looks_like_number = s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o");
    first.is_ascii_alphabetic()
        && !looks_like_number
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " _-./:()*,'<>=@+".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_sequences_and_quoting() {
        let doc = json!({
            "Parameters": {"Flag": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"]}},
            "Resources": {"Rule": {"Properties": {
                "Name": "restricted-ssh",
                "Arn": {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${LambdaAccountId}:function:cfg-x"},
                "Details": [{"EventSource": "aws.config", "MessageType": "ScheduledNotification"}],
                "Empty": "",
                "Number": "14",
                "Colon": "a: b",
                "Body": "line 1\nline 2\n"
            }}}
        });
        let expected = "\
Parameters:
  Flag: {Type: String, Default: \"true\", AllowedValues: [\"true\", \"false\"]}
Resources:
  Rule:
    Properties:
      Name: restricted-ssh
      Arn:
        Fn::Sub: \"arn:${AWS::Partition}:lambda:${AWS::Region}:${LambdaAccountId}:function:cfg-x\"
      Details: [{EventSource: aws.config, MessageType: ScheduledNotification}]
      Empty: \"\"
      Number: \"14\"
      Colon: \"a: b\"
      Body: |
        line 1
        line 2
";
        assert_eq!(to_yaml(&doc), expected);
    }
}
