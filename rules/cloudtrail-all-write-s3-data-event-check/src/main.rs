#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(cloudtrail_all_write_s3_data_event_check::CloudTrailAllWriteS3DataEventCheck).await
}
