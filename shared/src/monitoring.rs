//! The CIS section 4 monitoring chain: trail → log group → metric filter → alarm → subscribed topic.
