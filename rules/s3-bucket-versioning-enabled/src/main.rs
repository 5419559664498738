#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(s3_bucket_versioning_enabled::S3BucketVersioningEnabled).await
}
