#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_root_user_no_recent_usage::IamRootUserNoRecentUsage).await
}
