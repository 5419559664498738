#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_user_centralized_management_check::IamUserCentralizedManagementCheck).await
}
