#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(security_account_information_provided::SecurityAccountInformationProvided).await
}
