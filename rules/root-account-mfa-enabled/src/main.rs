#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(root_account_mfa_enabled::RootAccountMfaEnabled).await
}
