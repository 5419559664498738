#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(account_contact_details_configured::AccountContactDetailsConfigured).await
}
