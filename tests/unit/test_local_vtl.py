"""Mapping templates (Velocity) as API Gateway renders them: $input, $util, $context,
Java-looking values, #set/#if/#foreach, JSONPath, and $context.responseOverride."""
from __future__ import annotations

import json

import pytest

from ws.local.apigw import jsonpath, vtl

pytest.importorskip("airspeed")
BODY = json.dumps({"name": "O'Neil \"x\"", "ok": True, "n": None,
                   "items": [{"n": 1}, {"n": 2}], "m": {"a": 1}})
PARAMS = {"path": {"id": "7"}, "querystring": {"q": "x y"}, "header": {"H": "v"}}


def _render(template: str, context: dict | None = None) -> str:
    return vtl.render(template, {"input": vtl.Input(BODY, PARAMS), "util": vtl.Util(),
                                 "context": vtl.java(context or {}),
                                 "stageVariables": {"s": "local"}})


def test_input_path_json_params_and_java_values():
    assert _render("$input.params('id') $input.params('q') $input.params('H')") == "7 x y v"
    assert _render("$input.params().path.id") == "7"
    assert _render("$input.path('$.ok') $input.path('$.m') $input.path('$.items[1].n')") == \
        "true {a=1} 2"
    assert json.loads(_render("$input.json('$.items')")) == [{"n": 1}, {"n": 2}]
    assert json.loads(_render("$input.json('$')")) == json.loads(BODY)
    assert _render("$input.path('$.items').size() $input.path('$.items[*].n')") == "2 [1, 2]"
    assert _render("$!input.path('$.missing')|") == "|"


def test_util_functions():
    assert _render("$util.escapeJavaScript($input.path('$.name'))") == "O\\'Neil \\\"x\\\""
    assert _render("$util.urlEncode('a b&c') $util.urlDecode('a+b%26c')") == "a+b%26c a b&c"
    assert _render("$util.base64Encode('hi') $util.base64Decode('aGk=')") == "aGk= hi"
    assert _render("#set($o = $util.parseJson('{\"k\": [1]}'))$o.k[0]") == "1"


def test_directives_and_overrides():
    rendered = _render("#foreach($i in $input.path('$.items'))$i.n#if($foreach.hasNext),"
                       "#end#end #if($input.path('$.ok'))yes#else no#end $stageVariables.s")
    assert rendered == "1,2 yes local"
    context = vtl.java({"responseOverride": {"status": None, "header": {}}})
    vtl.render("#set($context.responseOverride.status = 418)"
               "#set($context.responseOverride.header.X = 'y')", {"context": context})
    assert context["responseOverride"] == {"status": 418, "header": {"X": "y"}}


def test_static_and_broken_templates():
    assert vtl.render('{"static": 1}', {}) == '{"static": 1}'
    with pytest.raises(vtl.TemplateError):
        _render("#end")
    with pytest.raises(vtl.TemplateError):
        _render("$input.path('$..deep')")


def test_jsonpath_subset():
    document = {"a": {"b": [10, {"c": "x"}]}, "k-1": 2}
    assert jsonpath.find("$", document) is document
    assert jsonpath.find("$.a.b[1].c", document) == "x"
    assert jsonpath.find("$['k-1']", document) == 2
    assert jsonpath.find("$.a.b[-2]", document) == 10
    assert jsonpath.find("$.nope.x", document) is None
