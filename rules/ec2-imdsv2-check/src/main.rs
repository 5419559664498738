#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(ec2_imdsv2_check::Ec2Imdsv2Check).await
}
