"""End to end for the rules that decide from what AWS Config records: RDS DB instances (and the
route tables of their subnets), EFS file systems, KMS keys, S3 bucket versioning and EC2
instances with their instance profiles. The real rule binaries run against the emulator; the
items come from its Config inventory (emulator_extensions/), and verdicts are read from the
PutEvaluations calls as they arrived.

Where moto cannot model what Config records, the test says so: moto's S3 items carry no
BucketVersioningConfiguration, so the S3 tests add it to the emulator's bucket items as Config
records it (moto drops MFADelete, so a bucket with MFA Delete is covered by the fixture tests
only).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.s3.models import FakeBucket

import account
from account import change_event, oversized_event, recorded_item, scheduled_event, token

RDS = "AWS::RDS::DBInstance"
EFS = "AWS::EFS::FileSystem"
KMS = "AWS::KMS::Key"
BUCKET = "AWS::S3::Bucket"
INSTANCE = "AWS::EC2::Instance"
PASSWORD = "Sample-Passw0rd-123!"


def verdicts(emulator: Any, result_token: str) -> dict[str, tuple[str, str]]:
    """resource id → (compliance, annotation), from every PutEvaluations sent with the token."""
    return {e["ComplianceResourceId"]: (e["ComplianceType"], e.get("Annotation", "")) for call in emulator.wire(result_token) for e in call["evaluations"]}


def stored(emulator: Any, rule: str) -> dict[str, str]:
    """resource id → compliance, as Config now holds it."""
    config = account.client(emulator.url, "config")
    kwargs: dict[str, Any] = {"ConfigRuleName": rule, "Limit": 100}
    out: dict[str, str] = {}
    while True:
        page = config.get_compliance_details_by_config_rule(**kwargs)
        for r in page["EvaluationResults"]:
            out[r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]] = r["ComplianceType"]
        if "NextToken" not in page:
            return out
        kwargs["NextToken"] = page["NextToken"]


def judge(emulator: Any, invoke: Any, rule: str, item: dict[str, Any], params: dict[str, str] | None = None) -> tuple[str, str]:
    """Sends one change notification carrying ``item``; the verdict reported for its resource."""
    t = token(rule)
    result = invoke(rule, change_event(rule, item, t, params))
    assert result.ok, result.error_message
    [call] = emulator.wire(t)
    [evaluation] = call["evaluations"]
    assert evaluation["ComplianceResourceType"] == item["resourceType"]
    assert evaluation["ComplianceResourceId"] == item["resourceId"]
    return evaluation["ComplianceType"], evaluation.get("Annotation", "")


# ------------------------------------------------------------------------------------ RDS


def seed_databases(url: str) -> dict[str, Any]:
    """A key, an encrypted Multi-AZ private instance, an unencrypted Single-AZ public one that
    never upgrades, one created without PubliclyAccessible, and an Aurora cluster member."""
    rds = account.client(url, "rds")
    kms = account.client(url, "kms")
    key = kms.create_key(Description="rds storage")["KeyMetadata"]
    common = {"DBInstanceClass": "db.t3.micro", "MasterUsername": "app", "MasterUserPassword": PASSWORD, "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="secure-db", Engine="postgres", StorageEncrypted=True, KmsKeyId=key["Arn"], MultiAZ=True, AutoMinorVersionUpgrade=True, PubliclyAccessible=False, **common)
    rds.create_db_instance(DBInstanceIdentifier="weak-db", Engine="mysql", StorageEncrypted=False, MultiAZ=False, AutoMinorVersionUpgrade=False, PubliclyAccessible=True, **common)
    rds.create_db_instance(DBInstanceIdentifier="unset-db", Engine="mysql", **common)
    rds.create_db_cluster(DBClusterIdentifier="aurora-cluster", Engine="aurora-postgresql", MasterUsername="app", MasterUserPassword=PASSWORD)
    rds.create_db_instance(DBInstanceIdentifier="aurora-writer", DBInstanceClass="db.r6g.large", Engine="aurora-postgresql", DBClusterIdentifier="aurora-cluster")
    ids = {d["DBInstanceIdentifier"]: d["DbiResourceId"] for d in rds.describe_db_instances()["DBInstances"]}
    return {"key": key, "ids": ids}


def test_db_instances_are_recorded_by_their_own_dbi_resource_id(emulator, sample, invoke):
    dbs = seed_databases(emulator.url)
    listed = account.client(emulator.url, "config").list_discovered_resources(resourceType=RDS)["resourceIdentifiers"]
    assert {r["resourceName"]: r["resourceId"] for r in listed} == dbs["ids"]
    assert len(set(dbs["ids"].values())) == 4 and all(i.startswith("db-") for i in dbs["ids"].values())


def test_rds_change_rules_judge_each_recorded_instance(emulator, sample, invoke):
    ids = seed_databases(emulator.url)["ids"]
    expected = {
        "rds-storage-encrypted": {"secure-db": "COMPLIANT", "weak-db": "NON_COMPLIANT"},
        "rds-automatic-minor-version-upgrade-enabled": {"secure-db": "COMPLIANT", "weak-db": "NON_COMPLIANT", "aurora-writer": "COMPLIANT"},
        "rds-instance-public-access-check": {"secure-db": "COMPLIANT", "weak-db": "NON_COMPLIANT"},
        "rds-multi-az-support": {"secure-db": "COMPLIANT", "weak-db": "NON_COMPLIANT", "aurora-writer": "NOT_APPLICABLE"},
    }
    for rule, by_name in expected.items():
        for name, compliance in by_name.items():
            got, annotation = judge(emulator, invoke, rule, recorded_item(emulator.url, RDS, ids[name]))
            assert got == compliance, (rule, name, annotation)
            assert name in annotation, (rule, annotation)
    _, annotation = judge(emulator, invoke, "rds-multi-az-support", recorded_item(emulator.url, RDS, ids["weak-db"]))
    assert "Manual check:" in annotation


def test_rds_storage_encrypted_checks_the_required_key(emulator, sample, invoke):
    dbs = seed_databases(emulator.url)
    item = recorded_item(emulator.url, RDS, dbs["ids"]["secure-db"])
    rule = "rds-storage-encrypted"
    assert judge(emulator, invoke, rule, item, {"kmsKeyId": dbs["key"]["KeyId"]})[0] == "COMPLIANT"
    other = account.client(emulator.url, "kms").create_key(Description="other")["KeyMetadata"]["Arn"]
    compliance, annotation = judge(emulator, invoke, rule, item, {"kmsKeyId": other})
    assert compliance == "NON_COMPLIANT" and dbs["key"]["KeyId"] in annotation


def test_an_unknown_public_access_flag_is_an_error_and_nothing_is_reported(emulator, sample, invoke):
    # moto leaves PubliclyAccessible unset for instances created without it; real items always carry it.
    ids = seed_databases(emulator.url)["ids"]
    rule = "rds-instance-public-access-check"
    t = token(rule)
    result = invoke(rule, change_event(rule, recorded_item(emulator.url, RDS, ids["unset-db"]), t))
    assert result.error_type == "InvalidData" and "publiclyAccessible" in result.error_message
    assert emulator.wire(t) == []


def test_oversized_rds_notifications_are_evaluated_on_the_recorded_instance(emulator, sample, invoke):
    ids = seed_databases(emulator.url)["ids"]
    for rule in ("rds-storage-encrypted", "rds-instance-public-access-check"):
        t = token(rule)
        assert invoke(rule, oversized_event(rule, recorded_item(emulator.url, RDS, ids["weak-db"]), t)).ok
        assert verdicts(emulator, t)[ids["weak-db"]][0] == "NON_COMPLIANT"


def test_deleted_db_instances_become_not_applicable(emulator, sample, invoke):
    ids = seed_databases(emulator.url)["ids"]
    item = recorded_item(emulator.url, RDS, ids["weak-db"])
    deleted = {**item, "configurationItemStatus": "ResourceDeleted", "configuration": None}
    assert judge(emulator, invoke, "rds-storage-encrypted", deleted) == ("NOT_APPLICABLE", "The resource was deleted.")


# ------------------------------------------------------------------------------------ EFS


def test_efs_sweep_judges_every_file_system_then_clears_deleted_ones(emulator, sample, invoke):
    efs = account.client(emulator.url, "efs")
    key = account.client(emulator.url, "kms").create_key(Description="efs")["KeyMetadata"]
    systems = {
        "with_key": efs.create_file_system(CreationToken="with-key", Encrypted=True, KmsKeyId=key["Arn"])["FileSystemId"],
        "default_key": efs.create_file_system(CreationToken="default-key", Encrypted=True)["FileSystemId"],
        "plain": efs.create_file_system(CreationToken="plain")["FileSystemId"],
    }
    rule = "efs-encrypted-check"
    first = token(rule)
    assert invoke(rule, scheduled_event(rule, first)).ok
    assert stored(emulator, rule) == {systems["with_key"]: "COMPLIANT", systems["default_key"]: "COMPLIANT", systems["plain"]: "NON_COMPLIANT"}
    assert "DataSync" in verdicts(emulator, first)[systems["plain"]][1]

    efs.delete_file_system(FileSystemId=systems["plain"])
    second = token(rule)
    result = invoke(rule, scheduled_event(rule, second))
    assert result.ok and result.response["staleCleared"] == 1
    assert verdicts(emulator, second)[systems["plain"]][0] == "NOT_APPLICABLE"


def test_efs_change_notification_with_a_required_key(emulator, sample, invoke):
    efs = account.client(emulator.url, "efs")
    kms = account.client(emulator.url, "kms")
    key, other = (kms.create_key(Description=d)["KeyMetadata"]["Arn"] for d in ("efs", "other"))
    fs = efs.create_file_system(CreationToken="with-key", Encrypted=True, KmsKeyId=key)["FileSystemId"]
    item = recorded_item(emulator.url, EFS, fs)
    rule = "efs-encrypted-check"
    assert judge(emulator, invoke, rule, item, {"KmsKeyId": key})[0] == "COMPLIANT"
    compliance, annotation = judge(emulator, invoke, rule, item, {"KmsKeyId": other})
    assert compliance == "NON_COMPLIANT" and "not " + other.rsplit("/", 1)[1] in annotation
    t = token(rule)
    result = invoke(rule, change_event(rule, item, t, {"KmsKeyId": "alias/efs"}))
    assert result.error_type == "InvalidParameterValueException" and "KmsKeyId" in result.error_message
    assert emulator.wire(t) == []


# ------------------------------------------------------------------------------------ KMS


def test_key_rotation_sweep_judges_only_enabled_customer_symmetric_keys(emulator, sample, invoke):
    kms = account.client(emulator.url, "kms")

    def key(**kwargs: Any) -> str:
        return kms.create_key(**kwargs)["KeyMetadata"]["KeyId"]

    keys = {"rotated": key(Description="rotated"), "unrotated": key(Description="unrotated"), "signing": key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"), "imported": key(Origin="EXTERNAL"), "disabled": key(), "deleting": key()}
    kms.enable_key_rotation(KeyId=keys["rotated"])
    kms.disable_key(KeyId=keys["disabled"])
    kms.schedule_key_deletion(KeyId=keys["deleting"], PendingWindowInDays=7)
    keys["aws_managed"] = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"]  # created on first use

    rule = "cmk-backing-key-rotation-enabled"
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    results = verdicts(emulator, t)
    assert {name: results[kid][0] for name, kid in keys.items()} == {
        "rotated": "COMPLIANT",
        "unrotated": "NON_COMPLIANT",
        "signing": "NOT_APPLICABLE",
        "imported": "NOT_APPLICABLE",
        "disabled": "NOT_APPLICABLE",
        "deleting": "NOT_APPLICABLE",
        "aws_managed": "NOT_APPLICABLE",
    }
    assert f"enable-key-rotation --key-id {keys['unrotated']}" in results[keys["unrotated"]][1]
    assert "managed by AWS" in results[keys["aws_managed"]][1]

    kms.enable_key_rotation(KeyId=keys["unrotated"])
    assert judge(emulator, invoke, rule, recorded_item(emulator.url, KMS, keys["unrotated"]))[0] == "COMPLIANT"


def test_a_key_item_without_rotation_status_is_an_error(emulator, sample, invoke):
    kid = account.client(emulator.url, "kms").create_key()["KeyMetadata"]["KeyId"]
    item = recorded_item(emulator.url, KMS, kid)
    item["supplementaryConfiguration"] = {}
    rule = "cmk-backing-key-rotation-enabled"
    t = token(rule)
    result = invoke(rule, change_event(rule, item, t))
    assert result.error_type == "InvalidData" and "kms:GetKeyRotationStatus" in result.error_message
    assert emulator.wire(t) == []


# ------------------------------------------------------------------------------------ S3


@pytest.fixture
def versioning_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bucket items carry BucketVersioningConfiguration, as AWS Config records it for every bucket
    (moto's items leave it out; the emulator runs in this process). moto does not keep MFA
    Delete, so isMfaDeleteEnabled is null, as for a bucket where it was never set."""
    original = FakeBucket.to_config_dict

    def to_config_dict(bucket: Any) -> dict[str, Any]:
        item = original(bucket)
        item["supplementaryConfiguration"]["BucketVersioningConfiguration"] = {"status": bucket.versioning_status or "Off", "isMfaDeleteEnabled": None}
        return item

    monkeypatch.setattr(FakeBucket, "to_config_dict", to_config_dict)


def versioned_buckets(url: str) -> dict[str, str]:
    s3 = account.client(url, "s3")
    buckets = {state: f"versioning-{state.lower()}-{account.ACCOUNT}" for state in ("Never", "Enabled", "Suspended")}
    for bucket in buckets.values():
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=buckets["Enabled"], VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket=buckets["Suspended"], VersioningConfiguration={"Status": "Suspended"})
    return buckets


def test_bucket_versioning_from_the_recorded_bucket(emulator, sample, invoke, versioning_recorded):
    buckets = versioned_buckets(emulator.url)
    rule = "s3-bucket-versioning-enabled"
    items = {state: recorded_item(emulator.url, BUCKET, b) for state, b in buckets.items()}
    results = {state: judge(emulator, invoke, rule, item) for state, item in items.items()}
    assert results["Never"][0] == "NON_COMPLIANT" and "never enabled" in results["Never"][1]
    assert results["Suspended"][0] == "NON_COMPLIANT" and "suspended" in results["Suspended"][1]
    assert results["Enabled"] == ("COMPLIANT", f"Bucket {buckets['Enabled']} has versioning enabled.")

    # The CIS pack's value: MFA Delete is required too (COMPLIANT with MFA Delete is covered by the fixture tests).
    compliance, annotation = judge(emulator, invoke, rule, items["Enabled"], {"isMfaDeleteEnabled": "true"})
    assert compliance == "NON_COMPLIANT" and "MFA Delete off" in annotation and "Manual check:" in annotation

    t = token(rule)
    assert invoke(rule, oversized_event(rule, items["Never"], t)).ok
    assert verdicts(emulator, t)[buckets["Never"]][0] == "NON_COMPLIANT"


def test_a_bucket_item_without_versioning_state_is_an_error(emulator, sample, invoke, versioning_recorded):
    bucket = versioned_buckets(emulator.url)["Enabled"]
    item = recorded_item(emulator.url, BUCKET, bucket)
    item["supplementaryConfiguration"] = {k: v for k, v in item["supplementaryConfiguration"].items() if k != "BucketVersioningConfiguration"}
    rule = "s3-bucket-versioning-enabled"
    t = token(rule)
    result = invoke(rule, change_event(rule, item, t))
    assert result.error_type == "InvalidData" and "BucketVersioningConfiguration" in result.error_message and bucket in result.error_message
    assert emulator.wire(t) == []


# ------------------------------------------------------------------------------------ EC2


def run_instance(url: str, **kwargs: Any) -> str:
    ec2 = account.client(url, "ec2")
    return ec2.run_instances(ImageId="ami-0a1b2c3d4e5f60001", InstanceType="t3.micro", MinCount=1, MaxCount=1, **kwargs)["Instances"][0]["InstanceId"]


def test_instance_profile_attached_on_recorded_instances(emulator, sample, invoke):
    iam = account.client(emulator.url, "iam")
    ec2 = account.client(emulator.url, "ec2")
    profile_arn = iam.create_instance_profile(InstanceProfileName="web-server")["InstanceProfile"]["Arn"]
    with_profile = run_instance(emulator.url, IamInstanceProfile={"Name": "web-server"})
    without = run_instance(emulator.url)
    stopped = run_instance(emulator.url)
    ec2.stop_instances(InstanceIds=[stopped])

    rule = "ec2-instance-profile-attached"
    assert judge(emulator, invoke, rule, recorded_item(emulator.url, INSTANCE, with_profile)) == ("COMPLIANT", f"Instance {with_profile} has instance profile {profile_arn}.")
    compliance, annotation = judge(emulator, invoke, rule, recorded_item(emulator.url, INSTANCE, without))
    assert compliance == "NON_COMPLIANT" and "associate-iam-instance-profile" in annotation
    assert judge(emulator, invoke, rule, recorded_item(emulator.url, INSTANCE, stopped))[0] == "NON_COMPLIANT"

    allowed = {"IamInstanceProfileArnList": f"arn:aws:iam::{account.ACCOUNT}:instance-profile/approved"}
    compliance, annotation = judge(emulator, invoke, rule, recorded_item(emulator.url, INSTANCE, with_profile), allowed)
    assert compliance == "NON_COMPLIANT" and "not in IamInstanceProfileArnList" in annotation

    # The item Config records when an instance terminates.
    item = recorded_item(emulator.url, INSTANCE, without)
    item["configuration"] = json.dumps({**json.loads(item["configuration"]), "state": {"code": 48, "name": "terminated"}})
    assert judge(emulator, invoke, rule, item) == ("NOT_APPLICABLE", f"Instance {without} is terminated.")

    t = token(rule)
    assert invoke(rule, oversized_event(rule, recorded_item(emulator.url, INSTANCE, with_profile), t)).ok
    assert verdicts(emulator, t)[with_profile][0] == "COMPLIANT"


def test_instance_role_sweep_joins_recorded_instances_with_instance_profiles(emulator, sample, invoke):
    iam = account.client(emulator.url, "iam")
    ec2 = account.client(emulator.url, "ec2")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="web-app", AssumeRolePolicyDocument=trust)
    for name in ("web-server", "empty-profile", "orphan-profile"):
        iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName="web-server", RoleName="web-app")
    instances = {
        "with_role": run_instance(emulator.url, IamInstanceProfile={"Name": "web-server"}),
        "empty_profile": run_instance(emulator.url, IamInstanceProfile={"Name": "empty-profile"}),
        "orphaned": run_instance(emulator.url, IamInstanceProfile={"Name": "orphan-profile"}),
        "no_profile": run_instance(emulator.url),
        "stopped": run_instance(emulator.url, IamInstanceProfile={"Name": "web-server"}),
    }
    ec2.stop_instances(InstanceIds=[instances["stopped"]])
    iam.delete_instance_profile(InstanceProfileName="orphan-profile")

    rule = "ec2-instance-iam-role-attached"
    first = token(rule)
    assert invoke(rule, scheduled_event(rule, first)).ok
    results = verdicts(emulator, first)
    assert {name: results[iid][0] for name, iid in instances.items()} == {
        "with_role": "COMPLIANT",
        "empty_profile": "NON_COMPLIANT",
        "orphaned": "NON_COMPLIANT",
        "no_profile": "NON_COMPLIANT",
        "stopped": "COMPLIANT",
    }
    assert "role web-app" in results[instances["with_role"]][1] and "Manual check:" in results[instances["with_role"]][1]
    assert "contains no IAM role" in results[instances["empty_profile"]][1]
    assert "no longer exists" in results[instances["orphaned"]][1]
    assert {e["ComplianceResourceType"] for call in emulator.wire(first) for e in call["evaluations"]} == {INSTANCE}

    ec2.terminate_instances(InstanceIds=[instances["no_profile"]])
    second = token(rule)
    result = invoke(rule, scheduled_event(rule, second))
    assert result.ok and result.response["staleCleared"] == 1
    assert verdicts(emulator, second)[instances["no_profile"]][0] == "NOT_APPLICABLE"
    assert stored(emulator, rule)[instances["no_profile"]] == "NOT_APPLICABLE"


# ------------------------------------------------------------------------------------ RDS subnets


def test_subnet_igw_sweep_joins_recorded_db_instances_with_route_tables(emulator, sample, invoke):
    ec2 = account.client(emulator.url, "ec2")
    rds = account.client(emulator.url, "rds")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = {name: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-east-1{'ab'[i % 2]}")["Subnet"]["SubnetId"] for i, name in enumerate(("private_a", "private_b", "public", "inherits_main"))}
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    private = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    public = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for name in ("private_a", "private_b"):
        ec2.associate_route_table(RouteTableId=private, SubnetId=subnets[name])
    ec2.associate_route_table(RouteTableId=public, SubnetId=subnets["public"])
    # The VPC's main table also routes to the gateway: private_a and private_b are explicitly
    # associated with the private table, inherits_main is not.
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

    groups = {"private-group": ("private_a", "private_b"), "public-group": ("private_a", "public"), "main-group": ("inherits_main", "private_b")}
    for group, members in groups.items():
        rds.create_db_subnet_group(DBSubnetGroupName=group, DBSubnetGroupDescription=group, SubnetIds=[subnets[m] for m in members])
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "app", "MasterUserPassword": PASSWORD, "AllocatedStorage": 20, "PubliclyAccessible": False}
    for name, group in (("private-db", "private-group"), ("public-db", "public-group"), ("inherited-db", "main-group")):
        rds.create_db_instance(DBInstanceIdentifier=name, DBSubnetGroupName=group, **common)
    rds.create_db_instance(DBInstanceIdentifier="groupless-db", **common)
    ids = {d["DBInstanceIdentifier"]: d["DbiResourceId"] for d in rds.describe_db_instances()["DBInstances"]}

    rule = "rds-instance-subnet-igw-check"
    first = token(rule)
    result = invoke(rule, scheduled_event(rule, first))
    assert result.ok, result.error_message
    results = verdicts(emulator, first)
    assert {name: results[dbi][0] for name, dbi in ids.items()} == {
        "private-db": "COMPLIANT",
        "public-db": "NON_COMPLIANT",
        "inherited-db": "NON_COMPLIANT",
        "groupless-db": "NOT_APPLICABLE",
    }
    assert f"public subnet {subnets['public']}: {public} routes 0.0.0.0/0 to {igw}" in results[ids["public-db"]][1]
    assert f"public subnet {subnets['inherits_main']}: {main} routes 0.0.0.0/0 to {igw}" in results[ids["inherited-db"]][1]
    assert {e["ComplianceResourceType"] for call in emulator.wire(first) for e in call["evaluations"]} == {RDS}

    rds.delete_db_instance(DBInstanceIdentifier="public-db", SkipFinalSnapshot=True)
    second = token(rule)
    result = invoke(rule, scheduled_event(rule, second))
    assert result.ok and result.response["staleCleared"] == 1
    assert stored(emulator, rule)[ids["public-db"]] == "NOT_APPLICABLE"
