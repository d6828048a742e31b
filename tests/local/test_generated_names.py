"""Names the endpoint generates for unnamed resources are shaped as CloudFormation shapes them:
`<stack>-<logical id>-<SUFFIX>`, the stack and logical parts cut to fit the type's limit."""
from __future__ import annotations

import re

from ws.local.providers.physicalnames import LIMITS, generated_name

LONG_STACK = "corpus-local-streaming-serverless-fraud-detection-eventbridge"  # 61 characters
ROLE = {"Fn::GetAtt": ["WorkflowExecutionRoleWithLongName", "Arn"]}
MACHINE = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
# logical id -> (type, properties, how its name is read from its Ref)
RESOURCES = {
    "DestinationBucket": ("AWS::S3::Bucket", {}, lambda ref: ref),
    "FraudDetectionWorkflow": ("AWS::StepFunctions::StateMachine",
                               {"RoleArn": ROLE, "DefinitionString": MACHINE},
                               lambda ref: ref.rsplit(":", 1)[1]),
    "TransactionsDeadLetterQueue": ("AWS::SQS::Queue", {}, lambda ref: ref.rsplit("/", 1)[1]),
    "ScoreTransactionFunction": ("AWS::Lambda::Function", {
        "Runtime": "python3.11", "Handler": "index.handler", "Role": ROLE,
        "Code": {"ZipFile": "def handler(e, c):\n    return e\n"}}, lambda ref: ref),
    "WorkflowExecutionRoleWithLongName": ("AWS::IAM::Role", {
        "AssumeRolePolicyDocument": {"Statement": []}}, lambda ref: ref),
    "TransactionsOrderedQueue": ("AWS::SQS::Queue", {"FifoQueue": True},
                                 lambda ref: ref.rsplit("/", 1)[1]),
    "AlertsTopic": ("AWS::SNS::Topic", {}, lambda ref: ref.rsplit(":", 1)[1]),
    "AlertsOrderedTopic": ("AWS::SNS::Topic", {"FifoTopic": "true"},
                           lambda ref: ref.rsplit(":", 1)[1]),
    "TransactionsTable": ("AWS::DynamoDB::Table", {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}, lambda ref: ref),
    "TransactionEventsRule": ("AWS::Events::Rule", {"EventPattern": {"source": ["fraud"]}},
                              lambda ref: ref),
}


def test_a_long_stack_name_makes_names_within_each_types_limit(stack) -> None:
    stack.name = LONG_STACK
    template = {"Resources": {k: {"Type": t, "Properties": p}
                              for k, (t, p, _) in RESOURCES.items()},
                "Outputs": {k: {"Value": {"Ref": k}} for k in RESOURCES}}
    outputs = stack.create(template)
    for logical_id, (kind, _, name_of) in RESOURCES.items():
        name = name_of(outputs[logical_id])
        assert len(name) <= LIMITS[kind][0], (logical_id, name)
        shape = r"corpus-[\w-]*-[A-Za-z0-9]+-[A-Za-z0-9]{12}(\.fifo)?"
        assert re.fullmatch(shape, name, re.I), name
        assert logical_id[:4].lower() in name.lower(), name
    assert outputs["DestinationBucket"] == outputs["DestinationBucket"].lower()
    assert outputs["TransactionsOrderedQueue"].endswith(".fifo")  # as AWS names FIFO ones
    assert outputs["AlertsOrderedTopic"].endswith(".fifo")
    stack.delete()


def test_the_stack_and_logical_parts_share_the_room_fairly() -> None:
    name = generated_name("AWS::Lambda::Function", "s" * 60, "L" * 60)
    stack_part, logical_part, suffix = name.split("-")
    assert len(name) == 64 and len(suffix) == 12
    assert len(stack_part) == len(logical_part) == 25  # 64 - 12 - 2 dashes, halved
    short_stack = generated_name("AWS::Lambda::Function", "app", "L" * 60)
    assert short_stack.startswith("app-" + "L" * 47 + "-") and len(short_stack) == 64


def test_a_name_that_fits_is_kept_whole() -> None:
    assert re.fullmatch(r"app-Orders-[A-Z0-9]{12}",
                        generated_name("AWS::SQS::Queue", "app", "Orders"))
    assert re.fullmatch(r"app-orders-[a-z0-9]{12}",
                        generated_name("AWS::S3::Bucket", "App", "Orders"))


def test_a_cut_never_leaves_a_dash_at_a_seam() -> None:
    name = generated_name("AWS::ElasticLoadBalancingV2::TargetGroup", "my-stack-with-long-name",
                          "TargetGroup")
    assert len(name) <= 32 and "--" not in name, name
