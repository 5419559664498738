#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_attached_policy_no_full_admin::IamAttachedPolicyNoFullAdmin).await
}
