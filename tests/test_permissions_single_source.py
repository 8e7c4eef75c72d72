"""The role → permission table (sammen/organisation/permissions.py) is the one source of who may
do what: no other module defines a set of roles or decides by comparing a role, and no page
template asks for a role (SECURITY.md T02)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sammen.organisation.models import Role

ROOT = Path(__file__).resolve().parent.parent
SAMMEN = ROOT / "sammen"
TABLE = SAMMEN / "organisation" / "permissions.py"
ROLE_VALUES = set(Role.values)


def _is_role(node: ast.AST) -> bool:
    """`Role.NURSE` or the literal "sygeplejerske"."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Role"
    return isinstance(node, ast.Constant) and node.value in ROLE_VALUES


def _role_set(node: ast.AST) -> bool:
    """A collection of two or more roles: {..}, (..), [..], frozenset({..}), set(..)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"frozenset", "set", "tuple", "list"}
        and node.args
    ):
        return _role_set(node.args[0])
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return sum(_is_role(e) for e in node.elts) >= 2
    return False


def _role_decision(node: ast.Compare) -> bool:
    """`<x>.role == Role.X`, `<x>.role in (...)`, `<x>.role not in SOME_ROLES` ..."""
    left = node.left
    if not (isinstance(left, ast.Attribute) and left.attr == "role"):
        return False
    return any(
        isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops
    ) and not all(isinstance(c, ast.Constant) and c.value is None for c in node.comparators)


def _checked_modules() -> list[Path]:
    """Product code: not the table itself, migrations, tests, or demo-data generators (which
    pick realistic authors for generated entries, not who may do what)."""
    found = []
    for path in sorted(SAMMEN.rglob("*.py")):
        parts = path.relative_to(SAMMEN).parts
        if path == TABLE or "migrations" in parts or "tests" in parts:
            continue
        if parts[0] == "demo" or path.name == "demo.py":
            continue
        found.append(path)
    return found


def role_knowledge(source: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if any(n.upper().endswith("_ROLES") for n in names):
                problems.append(f"line {node.lineno}: defines {names[0]}")
                continue
        if isinstance(node, ast.Set | ast.Tuple | ast.List | ast.Call) and _role_set(node):
            problems.append(f"line {node.lineno}: a set of roles")
        if isinstance(node, ast.Compare) and _role_decision(node):
            problems.append(f"line {node.lineno}: decides by role")
    return problems


def test_no_module_outside_the_table_knows_roles() -> None:
    modules = _checked_modules()
    assert len(modules) > 30  # the walk really sees the product code
    found = {
        str(path.relative_to(ROOT)): problems
        for path in modules
        if (problems := role_knowledge(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "Ask organisation.permissions (has_permission / needs), not the role"


def test_the_check_finds_role_sets_and_role_decisions() -> None:
    """The rule can fail: each way role knowledge used to appear is caught."""
    assert role_knowledge("X_ROLES = frozenset({Role.NURSE})")
    assert role_knowledge("A = frozenset({Role.NURSE, Role.LEADER})")
    assert role_knowledge("def f():\n    return ('sygeplejerske', 'leder')")
    assert role_knowledge("if actor.role == Role.LEADER:\n    pass")
    assert role_knowledge("if actor.role not in ALLOWED:\n    pass")
    assert role_knowledge("ok = {Role.NURSE: 1}") == []  # a mapping is not a role set
    assert role_knowledge("if has_permission(actor, Permission.DOCUMENT):\n    pass") == []


def test_no_page_template_asks_for_a_role() -> None:
    pattern = re.compile(r"\{%[^%]*\b\w+\.role\s*(==|!=|in\b|not in\b)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(SAMMEN.rglob("*.html"))
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert pattern.search('{% if actor.role == "leder" %}')


def test_documentation_templates_declare_a_permission_never_roles() -> None:
    import json

    from sammen.organisation.permissions import Permission

    files = sorted((SAMMEN / "journal" / "templates_data").glob("*.json"))
    templates = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    templates = [t for t in templates if t.get("kind") == "template"]
    assert templates
    for t in templates:
        assert "roles" not in t, t["key"]
        assert t["permission"] in Permission.values, t["key"]
