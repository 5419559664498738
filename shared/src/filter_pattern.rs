//! CloudWatch Logs filter patterns: parsing, and deciding whether one pattern catches every event
//! another catches.
