#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(cmk_backing_key_rotation_enabled::CmkBackingKeyRotationEnabled).await
}
