#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(s3_account_level_public_access_blocks_periodic::S3AccountLevelPublicAccessBlocksPeriodic).await
}
