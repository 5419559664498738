#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_external_access_analyzer_enabled::IamExternalAccessAnalyzerEnabled).await
}
