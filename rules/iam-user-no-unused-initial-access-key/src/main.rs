#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_user_no_unused_initial_access_key::IamUserNoUnusedInitialAccessKey).await
}
