#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(mfa_enabled_for_iam_console_access::MfaEnabledForIamConsoleAccess).await
}
