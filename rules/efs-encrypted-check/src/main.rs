#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(efs_encrypted_check::EfsEncryptedCheck).await
}
