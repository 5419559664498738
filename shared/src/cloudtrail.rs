//! CloudTrail trails as several rules see them: status, event selectors, management events.
