#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(multi_region_cloudtrail_enabled::MultiRegionCloudTrailEnabled).await
}
