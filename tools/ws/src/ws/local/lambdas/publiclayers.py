"""Well-known public layers of other accounts that the local endpoint stands in for, since it
cannot fetch them: AWS Lambda Powertools. Their content is installed from the public registry
(publiclayerbuild.py), the newest release of the major version the layer's name says.

Adding a layer is one entry of KNOWN. Standard library only: the CLI imports it."""
from __future__ import annotations

import re
from dataclasses import dataclass

POWERTOOLS_NODE = ("commons", "logger", "metrics", "tracer", "parameters", "idempotency",
                   "batch")


@dataclass(frozen=True)
class Known:
    """A family of public layers: its account, its names (`major`: the version group, else
    `major` given), and what it holds."""

    account: str
    name: str  # a regular expression matched against the whole layer name
    language: str  # "python" (in /opt/python) or "nodejs" (in /opt/nodejs/node_modules)
    packages: tuple[str, ...]  # registry names; a Python one may carry extras
    major: int = 0  # when the name has no (?P<major>) group


KNOWN = (
    # The V2 and V3 layers are built with every extra (include_extras=True in Powertools'
    # layer stack): aws-xray-sdk, fastjsonschema, pydantic and the like.
    Known("017000801446", r"AWSLambdaPowertoolsPythonV(?P<major>[23])(-python3\d+)?"
          r"(-(?P<arch>Arm64|arm64|x86_64))?", "python", ("aws-lambda-powertools[all]",)),
    Known("017000801446", r"AWSLambdaPowertoolsPython", "python", ("aws-lambda-powertools",),
          major=1),
    Known("094274105915", r"AWSLambdaPowertoolsTypeScriptV(?P<major>2)(-(?P<arch>Arm64))?",
          "nodejs", tuple(f"@aws-lambda-powertools/{p}" for p in POWERTOOLS_NODE)),
    Known("094274105915", r"AWSLambdaPowertoolsTypeScript", "nodejs",
          tuple(f"@aws-lambda-powertools/{p}" for p in POWERTOOLS_NODE), major=1),
)


@dataclass(frozen=True)
class StandIn:
    """What ws installs in place of one layer: `packages` of `major`'s newest release."""

    language: str
    packages: tuple[str, ...]
    major: int
    architecture: str  # the layer's, as its name says ("x86_64" when it says none)

    def requirements(self) -> tuple[str, ...]:
        """The install's arguments: pip requirement lines or npm package specs."""
        if self.language == "python":
            return tuple(f"{p}>={self.major},<{self.major + 1}" for p in self.packages)
        return tuple(f"{p}@^{self.major}" for p in self.packages)

    def said(self, version: str | None = None) -> str:
        """How the deploy names it: "aws-lambda-powertools[all] 3.x (its newest, installed at
        first invoke) from PyPI", or the `version` installed already."""
        registry = "PyPI" if self.language == "python" else "npm"
        first = self.packages[0] if len(self.packages) == 1 else \
            self.packages[0].rsplit("/", 1)[0] + "/*"
        return f"{first} {version or f'{self.major}.x (its newest, installed at first invoke)'} from {registry}"


def stand_in(arn: str) -> StandIn | None:
    """The stand-in for layer version `arn`, or None when it is no known public layer."""
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) != 8 or parts[:3] != ["arn", "aws", "lambda"] or parts[5] != "layer":
        return None
    for known in KNOWN:
        match = re.fullmatch(known.name, parts[6])
        if known.account == parts[4] and match:
            groups = match.groupdict()
            major = int(groups.get("major") or known.major)
            arch = "arm64" if (groups.get("arch") or "").lower() == "arm64" else "x86_64"
            return StandIn(known.language, known.packages, major, arch)
    return None
