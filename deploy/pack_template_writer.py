"""CloudFormation custom resource: writes a conformance-pack template to S3.

A conformance pack whose template exceeds 51,200 bytes must be given as ``TemplateS3Uri``, and
``sam deploy`` uploads local files only for a few resource types, not for conformance packs. The
SAM template therefore carries each pack template as text and this function puts it into the
stack's own bucket, returning ``Uri`` (s3://bucket/key) for ``TemplateS3Uri``.

Embedded in template.yaml as inline code by ``cargo xtask codegen``; keep it under 4,096 bytes.
"""

import json
import urllib.request

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    props = event["ResourceProperties"]
    uri = f"s3://{props['Bucket']}/{props['Key']}"
    physical, status, reason = event.get("PhysicalResourceId", uri), "SUCCESS", ""
    try:
        if event["RequestType"] in ("Create", "Update"):
            s3.put_object(Bucket=props["Bucket"], Key=props["Key"], Body=props["Body"].encode(), ContentType="text/yaml")
            physical = uri
        elif physical.startswith("s3://"):
            bucket, key = physical[5:].split("/", 1)
            s3.delete_object(Bucket=bucket, Key=key)
    except Exception as error:  # report every failure to CloudFormation instead of hanging it
        status, reason = "FAILED", f"{type(error).__name__}: {error}"
    body = {
        "Status": status,
        "Reason": reason or f"See CloudWatch Logs: {context.log_stream_name}",
        "PhysicalResourceId": physical,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Uri": physical},
    }
    request = urllib.request.Request(event["ResponseURL"], data=json.dumps(body).encode(), method="PUT", headers={"Content-Type": ""})
    urllib.request.urlopen(request, timeout=30).read()
