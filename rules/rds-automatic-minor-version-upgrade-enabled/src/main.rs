#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(rds_automatic_minor_version_upgrade_enabled::RdsAutomaticMinorVersionUpgradeEnabled).await
}
