#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(iam_user_no_policies_check::IamUserNoPoliciesCheck).await
}
