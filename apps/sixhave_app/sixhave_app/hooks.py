"""What the sixhave app declares to the engine (read by engine/site.py's load_hooks)."""

# Roles that see every organisation: no org scope applies to them.
unrestricted_roles = ["市级管理员"]

# The DocType every scope is drawn on: a user whose roles are all `restrict_to_scope` (the branch,
# street, unit and district roles, see six_haves/setup.py) sees nothing governed by it until given
# a User Permission on it.
scope_doctypes = ["Org Unit"]

after_migrate = ["sixhave_app.six_haves.setup.after_migrate"]

# Deadlines of review-queue items, from the year's Programme Year record.
workflow_deadline = ["sixhave_app.six_haves.programme.phase_deadline"]

# Helpers workflow conditions may call, e.g. quota(doc.year) in 示范申报's 授牌 transition.
condition_helpers = {"quota": "sixhave_app.six_haves.programme.demonstration_quota"}
commands = ["sixhave_app.six_haves.demo.demo_command"]

# The app's methods, under short names: /api/method/sixhave.app.<name>
method_aliases = {f"sixhave.app.{name}": f"sixhave_app.six_haves.api.{name}" for name in (
    "open_year", "refresh_evidence", "make_rectification", "draw_spot_check", "publish_notice", "alerts",
    "party_calendar", "dashboard", "drill_down", "download_district_scores", "upload_district_scores",
    "build_package")}

# Helpers the programme's print formats may call (engine/printing.py binds each to the printing user).
print_helpers = {name: f"sixhave_app.six_haves.print_helpers.{name}" for name in (
    "org_path", "score_categories", "score_totals", "party_org_facts", "rectification_lists", "bonus_total")}

# A district's sheets of a year as one PDF or a zip (six_haves/printing.py).
method_aliases.update({"sixhave.app.district_sheets": "sixhave_app.six_haves.printing.district_sheets"})

# Scheduled jobs (Frappe's scheduler_events), run by `sixhave --site X scheduler` through RQ's cron.
scheduler_events = {
    "daily_long": [
        "sixhave_app.six_haves.reminders.daily_alerts",
        "sixhave_app.six_haves.reminders.deadline_reminders",
        "sixhave_app.six_haves.reminders.term_expiry_reminders",
    ],
}

# The desk's sidebar: module labels, and the app's DocTypes grouped as people look for them.
module_labels = {"Six Haves": "六有一提升", "Core": "系统设置"}
desk_sections = {
    "组织与党员": ["Org Unit", "Party Organization", "Party Member"],
    "台账": ["Meeting", "Talk Record", "Care Visit", "Dues Payment", "Fund Record", "Venue Checklist",
           "Work Document", "Training", "Inspection"],
    "考评与创建": ["Self Assessment", "Rectification Item", "Demonstration Application", "Plaque", "Public Notice",
              "Spot Check"],
    "年度设置": ["Programme Year", "Scoring Template", "Activity Kind"],
}
