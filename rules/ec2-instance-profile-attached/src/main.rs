#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(ec2_instance_profile_attached::Ec2InstanceProfileAttached).await
}
