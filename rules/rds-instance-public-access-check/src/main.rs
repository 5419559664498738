#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(rds_instance_public_access_check::RdsInstancePublicAccessCheck).await
}
