"""SNS on the local endpoint: fan-out to queues and a function, filter policies, raw delivery."""
from __future__ import annotations

import json
import time

from event_helpers import bodies, events_of, queue, recorder, wait_for


def _publish(sns, topic: str, body: dict, amount: int) -> None:
    sns.publish(TopicArn=topic, Message=json.dumps(body), Subject="order", MessageAttributes={
        "amount": {"DataType": "Number", "StringValue": str(amount)}})


def test_fan_out_to_two_queues_and_a_function_through_filter_policies(aws):
    sns = aws("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    big_url, big_arn = queue(aws, "big-orders")
    eu_url, eu_arn = queue(aws, "eu-orders")
    fn_arn = recorder(aws)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big_arn, Attributes={
        "FilterPolicy": json.dumps({"amount": [{"numeric": [">=", 100]}]})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=eu_arn, Attributes={
        "RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
        "FilterPolicy": json.dumps({"region": ["eu"]})})
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=fn_arn)
    _publish(sns, topic, {"region": "eu", "id": 1}, 150)
    _publish(sns, topic, {"region": "us", "id": 2}, 5)

    [envelope] = [json.loads(b) for b in bodies(aws, big_url, expected=2, seconds=1.5)]
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic
    assert json.loads(envelope["Message"]) == {"region": "eu", "id": 1}
    assert envelope["MessageAttributes"]["amount"]["Value"] in ("150", 150)
    assert [json.loads(b) for b in bodies(aws, eu_url, expected=2, seconds=0.5)] == \
        [{"region": "eu", "id": 1}]
    records = wait_for(lambda: len(events_of(aws)) == 2 and events_of(aws))
    notes = sorted((r["Records"][0] for r in records), key=lambda r: r["Sns"]["Message"])
    assert [json.loads(n["Sns"]["Message"])["id"] for n in notes] == [1, 2]
    assert notes[0]["EventSource"] == "aws:sns" and notes[0]["Sns"]["TopicArn"] == topic
    assert notes[0]["Sns"]["Subject"] == "order"
    assert notes[0]["Sns"]["MessageAttributes"]["amount"]["Type"] == "Number"
    assert notes[0]["EventSubscriptionArn"].startswith(topic + ":")


def test_raw_message_delivery_false_keeps_the_envelope(aws):
    sns = aws("sns")
    topic = sns.create_topic(Name="plain")["TopicArn"]
    url, arn = queue(aws, "plain")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "false"})
    sns.publish(TopicArn=topic, Message="hello")
    [body] = bodies(aws, url)
    assert json.loads(body)["Message"] == "hello"


def test_an_http_subscriber_gets_the_envelope_and_sns_headers(aws):
    import http.server
    import threading

    got: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sns = aws("sns")
        topic = sns.create_topic(Name="hooks")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="http",
                      Endpoint=f"http://127.0.0.1:{server.server_port}/hook")
        sns.publish(TopicArn=topic, Message="ping")
        [(headers, envelope)] = wait_for(lambda: got)
    finally:
        server.shutdown()
    assert envelope["Message"] == "ping" and envelope["TopicArn"] == topic
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-topic-arn"] == topic


def test_a_fifo_topic_keeps_each_groups_order_in_its_fifo_queue(aws):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="ledger.fifo", Attributes={
        "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    url = sqs.create_queue(QueueName="ledger.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RawMessageDelivery": "true"})
    for start in (0, 10, 20):  # a batch hands ten messages to the router at once
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(n), "Message": str(n), "MessageGroupId": "account-1"}
            for n in range(start, start + 10)])
    got: list[int] = []
    deadline = time.monotonic() + 10
    while len(got) < 30 and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            got.append(int(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert got == list(range(30))
