"""Stream batches on literal data: FilterCriteria and ReportBatchItemFailures."""
from __future__ import annotations

import base64
import json

from ws.local.events.streambatch import kept, resume_at

DDB = [{"eventName": "INSERT", "dynamodb": {"NewImage": {"status": {"S": "PAID"}}}},
       {"eventName": "REMOVE", "dynamodb": {"OldImage": {"status": {"S": "PAID"}}}}]


def _kinesis(data: bytes) -> dict:
    return {"kinesis": {"partitionKey": "k", "data": base64.b64encode(data).decode()},
            "eventSource": "aws:kinesis"}


def test_filter_criteria_keep_matching_records():
    criteria = {"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]})}]}
    assert kept(criteria, DDB) == [True, False]
    assert kept(None, DDB) == [True, True]
    either = {"Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})},
                          {"Pattern": json.dumps({"dynamodb": {"NewImage": {
                              "status": {"S": ["PAID"]}}}})}]}
    assert kept(either, DDB) == [True, True]


def test_kinesis_data_is_filtered_decoded():
    criteria = {"Filters": [{"Pattern": json.dumps({"data": {"t": [{"numeric": [">", 20]}]}})}]}
    assert kept(criteria, [_kinesis(b'{"t": 25}'), _kinesis(b'{"t": 5}'), _kinesis(b"text")]) \
        == [True, False, False]
    assert kept({"Filters": [{"Pattern": json.dumps({"partitionKey": ["k"]})}]},
                [_kinesis(b"x")]) == [True]


def test_where_a_batch_resumes():
    seqs = ["100", "101", "102"]
    assert resume_at(seqs, False, b'{"seen": true}', reports=False) is None
    assert resume_at(seqs, True, b"{}", reports=True) == 0
    assert resume_at(seqs, False, b"null", reports=True) is None
    assert resume_at(seqs, False, b'{"batchItemFailures": []}', reports=True) is None
    assert resume_at(seqs, False, json.dumps({"batchItemFailures": [
        {"itemIdentifier": "102"}, {"itemIdentifier": "101"}]}).encode(), reports=True) == 1
    assert resume_at(seqs, False, b'{"batchItemFailures": [{"itemIdentifier": "999"}]}',
                     reports=True) == 0
    assert resume_at(seqs, False, b"not json", reports=True) == 0
