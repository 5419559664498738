#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(vpc_flow_logs_enabled::VpcFlowLogsEnabled).await
}
