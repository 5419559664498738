#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_periodic(account_part_of_organizations::AccountPartOfOrganizations).await
}
