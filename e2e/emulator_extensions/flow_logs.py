"""AWS::EC2::FlowLog in Config's inventory, built from moto's EC2 state."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory
from emulator_extensions.vpcs import tag_list, tag_map


class FlowLogs(InventoryQuery):
    """AWS::EC2::FlowLog in Config's inventory, from moto's EC2 state (flow logs on VPCs,
    subnets and network interfaces alike; ``resourceId`` says which)."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for log in self.backends[account_id][region].describe_flow_logs():
            configuration = {
                "creationTime": log.creation_time.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "deliverLogsErrorMessage": log.deliver_logs_error_message,
                "deliverLogsPermissionArn": log.deliver_logs_permission_arn,
                "deliverLogsStatus": log.deliver_logs_status,
                "flowLogId": log.id,
                "flowLogStatus": log.flow_log_status,
                "logDestination": log.log_destination,
                "logDestinationType": log.log_destination_type,
                "logFormat": log.log_format,
                "logGroupName": log.log_group_name,
                "maxAggregationInterval": log.max_aggregation_interval,
                "resourceId": log.resource_id,
                "tags": tag_list(log),
                "trafficType": log.traffic_type,
            }
            arn = f"arn:aws:ec2:{region}:{account_id}:vpc-flow-log/{log.id}"
            out.append((log.id, None, config_item(account_id, region, "AWS::EC2::FlowLog", log.id, None, arn, configuration, tags=tag_map(log))))
        return out


def install() -> None:
    register_inventory("AWS::EC2::FlowLog", FlowLogs(ec2_backends))
