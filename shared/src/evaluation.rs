//! The result of evaluating one resource, as AWS Config will show it.

use std::fmt;

/// The compliance types a custom rule may report (Config refuses `INSUFFICIENT_DATA` from
/// `PutEvaluations`, so it has no variant here: a rule that cannot decide returns an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Compliance {
    Compliant,
    NonCompliant,
    NotApplicable,
}

impl Compliance {
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Compliant => "COMPLIANT",
            Compliance::NonCompliant => "NON_COMPLIANT",
            Compliance::NotApplicable => "NOT_APPLICABLE",
        }
    }
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision about the resource of a configuration item: what a change rule returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub compliance: Compliance,
    /// What is wrong and how to fix it (or why it is fine); empty means no annotation.
    pub annotation: String,
}

impl Verdict {
    pub fn compliant(annotation: impl Into<String>) -> Self {
        Verdict { compliance: Compliance::Compliant, annotation: annotation.into() }
    }

    pub fn non_compliant(annotation: impl Into<String>) -> Self {
        Verdict { compliance: Compliance::NonCompliant, annotation: annotation.into() }
    }

    pub fn not_applicable(annotation: impl Into<String>) -> Self {
        Verdict { compliance: Compliance::NotApplicable, annotation: annotation.into() }
    }

    /// The evaluation of a given resource with this verdict.
    pub fn on(self, resource_type: impl Into<String>, resource_id: impl Into<String>) -> Evaluation {
        Evaluation {
            resource_type: resource_type.into(),
            resource_id: resource_id.into(),
            compliance: self.compliance,
            annotation: self.annotation,
        }
    }
}

/// One evaluation to report. The runner adds the ordering timestamp and the result token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub resource_type: String,
    pub resource_id: String,
    pub compliance: Compliance,
    pub annotation: String,
}

impl Evaluation {
    pub fn compliant(
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
        annotation: impl Into<String>,
    ) -> Self {
        Verdict::compliant(annotation).on(resource_type, resource_id)
    }

    pub fn non_compliant(
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
        annotation: impl Into<String>,
    ) -> Self {
        Verdict::non_compliant(annotation).on(resource_type, resource_id)
    }

    pub fn not_applicable(
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
        annotation: impl Into<String>,
    ) -> Self {
        Verdict::not_applicable(annotation).on(resource_type, resource_id)
    }

    /// The annotation as Config accepts it: absent when empty, at most 256 characters.
    pub fn config_annotation(&self) -> Option<String> {
        truncate_annotation(&self.annotation)
    }
}

/// The largest annotation `PutEvaluations` accepts, in characters.
pub const MAX_ANNOTATION_CHARS: usize = 256;
const TRUNCATION_MARKER: &str = " [truncated]";

/// Trims an annotation, drops it when empty, and cuts it to 256 characters with a marker.
pub fn truncate_annotation(annotation: &str) -> Option<String> {
    let annotation = annotation.trim();
    if annotation.is_empty() {
        return None;
    }
    if annotation.chars().count() <= MAX_ANNOTATION_CHARS {
        return Some(annotation.to_owned());
    }
    let keep = MAX_ANNOTATION_CHARS - TRUNCATION_MARKER.chars().count();
    let mut cut: String = annotation.chars().take(keep).collect();
    cut.truncate(cut.trim_end().len());
    cut.push_str(TRUNCATION_MARKER);
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_annotations_are_omitted() {
        assert_eq!(truncate_annotation(""), None);
        assert_eq!(truncate_annotation("  \n"), None);
    }

    #[test]
    fn short_annotations_are_kept() {
        assert_eq!(truncate_annotation(" ok "), Some("ok".to_owned()));
        let exactly = "a".repeat(256);
        assert_eq!(truncate_annotation(&exactly), Some(exactly));
    }

    #[test]
    fn long_annotations_are_cut_to_256_characters_with_a_marker() {
        let cut = truncate_annotation(&"é".repeat(300)).unwrap();
        assert_eq!(cut.chars().count(), 256);
        assert!(cut.ends_with(" [truncated]"));
        let spaced = truncate_annotation(&format!("{} {}", "a".repeat(243), "b".repeat(100))).unwrap();
        assert!(spaced.chars().count() <= 256);
        assert!(spaced.ends_with("a [truncated]"));
    }
}
