"""End to end: the networking rules (CIS 3.7, 5.1.2 and 5.2-5.7), as real binaries against the
emulator, verdicts read from the PutEvaluations calls as they arrived.

moto's Config inventory knows no EC2 types; ``emulator_extensions/`` serves VPCs, flow logs,
network ACLs, route tables, instances (and security groups) from moto's EC2 state in Config's
API shape, so the hybrid rules' sweeps and the flow-log rule's inventory join run for real.

What moto cannot model, and the rules' fixture tests cover instead: an IMDS change still being
applied (``MetadataOptions.State`` ``pending``), a flow log that is not ``ACTIVE``, and the IPv6
entries real AWS adds to a default network ACL.
"""

from __future__ import annotations

from typing import Any

import pytest

import account
from account import change_event, oversized_event, recorded_item, scheduled_event, token

SG = "AWS::EC2::SecurityGroup"
ACL = "AWS::EC2::NetworkAcl"
RTB = "AWS::EC2::RouteTable"
INSTANCE = "AWS::EC2::Instance"
VPC = "AWS::EC2::VPC"
AMI = "ami-12c6146b"
CIS_5_3 = {"restrictPorts": "22,3389", "protocolType": "ALL", "ipType": "IPv4"}
CIS_5_4 = {"restrictPorts": "22,3389", "protocolType": "ALL", "ipType": "IPv6"}
CIS_5_1_2 = {"restrictPorts": "445", "protocolType": "ALL", "ipType": "ALL"}


@pytest.fixture
def ec2(emulator: Any) -> Any:
    """An empty account (moto's default VPC only) and an EC2 client for it."""
    emulator.reset()
    return account.client(emulator.url, "ec2")


def record_everything(emulator: Any) -> None:
    """A configuration recorder that records every supported type, as in an account that runs the
    CIS pack."""
    account.client(emulator.url, "config").put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{account.ACCOUNT}:role/config", "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}
    )


def sent(emulator: Any, result_token: str, resource_type: str) -> dict[str, tuple[str, str]]:
    """resource id → (compliance, annotation), from every PutEvaluations sent with the token."""
    out: dict[str, tuple[str, str]] = {}
    for call in emulator.wire(result_token):
        for e in call["evaluations"]:
            assert e["ComplianceResourceType"] == resource_type, e
            out[e["ComplianceResourceId"]] = (e["ComplianceType"], e.get("Annotation", ""))
    return out


def sweep(emulator: Any, invoke: Any, rule: str, resource_type: str, params: dict[str, str] | None = None, name: str | None = None) -> tuple[dict[str, tuple[str, str]], Any]:
    """A scheduled run of the Config rule ``name`` (default: the rule) backed by ``rule``'s binary."""
    name = name or rule
    t = token(name)
    result = invoke(rule, scheduled_event(name, t, params=params))
    assert result.ok, result.error_message
    return sent(emulator, t, resource_type), result


def on_change(emulator: Any, invoke: Any, rule: str, resource_type: str, resource_id: str, params: dict[str, str] | None = None) -> tuple[str, str]:
    """The verdict on one recorded resource, from a change notification carrying its item."""
    t = token(rule)
    result = invoke(rule, change_event(rule, recorded_item(emulator.url, resource_type, resource_id), t, params=params))
    assert result.ok, result.error_message
    return sent(emulator, t, resource_type)[resource_id]


def new_vpc(ec2: Any, cidr: str) -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def default_vpc(ec2: Any) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


# ------------------------------------------------------------------------------ CIS 3.7


def test_vpc_flow_logs_are_joined_to_their_vpcs(emulator, ec2, invoke):
    rule = "vpc-flow-logs-enabled"
    record_everything(emulator)
    s3 = account.client(emulator.url, "s3")
    s3.create_bucket(Bucket="flow-log-archive")
    bucket = "arn:aws:s3:::flow-log-archive"
    rejected, accepted, subnet_only, failing = (new_vpc(ec2, f"10.{n}.0.0/16") for n in (1, 2, 3, 4))
    subnet = ec2.create_subnet(VpcId=subnet_only, CidrBlock="10.3.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[rejected], TrafficType="REJECT", LogDestinationType="s3", LogDestination=bucket)
    ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[accepted], TrafficType="ACCEPT", LogDestinationType="s3", LogDestination=bucket)
    ec2.create_flow_logs(ResourceType="Subnet", ResourceIds=[subnet], TrafficType="ALL", LogDestinationType="s3", LogDestination=bucket)
    # A CloudWatch Logs destination whose log group does not exist: moto reports delivery FAILED.
    ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[failing], TrafficType="ALL", LogGroupName="missing-group", DeliverLogsPermissionArn=f"arn:aws:iam::{account.ACCOUNT}:role/flow-logs")

    cis, _ = sweep(emulator, invoke, rule, VPC, params={"trafficType": "REJECT"})
    assert cis[rejected][0] == "COMPLIANT"
    assert cis[accepted] == (
        "NON_COMPLIANT",
        f"VPC {accepted} has no active flow log recording REJECT traffic (found: {ec2.describe_flow_logs(Filters=[{'Name': 'resource-id', 'Values': [accepted]}])['FlowLogs'][0]['FlowLogId']} ACCEPT). Create a flow log on the VPC with traffic type REJECT or ALL.",
    )
    assert cis[subnet_only][0] == "NON_COMPLIANT" and "has no flow log" in cis[subnet_only][1]
    assert cis[failing][0] == "COMPLIANT" and "delivery is failing" in cis[failing][1]
    assert cis[default_vpc(ec2)][0] == "NON_COMPLIANT" and cis[default_vpc(ec2)][1].startswith("Default VPC")
    assert len(cis) == 5

    defaults, _ = sweep(emulator, invoke, rule, VPC)
    assert defaults[accepted][0] == "COMPLIANT"

    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=subnet_only)
    again, result = sweep(emulator, invoke, rule, VPC, params={"trafficType": "REJECT"})
    assert result.response["staleCleared"] == 1
    assert again[subnet_only][0] == "NOT_APPLICABLE" and len(again) == 5


@pytest.mark.parametrize("recorder", [None, {"allSupported": False, "resourceTypes": [VPC], "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}])
def test_vpc_flow_logs_need_both_types_recorded(emulator, ec2, invoke, recorder):
    rule = "vpc-flow-logs-enabled"
    if recorder:
        account.client(emulator.url, "config").put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{account.ACCOUNT}:role/config", "recordingGroup": recorder})
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t))
    assert result.error_type == "InvalidData"
    assert "does not record" in result.error_message and "AWS::EC2::FlowLog" in result.error_message
    assert (VPC in result.error_message) is (recorder is None)
    assert emulator.wire(t) == []


# ------------------------------------------------------------------------------ CIS 5.1.2, 5.3, 5.4


def test_port_restriction_check_serves_three_cis_rules(emulator, ec2, invoke):
    rule = "vpc-sg-port-restriction-check"
    vpc = default_vpc(ec2)

    def group(name: str, permissions: list[dict[str, Any]]) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=permissions)
        return gid

    rdp_v4 = group("rdp-v4", [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ssh_v6 = group("ssh-v6", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    smb = group("smb", [{"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    udp_all = group("udp-all", [{"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    private = group("private", [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])

    ipv4, _ = sweep(emulator, invoke, rule, SG, params=CIS_5_3)
    ipv6, _ = sweep(emulator, invoke, rule, SG, params=CIS_5_4, name="vpc-sg-port-restriction-check-ipv6")
    cifs, _ = sweep(emulator, invoke, rule, SG, params=CIS_5_1_2, name="vpc-sg-port-restriction-check-cifs")
    verdicts = {gid: (ipv4[gid][0], ipv6[gid][0], cifs[gid][0]) for gid in (rdp_v4, ssh_v6, smb, udp_all, private)}
    assert verdicts == {
        rdp_v4: ("NON_COMPLIANT", "COMPLIANT", "COMPLIANT"),
        ssh_v6: ("COMPLIANT", "NON_COMPLIANT", "COMPLIANT"),
        smb: ("COMPLIANT", "COMPLIANT", "NON_COMPLIANT"),
        udp_all: ("COMPLIANT", "NON_COMPLIANT", "NON_COMPLIANT"),
        private: ("COMPLIANT", "COMPLIANT", "COMPLIANT"),
    }
    assert "TCP 3389 from 0.0.0.0/0" in ipv4[rdp_v4][1]
    assert "UDP 0-65535 from ::/0" in cifs[udp_all][1] and "port 445" in cifs[udp_all][1]

    # Each Config rule keeps its own results; a change notification judges one group.
    ec2.revoke_security_group_ingress(GroupId=rdp_v4, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert on_change(emulator, invoke, rule, SG, rdp_v4, params=CIS_5_3)[0] == "COMPLIANT"
    config = account.client(emulator.url, "config")
    stored = config.get_compliance_details_by_config_rule(ConfigRuleName="vpc-sg-port-restriction-check-cifs", ComplianceTypes=["NON_COMPLIANT"], Limit=100)
    assert {r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] for r in stored["EvaluationResults"]} == {smb, udp_all}

    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"restrictPorts": "22,ssh"}))
    assert result.error_type == "InvalidParameterValueException" and "restrictPorts" in result.error_message
    assert emulator.wire(t) == []


# ------------------------------------------------------------------------------ CIS 5.2


def test_network_acls_with_the_managed_rule_and_the_literal_cis_rule(emulator, ec2, invoke):
    managed, literal = "nacl-no-unrestricted-ssh-rdp", "nacl-no-unrestricted-remote-admin-ingress"
    vpc = new_vpc(ec2, "10.20.0.0/16")
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]["NetworkAclId"]

    def acl(entries: list[dict[str, Any]]) -> str:
        acl_id = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for e in entries:
            ec2.create_network_acl_entry(NetworkAclId=acl_id, Egress=False, **e)
        return acl_id

    restricted = acl([
        {"RuleNumber": 100, "Protocol": "tcp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}},
        {"RuleNumber": 110, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "10.0.0.0/8", "PortRange": {"From": 22, "To": 22}},
        {"RuleNumber": 120, "Protocol": "tcp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 32768, "To": 65535}},
    ])
    udp_ssh = acl([{"RuleNumber": 100, "Protocol": "udp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}])
    shadowed = acl([
        {"RuleNumber": 90, "Protocol": "tcp", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 3389, "To": 3389}},
        {"RuleNumber": 100, "Protocol": "tcp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 1024, "To": 65535}},
    ])
    winrm = acl([{"RuleNumber": 100, "Protocol": "tcp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 5985, "To": 5986}}])

    by_managed, _ = sweep(emulator, invoke, managed, ACL)
    by_literal, _ = sweep(emulator, invoke, literal, ACL, params={"restrictPorts": "22,3389,5985,5986", "ipType": "IPv4"})
    verdicts = {a: (by_managed[a][0], by_literal[a][0]) for a in (default_acl, restricted, udp_ssh, shadowed, winrm)}
    assert verdicts == {
        default_acl: ("NON_COMPLIANT", "NON_COMPLIANT"),
        restricted: ("COMPLIANT", "COMPLIANT"),
        udp_ssh: ("COMPLIANT", "NON_COMPLIANT"),
        shadowed: ("NON_COMPLIANT", "NON_COMPLIANT"),
        winrm: ("COMPLIANT", "NON_COMPLIANT"),
    }
    assert f"{default_acl} (default ACL of {vpc})" in by_managed[default_acl][1]
    assert "rule 100 (all traffic from 0.0.0.0/0)" in by_managed[default_acl][1]
    assert "rule 100 (TCP 1024-65535 from 0.0.0.0/0)" in by_managed[shadowed][1]
    # moto's default network ACL of every VPC (and of the default VPC) is open, as in AWS.
    assert sum(v[0] == "NON_COMPLIANT" for v in by_managed.values()) == 3

    # Fixing the default ACL's rule 100 clears it on the next change notification.
    ec2.replace_network_acl_entry(NetworkAclId=default_acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
    assert on_change(emulator, invoke, managed, ACL, default_acl)[0] == "COMPLIANT"
    assert on_change(emulator, invoke, literal, ACL, default_acl)[0] == "COMPLIANT"

    ec2.delete_network_acl(NetworkAclId=winrm)
    _, result = sweep(emulator, invoke, literal, ACL, params={"restrictPorts": "22,3389,5985,5986", "ipType": "IPv4"})
    assert result.response["staleCleared"] == 1


# ------------------------------------------------------------------------------ CIS 5.5


def test_default_security_groups_must_be_closed(emulator, ec2, invoke):
    rule = "vpc-default-security-group-closed"
    vpc = new_vpc(ec2, "10.50.0.0/16")
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    new_default = next(g["GroupId"] for g in groups if g["VpcId"] == vpc)
    old_default = next(g["GroupId"] for g in groups if g["VpcId"] != vpc)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    for permission in ec2.describe_security_groups(GroupIds=[new_default])["SecurityGroups"][0]["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=new_default, IpPermissions=[permission])

    results, _ = sweep(emulator, invoke, rule, SG)
    assert results[new_default] == ("COMPLIANT", f"Default security group {new_default} of VPC {vpc} has no inbound or outbound rules.")
    assert results[old_default][0] == "NON_COMPLIANT"
    assert "no inbound rules and 1 outbound rule (all traffic)" in results[old_default][1]
    assert results[web][0] == "NOT_APPLICABLE"

    ec2.authorize_security_group_ingress(GroupId=new_default, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    compliance, annotation = on_change(emulator, invoke, rule, SG, new_default)
    assert compliance == "NON_COMPLIANT" and "1 inbound rule (TCP 443)" in annotation


# ------------------------------------------------------------------------------ CIS 5.6


def test_peering_routes_are_least_access(emulator, ec2, invoke):
    rule = "vpc-peering-route-table-least-access"
    here, peer = new_vpc(ec2, "10.60.0.0/16"), new_vpc(ec2, "10.61.0.0/16")
    pcx = ec2.create_vpc_peering_connection(VpcId=here, PeerVpcId=peer)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    narrow = ec2.create_route_table(VpcId=here)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=narrow, DestinationCidrBlock="10.61.4.0/24", VpcPeeringConnectionId=pcx)
    wide = ec2.create_route_table(VpcId=here)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=wide, DestinationCidrBlock="0.0.0.0/0", VpcPeeringConnectionId=pcx)
    whole_peer = ec2.create_route_table(VpcId=peer)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=whole_peer, DestinationCidrBlock="10.60.0.0/16", VpcPeeringConnectionId=pcx)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [here]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]

    results, _ = sweep(emulator, invoke, rule, RTB)
    assert results[narrow] == ("COMPLIANT", f"Route table {narrow} peering routes: 10.61.4.0/24 via {pcx}. Manual check: confirm the subnets using this table need each of them.")
    assert results[wide][0] == "NON_COMPLIANT" and f"0.0.0.0/0 via {pcx} (a default route)" in results[wide][1]
    assert results[whole_peer][0] == "COMPLIANT"
    assert results[main][0] == "NOT_APPLICABLE"

    strict, _ = sweep(emulator, invoke, rule, RTB, params={"minimumPrefixLength": "24", "authorizedRoutes": f"{pcx}=10.61.0.0/16, {pcx}=10.60.0.0/16"})
    assert strict[narrow][0] == "COMPLIANT"
    assert strict[whole_peer][0] == "NON_COMPLIANT" and f"10.60.0.0/16 via {pcx} (broader than /24)" in strict[whole_peer][1]

    t = token(rule)
    assert invoke(rule, oversized_event(rule, recorded_item(emulator.url, RTB, wide), t)).ok
    assert sent(emulator, t, RTB)[wide][0] == "NON_COMPLIANT"


# ------------------------------------------------------------------------------ CIS 5.7


def test_instances_must_require_imdsv2(emulator, ec2, invoke):
    rule = "ec2-imdsv2-check"

    def launch(**options: Any) -> str:
        kwargs: dict[str, Any] = {"MetadataOptions": options} if options else {}
        return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", **kwargs)["Instances"][0]["InstanceId"]

    required = launch(HttpTokens="required")
    legacy = launch()
    stopped = launch(HttpTokens="optional", HttpEndpoint="disabled")
    ec2.stop_instances(InstanceIds=[stopped])
    doomed = launch(HttpTokens="optional")

    results, _ = sweep(emulator, invoke, rule, INSTANCE)
    assert results[required] == ("COMPLIANT", f"Instance {required} requires IMDSv2 (HttpTokens required).")
    assert results[legacy][0] == "NON_COMPLIANT" and "accepts IMDSv1 (HttpTokens optional)" in results[legacy][1]
    assert results[stopped][0] == "NON_COMPLIANT" and "metadata endpoint disabled" in results[stopped][1]
    assert results[doomed][0] == "NON_COMPLIANT"

    ec2.modify_instance_metadata_options(InstanceId=legacy, HttpTokens="required")
    assert on_change(emulator, invoke, rule, INSTANCE, legacy)[0] == "COMPLIANT"

    ec2.terminate_instances(InstanceIds=[doomed])
    again, result = sweep(emulator, invoke, rule, INSTANCE)
    assert result.response["staleCleared"] == 1
    assert again[doomed][0] == "NOT_APPLICABLE"
    assert again[legacy][0] == "COMPLIANT"
