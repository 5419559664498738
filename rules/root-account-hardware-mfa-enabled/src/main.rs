#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(root_account_hardware_mfa_enabled::RootAccountHardwareMfaEnabled).await
}
