#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudwatch_alarm_s3_bucket_policy_changes::CloudWatchAlarmS3BucketPolicyChanges).await
}
