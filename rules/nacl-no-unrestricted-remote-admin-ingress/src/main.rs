#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(nacl_no_unrestricted_remote_admin_ingress::NaclNoUnrestrictedRemoteAdminIngress).await
}
