"""Resource providers for types moto's CloudFormation lacks, creating real moto resources."""
from __future__ import annotations

from moto.cloudformation import parsing

from ...errors import EndpointError
from . import (apigateway, apikeys, apimethods, apiparts, appsync, appsyncparts,
               balancerdeletion, certificates, cloudfront, cognito, cognitoparts, connections,
               customresource, ecsservices, endpointservices, events, functions, httpapi,
               listenercerts, loadbalancers, messaging, networkdeletion, observability,
               patched, physicalnames, placeholder, recordsets, refs, s3policy, scheduler,
               secrets, statemachine, tableupdate, targetgroups, vpcendpoints, vpclinks,
               websocketparts)

# Adding a type: a module with `class X(Provider, CloudFormationModel)`, listed here.
PROVIDERS = (cognito.UserPool, cognito.UserPoolClient, cloudfront.Distribution,
             cloudfront.OriginAccessControl, s3policy.BucketPolicy, apigateway.RestApi,
             apigateway.Deployment, apigateway.Stage, apimethods.Authorizer, apimethods.Method,
             customresource.CustomResource,
             functions.Version, functions.Alias, functions.Url, functions.EventInvokeConfig,
             functions.LayerVersion, events.EventBus, events.Archive,
             messaging.QueuePolicy, messaging.TopicPolicy, messaging.Subscription,
             scheduler.Schedule, scheduler.ScheduleGroup,
             appsync.GraphQLApi, appsync.GraphQLSchema, appsync.ApiKey,
             appsyncparts.DataSource, appsyncparts.Resolver,
             httpapi.Api, httpapi.Stage, httpapi.Route, httpapi.Integration,
             httpapi.Authorizer, httpapi.Deployment, websocketparts.RouteResponse,
             websocketparts.IntegrationResponse,
             statemachine.StateMachine, patched.Queue, patched.Topic, patched.Key,
             patched.AccessPoint, patched.FileSystem, patched.Parameter, patched.ManagedPolicy,
             patched.EventSourceMapping, patched.HostedZone, loadbalancers.LoadBalancer,
             vpcendpoints.VPCEndpoint, endpointservices.VPCEndpointService,
             targetgroups.TargetGroup, ecsservices.Service, vpclinks.VpcLink,
             vpclinks.HttpVpcLink,
             secrets.Secret, cognitoparts.UserPoolGroup, cognitoparts.UserPoolDomain,
             cognitoparts.IdentityPool, apikeys.ApiKey, apikeys.UsagePlan, apikeys.UsagePlanKey,
             observability.Alarm, observability.LogStream, observability.SubscriptionFilter,
             observability.DeliveryStream, connections.Connection, connections.ApiDestination,
             connections.Pipe, apiparts.DomainName, apiparts.BasePathMapping, apiparts.Model,
             apiparts.RequestValidator, patched.Rule, recordsets.RecordSet,
             recordsets.RecordSetGroup, certificates.Certificate)


def register() -> None:
    """Make moto see the providers (idempotent).

    moto caches its type map on first use (lru_cache over CloudFormationModel.__subclasses__(),
    moto/cloudformation/parsing.py get_model_list): the providers exist once this package is
    imported, so clearing the caches is enough. Of two models of one type, the one defined
    later (ours) wins the map.
    """
    placeholder.install()  # every other AWS type: a placeholder (providers/placeholder.py)
    if not _registered():
        parsing.get_model_list.cache_clear()
        parsing.get_model_map.cache_clear()
        parsing.get_name_type_map.cache_clear()
    if not _registered():
        missing = [p.TYPE for p in PROVIDERS if parsing.get_model_map().get(p.TYPE) is not p]
        raise EndpointError(f"moto did not take ws's providers for: {', '.join(missing)}",
                            "moto changed how it finds CloudFormation models; use moto 5.2")
    refs.install()  # moto's models without a Ref of their own (providers/refs.py)
    tableupdate.install()  # DynamoDB tables updated in place (providers/tableupdate.py)
    physicalnames.install()  # generated names within each type's limit
    listenercerts.install()  # a listener takes the deployer's own ACM certificate ARN
    networkdeletion.install()  # a stack's own VPC parts deleted with it
    balancerdeletion.install()  # and its listeners, rules and target groups


def _registered() -> bool:
    return all(parsing.get_model_map().get(p.TYPE) is p for p in PROVIDERS)


def supported_types() -> set[str]:
    """Every resource type the local endpoint creates for real (with the providers registered);
    any other `AWS::` type gets a placeholder."""
    register()
    return set(parsing.get_model_map()) | set(parsing.NULL_MODELS)
