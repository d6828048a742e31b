"""A placeholder's ids pass its service API's own checks (botocore's shapes): a function that
calls the service with them gets past the SDK's validation, as on AWS."""
from __future__ import annotations

import re

import botocore.session
import pytest
from botocore.exceptions import ParamValidationError

APP = {"Ref": "App"}
RESOURCES = {
    "App": {"Type": "AWS::QBusiness::Application", "Properties": {"DisplayName": "docs"}},
    "Index": {"Type": "AWS::QBusiness::Index", "Properties": {
        "ApplicationId": APP, "DisplayName": "docs"}},
    "Source": {"Type": "AWS::QBusiness::DataSource", "Properties": {
        "ApplicationId": APP, "IndexId": {"Fn::GetAtt": ["Index", "IndexId"]},
        "DisplayName": "bucket", "Configuration": {"type": "S3"}}},
    "Retriever": {"Type": "AWS::QBusiness::Retriever", "Properties": {
        "ApplicationId": APP, "DisplayName": "r", "Type": "NATIVE_INDEX"}},
    "Web": {"Type": "AWS::QBusiness::WebExperience", "Properties": {"ApplicationId": APP}},
    "Plugin": {"Type": "AWS::QBusiness::Plugin", "Properties": {
        "ApplicationId": APP, "DisplayName": "p", "Type": "JIRA"}},
}
# (logical id, attribute): the botocore shape its value must fit
IDS = {("App", "ApplicationId"): "ApplicationId", ("Index", "IndexId"): "IndexId",
       ("Source", "DataSourceId"): "DataSourceId", ("Retriever", "RetrieverId"): "RetrieverId",
       ("Web", "WebExperienceId"): "WebExperienceId", ("Plugin", "PluginId"): "PluginId"}


def _fits(shape, value: str) -> bool:
    meta = shape.metadata
    return meta.get("min", 0) <= len(value) <= meta.get("max", len(value)) and \
        re.fullmatch(meta.get("pattern", ".*"), value) is not None


@pytest.fixture(scope="module")
def models():
    session = botocore.session.get_session()
    return {name: session.get_service_model(name) for name in ("qbusiness", "kendra")}


def test_q_business_ids_have_the_shapes_of_its_api(stack, aws, models):
    outputs = {f"{logical}{attr}": {"Value": {"Fn::GetAtt": [logical, attr]}}
               for logical, attr in IDS}
    outputs.update({f"{logical}Ref": {"Value": {"Ref": logical}} for logical in RESOURCES})
    out = stack.create({"Resources": RESOURCES, "Outputs": outputs})
    wrong = {key: out[f"{key[0]}{key[1]}"] for key, shape in IDS.items()
             if not _fits(models["qbusiness"].shape_for(shape), out[f"{key[0]}{key[1]}"])}
    assert not wrong
    app, index, source = out["AppApplicationId"], out["IndexIndexId"], out["SourceDataSourceId"]
    assert out["AppRef"] == app and out["IndexRef"] == f"{app}|{index}"
    assert out["SourceRef"] == f"{app}|{source}|{index}"
    assert out["WebRef"] == f"{app}|{out['WebWebExperienceId']}"
    client = aws("qbusiness")
    with pytest.raises(Exception) as info:  # the endpoint has no Q Business: any answer but
        client.start_data_source_sync_job(applicationId=app, indexId=index,  # the SDK's refusal
                                          dataSourceId=source)
    assert not isinstance(info.value, ParamValidationError), info.value


KENDRA = {
    "Index": {"Type": "AWS::Kendra::Index", "Properties": {
        "Name": "docs", "Edition": "DEVELOPER_EDITION", "RoleArn": "arn:aws:iam::1:role/k"}},
    "Source": {"Type": "AWS::Kendra::DataSource", "Properties": {
        "Name": "bucket", "Type": "S3", "IndexId": {"Fn::GetAtt": ["Index", "Id"]}}},
}


def test_kendra_ids_and_refs_have_the_shapes_of_its_api(stack, aws, models):
    outputs = {"IndexId": {"Value": {"Fn::GetAtt": ["Index", "Id"]}},
               "IndexRef": {"Value": {"Ref": "Index"}},
               "SourceId": {"Value": {"Fn::GetAtt": ["Source", "Id"]}},
               "SourceRef": {"Value": {"Ref": "Source"}}}
    out = stack.create({"Resources": KENDRA, "Outputs": outputs})
    assert _fits(models["kendra"].shape_for("IndexId"), out["IndexId"])
    assert _fits(models["kendra"].shape_for("DataSourceId"), out["SourceId"])
    assert out["IndexRef"] == out["IndexId"]
    assert out["SourceRef"] == f"{out['SourceId']}|{out['IndexId']}"


def test_an_id_no_shape_lists_is_shaped_by_the_service_api(models):
    from ws.local.providers.placeholder import generic_attribute
    values = {"id": "abcdefghij", "name": "n", "region": "us-east-1", "arn": "arn:aws:x:::"}
    made = generic_attribute("Id", "AWS::Kendra::Index", "kendra", values)
    assert _fits(models["kendra"].shape_for("IndexId"), made) and len(made) == 36
    assert generic_attribute("Id", "AWS::Kendra::Faq", "kendra", values) == "abcdefghij"
    assert generic_attribute("WidgetId", "AWS::Nothing::Widget", "nothing", values) == \
        "abcdefghij"

