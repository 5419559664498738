#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(ec2_instance_iam_role_attached::Ec2InstanceIamRoleAttached).await
}
