"""What the sixhave app declares to the engine (read by engine/site.py's load_hooks)."""

# Roles that see every organisation: no org scope applies to them.
unrestricted_roles = ["市级管理员"]

after_migrate = ["sixhave_app.six_haves.setup.after_migrate"]

# Deadlines of review-queue items, from the year's Programme Year record.
workflow_deadline = ["sixhave_app.six_haves.programme.phase_deadline"]

# Helpers workflow conditions may call, e.g. quota(doc.year) in 示范申报's 授牌 transition.
condition_helpers = {"quota": "sixhave_app.six_haves.programme.demonstration_quota"}
