#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(ec2_ebs_encryption_by_default::Ec2EbsEncryptionByDefault).await
}
