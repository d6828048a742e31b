"""The store page's accounts against the local endpoint's real Cognito (a moto server over HTTP).

The auth stack's own user pool and client are created by CloudFormation on the endpoint; the
page (served with the stand-in products and orders API) signs up, confirms and signs in there,
cross-origin as on AWS, and then buys with the ID token that Cognito issued.
"""
from __future__ import annotations

import json
from pathlib import Path

import boto3
from cfnlint.decode.cfn_yaml import loads

from standin_store import StandInState, serve
from storefront_page import browser, run_purchase

AUTH_TEMPLATE = Path(__file__).resolve().parents[2] / "stacks" / "auth" / "template.yaml"


def create_auth_stack(cfn) -> dict[str, str]:
    """The auth stack's resources as they are (its Transform and exports left out)."""
    resources = json.loads(json.dumps(loads(AUTH_TEMPLATE.read_text())["Resources"]))
    template = {"Resources": resources, "Outputs": {
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}}}}
    cfn.create_stack(StackName="storefront-auth", TemplateBody=json.dumps(template))
    stack = cfn.describe_stacks(StackName="storefront-auth")["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_a_customer_signs_up_and_buys_with_the_endpoints_cognito(moto_url, tmp_path):
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name="us-east-1")
    auth = create_auth_stack(session.client("cloudformation", endpoint_url=moto_url))
    state = StandInState(settle_after=0.5, client_id=auth["UserPoolClientId"],
                         cognito_endpoint=moto_url.rstrip("/") + "/")
    with serve(state) as running, browser() as page:
        bought = run_purchase(page, running.site_url, tmp_path / "cognito.png", product_id="tee")
    idp = session.client("cognito-idp", endpoint_url=moto_url)
    users = idp.list_users(UserPoolId=auth["UserPoolId"])["Users"]
    emails = [{a["Name"]: a["Value"] for a in u["Attributes"]}.get("email") for u in users]
    assert emails == [bought.email]
    assert users[0]["UserStatus"] == "CONFIRMED"
    assert (bought.signed_in_as, bought.status) == (bought.email, "PAID")
    assert state.tokens == {}  # the API saw Cognito's tokens, none of the stand-in's
