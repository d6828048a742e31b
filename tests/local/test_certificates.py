"""An ACM certificate made in the stack (signed by the stack's private CA, a placeholder) is
found by the HTTPS listener that names it, as on AWS: route53-alb-s3's shape."""
from __future__ import annotations

import pytest

from test_network_load_balancer import TEMPLATE, forward, res


def template() -> dict:
    keep = ("Vpc", "SubnetA", "SubnetB")
    resources = {k: TEMPLATE["Resources"][k] for k in keep}
    resources.update({
        "PrivateCA": res("AWS::ACMPCA::CertificateAuthority", Type="SUBORDINATE",
                         KeyAlgorithm="RSA_2048", SigningAlgorithm="SHA256WITHRSA",
                         Subject={"CommonName": "Example CA"}),
        "Certificate": res("AWS::CertificateManager::Certificate",
                           DomainName="www.example.internal",
                           SubjectAlternativeNames=["example.internal"],
                           CertificateAuthorityArn={"Ref": "PrivateCA"}),
        "Balancer": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internal",
                        Subnets=[{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]),
        "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", Protocol="HTTP", Port=80,
                       VpcId={"Ref": "Vpc"}),
        "Listener": res("AWS::ElasticLoadBalancingV2::Listener", Protocol="HTTPS", Port=443,
                        LoadBalancerArn={"Ref": "Balancer"}, DefaultActions=forward("Targets"),
                        Certificates=[{"CertificateArn": {"Ref": "Certificate"}}],
                        SslPolicy="ELBSecurityPolicy-TLS-1-2-2017-01")})
    return {"Resources": resources, "Outputs": {
        "Cert": {"Value": {"Ref": "Certificate"}},
        "CertArn": {"Value": {"Fn::GetAtt": ["Certificate", "CertificateArn"]}},
        "Listener": {"Value": {"Ref": "Listener"}}}}


def test_an_https_listener_takes_the_stacks_certificate(stack, aws) -> None:
    outputs = stack.create(template())
    assert outputs["Cert"] == outputs["CertArn"]
    assert outputs["Cert"].startswith("arn:aws:acm:us-east-1:123456789012:certificate/")
    described = aws("acm").describe_certificate(CertificateArn=outputs["Cert"])["Certificate"]
    assert (described["Status"], described["Type"]) == ("ISSUED", "PRIVATE")
    assert sorted(described["SubjectAlternativeNames"]) == ["example.internal",
                                                             "www.example.internal"]
    listener = aws("elbv2").describe_listeners(ListenerArns=[outputs["Listener"]])["Listeners"][0]
    assert listener["Certificates"] == [{"CertificateArn": outputs["Cert"]}]
    stack.delete()
    assert aws("acm").list_certificates()["CertificateSummaryList"] == []


def _with_certificate(arn: str) -> dict:
    made = template()
    del made["Resources"]["Certificate"], made["Resources"]["PrivateCA"]
    made["Parameters"] = {"CertificateArn": {"Type": "String", "Default": arn}}
    made["Resources"]["Listener"]["Properties"]["Certificates"] = [
        {"CertificateArn": {"Ref": "CertificateArn"}}]
    made["Outputs"] = {"Listener": {"Value": {"Ref": "Listener"}}}
    return made


def test_the_deployers_own_certificate_arn_is_taken(stack, aws) -> None:
    mine = "arn:aws:acm:us-east-1:111122223333:certificate/0d5c7a1e-2b3f-4c5d-8e9f-0a1b2c3d4e5f"
    outputs = stack.create(_with_certificate(mine))
    listener = aws("elbv2").describe_listeners(ListenerArns=[outputs["Listener"]])["Listeners"][0]
    assert listener["Certificates"] == [{"CertificateArn": mine}]


def test_a_made_up_certificate_is_still_refused(stack) -> None:
    with pytest.raises(AssertionError):
        stack.create(_with_certificate("arn:aws:acm:eu-west-1:111122223333:certificate/x"))
    described = stack.cfn.describe_stacks(StackName=stack.name)["Stacks"][0]
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "Supplied certificate was not found" in described["StackStatusReason"]
