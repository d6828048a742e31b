"""Known public layers of other accounts -> what ws installs in their place."""
from __future__ import annotations

import pytest

from ws.local.lambdas.deploynotes import foreign_layers, layer_line, standin_layers_line
from ws.local.lambdas.publiclayerbuild import default_cache, place
from ws.local.lambdas.publiclayers import stand_in

PY = "arn:aws:lambda:{region}:017000801446:layer:{name}:{number}"
TS = "arn:aws:lambda:{region}:094274105915:layer:{name}:{number}"


@pytest.mark.parametrize("arn, language, major, arch, first", [
    (PY.format(region="us-east-1", name="AWSLambdaPowertoolsPythonV2", number=79),
     "python", 2, "x86_64", "aws-lambda-powertools[all]>=2,<3"),
    (PY.format(region="eu-west-1", name="AWSLambdaPowertoolsPythonV2-Arm64", number=3),
     "python", 2, "arm64", "aws-lambda-powertools[all]>=2,<3"),
    (PY.format(region="ap-south-1", name="AWSLambdaPowertoolsPythonV3-python312-x86_64",
               number=18), "python", 3, "x86_64", "aws-lambda-powertools[all]>=3,<4"),
    (PY.format(region="us-west-2", name="AWSLambdaPowertoolsPythonV3-python313-arm64",
               number=7), "python", 3, "arm64", "aws-lambda-powertools[all]>=3,<4"),
    (PY.format(region="us-east-2", name="AWSLambdaPowertoolsPython", number=33),
     "python", 1, "x86_64", "aws-lambda-powertools>=1,<2"),
    (TS.format(region="us-east-1", name="AWSLambdaPowertoolsTypeScriptV2", number=12),
     "nodejs", 2, "x86_64", "@aws-lambda-powertools/commons@^2"),
    (TS.format(region="sa-east-1", name="AWSLambdaPowertoolsTypeScript", number=27),
     "nodejs", 1, "x86_64", "@aws-lambda-powertools/commons@^1"),
])
def test_known_layers_map_to_their_registry_packages(arn, language, major, arch, first):
    found = stand_in(arn)
    assert found is not None
    assert (found.language, found.major, found.architecture) == (language, major, arch)
    assert found.requirements()[0] == first


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:us-east-1:123456789012:layer:AWSLambdaPowertoolsPythonV2:79",  # other owner
    "arn:aws:lambda:us-east-1:017000801446:layer:SomethingElse:1",
    "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV9:1",
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38",
    "not an arn", "",
])
def test_unknown_layers_have_no_stand_in(arn):
    assert stand_in(arn) is None


def _body(*arns: str) -> dict:
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function",
                                 "Properties": {"Runtime": "python3.12", "Layers": list(arns)}}}}


def test_deploy_names_the_stand_in_and_still_names_unknown_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    known = PY.format(region="us-east-1", name="AWSLambdaPowertoolsPythonV2", number=79)
    other = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"
    body = _body(known, other)
    assert foreign_layers(body, "123456789012") == [("Fn", other)]
    assert "LambdaInsightsExtension" in (layer_line(body, "123456789012") or "")
    line = standin_layers_line(body, "123456789012") or ""
    assert "AWSLambdaPowertoolsPythonV2:79" in line
    assert "aws-lambda-powertools[all] 2.x" in line and "PyPI" in line
    assert standin_layers_line(_body(other), "123456789012") is None
    installed = place(stand_in(known), default_cache()) / "python"  # type: ignore[arg-type]
    (installed / "aws_lambda_powertools-2.43.1.dist-info").mkdir(parents=True)
    assert "aws-lambda-powertools[all] 2.43.1 from PyPI" in (
        standin_layers_line(body, "123456789012") or "")


def test_a_stand_in_is_laid_under_the_functions_own_layers(tmp_path):
    import io
    import zipfile
    from types import SimpleNamespace

    from ws.local.lambdas.layers import opt_dir

    public = tmp_path / "cache" / "python3-x"
    (public / "python").mkdir(parents=True)
    (public / "python" / "shared.py").write_text("FROM = 'public'\n")
    (public / "python" / "only_public.py").write_text("")
    assert opt_dir(tmp_path / "fn", (), lambda arn: None, (public,)) == public
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("python/shared.py", "FROM = 'own'\n")
    own = SimpleNamespace(code_bytes=zipped.getvalue(), code_digest="d1")
    opt = opt_dir(tmp_path / "fn", ("arn:own",), {"arn:own": own}.get, (public,))
    assert opt is not None and opt != public
    assert (opt / "python" / "shared.py").read_text() == "FROM = 'own'\n"
    assert (opt / "python" / "only_public.py").is_file()
    assert (public / "python" / "shared.py").read_text() == "FROM = 'public'\n"


def test_a_failed_install_leaves_the_function_without_the_layer(tmp_path, monkeypatch):
    from ws.local.lambdas import publiclayerbuild

    def offline(standin, cache):
        raise publiclayerbuild.Unavailable("pip install failed: no network")
    monkeypatch.setattr(publiclayerbuild, "folder", offline)
    known = PY.format(region="us-east-1", name="AWSLambdaPowertoolsPythonV2", number=79)
    other = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"
    assert publiclayerbuild.stand_ins((known, other), tmp_path) == ((), (known, other))
    monkeypatch.setattr(publiclayerbuild, "folder", lambda standin, cache: tmp_path)
    assert publiclayerbuild.stand_ins((known, other), tmp_path) == ((tmp_path,), (other,))
