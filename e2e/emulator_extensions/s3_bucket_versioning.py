"""S3 bucket items with ``BucketVersioningConfiguration``, as AWS Config records it for every
bucket (moto's items leave it out). moto does not keep MFA Delete, so ``isMfaDeleteEnabled`` is
always null (never set)."""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket


def install() -> None:
    if getattr(FakeBucket, "e2e_versioning_recorded", False):
        return
    original = FakeBucket.to_config_dict

    def to_config_dict(self: Any) -> dict[str, Any]:
        item = original(self)
        item["supplementaryConfiguration"]["BucketVersioningConfiguration"] = {"status": self.versioning_status or "Off", "isMfaDeleteEnabled": None}
        return item

    FakeBucket.to_config_dict = to_config_dict  # type: ignore[method-assign]
    FakeBucket.e2e_versioning_recorded = True
