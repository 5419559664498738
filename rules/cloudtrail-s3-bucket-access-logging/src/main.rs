#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudtrail_s3_bucket_access_logging::CloudTrailS3BucketAccessLogging).await
}
