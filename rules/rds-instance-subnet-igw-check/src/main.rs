#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(rds_instance_subnet_igw_check::RdsInstanceSubnetIgwCheck).await
}
