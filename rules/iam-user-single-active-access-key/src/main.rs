#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_user_single_active_access_key::IamUserSingleActiveAccessKey).await
}
