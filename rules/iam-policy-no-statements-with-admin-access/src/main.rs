#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(iam_policy_no_statements_with_admin_access::IamPolicyNoStatementsWithAdminAccess).await
}
