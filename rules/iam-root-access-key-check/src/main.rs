#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_root_access_key_check::IamRootAccessKeyCheck).await
}
