"""What the sixhave app declares to the engine (read by engine/site.py's load_hooks)."""

# Roles that see every organisation: no org scope applies to them.
unrestricted_roles = ["市级管理员"]

after_migrate = ["sixhave_app.six_haves.setup.after_migrate"]
