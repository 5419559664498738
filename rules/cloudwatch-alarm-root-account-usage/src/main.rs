#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudwatch_alarm_root_account_usage::CloudWatchAlarmRootAccountUsage).await
}
