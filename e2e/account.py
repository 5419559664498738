"""A sample AWS account in the emulator, and the Lambda events AWS Config would send about it."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
MEMBER_ACCOUNT = "210987654321"
REGION = "us-east-1"
ROOT = Path(__file__).resolve().parent.parent


def binary(rule: str, profile: str = "debug") -> str:
    """A built rule binary (``target/<profile>/<rule>``)."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / profile / rule
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: build the rules first (cargo build --workspace --all-targets)")
    return str(path)


def rule_env(url: str) -> dict[str, str]:
    """The environment a rule binary gets: the standard SDK variables, pointing at the emulator."""
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "RUST_LOG": "info",
    }


def client(url: str, service: str, account: str = ACCOUNT) -> Any:
    """A boto3 client for the emulator, acting in ``account``."""
    c = boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    if account != ACCOUNT:
        c.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c


def token(rule: str) -> str:
    """A result token; the emulator files results under the rule named before the colon."""
    return f"{rule}:{uuid.uuid4().hex[:12]}"


def _iso(t: Any) -> str:
    if isinstance(t, datetime):
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return str(t)


def now_iso() -> str:
    return _iso(datetime.now(timezone.utc))


def _event(rule: str, invoking: dict[str, Any], result_token: str, params: dict[str, str] | None, account: str, left_scope: bool = False) -> dict[str, Any]:
    return {
        "version": "1.0",
        "invokingEvent": json.dumps(invoking),
        "ruleParameters": json.dumps(params or {}),
        "resultToken": result_token,
        "eventLeftScope": left_scope,
        "executionRoleArn": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "configRuleArn": f"arn:aws:config:{REGION}:{account}:config-rule/config-rule-{rule[:12]}",
        "configRuleName": rule,
        "configRuleId": f"config-rule-{rule[:12]}",
        "accountId": account,
    }


def scheduled_event(rule: str, result_token: str, params: dict[str, str] | None = None, account: str = ACCOUNT) -> dict[str, Any]:
    invoking = {"awsAccountId": account, "notificationCreationTime": now_iso(), "messageType": "ScheduledNotification", "recordVersion": "1.0"}
    return _event(rule, invoking, result_token, params, account)


def recorded_item(url: str, resource_type: str, resource_id: str) -> dict[str, Any]:
    """The item Config recorded for a resource, in the API shape (``GetResourceConfigHistory``)."""
    item = client(url, "config").get_resource_config_history(resourceType=resource_type, resourceId=resource_id, limit=1)["configurationItems"][0]
    return item


def notification_item(item: dict[str, Any]) -> dict[str, Any]:
    """API shape → the notification shape Config puts in change notifications."""
    supplementary = {k: json.loads(v) if isinstance(v, str) and v[:1] in "{[\"" else v for k, v in item.get("supplementaryConfiguration", {}).items()}
    return {
        "relatedEvents": [],
        "relationships": [{"resourceId": r.get("resourceId"), "resourceName": r.get("resourceName"), "resourceType": r.get("resourceType"), "name": r.get("relationshipName")} for r in item.get("relationships", [])],
        "configuration": json.loads(item["configuration"]) if item.get("configuration") else None,
        "supplementaryConfiguration": supplementary,
        "tags": item.get("tags", {}),
        "configurationItemVersion": item.get("version", "1.3"),
        "configurationItemCaptureTime": _iso(item["configurationItemCaptureTime"]),
        "configurationStateId": int(item.get("configurationStateId") or 0),
        "awsAccountId": item["accountId"],
        "configurationItemStatus": item["configurationItemStatus"],
        "resourceType": item["resourceType"],
        "resourceId": item["resourceId"],
        "resourceName": item.get("resourceName"),
        "ARN": item.get("arn"),
        "awsRegion": item.get("awsRegion", REGION),
        "availabilityZone": item.get("availabilityZone"),
        "configurationStateMd5Hash": "",
    }


def change_event(rule: str, item: dict[str, Any], result_token: str, params: dict[str, str] | None = None, left_scope: bool = False) -> dict[str, Any]:
    """A ``ConfigurationItemChangeNotification`` carrying a recorded item."""
    invoking = {
        "configurationItemDiff": None,
        "configurationItem": notification_item(item),
        "notificationCreationTime": now_iso(),
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3",
    }
    return _event(rule, invoking, result_token, params, item["accountId"], left_scope)


def oversized_event(rule: str, item: dict[str, Any], result_token: str) -> dict[str, Any]:
    """An ``OversizedConfigurationItemChangeNotification``: only a summary; the rule fetches the item."""
    summary = {
        "changeType": "UPDATE",
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": _iso(item["configurationItemCaptureTime"]),
        "configurationStateId": 0,
        "awsAccountId": item["accountId"],
        "configurationItemStatus": "OK",
        "resourceType": item["resourceType"],
        "resourceId": item["resourceId"],
        "resourceName": item.get("resourceName"),
        "ARN": item.get("arn"),
        "awsRegion": REGION,
        "availabilityZone": item.get("availabilityZone"),
        "configurationStateMd5Hash": "",
    }
    invoking = {"configurationItemSummary": summary, "messageType": "OversizedConfigurationItemChangeNotification", "notificationCreationTime": now_iso(), "recordVersion": "1.3"}
    return _event(rule, invoking, result_token, None, item["accountId"])


def specs(profile: str = "debug") -> list[dict[str, Any]]:
    """Every rule crate, with the deployment facts its binary declares (``--spec``)."""
    names = sorted(p.name for p in (ROOT / "rules").iterdir() if (p / "Cargo.toml").exists())
    return [json.loads(subprocess.run([binary(n, profile), "--spec"], check=True, capture_output=True, text=True).stdout) for n in names]


def pack_rules(spec: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """The Config rules a rule becomes once the packs are deployed: (rule name, parameters). The
    CIS pack's instances (with its values, and its variants) when the rule is in it, otherwise the
    Well-Architected pack's, otherwise the rule with its defaults."""
    if spec["cis"] or spec["cis_variants"]:
        rules = [(spec["name"], spec["cis_parameters"])] if spec["cis"] else []
        return rules + [(v["name"], v["parameters"]) for v in spec["cis_variants"]]
    return [(spec["name"], spec["wa_parameters"])]


def deployment_events(url: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """What AWS Config sends when the packs are deployed, for each Config rule of this function:
    one change notification per recorded resource in scope (change and hybrid rules), or one
    scheduled notification (periodic rules). Each result token names the Config rule."""
    config = client(url, "config")
    events = []
    for rule, params in pack_rules(spec):
        if spec["trigger"] == "periodic":
            events.append(scheduled_event(rule, token(rule), params))
            continue
        for resource_type in spec["resource_types"]:
            try:
                ids = [r["resourceId"] for r in config.list_discovered_resources(resourceType=resource_type)["resourceIdentifiers"]]
            except config.exceptions.ClientError:
                ids = []
            for rid in ids:
                events.append(change_event(rule, recorded_item(url, resource_type, rid), token(rule), params))
    return events


def _deny_http(bucket: str) -> str:
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
    })


def _allow_https_only(bucket: str) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AllowHttps", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}],
    })


def seed(url: str, account: str = ACCOUNT) -> dict[str, Any]:
    """Creates a small account with compliant and non-compliant resources for every exemplar rule.

    Returns the ids the rules will report on, by name.
    """
    iam = client(url, "iam", account)
    s3 = client(url, "s3", account)
    ec2 = client(url, "ec2", account)
    trails = client(url, "cloudtrail", account)
    ids: dict[str, Any] = {"account": account}

    # IAM: a weak password policy; a user with MFA, one without, one with access keys only.
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, MaxPasswordAge=90)
    for name in ("alice", "bob", "ci-bot"):
        ids[name] = iam.create_user(UserName=name)["User"]["UserId"]
    for name in ("alice", "bob"):
        iam.create_login_profile(UserName=name, Password="Sample-Passw0rd-123!")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_access_key(UserName="ci-bot")

    # S3: one bucket that refuses HTTP, one without policy, one that only allows HTTPS.
    buckets = {"secure": f"sample-secure-{account}", "open": f"sample-no-policy-{account}", "allow_only": f"sample-allow-https-{account}", "logs": f"sample-trail-logs-{account}"}
    for bucket in buckets.values():
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=buckets["secure"], Policy=_deny_http(buckets["secure"]))
    s3.put_bucket_policy(Bucket=buckets["allow_only"], Policy=_allow_https_only(buckets["allow_only"]))
    ids["buckets"] = buckets

    # CloudTrail: one trail that validates its log files, one that does not.
    trails.create_trail(Name="sample-validated-trail", S3BucketName=buckets["logs"], IsMultiRegionTrail=True, EnableLogFileValidation=True)
    trails.create_trail(Name="sample-unvalidated-trail", S3BucketName=buckets["logs"], EnableLogFileValidation=False)

    # EC2: SSH open to the world (IPv4), SSH open over IPv6, SSH from a private range only.
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]

    def group(name: str, permissions: list[dict[str, Any]]) -> str:
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if permissions:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=permissions)
        return gid

    ids["groups"] = {
        "ssh_open": group("sample-ssh-open", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
        "ssh_ipv6": group("sample-ssh-ipv6", [{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]),
        "ssh_private": group("sample-ssh-private", [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ]),
    }
    ids["groups"]["default"] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    return ids


def seed_demo(url: str) -> dict[str, Any]:
    """The sample account of ``seed`` plus what the other CIS rules look at: a configuration
    recorder, contacts, roles and policies, keys, databases, file systems, an instance, flow logs."""
    ids = seed(url)
    iam, ec2 = client(url, "iam"), client(url, "ec2")
    config = client(url, "config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder", "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": ids["buckets"]["logs"]})
    config.start_configuration_recorder(ConfigurationRecorderName="default")

    client(url, "account").put_alternate_contact(AlternateContactType="SECURITY", EmailAddress="security-team@example.com", Name="Security team", PhoneNumber="+1 555 0100", Title="Security")

    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    iam.create_role(RoleName="break-glass-admin", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="break-glass-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.attach_user_policy(UserName="bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")

    kms = client(url, "kms")
    rotated = kms.create_key(Description="sample rotated key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_key(Description="sample key without rotation")

    rds = client(url, "rds")
    common = {"DBInstanceClass": "db.t3.micro", "MasterUsername": "admin", "MasterUserPassword": "Sample-Passw0rd-123", "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="sample-orders-db", Engine="postgres", StorageEncrypted=True, MultiAZ=True, AutoMinorVersionUpgrade=True, PubliclyAccessible=False, **common)
    rds.create_db_instance(DBInstanceIdentifier="sample-legacy-db", Engine="mysql", StorageEncrypted=False, MultiAZ=False, AutoMinorVersionUpgrade=False, PubliclyAccessible=True, **common)

    efs = client(url, "efs")
    efs.create_file_system(CreationToken="sample-encrypted", Encrypted=True)
    efs.create_file_system(CreationToken="sample-plain")

    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", MetadataOptions={"HttpTokens": "required"})
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro")
    ec2.enable_ebs_encryption_by_default()
    logged = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[logged], TrafficType="ALL", LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{ids['buckets']['logs']}")
    return ids
