"""Take an order's quantities from the catalog's stock before it is paid, and give them back
when the payment is declined: a product is never sold twice over, nor charged for when sold out.
The stock a paid order took stays taken.

One DynamoDB transaction marks the order `stock_taken` and lowers every product's `stock`, each
on condition (the order still PENDING and not taken yet; `stock >= quantity`), so a message
delivered twice takes the stock once."""
from __future__ import annotations

from botocore.exceptions import ClientError

# `client` below is a boto3 resource's client (dynamodb().meta.client): it takes and gives
# plain Python values, not DynamoDB's typed ones.


class SoldOut(Exception):
    """Some product of the order has less stock than ordered (its names in the message)."""


def _lines(order: dict) -> list[tuple[str, int, str]]:
    return [(item["product_id"], int(item["quantity"]), item.get("name") or item["product_id"])
            for item in order.get("items") or []]


def tracked(client, products: str, order: dict) -> dict:
    """The order with only the lines whose product counts its stock (has a `stock`): the
    catalog may leave a product's stock untracked, and then it is never sold out."""
    ids = sorted({product_id for product_id, _, _ in _lines(order)})
    if not ids:
        return order
    request = {products: {"Keys": [{"product_id": i} for i in ids],
                          "ProjectionExpression": "product_id, stock", "ConsistentRead": True}}
    counted = set()
    for _ in range(5):
        reply = client.batch_get_item(RequestItems=request)
        counted |= {item["product_id"] for item in reply["Responses"].get(products, [])
                    if "stock" in item}
        request = reply.get("UnprocessedKeys") or {}
        if not request:
            return {**order, "items": [i for i in order["items"] if i["product_id"] in counted]}
    raise RuntimeError("the catalog left products unread; the message is retried")


def _product_update(products: str, product_id: str, quantity: int, take: bool) -> dict:
    update = {"TableName": products, "Key": {"product_id": product_id},
              "ExpressionAttributeValues": {":q": quantity}}
    if take:
        return {"Update": {**update, "UpdateExpression": "SET stock = stock - :q",
                           "ConditionExpression": "stock >= :q"}}
    return {"Update": {**update, "UpdateExpression": "SET stock = stock + :q",
                       "ConditionExpression": "attribute_exists(stock)"}}


def take(client, orders: str, products: str, order: dict) -> bool:
    """Lower the stock of the order's products; False when it was taken before (redelivery).
    SoldOut names the products short of stock (nothing is taken then)."""
    lines = _lines(order)
    mark = {"Update": {
        "TableName": orders, "Key": {"order_id": order["order_id"]},
        "UpdateExpression": "SET stock_taken = :t",
        "ConditionExpression": "#s = :pending AND attribute_not_exists(stock_taken)",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":t": True, ":pending": "PENDING"}}}
    try:
        client.transact_write_items(TransactItems=[mark, *(
            _product_update(products, product_id, quantity, True)
            for product_id, quantity, _ in lines)])
    except ClientError as exc:
        reasons = exc.response.get("CancellationReasons") or []
        if exc.response["Error"]["Code"] != "TransactionCanceledException" or not reasons:
            raise
        if reasons[0].get("Code") == "ConditionalCheckFailed":
            return False
        short = [name for (_, _, name), reason in zip(lines, reasons[1:])
                 if reason.get("Code") == "ConditionalCheckFailed"]
        if not short:
            raise
        raise SoldOut("sold out: " + ", ".join(short)) from None
    return True


def decline(client, orders: str, products: str, order: dict, reason: str) -> None:
    """Mark the PENDING order DECLINED with `reason` and, in the same transaction, give its
    quantities back to the stock if they were taken."""
    mark = {"Update": {
        "TableName": orders, "Key": {"order_id": order["order_id"]},
        "UpdateExpression": "SET #s = :s, reason = :r", "ConditionExpression": "#s = :pending",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":s": "DECLINED", ":r": reason, ":pending": "PENDING"}}}
    back = [_product_update(products, product_id, quantity, False)
            for product_id, quantity, _ in _lines(order)] if order.get("stock_taken") else []
    client.transact_write_items(TransactItems=[mark, *back])
