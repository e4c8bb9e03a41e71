"""The demo's year walked through every phase of the plan (§四), so every list, alert, output and
dashboard has data: the city opens the year; most districts and units record their 实施方案 by
June (one does not); units are surveyed; in July each branch's self-check makes its three lists;
rectification goes on (some items closed, some left overdue); the first half-year's inspections
are done (one is not), the second half's planned; in October the sheets are scored and submitted
(one is returned once, with a reason), paper copies received; in November the city evaluates
(the weakest fail), the demonstration candidates are published for 公示 (one objection, found
groundless), and plaques awarded; typical cases published, brands recorded, leaders hear reports.

Everything goes through the document API and the workflows, on the day each step happens (the
context is told the date), so the rules of each phase hold as they would for real users."""
from __future__ import annotations

import datetime as dt
import random

from sixhave_app.engine import workflow
from sixhave_app.six_haves import self_check, supervision
from sixhave_app.six_haves.org_tree import DISTRICTS

COUNTED = ("Programme Year", "Implementation Plan", "Work Report Hearing", "Party Building Plan", "Unit Survey",
           "Self Assessment", "Self Check", "Rectification Item", "Inspection", "Demonstration Application",
           "Public Notice", "Plaque", "Branch Brand", "Typical Case")
TIER_SCORE = {"示范": 1.0, "良好": 0.93, "一般": 0.84, "薄弱": 0.7}
CASE_TITLES = ["银发宣讲进社区", "“两代人携手共进”结对助学", "党员楼道长服务邻里", "红色故事进校园", "助老上网学习小组"]
BRANDS = [("夕阳红宣讲团", "理论宣讲"), ("银发先锋", "志愿服务"), ("老专家智库", "献计献策"), ("家风传承馆", "家规家风"),
          ("红色记忆口述史", "传承红色基因")]


class Cycle:
    def __init__(self, demo):
        self.demo, self.ctx, self.year = demo, demo.ctx, demo.year
        self.rng = random.Random(f"sixhave-demo/{demo.seed}/cycle")
        self.branches = demo.branches

    def on(self, month: int, day: int) -> dt.date:
        date = dt.date(self.year, month, day)
        self.ctx.flags["as_of"] = date
        return date

    def act(self, doctype: str, name: str, action: str, comment: str | None = None, next_state: str | None = None):
        return workflow.apply_action(self.ctx, doctype, name, action, comment=comment, next_state=next_state)

    def run(self) -> None:
        try:
            for step in (self.open_year, self.mobilise, self.survey, self.self_check, self.inspect_first_half,
                         self.rectify, self.declare, self.review, self.evaluate, self.demonstrate, self.publicise,
                         self.follow_up):
                self.demo.progress(step.__doc__.split("：")[0], len(self.branches), len(self.branches))
                step()
                self.ctx.commit()
        finally:
            self.ctx.flags.pop("as_of", None)
        for doctype in COUNTED:  # the records of the year as they stand (some are made by the workflows)
            self.demo.counts[doctype] = self.ctx.get_count(doctype, ignore_permissions=True)

    # ------------------------------------------------------------------ phases
    def open_year(self) -> None:
        """开启年度：模板与阶段截止日期"""
        self.on(3, 1)
        if not self.ctx.exists("Programme Year", str(self.year)):
            from sixhave_app.six_haves import scoring

            template = self.ctx.get_value("Scoring Template", {"year": self.year}, "name")
            if not template:
                source = self.ctx.get_value("Scoring Template", {"year": self.year - 1}, "name") or \
                    self.ctx.get_value("Scoring Template", {}, "name")
                template = scoring.copy_template(self.ctx, source, self.year).name
            self.demo.insert("Programme Year", {"year": self.year, "template": template, "is_open": 1})

    def owners(self) -> list[str]:
        return list(dict.fromkeys(b.owner for b in self.branches if b.owner))

    def mobilise(self) -> None:
        """动员部署：实施方案"""
        self.on(6, 20)
        owners = self.owners()
        skip = owners[-1] if len(owners) > 1 else None  # one has not made its plan: the city sees it
        for i, owner in enumerate(owners):
            if owner == skip:
                continue
            day = dt.date(self.year, 5, 10 + i % 15)
            self.demo.insert("Implementation Plan", {
                "org": owner, "year": self.year, "title": f"{owner}离退休干部党组织“六有一提升”工程实施方案",
                "plan_date": day, "approved_by": f"{owner}{'委组织部部长' if owner in DISTRICTS else '党委书记'}",
                "approved_on": day - dt.timedelta(days=3), "attachment": f"/private/files/{self.year}-实施方案-{i + 1}.pdf",
                "summary": "目标要求：三年内全面达标；工作任务：对照6类36项逐项落实；主要措施：分类指导、示范引领、督查考评。"})
            self.demo.insert("Work Report Hearing", {
                "org": owner, "year": self.year, "hearing_date": day + dt.timedelta(days=20), "leader": "分管副书记",
                "leader_post": "分管领导", "topic": "“六有一提升”工程动员部署情况汇报", "reporter": "老干部局局长"})
            self.demo.insert("Party Building Plan", {
                "org": owner, "year": self.year, "title": f"{owner}{self.year}年党建工作要点", "includes_retired_work": 1,
                "in_performance_review": 1, "excerpt": "实施离退休干部党组织“六有一提升”工程，列入老干部工作科学发展绩效考核。"})

    def survey(self) -> None:
        """自查摸底：单位摸底登记"""
        self.on(7, 5)
        seen = set()
        for b in self.branches:
            if b.parent_unit in seen or not b.parent_unit:
                continue
            seen.add(b.parent_unit)
            kind = b.sector if b.sector in ("机关", "事业单位", "企业", "高校", "社区") else "事业单位"
            members = len([p for p in b.people if p.active_on(dt.date(self.year, 7, 1))])
            self.demo.insert("Unit Survey", {"org": b.parent_unit, "year": self.year, "unit_type": kind,
                                             "retired_members": members + (2 if b.org_type == "党小组" else 0),
                                             "has_approval": int(b.org_type == "党支部" or "should_be_branch" in b.gaps)})
        for street, communities in list(self.demo.communities.items())[:2]:  # a community not organised yet
            name = f"{street}新建社区"
            self.demo.unit(name, "社区", street)
            self.demo.insert("Unit Survey", {"org": name, "year": self.year, "unit_type": "社区", "retired_members": 2,
                                             "has_approval": 0, "notes": "新建小区，离退休干部党员尚未组建党组织"})

    def self_check(self) -> None:
        """自查摸底：问题、任务、责任三张清单"""
        self.on(7, 20)
        for b in self.branches:
            sheet = self.demo.insert("Self Assessment", {"party_org": b.name, "year": self.year})
            check = self_check.make(self.ctx, b.name, self.year, dt.date(self.year, 7, 20))
            self.demo.counts["Self Check"] += 1
            if check.entries:
                for i, row in enumerate(check.entries):
                    row.deadline = dt.date(self.year, 8 + i % 2, 15 + i % 10)
                check.prepared_by = b.people[0].full_name
                check.submit()
                self.demo.counts["Rectification Item"] += len(check.entries)
            self.sheets = getattr(self, "sheets", {})
            self.sheets[b.name] = sheet.name

    def inspect_first_half(self) -> None:
        """持续推进：上半年督促检查"""
        self.on(6, 25)
        for i, b in enumerate(self.branches):
            if i == len(self.branches) - 1:
                continue  # one branch was not inspected: its supervisors see it overdue
            doc = {"party_org": b.name, "year": self.year, "half": "上半年", "status": "已完成",
                   "inspection_date": dt.date(self.year, 6, 10 + i % 15), "inspectors": "区老干部局 张科长、李干事",
                   "conclusion": "良好" if b.tier in ("示范", "良好") else "需整改",
                   "findings": "台账基本齐全" if b.tier in ("示范", "良好") else "集体学习不经常，台账不完整"}
            if b.tier == "薄弱":
                doc["finding_rows"] = [{"problem": "党员教育管理台账不完整", "task": "补齐台账，建立月度学习记录",
                                        "responsible_person": b.people[0].full_name,
                                        "deadline": dt.date(self.year, 9, 20), "open_rectification": 1}]
            self.demo.insert("Inspection", doc)
        self.on(7, 10)
        self.demo.counts["Inspection"] += len(supervision.schedule(self.ctx, self.year, "下半年"))

    def rectify(self) -> None:
        """整改推进：整改进展与验收"""
        self.on(8, 5)
        items = self.ctx.get_all("Rectification Item", filters={"year": self.year}, fields=["name", "party_org", "deadline"],
                                 order_by="name asc")
        self.on(8, 6)
        for i, item in enumerate(items):
            if i % 4 == 3:
                continue  # left waiting: overdue by autumn
            self.act("Rectification Item", item["name"], "开始整改")
            doc = self.ctx.get_doc("Rectification Item", item["name"])
            doc.append("progress", {"note_date": dt.date(self.year, 8, 6), "note": "已召开支委会研究整改措施，明确责任人"})
            doc.save()
        for i, item in enumerate(items):
            if i % 4 in (0, 1):
                self.on(item["deadline"].month, min(item["deadline"].day, 28))
                doc = self.ctx.get_doc("Rectification Item", item["name"])
                doc.append("progress", {"note_date": self.ctx.today(), "note": "已按标准完成整改，补齐台账",
                                        "evidence": f"/private/files/整改佐证-{i + 1}.jpg"})
                doc.save()
                self.act("Rectification Item", item["name"], "完成整改")
                self.act("Rectification Item", item["name"], "验收")

    def declare(self) -> None:
        """申报考核：达标自评表逐项自评并提交"""
        self.on(10, 15)
        for b in self.branches:
            sheet = self.ctx.get_doc("Self Assessment", self.sheets[b.name])
            for row in sheet.items:
                proposal = row.proposed_score if row.proposed_score is not None else row.points
                if b.tier == "示范":
                    proposal = row.points  # the strongest branches claim full marks, and the city agrees
                row.self_score = min(float(row.points), round(float(proposal) + (0.5 if b.tier == "一般" else 0), 1))
            sheet.self_opinion = "经支部委员会研究，对照评分细则逐项自评，情况属实。"
            sheet.self_signed_by = b.people[0].full_name
            sheet.self_signed_on = dt.date(self.year, 10, 15)
            sheet.save()
            self.act("Self Assessment", sheet.name, "提交")

    def review(self) -> None:
        """申报考核：区级（单位）审核，退回一次"""
        self.on(10, 22)
        for i, b in enumerate(self.branches):
            name = self.sheets[b.name]
            if i == 0:
                self.act("Self Assessment", name, "退回", comment="党费收缴台账缺少3月份记录，请补充后重新提交",
                         next_state="草稿")
                self.on(10, 24)
                self.act("Self Assessment", name, "提交")
                self.on(10, 26)
            sheet = self.ctx.get_doc("Self Assessment", name)
            for row in sheet.items:
                row.district_score = row.self_score
            sheet.district_opinion = "经审核，同意上报。"
            sheet.save()
            self.act("Self Assessment", name, "通过")

    def evaluate(self) -> None:
        """申报考核：市级综合考评"""
        self.on(11, 5)
        from sixhave_app.six_haves import api

        for b in self.branches:
            api.receive_paper(self.ctx, doctype="Self Assessment", name=self.sheets[b.name], copies=2,
                              received_on=dt.date(self.year, 11, 2))
        self.on(11, 25)
        for b in self.branches:
            sheet = self.ctx.get_doc("Self Assessment", self.sheets[b.name])
            factor = TIER_SCORE.get(b.tier, 0.9)
            for row in sheet.items:
                row.city_score = round(min(float(row.district_score), float(row.points) * factor + 0.2), 1)
            sheet.city_opinion = "综合考评"
            sheet.save()
            action = "达标" if sheet.city_result == "达标" else "不达标"
            self.act("Self Assessment", sheet.name, action,
                     comment=None if action == "达标" else "多项工作未达到标准，列入不达标名单，限期整改")

    def demonstrate(self) -> None:
        """申报考核：示范党支部申报、公示、授牌"""
        candidates = [b for b in self.branches if b.tier == "示范"
                      and self.ctx.get_value("Self Assessment", self.sheets[b.name], "workflow_state") == "达标"]
        self.on(10, 20)
        applications = []
        for b in candidates:
            doc = self.demo.insert("Demonstration Application", {
                "party_org": b.name, "year": self.year, "brand": BRANDS[b.index % len(BRANDS)][0],
                "practices": "坚持每月集体学习，开展“与社区同行、为党旗增辉”主题活动，党员结对帮扶困难群众。",
                "results": "支部组织力明显提升，党员参与率达95%以上，多次受到街道和社区表彰。",
                "branch_opinion": "同意申报", "parent_opinion": "同意推荐"})
            self.act("Demonstration Application", doc.name, "申报")
            self.act("Demonstration Application", doc.name, "推荐")
            applications.append(doc.name)
        if not applications:
            return
        self.on(11, 26)
        notice = self.demo.insert("Public Notice", {
            "year": self.year, "title": f"{self.year}年度拟命名市级“六有一提升”示范党支部公示", "start_date": dt.date(self.year, 11, 26),
            "end_date": dt.date(self.year, 12, 2), "published": 1, "entries": [{"application": a} for a in applications],
            "content": "公示期间如有异议，请向市委老干部局反映。"})
        self.on(11, 28)
        notice.append("objection_rows", {"application": applications[0], "received_on": dt.date(self.year, 11, 28),
                                         "content": "反映该支部活动记录不完整"})
        notice.save()
        self.on(12, 1)
        notice = self.ctx.get_doc("Public Notice", notice.name)
        notice.objection_rows[0].status = "不成立"
        notice.objection_rows[0].resolution = "经核实，活动记录齐全，反映问题不属实"
        notice.objection_rows[0].resolved_on = dt.date(self.year, 12, 1)
        notice.objections = "收到异议1件，经核实不成立"
        notice.save()
        self.on(12, 5)
        from sixhave_app.six_haves import demonstration

        for name in applications:
            refusals = demonstration.award_refusals(self.ctx.get_doc("Demonstration Application", name))
            if refusals:
                self.act("Demonstration Application", name, "不通过", comment="；".join(refusals))
                continue
            self.act("Demonstration Application", name, "授牌")
            self.demo.counts["Plaque"] += 1

    def publicise(self) -> None:
        """持续推进：典型案例与支部品牌"""
        self.on(12, 8)
        for i, b in enumerate([b for b in self.branches if b.tier in ("示范", "良好")][:5]):
            brand, feature = BRANDS[b.index % len(BRANDS)]
            self.demo.insert("Branch Brand", {"party_org": b.name, "year": self.year, "brand_name": brand, "feature": feature,
                                              "status": "已形成" if b.tier == "示范" else "培育中",
                                              "description": "围绕中心、服务大局，形成了特色工作品牌。"})
            case = self.demo.insert("Typical Case", {
                "party_org": b.name, "year": self.year, "title": CASE_TITLES[i % len(CASE_TITLES)],
                "category": "好经验好做法" if i % 2 else "典型案例", "summary": "发挥离退休干部党员独特优势。",
                "content": "<p>支部组织党员结对帮扶、宣讲进社区，成效明显。</p>"})
            self.act("Typical Case", case.name, "报送")
            if i < 3:
                self.act("Typical Case", case.name, "发布")

    def follow_up(self) -> None:
        """持续推进：下半年督促检查（部分）"""
        self.on(12, 15)
        planned = self.ctx.get_all("Inspection", filters={"year": self.year, "half": "下半年", "status": "计划"},
                                   pluck="name", order_by="name asc")
        for name in planned[: len(planned) // 2]:
            doc = self.ctx.get_doc("Inspection", name)
            doc.update({"status": "已完成", "inspection_date": dt.date(self.year, 12, 12), "conclusion": "良好",
                        "inspectors": "区老干部局 王科长"})
            doc.save()


def run(demo) -> None:
    Cycle(demo).run()

