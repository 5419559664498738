#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(config_recorder_enabled_all_regions::ConfigRecorderEnabledAllRegions).await
}
