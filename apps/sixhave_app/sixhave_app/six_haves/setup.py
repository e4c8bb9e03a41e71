"""The app's standing data, made by every `migrate`: its roles, with what each is for."""
from __future__ import annotations

ROLES = {
    "市级管理员": "市委组织部、老干部局、离退休干部工委：配置年度模板、表单、流程，查看全市",
    "市级审核员": "市级综合考评、授牌、抽查复核",
    "区级管理员": "市（县）区老干部局、离退休干部工委：管理本区组织与账号",
    "区级审核员": "市（县）区审核所属支部的自评表和申报表",
    "单位审核员": "市直单位审核本单位离退休干部支部",
    "街道联络员": "街道、社区：协助管理社区离退休干部党组织和流动党员",
    "支部书记": "支部书记：维护本支部台账、自评、整改、申报",
    "支部委员": "支部委员、联络员：协助维护本支部台账",
}


# Branch, street, unit and district roles see only their own part of the tree: a user holding only
# these roles sees nothing until given a User Permission on an Org Unit. City roles are not
# restricted (市级管理员 sees everything by design, hooks.unrestricted_roles).
RESTRICTED_TO_SCOPE = {"区级管理员", "区级审核员", "单位审核员", "街道联络员", "支部书记", "支部委员"}


def after_migrate(ctx) -> None:
    ensure_roles(ctx)
    from sixhave_app.engine.fixtures import project_fixtures_path
    from sixhave_app.six_haves import scoring

    rubric = project_fixtures_path(ctx.site) / "rubric-default.yaml"
    if rubric.exists():
        scoring.load_default_template(ctx, rubric, 2018)  # the shipped rubric is the 2018 template
    try:
        from sixhave_app.six_haves.org_tree import ensure_city_tree
    except ImportError:  # pragma: no cover - the tree module ships with the app
        return
    ensure_city_tree(ctx)


def ensure_roles(ctx) -> None:
    for role, description in ROLES.items():
        restricted = int(role in RESTRICTED_TO_SCOPE)
        if ctx.exists("Role", role):
            doc = ctx.get_doc("Role", role)
            if doc.description != description or int(doc.restrict_to_scope or 0) != restricted:
                doc.description = description
                doc.restrict_to_scope = restricted
                doc.save()
        else:
            ctx.new_doc("Role", role_name=role, description=description, restrict_to_scope=restricted).insert()
