"""Resource providers for types moto's CloudFormation lacks, creating real moto resources."""
from __future__ import annotations

from moto.cloudformation import parsing

from . import apigateway, apimethods, cloudfront, cognito, s3policy

PROVIDERS = (cognito.UserPool, cognito.UserPoolClient, cloudfront.Distribution,
             cloudfront.OriginAccessControl, s3policy.BucketPolicy, apigateway.RestApi,
             apigateway.Deployment, apigateway.Stage, apimethods.Authorizer, apimethods.Method)


def register() -> None:
    """Make moto see the providers (idempotent).

    moto caches its type map on first use (lru_cache over CloudFormationModel.__subclasses__());
    the providers are defined by importing this package, so clearing the caches is enough.
    A provider listed after moto's own model of the same type replaces it in the map.
    """
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    missing = [p.TYPE for p in PROVIDERS if parsing.get_model_map().get(p.TYPE) is not p]
    if missing:
        raise RuntimeError(f"moto did not take ws providers for: {', '.join(missing)}")


def supported_types() -> set[str]:
    """Every resource type the local endpoint creates (with the providers registered)."""
    register()
    return set(parsing.get_model_map()) | set(parsing.NULL_MODELS)
