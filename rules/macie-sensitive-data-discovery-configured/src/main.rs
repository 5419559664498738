#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(macie_sensitive_data_discovery_configured::MacieSensitiveDataDiscoveryConfigured).await
}
