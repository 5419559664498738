#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(vpc_default_security_group_closed::VpcDefaultSecurityGroupClosed).await
}
