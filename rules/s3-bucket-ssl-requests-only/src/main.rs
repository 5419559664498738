#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(s3_bucket_ssl_requests_only::S3BucketSslRequestsOnly).await
}
