#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(vpc_sg_port_restriction_check::VpcSgPortRestrictionCheck).await
}
