"""Route 53 record sets that name their hosted zone by `HostedZoneName`, as CloudFormation
resolves it.

AWS stores a zone's name with the final dot (`example.com.`) and finds it from the name written
with or without it; moto compared the text as written, found no zone and failed the resource
("'HostedZoneId'"). Here the name is resolved to the zone's id before moto makes the records,
and a name no zone has fails as CloudFormation says: "No hosted zones named NAME found".
"""
from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.route53.exceptions import InvalidInput
from moto.route53.models import RecordSet as MotoRecordSet
from moto.route53.models import RecordSetGroup as MotoRecordSetGroup
from moto.route53.models import route53_backends
from moto.utilities.utils import get_partition

from .patched import Patched


def fqdn(name: str) -> str:
    """A domain name as Route 53 stores it: lower case, ending with a dot."""
    return name.rstrip(".").lower() + "."


def zone_id(name: str, account_id: str, region: str) -> str:
    """The id of the hosted zone called `name` (with or without the final dot)."""
    zones = route53_backends[account_id][get_partition(region)].zones.values()
    found = [zone.resource_id for zone in zones if fqdn(zone.name) == fqdn(name)]
    if not found:
        raise InvalidInput(f"No hosted zones named {name} found")
    return found[0]


def _by_id(props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
    """`props` naming the zone by id only (moto then reads nothing else to find it)."""
    props = dict(props)
    name = props.pop("HostedZoneName", None)
    if isinstance(name, str) and name:
        props["HostedZoneId"] = zone_id(name, account_id, region)
    return props


class RecordSet(Patched, CloudFormationModel):
    TYPE = "AWS::Route53::RecordSet"
    MODEL = MotoRecordSet

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        return _by_id(props, account_id, region)


class RecordSetGroup(Patched, CloudFormationModel):
    TYPE = "AWS::Route53::RecordSetGroup"
    MODEL = MotoRecordSetGroup

    @classmethod
    def adjusted(cls, props: dict[str, Any], account_id: str, region: str) -> dict[str, Any]:
        return _by_id(props, account_id, region)

    def delete(self, account_id: str, region_name: str) -> None:
        """Its records deleted with it (moto's model kept them, and its zone could not go)."""
        zones = route53_backends[account_id][get_partition(region_name)].zones
        zone = zones.get(self.inner.hosted_zone_id)
        for record in self.inner.record_sets if zone else []:
            zone.delete_rrset({"Name": record.get("Name"), "Type": record.get("Type")})
