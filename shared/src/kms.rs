//! KMS key references as rules receive them: in parameters (a key id or key ARN the customer
//! requires) and in configuration items (the key a resource is encrypted with).

use crate::params::{ParamError, Parameters};

/// An optional parameter naming a KMS key by id or ARN. An alias is rejected, because an alias
/// can be moved to another key and a verdict against it would not mean what the customer meant.
pub fn key_param(params: &Parameters, name: &str) -> Result<Option<String>, ParamError> {
    let key = params.opt_string(name)?.map(str::to_owned);
    if let Some(key) = &key
        && (key.starts_with("alias/") || key.contains(":alias/"))
    {
        return Err(ParamError::new(
            name,
            format!("{key:?} is an alias; give the key id or key ARN (aliases can be moved to other keys)"),
        ));
    }
    Ok(key)
}

/// Whether `key` (as a configuration item records it) is the key `wanted` names: two ARNs must be
/// equal; otherwise the key ids are compared (ids are UUIDs, compared without letter case).
pub fn same_key(wanted: &str, key: &str) -> bool {
    if wanted.starts_with("arn:") && key.starts_with("arn:") {
        wanted == key
    } else {
        key_id(wanted).eq_ignore_ascii_case(key_id(key))
    }
}

/// The key id of a key ARN (`…:key/<id>`), or the text itself.
pub fn key_id(key: &str) -> &str {
    key.rsplit_once(":key/").map_or(key, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ParamSpec;

    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const SPECS: &[ParamSpec] = &[ParamSpec::string("kmsKeyId", None, "key")];

    fn param(raw: &str) -> Result<Option<String>, ParamError> {
        key_param(&Parameters::parse(Some(raw), SPECS).unwrap(), "kmsKeyId")
    }

    #[test]
    fn key_parameters_take_ids_and_arns_but_not_aliases() {
        assert_eq!(param("{}").unwrap(), None);
        assert_eq!(param(&format!(r#"{{"kmsKeyId": "{ARN}"}}"#)).unwrap().as_deref(), Some(ARN));
        for alias in ["alias/data", "arn:aws:kms:us-east-1:123456789012:alias/data"] {
            let error = param(&format!(r#"{{"kmsKeyId": "{alias}"}}"#)).unwrap_err();
            assert!(error.to_string().contains("kmsKeyId") && error.to_string().contains("is an alias"), "{error}");
        }
    }

    #[test]
    fn keys_match_by_arn_or_by_id() {
        assert!(same_key(ARN, ARN));
        assert!(same_key("1234ABCD-12ab-34cd-56ef-1234567890ab", ARN));
        assert!(same_key(ARN, "1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(!same_key(ARN, &ARN.replace("us-east-1", "eu-west-1")));
        assert!(!same_key("other-id", ARN));
        assert_eq!(key_id(ARN), "1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(key_id("plain"), "plain");
    }
}
