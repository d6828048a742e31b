"""Expand the SAM transform locally with samtranslator, as sam-cli does (moto has no transform)."""
from __future__ import annotations

import copy
import logging
from typing import Any

from ws.errors import ConfigError

# samtranslator warns about metrics nobody publishes on every translation: noise for ws users.
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)


def translate_sam(body: dict[str, Any], region: str, display: str) -> dict[str, Any]:
    """Plain CloudFormation for a SAM template; SAM's own validation errors name the file.

    samtranslator (0.4 s to import) and boto3 (which it wants a session of) are imported here:
    only a stack that deploys a SAM template to a target without the transform pays for them,
    not every deploy."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    session = boto3.Session(region_name=region, aws_access_key_id="offline",
                            aws_secret_access_key="offline")
    translator = Translator(None, Parser(), boto_session=session)
    try:
        return translator.translate(copy.deepcopy(body), parameter_values={
            "AWS::Region": region, "AWS::Partition": "aws"},
            get_managed_policy_map=lambda: {})
    except InvalidDocumentException as exc:
        causes = "; ".join(cause.message for cause in exc.causes) or str(exc)
        raise ConfigError(f"invalid SAM template: {causes}", path=display) from None
