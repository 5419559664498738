#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(rds_multi_az_support::RdsMultiAzSupport).await
}
