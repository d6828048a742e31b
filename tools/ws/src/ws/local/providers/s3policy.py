"""AWS::S3::BucketPolicy in moto's S3 backend."""
from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from .base import Provider


class BucketPolicy(Provider, CloudFormationModel):
    TYPE = "AWS::S3::BucketPolicy"
    ATTRS = ()

    @classmethod
    def create(cls, props: dict[str, Any], logical_id: str, account_id: str,
               region: str) -> "BucketPolicy":
        bucket = props["Bucket"]
        document = props["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        _backend(account_id, region).put_bucket_policy(bucket, text.encode())
        return cls(bucket, {}, props, account_id, region, logical_id)

    def update(self, props: dict[str, Any]) -> "BucketPolicy":
        if props["Bucket"] != self.physical_id:
            return super().update(props)
        return type(self).create(props, self.logical_id, self.account_id, self.region)

    def remove(self) -> None:
        backend = _backend(self.account_id, self.region)
        if self.physical_id in backend.buckets:
            backend.delete_bucket_policy(self.physical_id)


def _backend(account_id: str, region: str) -> Any:
    return s3_backends[account_id][get_partition(region)]
