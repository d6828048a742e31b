"""Names and ARNs shaped as CloudFormation and AWS shape them."""
from __future__ import annotations

import random
import string

from moto.utilities.utils import get_partition


def short_name(generated: str, logical_id: str, limit: int) -> str:
    """moto's generated `<stack>-<logical>-<SUFFIX>` cut to `limit` characters as CloudFormation
    cuts it: the suffix kept whole, the stack and logical parts shortened."""
    if len(generated) <= limit:
        return generated
    stack, _, suffix = generated.rpartition("-")
    stack = stack[:len(stack) - len(logical_id) - 1] if stack.endswith("-" + logical_id) \
        else stack
    room = max(limit - len(suffix) - 2, 2)
    stack_room = min(len(stack), max(room // 2, room - len(logical_id)))
    return f"{stack[:stack_room]}-{logical_id[:room - stack_room]}-{suffix}"[:limit]


def arn(service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{get_partition(region)}:{service}:{region}:{account_id}:{resource}"


def random_id(size: int = 10, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    return "".join(random.choice(alphabet) for _ in range(size))
