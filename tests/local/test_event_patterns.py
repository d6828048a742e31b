"""EventBridge event patterns matched as AWS documents them (examples from the EventBridge
user guide's "event patterns" and "content filtering" pages), on literal data."""
from __future__ import annotations

import pytest

from ws.local.events.patterns import matches

EC2 = {"version": "0", "id": "6a7e8feb", "detail-type": "EC2 Instance State-change Notification",
       "source": "aws.ec2", "account": "111122223333", "time": "2017-12-22T18:43:48Z",
       "region": "us-west-1",
       "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
       "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated",
                  "c-count": 5, "d-count": 7, "x-limit": 301.8, "source-ip": "10.0.0.123",
                  "file": "photos/cat.png", "responseElements": None, "eventVersion": "",
                  "flag": True, "tags": ["prod", "eu"],
                  "items": [{"kind": "book", "price": 12}, {"kind": "pen", "price": 2}]}}

CASES = [
    # exact values, nesting and arrays
    ({"source": ["aws.ec2"]}, True),
    ({"source": ["aws.s3", "aws.ec2"]}, True),
    ({"source": ["aws.s3"]}, False),
    ({"detail": {"state": ["terminated"]}}, True),
    ({"detail": {"state": ["running"]}}, False),
    ({"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0",
                    "arn:aws:ec2:us-west-1:123456789012:instance/i-other"]}, True),
    ({"detail": {"tags": ["eu"]}}, True),
    ({"detail": {"c-count": [5.0]}}, True),
    ({"detail": {"c-count": ["5"]}}, False),
    ({"detail": {"flag": [True]}}, True),
    ({"detail": {"flag": [1]}}, False),
    ({"detail": {"responseElements": [None]}}, True),
    ({"detail": {"eventVersion": [""]}}, True),
    ({"detail": {"missing": [None]}}, False),
    ({"detail": {"items": {"kind": ["pen"]}}}, True),
    ({"detail": {"items": {"kind": ["cup"]}}}, False),
    ({"source": ["aws.ec2"], "detail": {"state": ["running"]}}, False),  # every field must match
    # prefix, suffix, equals-ignore-case, wildcard
    ({"time": [{"prefix": "2017-12-22"}]}, True),
    ({"time": [{"prefix": "2018"}]}, False),
    ({"source": [{"prefix": {"equals-ignore-case": "AWS.E"}}]}, True),
    ({"detail": {"file": [{"suffix": ".png"}]}}, True),
    ({"detail": {"file": [{"suffix": ".jpg"}]}}, False),
    ({"detail": {"file": [{"suffix": {"equals-ignore-case": ".PNG"}}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}, True),
    ({"detail": {"state": [{"equals-ignore-case": "RUNNING"}]}}, False),
    ({"detail": {"file": [{"wildcard": "photos/*.png"}]}}, True),
    ({"detail": {"file": [{"wildcard": "*/dog*"}]}}, False),
    ({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}, True),
    # anything-but
    ({"detail": {"state": [{"anything-but": "initializing"}]}}, True),
    ({"detail": {"state": [{"anything-but": "terminated"}]}}, False),
    ({"detail": {"c-count": [{"anything-but": [100, 200, 5]}]}}, False),
    ({"detail": {"c-count": [{"anything-but": [100, 200, 300]}]}}, True),
    ({"detail": {"state": [{"anything-but": {"prefix": "term"}}]}}, False),
    ({"detail": {"file": [{"anything-but": {"suffix": ".txt"}}]}}, True),
    ({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED", "x"]}}]}},
     False),
    ({"detail": {"file": [{"anything-but": {"wildcard": "*/lib/*"}}]}}, True),
    ({"detail": {"missing": [{"anything-but": "x"}]}}, False),
    # numeric
    ({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}, True),
    ({"detail": {"d-count": [{"numeric": [">", 0, "<=", 5]}]}}, False),
    ({"detail": {"x-limit": [{"numeric": ["=", 3.018e2]}]}}, True),
    ({"detail": {"state": [{"numeric": [">", 0]}]}}, False),
    ({"detail": {"items": {"price": [{"numeric": [">=", 10]}]}}}, True),
    # exists
    ({"detail": {"state": [{"exists": True}]}}, True),
    ({"detail": {"missing": [{"exists": True}]}}, False),
    ({"detail": {"missing": [{"exists": False}]}}, True),
    ({"detail": {"state": [{"exists": False}]}}, False),
    # cidr
    ({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}, True),
    ({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}, False),
    ({"detail": {"source-ip": [{"cidr": "2001:db8::/64"}]}}, False),
    # $or
    ({"detail": {"$or": [{"c-count": [{"numeric": [">", 10]}]},
                         {"d-count": [{"numeric": ["<", 10]}]}]}}, True),
    ({"$or": [{"source": ["aws.s3"]}, {"detail-type": ["nope"]}]}, False),
    ({"source": ["aws.ec2"], "$or": [{"region": ["us-west-1"]}, {"account": ["x"]}]}, True),
]


@pytest.mark.parametrize("pattern,expected", CASES, ids=[str(c[0]) for c in CASES])
def test_pattern(pattern, expected):
    assert matches(pattern, EC2) is expected


def test_ipv6_cidr_and_escaped_wildcard():
    assert matches({"ip": [{"cidr": "2001:db8::/64"}]}, {"ip": "2001:db8::1"})
    assert matches({"name": [{"wildcard": "a\\*b"}]}, {"name": "a*b"})
    assert not matches({"name": [{"wildcard": "a\\*b"}]}, {"name": "axxb"})
