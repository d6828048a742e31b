"""Where CloudFormation is: real AWS, or the embedded local endpoint. Clients come straight
from botocore: boto3's session adds nothing ws uses (resources, S3 transfers) and importing it
costs every command 40 ms more."""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlparse

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ws.cloud import localerrors, profiles, reachability
from ws.config.environment import Environment
from ws.config.workspace import Workspace
from ws.errors import WsError

log = logging.getLogger(__name__)
LOCAL_ENDPOINT_VAR = "WS_LOCAL_ENDPOINT"  # use this running endpoint instead of ws's own
LOCAL_ACCOUNT = "123456789012"
_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10}, s3={"addressing_style": "path"},
                 max_pool_connections=32)
# The local endpoint is on loopback and never throttles: an error there is final after a
# few tries (a dead endpoint must not cost minutes of back-off).
_LOCAL_CONFIG = _CONFIG.merge(Config(retries={"mode": "standard", "max_attempts": 3},
                                     connect_timeout=5))
# DynamoDB holds the stack locks: a call that hangs must fail within a fraction of a lease
# (60 s by default), not after botocore's 60 s timeouts times 10 attempts, so that renewing
# and releasing go on (the lease itself is judged by the clock: leases.Lease.problem).
_SERVICE_CONFIG = {"dynamodb": Config(connect_timeout=5, read_timeout=10,
                                      retries={"mode": "adaptive", "max_attempts": 4})}


@dataclass(frozen=True)
class Capabilities:
    """What a target can do; code asks for a capability, never for a backend's name."""

    change_sets: bool = True  # deploy through change sets (see the changes, guard data)
    asynchronous: bool = True  # operations return at once and are watched until they end
    locks: bool = True  # stack locks in the target's DynamoDB
    expands_sam: bool = True  # the target runs the SAM transform itself
    local_fixes: bool = False  # templates need the local endpoint's fixes and providers
    cancels_updates: bool = True  # an update can be cancelled (rolled back) on a second Ctrl-C
    express: bool = True  # takes DeploymentConfig={"Mode": "EXPRESS"} (else it is not sent)


AWS = Capabilities()
# moto: synchronous, no SAM transform, change-set execution loses outputs (direct updates).
# Its operations end inside the call (express or not): the mode is not sent.
LOCAL = Capabilities(change_sets=False, asynchronous=False, expands_sam=False, local_fixes=True,
                     cancels_updates=False, express=False)


@dataclass(frozen=True, eq=False)
class Backend:
    """How clients are made and what the target can do; clients are made on the main thread.

    kind names the target for people ("aws", "local", "fake"); behaviour follows `can`.
    """

    kind: str
    region: str
    account_id: str
    make_client: Callable[[str], Any]
    endpoint_url: str | None = None  # the local endpoint
    # Where the S3 client goes (AWS_ENDPOINT_URL honoured); a function: found when first needed
    # (making an S3 client costs a no-op deploy a tenth of its time).
    s3_endpoint: str | Callable[[], str | None] | None = None
    partition: str = "aws"  # aws, aws-cn, aws-us-gov...
    can: Capabilities = AWS

    @property
    def synchronous(self) -> bool:
        """The target finishes each stack operation inside the API call."""
        return not self.can.asynchronous

    @property
    def translates_sam(self) -> bool:
        """The target has no SAM transform: ws expands it before sending."""
        return not self.can.expands_sam

    def client(self, service: str) -> Any:
        return self.make_client(service)

    def artifact_bucket(self, workspace: str) -> str:
        name = f"ws-{self.account_id}-{self.region}-{workspace}"[:63]
        return name.rstrip("-")

    def template_url(self, bucket: str, key: str) -> str:
        """Where CloudFormation reads an uploaded template: on S3's own host in the region's
        partition (virtual-hosted), or path-style on a configured endpoint."""
        if self.endpoint_url:  # moto parses the host: it must be localhost, not 127.0.0.1
            return f"{self.endpoint_url.replace('127.0.0.1', 'localhost')}/{bucket}/{key}"
        endpoint = self.s3_endpoint() if callable(self.s3_endpoint) else self.s3_endpoint
        base = (endpoint or f"https://s3.{self.region}.amazonaws.com").rstrip("/")
        host = urlparse(base).hostname or ""
        if _AWS_S3_HOST.match(host):
            return f"https://{bucket}.{host}/{key}"
        return f"{base}/{bucket}/{key}"


_AWS_S3_HOST = re.compile(r"^s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$")


def local_endpoint_url(ws: Workspace) -> str:
    """The embedded endpoint's URL, starting it if it is not running."""
    from ws.local import endpoint  # imported here: moto is only loaded for the local target
    override = os.environ.get(LOCAL_ENDPOINT_VAR)
    return override.rstrip("/") if override else endpoint.start(ws.state_dir).url


def local_endpoint_running(ws: Workspace) -> bool:
    """Is there a local endpoint to attach to (ws's own, answering, or WS_LOCAL_ENDPOINT's)?
    Nothing is started."""
    from ws.local import endpoint
    return bool(os.environ.get(LOCAL_ENDPOINT_VAR)) or endpoint.status(ws.state_dir) is not None


def connect(ws: Workspace, env: Environment, endpoint_url: str | None = None) -> Backend:
    """A Backend for `env`: local starts/attaches the endpoint, aws checks the account."""
    if env.target == "local":
        return local_backend(env.region, endpoint_url or local_endpoint_url(ws),
                             _log_hint(ws, endpoint_url))
    profiles.check_profile(ws.root, env)
    session = aws_session(env.profile, env.region)
    account = _caller_account(session, env)
    profiles.check_account(ws.root, env, account)
    if env.account_id and account != env.account_id:  # the pin holds whatever overrode what
        raise WsError(f"{env.file} expects account {env.account_id}, but the credentials "
                      f"({env.origin or 'the default credentials'}) are for account {account}",
                      "use the right profile or credentials (--profile, AWS_PROFILE or the "
                      "file's 'profile')")
    if account in env.forbidden_accounts:
        raise WsError(f"{env.file} is a per-developer environment, but the credentials are for "
                      f"account {account}, which a protected environment uses",
                      "deploy developer stacks with a development account's credentials")
    clients = _factory(session, None)
    return Backend("aws", env.region, account, clients,
                   s3_endpoint=lambda: clients("s3").meta.endpoint_url,
                   partition=session.get_partition_for_region(env.region))


def local_backend(region: str, url: str, log_hint: str = localerrors.LOG_HINT) -> Backend:
    """A Backend on the local endpoint at `url`; its error pages name `log_hint`."""
    session = new_session(region, key=("testing", "testing"))
    return Backend("local", region, LOCAL_ACCOUNT,
                   _factory(session, url, _LOCAL_CONFIG, log_hint), url, can=LOCAL)


def _log_hint(ws: Workspace, endpoint_url: str | None) -> str:
    """Where the server log of the endpoint ws uses is, as the user would open it."""
    if endpoint_url or os.environ.get(LOCAL_ENDPOINT_VAR):
        return "the local endpoint's server log"
    from ws.local import endpoint
    log_file = endpoint.log_file(ws.state_dir)
    try:
        return f"its server log ({log_file.relative_to(Path.cwd())})"
    except ValueError:
        return f"its server log ({log_file})"


def new_session(region: str, profile: str | None = None,
                key: tuple[str, str] | None = None) -> botocore.session.Session:
    """A botocore session in `region`, with `profile` or an access `key` (id, secret), else
    the default credential chain (as boto3.Session(...) would make it)."""
    session = botocore.session.Session(profile=profile)
    session.set_config_variable("region", region)
    if key:
        session.set_credentials(*key)
    return session


def aws_session(profile: str | None, region: str) -> botocore.session.Session:
    """A session for `profile`; in CI (CI=true) where that profile is not configured, the
    default credential chain (environment, OIDC role): the account_id check still applies."""
    if profile and os.environ.get("CI") == "true" \
            and profile not in botocore.session.Session().available_profiles:
        profile = None
    try:
        session = new_session(region, profile)
        session.get_scoped_config()  # a profile that does not exist is refused here
        return session
    except BotoCoreError as exc:
        raise WsError(f"cannot use AWS profile {profile!r}: {exc}",
                      "configure it (aws configure --profile NAME) or name another "
                      "(--profile, AWS_PROFILE)") from None


def aws_client(profile: str | None, region: str, service: str) -> Any:
    """A client of `service` for a profile and region, for a command that reads one place
    without connecting a Backend (no account check)."""
    return _factory(aws_session(profile, region), None)(service)


def _factory(session: botocore.session.Session, url: str | None,
             config: Config = _CONFIG, log_hint: str | None = None) -> Callable[[str], Any]:
    """One client per service, made on first use under a lock: a botocore session is not safe
    to make clients from in several threads at once (stacks deploy in parallel), a client is
    safe to share, and one client keeps one connection pool and one adaptive retry rate. The
    clients of one endpoint host stop retrying together once it is gone (reachability.py)."""
    made: dict[str, Any] = {}
    hosts: dict[str, reachability.Reachability] = {}  # by endpoint host: is it gone?
    lock = threading.Lock()

    def make(service: str) -> Any:
        with lock:
            if service not in made:
                merged = config.merge(_SERVICE_CONFIG[service]) \
                    if service in _SERVICE_CONFIG and config is _CONFIG else config
                client = session.create_client(service, endpoint_url=url, config=merged)
                client.meta.events.register("before-call", _log_call)
                host = urlparse(client.meta.endpoint_url).netloc
                reachability.watch(client, hosts.setdefault(host, reachability.Reachability()))
                if log_hint is not None:  # the local endpoint: its error pages, read
                    localerrors.install(client, log_hint)
                made[service] = client
            return made[service]
    return make


def _log_call(model: Any, params: dict[str, Any], **_: Any) -> None:
    """-v shows every AWS call ws makes (names only: parameters may hold secrets)."""
    log.info("call %s.%s", model.service_model.service_name, model.name)


def _caller_account(session: botocore.session.Session, env: Environment) -> str:
    try:
        return session.create_client("sts", config=_CONFIG).get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as exc:
        raise WsError(f"cannot reach AWS for environment {env.name}: {exc}",
                      "check your AWS credentials/profile, or use --env local") from None
