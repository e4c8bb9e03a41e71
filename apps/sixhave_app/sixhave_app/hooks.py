"""What the sixhave app declares to the engine (read by engine/site.py's load_hooks)."""

# Roles that see every organisation: no org scope applies to them.
unrestricted_roles = ["市级管理员"]

# The DocType every scope is drawn on: a user whose roles are all `restrict_to_scope` (the branch,
# street, unit and district roles, see six_haves/setup.py) sees nothing governed by it until given
# a User Permission on it.
scope_doctypes = ["Org Unit"]

after_migrate = ["sixhave_app.six_haves.setup.after_migrate"]

# Deadlines of review-queue items: a rectification item's own, else its phase's from the year's
# Programme Year record.
workflow_deadline = ["sixhave_app.six_haves.programme.phase_deadline"]

# Helpers workflow conditions may call, e.g. quota(doc.year).
condition_helpers = {"quota": "sixhave_app.six_haves.programme.demonstration_quota"}
commands = ["sixhave_app.six_haves.demo.demo_command"]

# The year's rules on every save: a closed year refuses its records; a late submission needs the
# city to reopen it first.
doc_events = {"*": {"validate": ["sixhave_app.six_haves.programme.guard_closed_year",
                                 "sixhave_app.six_haves.deadlines.guard"]}}

# The city administrator customises forms, fields, workflows and templates without being a
# System Manager (district roles cannot): rights on the engine's customisation DocTypes.
_CUSTOMISER = {"role": "市级管理员", "permlevel": 0, "read": 1, "write": 1, "create": 1, "delete": 1, "report": 1,
               "export": 1, "print": 1}
permissions = {doctype: [_CUSTOMISER] for doctype in ("Custom Field", "Property Setter", "Workflow")}
# The administrator's studio (issue 14): new DocTypes, the permission manager (role rights, user
# scopes) and the history of studio changes. What a non-System Manager may not do even so (make a
# System Manager, customise the engine's Core DocTypes) is engine/admin_guard.py's.
permissions.update({doctype: [_CUSTOMISER] for doctype in ("DocType", "Custom DocPerm", "User Permission")})
permissions["Customization Change"] = [{"role": "市级管理员", "permlevel": 0, "read": 1, "report": 1, "export": 1}]
permissions["Role"] = [{"role": "市级管理员", "permlevel": 0, "read": 1, "report": 1}]  # to grant roles, one reads them
# The studio (issue 14): the yearly template and the year are the app's own design tools, opened by
# the write right on their DocTypes (the engine's: Workflow, Print Format — fixtures/custom_docperm.json).
studio_tools = {"scoring_template": "Scoring Template", "programme_year": "Programme Year"}
# /api/method names → the app's whitelisted functions, added to the engine's own (engine/hooks.py).
method_aliases = {
    # the app's methods: /api/method/sixhave.app.<name>
    "sixhave.app.open_year": "sixhave_app.six_haves.api.open_year",
    "sixhave.app.close_year": "sixhave_app.six_haves.api.close_year",
    "sixhave.app.reopen": "sixhave_app.six_haves.api.reopen",
    "sixhave.app.implementation_plans": "sixhave_app.six_haves.api.implementation_plans",
    "sixhave.app.coverage": "sixhave_app.six_haves.api.coverage",
    "sixhave.app.make_self_check": "sixhave_app.six_haves.api.make_self_check",
    "sixhave.app.self_check_lists": "sixhave_app.six_haves.api.self_check_lists",
    "sixhave.app.refresh_evidence": "sixhave_app.six_haves.api.refresh_evidence",
    "sixhave.app.make_rectification": "sixhave_app.six_haves.api.make_rectification",
    "sixhave.app.receive_paper": "sixhave_app.six_haves.api.receive_paper",
    "sixhave.app.export_assessment": "sixhave_app.six_haves.api.export_assessment",
    "sixhave.app.draw_spot_check": "sixhave_app.six_haves.api.draw_spot_check",
    "sixhave.app.publish_notice": "sixhave_app.six_haves.api.publish_notice",
    "sixhave.app.award_check": "sixhave_app.six_haves.api.award_check",
    "sixhave.app.schedule_inspections": "sixhave_app.six_haves.api.schedule_inspections",
    "sixhave.app.alerts": "sixhave_app.six_haves.api.alerts",
    "sixhave.app.party_calendar": "sixhave_app.six_haves.api.party_calendar",
    "sixhave.app.dashboard": "sixhave_app.six_haves.api.dashboard",
    "sixhave.app.drill_down": "sixhave_app.six_haves.api.drill_down",
    "sixhave.app.noncompliant": "sixhave_app.six_haves.api.noncompliant",
    "sixhave.app.recommendations": "sixhave_app.six_haves.api.recommendations",
    "sixhave.app.performance": "sixhave_app.six_haves.api.performance",
    "sixhave.app.published_cases": "sixhave_app.six_haves.api.published_cases",
    "sixhave.app.export": "sixhave_app.six_haves.api.export",
    "sixhave.app.download_district_scores": "sixhave_app.six_haves.api.download_district_scores",
    "sixhave.app.upload_district_scores": "sixhave_app.six_haves.api.upload_district_scores",
    "sixhave.app.build_package": "sixhave_app.six_haves.api.build_package",
    # the studio's yearly template (six_haves/template_studio.py)
    "sixhave.studio.template.rules": "sixhave_app.six_haves.template_studio.rules",
    "sixhave.studio.template.status": "sixhave_app.six_haves.template_studio.status",
    "sixhave.studio.template.copy_to_year": "sixhave_app.six_haves.template_studio.copy_to_year",
    "sixhave.studio.template.new_version": "sixhave_app.six_haves.template_studio.new_version",
    "sixhave.studio.template.publish": "sixhave_app.six_haves.template_studio.publish",
    "sixhave.studio.template.export": "sixhave_app.six_haves.template_studio.export",
    "sixhave.studio.template.import_workbook": "sixhave_app.six_haves.template_studio.import_workbook",
    # the studio's year wizard
    "sixhave.studio.year.state": "sixhave_app.six_haves.year_wizard.state",
    "sixhave.studio.year.save": "sixhave_app.six_haves.year_wizard.save",
    # a district's sheets of a year as one PDF or a zip
    "sixhave.app.district_sheets": "sixhave_app.six_haves.printing.district_sheets",
}

# Helpers the programme's print formats may call (engine/printing.py binds each to the printing user).
print_helpers = {name: f"sixhave_app.six_haves.print_helpers.{name}" for name in (
    "org_path", "score_categories", "score_totals", "party_org_facts", "rectification_lists", "bonus_total")}

# Scheduled jobs (Frappe's scheduler_events), run by `sixhave --site X scheduler` through RQ's cron.
scheduler_events = {
    "daily_long": [
        "sixhave_app.six_haves.reminders.daily_alerts",
        "sixhave_app.six_haves.reminders.deadline_reminders",
        "sixhave_app.six_haves.reminders.term_expiry_reminders",
        # the plan's phase deadlines, rectification items and half-yearly inspections: 7 days and 1 day before
        "sixhave_app.six_haves.cycle_reminders.phase_reminders",
        "sixhave_app.six_haves.cycle_reminders.rectification_reminders",
        "sixhave_app.six_haves.cycle_reminders.inspection_reminders",
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
