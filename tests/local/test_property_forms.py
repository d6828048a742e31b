"""Properties in every form CloudFormation accepts deploy on the local endpoint: an EventPattern
as JSON text, an SSM parameter's Tags as a map, a record set naming its zone by name."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def res(kind: str, **props) -> dict:
    return {"Type": kind, "Properties": props}


def failures(aws, name: str = "under-test") -> list[tuple[str, str]]:
    events = aws("cloudformation").describe_stack_events(StackName=name)["StackEvents"]
    return [(e["LogicalResourceId"], e.get("ResourceStatusReason", "")) for e in events
            if e["ResourceStatus"].endswith("_FAILED")]


PATTERN = {"source": [{"exists": True}], "detail-type": ["OrderPlaced"]}


def test_an_event_pattern_given_as_json_text_is_the_rule_pattern(stack, aws):
    bus = res("AWS::Events::EventBus", Name="raw")
    rule = res("AWS::Events::Rule", EventBusName={"Ref": "Bus"}, State="ENABLED",
               EventPattern=json.dumps(PATTERN))
    out = stack.create({"Resources": {"Bus": bus, "Rule": rule},
                        "Outputs": {"Rule": {"Value": {"Ref": "Rule"}}}})
    found = aws("events").describe_rule(Name=out["Rule"].split("|")[-1], EventBusName="raw")
    assert json.loads(found["EventPattern"]) == PATTERN
    rule["Properties"]["EventPattern"] = json.dumps({"source": ["shop"]})
    out = stack.update({"Resources": {"Bus": bus, "Rule": rule},
                        "Outputs": {"Rule": {"Value": {"Ref": "Rule"}}}})
    found = aws("events").describe_rule(Name=out["Rule"].split("|")[-1], EventBusName="raw")
    assert json.loads(found["EventPattern"]) == {"source": ["shop"]}


def test_ref_of_a_rule_on_a_custom_bus_is_bus_and_rule_names(stack, aws):
    # as CloudFormation documents it: event-bus-name|rule-name (code splits it on '|')
    rules = {"Bus": res("AWS::Events::EventBus", Name="orders"),
             "OnBus": res("AWS::Events::Rule", Name="placed", EventBusName={"Ref": "Bus"},
                          EventPattern=PATTERN),
             "OnDefault": res("AWS::Events::Rule", Name="tick",
                              ScheduleExpression="rate(1 hour)")}
    out = stack.create({"Resources": rules, "Outputs": {
        "OnBus": {"Value": {"Ref": "OnBus"}}, "OnDefault": {"Value": {"Ref": "OnDefault"}}}})
    assert out == {"OnBus": "orders|placed", "OnDefault": "tick"}
    assert aws("events").describe_rule(Name="placed", EventBusName="orders")["Name"] == "placed"
    stack.delete()
    assert [r["Name"] for r in aws("events").list_rules()["Rules"]] == []


def test_ssm_parameter_tags_given_as_a_map_are_its_tags(stack, aws):
    param = res("AWS::SSM::Parameter", Name="/shop/api-id", Type="String", Value="abc",
                Tags={"Stack": "shop", "Team": "orders"})
    stack.create({"Resources": {"Param": param}})
    tags = aws("ssm").list_tags_for_resource(ResourceType="Parameter",
                                             ResourceId="/shop/api-id")["TagList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("Stack", "shop"), ("Team", "orders")]
    param["Properties"].update(Value="def", Tags={"Stack": "shop"})
    stack.update({"Resources": {"Param": param}})
    assert aws("ssm").get_parameter(Name="/shop/api-id")["Parameter"]["Value"] == "def"


@pytest.mark.parametrize("zone_name", ["shop.example.com", "shop.example.com."])
def test_a_record_set_finds_its_zone_by_name_with_or_without_the_final_dot(stack, aws,
                                                                           zone_name):
    zone = aws("route53").create_hosted_zone(Name="shop.example.com", CallerReference="r")
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    record = res("AWS::Route53::RecordSet", HostedZoneName=zone_name, Name="www.shop.example.com",
                 Type="CNAME", TTL="600", ResourceRecords=["shop.example.net"])
    group = res("AWS::Route53::RecordSetGroup", HostedZoneName=zone_name, RecordSets=[
        {"Name": "mail.shop.example.com", "Type": "MX", "TTL": "600",
         "ResourceRecords": ["10 mx.example.net"]}])
    out = stack.create({"Resources": {"Record": record, "Group": group},
                        "Outputs": {"Record": {"Value": {"Ref": "Record"}}}})
    assert out["Record"].rstrip(".") == "www.shop.example.com"
    names = {r["Name"].rstrip(".") for r in aws("route53").list_resource_record_sets(
        HostedZoneId=zone_id)["ResourceRecordSets"]}
    assert {"www.shop.example.com", "mail.shop.example.com"} <= names


def test_a_record_set_finds_a_zone_the_stack_made_by_name(stack, aws):
    zone = res("AWS::Route53::HostedZone", Name="made.example.com")
    record = res("AWS::Route53::RecordSet", HostedZoneName="made.example.com.",
                 Name="api.made.example.com", Type="A", TTL="60", ResourceRecords=["10.0.0.1"])
    record["DependsOn"] = "Zone"
    stack.create({"Resources": {"Zone": zone, "Record": record}})
    [found] = aws("route53").list_hosted_zones_by_name(DNSName="made.example.com")["HostedZones"]
    assert found["Name"] == "made.example.com."


def test_a_record_set_naming_no_zone_fails_as_cloudformation_says(stack, aws):
    record = res("AWS::Route53::RecordSet", HostedZoneName="nowhere.example.com.",
                 Name="www.nowhere.example.com", Type="A", TTL="60", ResourceRecords=["10.0.0.1"])
    with pytest.raises(AssertionError):
        stack.create({"Resources": {"Record": record}})
    assert failures(aws) == [("Record", "No hosted zones named nowhere.example.com. found")]
