#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudwatch_alarm_route_table_changes::CloudWatchAlarmRouteTableChanges).await
}
