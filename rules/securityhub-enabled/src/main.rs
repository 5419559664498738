#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(securityhub_enabled::SecurityhubEnabled).await
}
