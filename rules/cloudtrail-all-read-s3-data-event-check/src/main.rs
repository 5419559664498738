#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudtrail_all_read_s3_data_event_check::CloudTrailAllReadS3DataEventCheck).await
}
