#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloud_trail_encryption_enabled::CloudTrailEncryptionEnabled).await
}
