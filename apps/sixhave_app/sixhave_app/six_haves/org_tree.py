"""The top of the city's organisation tree: 无锡市, its districts and county-level cities, and the
city-level units (市直单位) whose retirees have their own branches.

Every `migrate` calls `ensure_city_tree`; it only inserts the nodes that are missing, so it costs one
query on a site that has them. Streets, communities and unit Party committees below these nodes are
local knowledge, entered by each district or unit (or by `sixhave demo`).
"""
from __future__ import annotations

CITY = "无锡市"

# 市（县）区 in the plan's order (plan §四: each submits its branches' forms to the city).
DISTRICTS = ["江阴市", "宜兴市", "梁溪区", "锡山区", "惠山区", "滨湖区", "新吴区", "经开区"]

# 市直单位 that hold retired cadres' Party organisations, each with a line on why it is here.
CITY_UNITS = {
    "市委组织部": "机关：组织部门离退休干部",
    "市委老干部局": "老干部活动中心、老年大学及所属协会团体",
    "市教育局": "机关和直属学校",
    "市卫健委": "机关和市属医院",
    "市财政局": "机关",
    "市公安局": "机关和直属支队",
    "市人社局": "机关",
    "市文广旅游局": "机关、博物院和院团",
    "市国资委": "市属国有企业",
    "市总工会": "机关、职工文化宫和退休职工协会",
    "江南大学": "高校",
    "无锡职业技术学院": "高校",
}


def city_nodes() -> list[tuple[str, str, str | None]]:
    """(unit_name, level, parent) of every node this module keeps, parents first."""
    nodes = [(CITY, "市", None)]
    nodes += [(name, "市（县）区", CITY) for name in DISTRICTS]
    nodes += [(name, "市直单位", CITY) for name in CITY_UNITS]
    return nodes


def ensure_city_tree(ctx) -> list[str]:
    """Insert the missing top nodes (idempotent); returns the names inserted. Nodes that exist are
    left as they are: an administrator may have moved or re-levelled them since."""
    nodes = city_nodes()
    present = set(ctx.get_all("Org Unit", filters={"name": ["in", [n for n, _, _ in nodes]]}, pluck="name",
                              ignore_permissions=True))
    created = []
    for name, level, parent in nodes:
        if name in present:
            continue
        doc = ctx.new_doc("Org Unit", unit_name=name, level=level, parent_org_unit=parent, is_group=1)
        doc.flags.ignore_permissions = True
        doc.insert()
        present.add(name)
        created.append(name)
    return created
