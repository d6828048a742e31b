"""An ACM certificate made in the stack (signed by the stack's private CA, a placeholder) is
found by the HTTPS listener that names it, as on AWS: route53-alb-s3's shape."""
from __future__ import annotations

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
