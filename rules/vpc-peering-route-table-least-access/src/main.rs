#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), shared::LambdaError> {
    shared::run_change(vpc_peering_route_table_least_access::VpcPeeringRouteTableLeastAccess).await
}
