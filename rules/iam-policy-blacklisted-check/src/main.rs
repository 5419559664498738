#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(iam_policy_blacklisted_check::IamPolicyBlacklistedCheck).await
}
