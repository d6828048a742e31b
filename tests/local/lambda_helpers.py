"""Deploy small Lambda functions (code given as a dict of files) to the local endpoint."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def zip_of(files: dict[str, str]) -> bytes:
    """A deployment package holding `files` (path -> text)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


class Functions:
    """create/update functions on one endpoint and invoke them with JSON events."""

    def __init__(self, aws: Any) -> None:
        self.lam = aws("lambda")
        self.role = aws("iam").create_role(RoleName="fn-role",
                                           AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]

    def create(self, name: str, files: dict[str, str], **config: Any) -> str:
        self.lam.create_function(FunctionName=name, Role=self.role,
                                 Runtime=config.pop("Runtime", "python3.11"),
                                 Handler=config.pop("Handler", "app.handler"),
                                 Code={"ZipFile": zip_of(files)}, **config)
        return name

    def invoke(self, name: str, event: Any = None) -> tuple[Any, str | None]:
        """(the decoded payload, the FunctionError or None)."""
        answer = self.lam.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode())
        return json.loads(answer["Payload"].read() or b"null"), answer.get("FunctionError")
