#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(iam_server_certificate_expiration_check::IamServerCertificateExpirationCheck).await
}
