#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_user_unused_credentials_check::IamUserUnusedCredentialsCheck).await
}
