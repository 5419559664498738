#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloud_trail_log_file_validation_enabled::CloudTrailLogFileValidationEnabled).await
}
