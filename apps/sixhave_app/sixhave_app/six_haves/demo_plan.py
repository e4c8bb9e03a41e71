"""The demo city, planned: branches, people and a year of records as plain rows, with no database.

`Planner` decides, deterministically from a seed, where each branch hangs (the Org Units it needs),
its Party Organization, its members and committee, and its year of records (meetings with
attendance, talks, care visits, dues, funds, venue checklist, plans and summaries), with the gaps
real ledgers have. The rows are what a form would hold; whoever writes them names them:
`sixhave demo` (demo.py) inserts them through the document API, bench/app.py bulk-loads them.

Branch i draws from its own random stream, so a plan of 200 branches begins with the same 24
branches as a plan of 24. The branch's draws follow the order of the calls (`branch`, then
`records`), so the same seed gives the same rows whoever writes them.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from sixhave_app.engine.dates import add_years, age_on
from sixhave_app.engine.errors import ValidationError

from .doctype.dues_payment.dues_payment import amount_due
from .org_tree import CITY, DISTRICTS

# --------------------------------------------------------------------------- the city below the top
STREETS = {
    "江阴市": ["澄江街道", "南闸街道", "云亭街道", "城东街道", "申港街道", "夏港街道", "利港街道"],
    "宜兴市": ["宜城街道", "屺亭街道", "新街街道", "新庄街道", "芳桥街道"],
    "梁溪区": ["崇安寺街道", "通江街道", "广瑞路街道", "上马墩街道", "江海街道", "广益街道", "迎龙桥街道",
            "南禅寺街道", "清名桥街道", "金星街道", "金匮街道", "扬名街道", "黄巷街道", "山北街道",
            "北大街街道", "惠山街道"],
    "锡山区": ["东亭街道", "安镇街道", "东北塘街道", "云林街道", "厚桥街道"],
    "惠山区": ["堰桥街道", "长安街道", "钱桥街道", "前洲街道", "玉祁街道"],
    "滨湖区": ["河埒街道", "荣巷街道", "蠡园街道", "蠡湖街道", "马山街道"],
    "新吴区": ["旺庄街道", "硕放街道", "江溪街道", "梅村街道", "鸿山街道", "新安街道"],
    "经开区": ["华庄街道", "太湖街道", "雪浪街道"],
}
# Community names are stem + suffix; stems are local place words, so that names read like Wuxi's.
COMMUNITY_STEMS = [
    "清扬", "五爱", "健康里", "金星", "广益", "江海", "通扬", "塘南", "锡惠", "春江", "沁园", "新光", "向阳",
    "扬名", "清名", "南禅", "槐古", "梁溪", "太湖", "渔港", "青祁", "湖滨", "隆亭", "芦庄", "黄泥头", "刘潭",
    "盛岸", "惠峰", "五河", "广石", "风雷", "藕塘", "锡东", "春潮", "东林", "崇宁", "学前", "中山", "人民",
    "解放", "胜利", "光明", "团结", "和平", "幸福", "友谊", "文化", "桃园", "梅园", "锦园", "翠竹", "丽新",
    "永丰", "兴隆", "红星", "前进", "新华", "朝阳", "曙光", "华清", "悦景", "泰和", "康乐", "金城", "运河",
    "南长", "北塘", "广丰", "天一", "尚贤", "芙蓉", "蓉湖", "惠龙", "映山", "听松", "泉溪", "凤翔", "钱荣",
    "吴桥", "兴昌", "宝界", "鼋头", "滨湖", "湖光", "蠡溪", "阳光", "新城", "秀水", "长江", "黄山", "嘉乐",
    "新韵", "澄南", "君山", "敔山", "芙蓉湾", "龙山", "阳羡", "东珠", "陶都", "荆溪", "紫砂", "双桥", "松岗",
]
COMMUNITY_SUFFIXES = ["社区", "社区", "社区", "新村社区", "花园社区", "苑社区", "家园社区"]

# 单位党委 under each city-level unit: (name, sector of its retirees' branches).
CITY_COMMITTEES = {
    "市委组织部": [("市委组织部机关党委", "机关")],
    "市委老干部局": [("市老干部活动中心党委", "协会/团体"), ("市老年大学党委", "协会/团体"),
                ("市老干部协会党总支", "协会/团体")],
    "市教育局": [("市教育局机关党委", "机关"), ("无锡市第一中学党委", "事业单位"),
             ("无锡市辅仁高级中学党委", "事业单位"), ("无锡市第一女子中学党委", "事业单位")],
    "市卫健委": [("市卫健委机关党委", "机关"), ("无锡市人民医院党委", "事业单位"),
             ("无锡市第二人民医院党委", "事业单位"), ("无锡市中医医院党委", "事业单位")],
    "市财政局": [("市财政局机关党委", "机关")],
    "市公安局": [("市公安局机关党委", "机关"), ("市公安局交通警察支队党委", "机关")],
    "市人社局": [("市人社局机关党委", "机关")],
    "市文广旅游局": [("市文广旅游局机关党委", "机关"), ("无锡博物院党委", "事业单位"),
               ("无锡市锡剧院党总支", "事业单位")],
    "市国资委": [("无锡市国联发展（集团）有限公司党委", "企业"), ("无锡地铁集团有限公司党委", "企业"),
             ("无锡市交通产业集团有限公司党委", "企业"), ("无锡市城市发展集团有限公司党委", "企业"),
             ("无锡一棉纺织集团有限公司党委", "企业")],
    "市总工会": [("市总工会机关党委", "机关"), ("无锡市职工文化宫党总支", "事业单位"),
             ("市退休职工协会党总支", "协会/团体")],
    "江南大学": [("江南大学离退休工作党委", "高校"), ("江南大学附属医院党委", "事业单位")],
    "无锡职业技术学院": [("无锡职业技术学院离退休党总支", "高校")],
}
# 单位党委 each district has, from a pattern, and the few that only some districts have.
DISTRICT_COMMITTEES = [("{d}级机关工委", "机关"), ("{d}教育局党委", "事业单位"), ("{d}卫生健康委员会党委", "事业单位"),
                       ("{d}国资委党委", "企业"), ("{d}老干部活动中心党总支", "协会/团体")]
DISTRICT_EXTRA = {
    "江阴市": [("江阴职业技术学院党委", "高校"), ("江阴市人民医院党委", "事业单位")],
    "宜兴市": [("宜兴市人民医院党委", "事业单位")],
    "滨湖区": [("无锡太湖学院党委", "高校")],
    "新吴区": [("无锡城市职业技术学院党委", "高校")],
}
ASSOCIATIONS = ["书画研究会", "摄影协会", "诗词楹联学会", "老年合唱团", "门球协会", "太极拳协会", "关心下一代工作委员会",
                "老科技工作者协会", "京剧票友会", "老年体育协会"]

SECTORS = ["社区", "机关", "事业单位", "企业", "高校", "协会/团体"]
SECTOR_WEIGHTS = [32, 20, 20, 12, 6, 10]
TIERS = ["示范", "良好", "一般", "薄弱"]
TIER_WEIGHTS = [10, 45, 30, 15]
GAP_CHANCE = {"示范": 0.0, "良好": 0.06, "一般": 0.22, "薄弱": 0.5}
GAPS = ["term_expired", "old_secretary", "vacancy", "no_liaison", "missed_study", "missed_meetings", "no_review",
        "no_study_visit", "talks_incomplete", "profiles_incomplete", "late_visit", "no_home_study", "unpaid_dues",
        "no_allowance", "venue_incomplete", "no_plan", "no_summary", "no_training", "mobile_unmanaged", "no_online"]
# The first branches carry chosen gaps, so that even a demo of six branches shows each kind once.
FORCED = {0: {"sector": "社区", "tier": "示范"},
          1: {"sector": "机关", "gaps": {"term_expired", "no_liaison"}},
          2: {"sector": "事业单位", "gaps": {"old_secretary", "vacancy", "mobile_unmanaged"}},
          3: {"sector": "企业", "org_type": "党小组", "gaps": {"unpaid_dues", "missed_study"}},
          4: {"sector": "高校", "gaps": {"late_visit", "venue_incomplete", "no_summary"}},
          5: {"sector": "协会/团体", "establishment": "非建制式", "gaps": {"talks_incomplete", "no_training"}}}

# --------------------------------------------------------------------------- people
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟秦邱江尹薛钱顾华荣浦过尤缪惠殷")
GIVEN_MALE = ["建国", "建华", "国强", "志刚", "德明", "振华", "福根", "文华", "永康", "金元", "宝林", "仁杰", "海涛",
              "正平", "学军", "卫东", "家骏", "世昌", "伯清", "荣生", "锡林", "鸿儒", "秉钧", "祖德", "耀先", "瑞祥",
              "长庚", "守仁", "惠民", "立新", "跃进", "援朝", "国良", "兴华", "鹤年", "云龙", "志远", "明达", "培元", "定一"]
GIVEN_FEMALE = ["秀英", "桂英", "玉兰", "淑珍", "美华", "雪琴", "丽娟", "凤英", "素芬", "惠芳", "月娥", "金娣", "静宜",
                "佩琴", "宝珍", "梅芳", "慧敏", "爱华", "燕萍", "文娟", "雅琴", "巧珍", "翠英", "秋萍", "彩凤", "瑞华"]
ROADS = ["中山路", "人民路", "解放南路", "学前街", "崇宁路", "五爱路", "清扬路", "太湖大道", "湖滨路", "梁溪路", "金城路",
         "锡沪路", "通扬路", "惠山大道", "钱荣路", "长江路", "新华路", "县前街", "健康路", "广瑞路", "兴源路", "青祁路",
         "澄江中路", "人民南路", "解放东路", "阳羡路"]
ACTIVITIES = ["参加市老年大学书画班", "在社区担任楼道长", "关心下一代工作委员会义务辅导员", "每天晨练太极拳", "在家照看孙辈",
              "参加老年合唱团", "社区志愿者，参与垃圾分类宣传", "撰写个人回忆录", "参加老科协咨询服务", "养花读报，喜欢下象棋",
              "参加门球队训练", "在家休养", "义务调解邻里纠纷", "为社区青少年讲革命故事", "参加摄影协会采风"]
LIVING = ["与老伴同住", "与子女同住", "独居，子女常来探望", "老伴已故，与女儿同住", "夫妻二人居住，子女在外地工作", "与儿子一家同住"]
HEALTH_TEXT = {"良好": ["身体健康", "身体硬朗，能参加各项活动"],
               "一般": ["患有高血压，病情稳定", "腿脚不太灵便，定期体检"],
               "较差": ["患糖尿病、心脏病，需定期就医", "曾做过心脏搭桥手术，行动较慢"],
               "卧床": ["因中风长期卧床，由保姆照料", "年事已高，卧床休养"]}
NEEDS = {"良好": ["希望多组织参观学习", "希望学习智能手机使用", "希望参加老年大学课程", "无特殊需求", "希望多参加社区志愿服务"],
         "一般": ["希望就医方面得到帮助", "希望学习智能手机使用", "无特殊需求", "希望活动地点离家近一些"],
         "较差": ["需要送学上门", "希望就医方面得到帮助", "希望组织上常来看看"],
         "卧床": ["需要送学上门", "家属希望协助办理护理补贴", "希望组织上常来看看"]}
OTHER_CITIES = [("上海市", "浦东新区花木街道联洋社区党委"), ("苏州市", "工业园区湖西社区党委"), ("南京市", "鼓楼区宁海路街道党工委"),
                ("深圳市", "南山区粤海街道科技园社区党委"), ("北京市", "海淀区学院路街道党工委"), ("常州市", "天宁区红梅街道党工委")]

# --------------------------------------------------------------------------- what meetings are about
TOPICS = {
    "集体学习": ["学习习近平新时代中国特色社会主义思想", "学习党的十九大报告", "学习《中国共产党章程》", "学习《宪法》修正案",
             "学习全国两会精神", "学习《中国共产党纪律处分条例》", "学习《中国共产党支部工作条例（试行）》",
             "学习省、市党代会精神", "学习习近平总书记在庆祝改革开放40周年大会上的讲话", "学习《习近平谈治国理政》",
             "学习党史：从红船到复兴号", "学习“强富美高”新无锡建设要求", "观看《厉害了，我的国》并交流体会",
             "学习先进典型事迹", "时事形势报告会", "学习《关于新形势下党内政治生活的若干准则》"],
    "支部党员大会": ["通报支部工作，研究年度计划", "讨论接收转入党员，通报党费收缴情况", "通报上半年工作，部署下半年任务",
                "总结全年工作，开展民主评议准备"],
    "支委会": ["研究本季度学习活动安排", "研究困难党员走访慰问名单", "研究“六有一提升”自查整改", "研究党费收缴和经费使用"],
    "党小组会": ["交流学习体会", "通报党员身体和家庭情况", "讨论支部工作意见建议", "组织学习上级文件"],
    "党课": ["书记讲党课：不忘初心、牢记使命", "离退休干部如何发挥正能量作用", "讲好红色故事，传承红色基因",
           "从严治党永远在路上", "学习身边榜样，做合格共产党员"],
    "民主评议": ["年度民主评议党员"],
    "组织生活会": ["年度组织生活会"],
    "主题党日": ["“七一”主题党日：重温入党誓词", "主题党日：为党员过政治生日", "主题党日：学习新党章"],
    "文体活动": ["老年门球友谊赛", "迎新春书画作品展", "庆“七一”歌咏会", "重阳登高健身走", "太极拳展演", "老年摄影作品展"],
    "参观学习": ["参观无锡革命陈列馆", "参观秦邦宪故居", "参观新四军太湖游击队纪念馆", "参观江阴要塞", "参观华西村",
             "参观无锡博物院改革开放成就展", "参观荡口古镇", "参观宜兴周铁镇红色教育基地"],
    "主题活动": ["“两代人携手共进”：与青年党员结对", "“与社区同行、为党旗增辉”志愿服务", "立家规、正家风交流会"],
    "正能量活动": ["社区文明劝导", "关爱留守儿童", "为困难群众捐款捐物", "老党员讲传统进校园", "助力产业强市建言献策",
              "河道保洁志愿服务"],
    "线上学习": ["“助老上网”：学用学习强国", "“助老上网”：手机微信学党课", "线上观看专题党课", "网上重温党史"],
    "送学上门": ["为行动不便党员送学上门", "把学习材料送到病床前"],
}
SPRING_FESTIVAL = {2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
                   2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
                   2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3)}
DOUBLE_NINTH = {2015: (10, 21), 2016: (10, 9), 2017: (10, 28), 2018: (10, 17), 2019: (10, 7), 2020: (10, 25),
                2021: (10, 14), 2022: (10, 4), 2023: (10, 23), 2024: (10, 11), 2025: (10, 29), 2026: (10, 18),
                2027: (10, 8), 2028: (10, 26), 2029: (10, 16), 2030: (10, 5)}
DISTRICT_SLUGS = {"江阴市": "jiangyin", "宜兴市": "yixing", "梁溪区": "liangxi", "锡山区": "xishan", "惠山区": "huishan",
                  "滨湖区": "binhu", "新吴区": "xinwu", "经开区": "jingkai"}
UNIT_SLUGS = {"市委组织部": "zzb", "市委老干部局": "lgbj", "市教育局": "jyj", "市卫健委": "wjw", "市财政局": "czj",
              "市公安局": "gaj", "市人社局": "rsj", "市文广旅游局": "wgly", "市国资委": "gzw", "市总工会": "zgh",
              "江南大学": "jiangnan", "无锡职业技术学院": "wxit"}


def cn_ordinal(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")
    return str(n)


# --------------------------------------------------------------------------- plans
@dataclass
class Person:
    key: int
    full_name: str
    gender: str
    birth_date: dt.date
    join_date: dt.date
    retire_type: str
    pension: int
    health: str
    homebound: bool
    is_mobile: bool
    co_managed: bool
    death: dt.date | None = None
    values: dict = field(default_factory=dict)
    name: str | None = None  # the Party Member's name, given by whoever writes the row

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    def active_on(self, day: dt.date) -> bool:
        return self.death is None or day <= self.death


@dataclass
class Branch:
    index: int
    rng: random.Random
    sector: str
    tier: str
    gaps: set
    org_type: str = "党支部"
    establishment: str = "建制式"
    owner: str = ""  # the district or city-level unit
    street: str | None = None
    parent_unit: str = ""
    name: str = ""
    org: str | None = None  # the branch's own Org Unit node, made when its Party Organization is
    address: str = ""
    units: list[dict] = field(default_factory=list)  # Org Units to make before the branch, in order
    values: dict = field(default_factory=dict)  # the Party Organization
    people: list[Person] = field(default_factory=list)
    committee: list[tuple[str, Person, dt.date | None]] = field(default_factory=list)  # (post, person, left on)

    @property
    def unit_short(self) -> str:
        """The parent unit without its Party-committee word: 市财政局机关党委 → 市财政局机关."""
        short = self.parent_unit
        for suffix in ("党总支", "党委", "工委", "党支部"):
            if short.endswith(suffix):
                short = short[: -len(suffix)]
                break
        return short.removesuffix("离退休工作").removesuffix("离退休")

    @property
    def superior(self) -> str:
        """Who talks with the secretary: the street's working committee or the unit's committee."""
        return f"{self.street}党工委" if self.street else self.parent_unit


def person_name(rng: random.Random, male: bool) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice(['39', '38', '37', '58', '51', '80', '89'])}{rng.randint(0, 99999999):08d}"


def landline(rng: random.Random) -> str:
    return f"0510-8{rng.randint(0, 9999999):07d}"


# --------------------------------------------------------------------------- the planner
class Planner:
    """Plans the city branch by branch. `units` are the Org Units the site already has; `kinds`
    maps each Activity Kind to whether it counts as the month's collective study; `has_death_date`
    says whether the Party Member DocType holds one."""

    def __init__(self, *, year: int, seed: int, today: dt.date, units=(), kinds: dict[str, bool],
                 has_death_date: bool = True):
        self.year = year
        self.seed = seed
        self.today = today
        self.units: set[str] = set(units)
        self.org_names: set[str] = set()
        self.branches_at: Counter = Counter()  # branches per (parent unit, 党支部/党小组), for ordinals
        self.communities: dict[str, list[str]] = {}  # street → its communities
        self.kinds = set(kinds)
        # kinds that count as the month's collective study: a month "without study" has none of them
        self.study_kinds = {name for name, study in kinds.items() if study} | {"集体学习"}
        self.has_death_date = has_death_date
        self.branches: list[Branch] = []

    # ------------------------------------------------------------------ the tree
    def new_unit(self, name: str, level: str, parent: str, rng: random.Random | None = None) -> dict | None:
        """The Org Unit row for a node the tree lacks (None if it has it); from now on it has it."""
        if name in self.units:
            return None
        values = {"unit_name": name, "level": level, "parent_org_unit": parent, "is_group": 1}
        if rng is not None:
            values.update(contact_person=person_name(rng, rng.random() < 0.5), contact_phone=landline(rng))
        self.units.add(name)
        return values

    def unit(self, b: Branch, name: str, level: str, parent: str) -> str:
        row = self.new_unit(name, level, parent, b.rng)
        if row is not None:
            b.units.append(row)
        return name

    # ------------------------------------------------------------------ where a branch hangs
    def place(self, b: Branch) -> None:
        rng = b.rng
        if b.sector == "社区":
            b.owner = rng.choice(DISTRICTS)
            b.street = rng.choice(STREETS[b.owner])
            self.unit(b, b.street, "街道", b.owner)
            known = self.communities.setdefault(b.street, [])
            if known and rng.random() < 0.2:
                b.parent_unit = rng.choice(known)
            else:
                b.parent_unit = self.unit(b, self.community_name(rng, b.street), "社区", b.street)
                known.append(b.parent_unit)
            return
        choices = [(unit, name) for unit, committees in CITY_COMMITTEES.items() for name, s in committees if s == b.sector]
        for district in DISTRICTS:
            committees = [(p.format(d=district), s) for p, s in DISTRICT_COMMITTEES] + DISTRICT_EXTRA.get(district, [])
            choices += [(district, name) for name, s in committees if s == b.sector]
        b.owner, committee = rng.choice(choices)
        b.parent_unit = self.unit(b, committee, "单位党委", b.owner)

    def community_name(self, rng: random.Random, street: str) -> str:
        for _ in range(30):
            name = rng.choice(COMMUNITY_STEMS) + rng.choice(COMMUNITY_SUFFIXES)
            if name not in self.units:
                return name
        short = street.removesuffix("街道")
        n = 1
        while f"{short}{cn_ordinal(n)}社区" in self.units:
            n += 1
        return f"{short}{cn_ordinal(n)}社区"

    def org_name(self, b: Branch) -> str:
        unit, short = b.parent_unit, b.unit_short
        kind = "党小组" if b.org_type == "党小组" else "党支部"
        candidates = []
        if b.sector == "协会/团体":
            association = b.rng.choice(ASSOCIATIONS)
            functional = "功能型" if b.establishment == "非建制式" and kind == "党支部" else ""
            candidates.append(f"{short}{association}{functional}{kind}")
        elif b.sector == "社区":
            functional = "功能型" if b.establishment == "非建制式" and kind == "党支部" else ""
            candidates.append(f"{short}离退休干部{functional}{kind}")
        taken = self.branches_at[unit, kind]
        for n in range(max(taken, 1) + 1 if candidates else taken + 1, taken + 200):
            if candidates:  # the first is named without a number, the next ones 第二, 第三…
                candidates.append(candidates[0].replace(kind, f"第{cn_ordinal(n)}{kind}"))
            else:
                candidates.append(f"{short}离退休干部第{cn_ordinal(n)}{kind}")
        for name in candidates:
            if name not in self.org_names:
                self.org_names.add(name)
                self.branches_at[unit, kind] += 1
                return name
        raise ValidationError(f"演示数据：{unit} 下的党组织名称已用尽")

    # ------------------------------------------------------------------ one branch, in full
    def plan(self, index: int) -> Branch:
        rng = random.Random(f"sixhave-demo/{self.seed}/{index}")
        forced = FORCED.get(index, {})
        sector = forced.get("sector") or rng.choices(SECTORS, SECTOR_WEIGHTS)[0]
        tier = forced.get("tier") or rng.choices(TIERS, TIER_WEIGHTS)[0]
        chance = GAP_CHANCE[tier]
        gaps = {g for g in GAPS if rng.random() < chance} if "gaps" not in forced and tier != "示范" else set()
        gaps |= set(forced.get("gaps", ()))
        b = Branch(index=index, rng=rng, sector=sector, tier=tier, gaps=gaps)
        if "org_type" in forced:
            b.org_type = forced["org_type"]
        elif rng.random() < (0.1 if sector in ("社区", "机关", "企业") else 0.05):
            b.org_type = "党小组"
        if "establishment" in forced:
            b.establishment = forced["establishment"]
        elif rng.random() < {"协会/团体": 0.6, "社区": 0.12}.get(sector, 0.02):
            b.establishment = "非建制式"
        return b


    def branch(self, index: int) -> Branch:
        """Branch `index` planned up to its records: the Org Units it needs, its Party Organization
        (`values`), its people (each with `values`) and committee."""
        b = self.plan(index)
        self.place(b)
        b.name = self.org_name(b)
        self.make_people(b)
        b.values = self.org_values(b)
        self.branches.append(b)
        return b

    def committee(self, b: Branch) -> list[dict]:
        """The Party Organization's committee rows, once its people have names."""
        start = b.values["term_start"]
        rows = []
        for post, person, left in b.committee:
            if left is not None and left <= start:
                left = start + dt.timedelta(days=45)
            rows.append({"post": post, "member": person.name, "from_date": start, "to_date": left})
        return rows

    def records(self, b: Branch) -> list[tuple[str, dict]]:
        """The branch's year of records as (DocType, row), once its people have names; a Meeting's
        row holds its attendance rows. Called once per branch, after `branch`."""
        active = [p for p in b.people if p.death is None]
        out = [("Meeting", row) for row in self.meetings(b)]
        out += [("Talk Record", row) for row in self.talks(b)]
        out += [("Care Visit", row) for row in self.visits(b)]
        out += [("Dues Payment", row) for row in self.dues(b)]
        out += [("Fund Record", row) for row in self.funds(b, len(active))]
        out.append(("Venue Checklist", self.venue(b)))
        out += [("Work Document", row) for row in self.documents(b)]
        return out

    def org_values(self, b: Branch) -> dict:
        rng, year = b.rng, self.year
        if b.sector == "社区":
            founded = dt.date(rng.randint(year - 12, year), rng.randint(1, 12), rng.randint(1, 28))
            if founded.year == year:
                founded = dt.date(year, rng.randint(1, 6), rng.randint(1, 28))  # this year's new community org
        else:
            founded = dt.date(rng.randint(1985, year - 3), rng.randint(1, 12), rng.randint(1, 28))
        length = 5 if rng.random() < 0.3 else 3
        if "term_expired" in b.gaps:
            term_end = dt.date(rng.randint(year - 2, year), rng.randint(1, 10), rng.randint(1, 28))
            term_start = add_years(term_end, -length)
            founded = min(founded, term_start)
        else:
            term_start = max(founded, dt.date(rng.randint(year - length + 1, year), rng.randint(1, 12), rng.randint(1, 28)))
            term_end = add_years(term_start, length)
        if b.org_type == "党小组":
            # a group hangs under an in-service branch without approval authority; a weak one under a
            # committee that has it, which is the form the plan corrects (≥3 members: own branch)
            wrongly_small = rng.random() < 0.2 and b.tier == "薄弱"
            parent_kind, approval = ("党委", 1) if wrongly_small else ("党支部", 0)
            place = b.parent_unit if b.sector == "社区" else b.unit_short
            parent_name = f"中共{place}{'委员会' if wrongly_small else '在职党员支部委员会'}"
        elif b.sector == "社区":
            parent_kind, approval = "党委", 1
            parent_name = f"中共{b.street}工作委员会"
        elif b.parent_unit.endswith("党总支"):
            parent_kind, approval = "党总支", 1
            parent_name = f"中共{b.unit_short}总支部委员会"
        else:
            parent_kind, approval = "党委", 1
            parent_name = f"中共{b.unit_short}{'工作委员会' if b.parent_unit.endswith('工委') else '委员会'}"
        if b.sector == "社区":
            b.address = f"{b.owner}{b.street}{b.parent_unit}党群服务中心"
        else:
            district = b.owner if b.owner in DISTRICTS else ""
            b.address = f"{district}{rng.choice(ROADS)}{rng.randint(1, 399)}号{b.unit_short}老干部活动室"
        values = {"org_name": b.name, "org_type": b.org_type, "establishment": b.establishment, "sector": b.sector,
                  "parent_unit": b.parent_unit, "parent_party_org_name": parent_name, "parent_party_org_kind": parent_kind,
                  "parent_has_approval": approval, "founded_on": founded, "term_start": term_start,
                  "term_end": term_end, "last_election_on": term_start}
        if "no_liaison" not in b.gaps:
            workplace = f"{b.parent_unit}居委会" if b.sector == "社区" else f"{b.unit_short}组织人事处"
            values.update(liaison_name=person_name(rng, rng.random() < 0.5), liaison_unit=workplace,
                          liaison_phone=mobile(rng))
        if b.tier in ("示范", "良好") and rng.random() < 0.6:
            values["brand"] = rng.choice(["银发先锋", "夕阳红党建", "红色讲师团", "老兵新传", "银龄护苗", "金色港湾",
                                          "德润锡城", "初心不改", "余热生辉", "老少同心"])
        return values

    # ------------------------------------------------------------------ people
    def make_people(self, b: Branch) -> None:
        rng = b.rng
        r = rng.random()
        if b.org_type == "党小组":
            size = rng.randint(3, 7)
        elif r < 0.4:
            size = rng.randint(4, 9)
        elif r < 0.85:
            size = rng.randint(10, 16)
        else:
            size = rng.randint(17, 30)
        if b.org_type == "党支部" and size >= 15:
            posts = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
        elif b.org_type == "党支部" and size >= 7:
            posts = ["书记", "组织委员", "宣传委员"]
        else:
            posts = ["书记"]
        names = set()
        for i in range(size):
            if i == 0:
                age = rng.randint(77, 83) if "old_secretary" in b.gaps else rng.randint(63, 74)
            elif i < len(posts):
                age = rng.randint(62, 76)
            else:
                age = int(rng.triangular(60, 95, 72))
            b.people.append(self.person(b, i, age, names, in_committee=i < len(posts)))
        for post, person in zip(posts, b.people):
            b.committee.append((post, person, None))
        if "vacancy" in b.gaps and len(posts) >= 3:
            # a committee member stood down through illness and nobody was elected in their place
            post, person, _ = b.committee.pop()
            b.committee.append((post, person, dt.date(self.year, rng.randint(2, 8), rng.randint(1, 28))))
            person.health = "较差"
        if "mobile_unmanaged" in b.gaps:
            # a member who moved to live with children elsewhere, and no org there shares the care
            candidates = [p for p in b.people[len(posts):] if not p.homebound and not p.death] or b.people[-1:]
            candidates[0].is_mobile, candidates[0].co_managed, candidates[0].homebound = True, False, False
        for person in b.people:
            person.values = self.member_values(b, person)

    def person(self, b: Branch, i: int, age: int, names: set, *, in_committee: bool) -> Person:
        rng, year = b.rng, self.year
        male = rng.random() < 0.62
        full_name = person_name(rng, male)
        while full_name in names:
            full_name = person_name(rng, male)
        names.add(full_name)
        birth = dt.date(year - age, rng.randint(1, 12), rng.randint(1, 28))
        lixiu_possible = age >= max(87, year - 1932) and age <= 95
        retire_type = "离休" if lixiu_possible and not in_committee and rng.random() < 0.6 else "退休"
        if retire_type == "离休":
            join = dt.date(rng.randint(max(birth.year + 15, 1938), 1949), rng.randint(1, 9), rng.randint(1, 28))
            pension = rng.randrange(7000, 9001, 10)
        else:
            join_year = min(birth.year + int(rng.triangular(18, 45, 27)), year - 1)
            if rng.random() < 0.06 and birth.year + 18 <= year - 50:
                join_year = year - 50  # fifty years in the Party this year (光荣在党50年)
            join = dt.date(join_year, rng.randint(1, 12), rng.randint(1, 28))
            low, high = {"企业": (2000, 5000), "社区": (2200, 7000), "协会/团体": (3000, 8000)}.get(b.sector, (4200, 9000))
            pension = rng.randrange(low, high + 1, 10)
        if rng.random() < 0.08 and retire_type == "退休":  # (a 离休 cadre's date must stay before Oct 1949)
            join = join.replace(month=self.today.month)  # a political birthday this month
        if age < 75:
            health = rng.choices(["良好", "一般", "较差"], [60, 32, 8])[0]
        elif age < 85:
            health = rng.choices(["良好", "一般", "较差", "卧床"], [35, 40, 20, 5])[0]
        else:
            health = rng.choices(["良好", "一般", "较差", "卧床"], [12, 35, 33, 20])[0]
        if in_committee:
            health = "良好" if health in ("较差", "卧床") else health
        homebound = health == "卧床" or (health == "较差" and age >= 82 and rng.random() < 0.6)
        is_mobile = not in_committee and not homebound and rng.random() < 0.05
        death = None
        if not in_committee and age >= 80 and rng.random() < 0.015:
            death = dt.date(year, rng.randint(2, 11), rng.randint(1, 28))
        return Person(key=i, full_name=full_name, gender="男" if male else "女", birth_date=birth, join_date=join,
                      retire_type=retire_type, pension=pension, health=health, homebound=homebound,
                      is_mobile=is_mobile, co_managed=is_mobile, death=death)

    def member_values(self, b: Branch, p: Person) -> dict:
        rng = b.rng
        district = b.owner if b.owner in DISTRICTS else rng.choice(DISTRICTS)
        if b.sector == "社区" and rng.random() < 0.85:
            residence = f"{b.owner}{b.street}{b.parent_unit}{rng.randint(1, 60)}号{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        else:
            residence = f"{district}{rng.choice(ROADS)}{rng.randint(1, 500)}号{rng.randint(1, 30)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
        values = {"full_name": p.full_name, "gender": p.gender, "retire_type": p.retire_type,
                  "birth_date": p.birth_date, "join_date": p.join_date, "status": "去世" if p.death else "在册",
                  "phone": mobile(rng) if rng.random() < 0.6 else landline(rng), "residence": residence,
                  "activity": "在家休养" if p.homebound else rng.choice(ACTIVITIES),
                  "family_health": f"{rng.choice(LIVING)}，{rng.choice(HEALTH_TEXT[p.health])}",
                  "health": p.health, "needs": rng.choice(NEEDS[p.health]), "homebound": int(p.homebound),
                  "pension": p.pension, "is_mobile": int(p.is_mobile)}
        if p.death and self.has_death_date:
            values["death_date"] = p.death
        if p.is_mobile:
            city, org = rng.choice(OTHER_CITIES)
            values["residence"] = f"{city}（随子女居住）"
            if p.co_managed:
                values["co_managing_org"] = f"{city}{org}"
                values["co_managing_contact"] = f"{person_name(rng, rng.random() < 0.5)} {mobile(rng)}"
        blanks = 0.01 + (0.3 if "profiles_incomplete" in b.gaps else 0)
        for key in ("residence", "activity", "family_health", "needs", "phone"):
            if rng.random() < blanks and not p.is_mobile:
                values[key] = None
        return values

    # ------------------------------------------------------------------ records of the year
    def day_in(self, rng: random.Random, month: int, first: int = 1, last: int = 28) -> dt.date:
        for _ in range(10):
            day = dt.date(self.year, month, rng.randint(first, last))
            if day.weekday() < 5:
                return day
        return day

    def meetings(self, b: Branch) -> list[dict]:
        rng, gaps = b.rng, b.gaps
        plan: list[tuple[str, dt.date]] = []
        skipped_months = set(rng.sample(range(1, 13), rng.randint(1, 3))) if "missed_study" in gaps else set()
        for month in range(1, 13):
            if month not in skipped_months:
                plan.append(("集体学习", self.day_in(rng, month, 5, 20)))
        regular = ["党小组会"] if b.org_type == "党小组" else ["支部党员大会", "党课"] + (
            ["支委会", "党小组会"] if len(b.committee) > 1 else [])  # a branch under 7 has no committee, no groups
        missed = set()
        if "missed_meetings" in gaps:
            missed = {(rng.choice(regular), rng.randint(1, 4)) for _ in range(rng.randint(1, 3))}
        for kind in regular:
            for quarter in range(1, 5):
                if (kind, quarter) not in missed:
                    plan.append((kind, self.day_in(rng, quarter * 3 - rng.randint(0, 2))))
        if b.tier == "示范" and "支委会" in regular:
            plan += [("支委会", self.day_in(rng, m, 1, 10)) for m in (2, 5, 8, 11)]
        if "no_review" not in gaps:
            month = rng.choice([1, 2, 12])
            plan.append(("民主评议", self.day_in(rng, month)))
            if b.org_type == "党支部":
                plan.append(("组织生活会", self.day_in(rng, month)))
        plan.append(("主题党日", self.day_in(rng, 6, 25, 30) if rng.random() < 0.5 else self.day_in(rng, 7, 1, 5)))
        sports = rng.randint(2, 4) if b.tier != "薄弱" else rng.randint(0, 2)
        plan += [("文体活动", self.day_in(rng, rng.randint(1, 12))) for _ in range(sports)]
        if "no_study_visit" not in gaps:
            plan += [("参观学习", self.day_in(rng, rng.choice([4, 5, 6, 9, 10, 11]))) for _ in range(rng.randint(1, 2))]
        plan += [("主题活动", self.day_in(rng, rng.randint(3, 11))) for _ in range(rng.randint(1, 2))]
        plan += [("正能量活动", self.day_in(rng, rng.randint(1, 12))) for _ in range(rng.randint(1, 3))]
        if "no_online" not in gaps:
            plan += [("线上学习", self.day_in(rng, rng.randint(1, 12))) for _ in range(rng.randint(1, 4))]
        homebound = [p for p in b.people if p.homebound]
        if homebound and "no_home_study" not in gaps:
            plan += [("送学上门", self.day_in(rng, quarter * 3 - 1)) for quarter in range(1, 5)]
        plan = [(kind, day) for kind, day in plan if not (day.month in skipped_months and kind in self.study_kinds)]
        plan.sort(key=lambda item: (item[1], item[0]))
        out = []
        for kind, day in plan:
            if kind not in self.kinds:
                continue
            rows, present = self.attendance(b, kind, day)
            topic = rng.choice(TOPICS.get(kind) or [kind])
            place = b.address if kind not in ("参观学习", "送学上门", "线上学习") else (
                "党员家中" if kind == "送学上门" else ("线上（微信群、学习强国）" if kind == "线上学习" else topic.removeprefix("参观")))
            out.append({"party_org": b.name, "kind": kind, "meeting_date": day, "place": place, "topic": topic,
                        "minutes": f"<p>{day.month}月{day.day}日，{b.name}开展{kind}：{topic}。应到{len(rows)}人，实到{present}人。"
                                   f"{rng.choice(['大家踊跃发言，交流体会。', '书记作总结讲话。', '与会党员一致表示要发挥余热。', '会后合影留念。'])}</p>",
                        "home_study": int(kind == "送学上门"), "attendance": rows, "present_count": present})
        return out

    def attendance(self, b: Branch, kind: str, day: dt.date) -> tuple[list[dict], int]:
        rng = b.rng
        if kind == "支委会":
            invited = [person for _, person, left in b.committee if left is None or left > day]
        elif kind == "送学上门":
            invited = [p for p in b.people if p.homebound]
        elif kind == "党小组会" and b.org_type == "党支部":
            invited = b.people[: max(3, len(b.people) // 2)] if rng.random() < 0.5 else b.people[len(b.people) // 2:]
        else:
            invited = b.people
        rows, present = [], 0
        turnout = {"示范": 0.92, "良好": 0.85, "一般": 0.78, "薄弱": 0.65}[b.tier]
        for p in invited:
            if not p.active_on(day):
                continue
            if kind == "送学上门":
                status = "送学上门"
            elif p.homebound or p.is_mobile:
                status = "请假"
            else:
                r = rng.random()
                status = "出席" if r < turnout else ("请假" if r < turnout + (1 - turnout) * 0.7 else "缺席")
            present += status in ("出席", "送学上门")
            rows.append({"member": p.name, "attendance": status})
        return rows, present

    def talks(self, b: Branch) -> list[dict]:
        rng = b.rng
        secretary = b.people[0]
        deputy = b.committee[1][1] if len(b.committee) > 1 else None
        out = []
        for p in b.people:
            if "talks_incomplete" in b.gaps and p is not secretary and rng.random() < 0.35:
                continue
            last = p.death - dt.timedelta(days=10) if p.death else dt.date(self.year, 12, 20)
            if last.month < 2:
                continue
            day = self.day_in(rng, rng.randint(2, last.month))
            if day > last:
                day = last
            talker = f"{b.superior}负责同志" if p is secretary else (
                deputy.full_name if deputy and rng.random() < 0.3 else secretary.full_name)
            topic = rng.choice(["了解身体和家庭情况，听取对支部工作的意见", "交流学习十九大精神的体会",
                                "谈心谈话，了解思想动态和实际困难", "征求对“六有一提升”创建工作的建议",
                                "关心子女就业情况，鼓励继续发挥作用"])
            out.append({"party_org": b.name, "member": p.name, "talk_date": day, "talker": talker,
                        "content": f"{talker}与{p.full_name}同志谈心：{topic}。"})
        return out

    def visits(self, b: Branch) -> list[dict]:
        rng, year = b.rng, self.year
        secretary = b.people[0]
        visitors = "、".join(person.full_name for _, person, left in b.committee[:2] if left is None) or secretary.full_name
        out = []
        spring = dt.date(year, *SPRING_FESTIVAL.get(year, (2, 1)))
        ninth = dt.date(year, *DOUBLE_NINTH.get(year, (10, 15)))
        eldest = max(b.people, key=lambda p: (p.age_on(spring), p.key))
        for p in b.people:
            if p.retire_type == "离休" or p.homebound or p.age_on(spring) >= 85 or p is eldest:
                for festival, label in ((spring, "春节"), (ninth, "重阳节")):
                    if p.active_on(festival):
                        out.append({"party_org": b.name, "member": p.name, "trigger": "重大节日", "event_date": festival,
                                    "visit_date": festival - dt.timedelta(days=rng.randint(1, 10)), "visitors": visitors,
                                    "notes": f"{label}前上门慰问，送上慰问品，转达组织关怀。"})
        ill = [p for p in b.people if p.health in ("较差", "卧床") and p is not secretary and not p.death]
        if not ill and "late_visit" in b.gaps:
            ill = [b.people[-1]]
        late_done = False
        for p in ill:
            if rng.random() > 0.5 and not ("late_visit" in b.gaps and not late_done):
                continue
            event = dt.date(year, rng.randint(1, 10), rng.randint(1, 28))
            if p.death and event >= p.death:
                event = p.death - dt.timedelta(days=30)
            late = "late_visit" in b.gaps and not late_done
            late_done = late_done or late
            delay = rng.randint(15, 40) if late else rng.randint(1, 7)
            out.append({"party_org": b.name, "member": p.name, "trigger": "生病住院", "event_date": event,
                        "visit_date": event + dt.timedelta(days=delay), "visitors": visitors,
                        "notes": f"{p.full_name}同志因病住院，支部前往医院探望。"})
        for p in b.people:
            if p.is_mobile or p.death or rng.random() > 0.04:
                continue
            event = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
            out.append({"party_org": b.name, "member": p.name, "trigger": "遇到困难", "event_date": event,
                        "visit_date": event + dt.timedelta(days=rng.randint(1, 10)), "visitors": visitors,
                        "notes": rng.choice(["老伴住院，家庭生活困难，支部送去慰问金。", "家中房屋漏水，联系社区帮助维修。"])})
        for p in b.people:
            if p.death:
                out.append({"party_org": b.name, "member": p.name, "trigger": "弥留去世", "event_date": p.death,
                            "visit_date": p.death + dt.timedelta(days=rng.randint(0, 3)), "visitors": visitors,
                            "notes": f"{p.full_name}同志病逝，支部前往吊唁，慰问家属。"})
        return out

    def dues(self, b: Branch) -> list[dict]:
        rng, year = b.rng, self.year
        out = []
        unpaid: dict[int, set[int]] = {}
        if "unpaid_dues" in b.gaps:
            for p in rng.sample(b.people[1:] or b.people, min(2, max(1, len(b.people) - 1))):
                last = rng.randint(9, 12)
                unpaid[p.key] = set(range(last - rng.randint(0, 2), last + 1))
        for p in b.people:
            due = amount_due(p.pension)  # what the Dues Payment controller will compute; paid in full
            pattern = "quarter" if p.is_mobile else rng.choices(["month", "quarter", "year"], [55, 35, 10])[0]
            relative = p.homebound and rng.random() < 0.6
            for month in range(1, 13):
                first = dt.date(year, month, 1)
                if not p.active_on(first):
                    break
                values = {"party_org": b.name, "member": p.name, "month": first, "pension": p.pension}
                if month not in unpaid.get(p.key, ()):
                    paid_month = {"month": month, "quarter": (month - 1) // 3 * 3 + 1, "year": 1}[pattern]
                    values.update(amount_paid=due, paid_on=dt.date(year, paid_month, rng.randint(1, 20)),
                                  paid_by_relative=int(relative), flexible=int(p.is_mobile))
                out.append(values)
        return out

    def funds(self, b: Branch, members: int) -> list[dict]:
        rng, year = b.rng, self.year
        source = f"{b.street}党工委" if b.sector == "社区" else b.parent_unit
        out = [{"party_org": b.name, "kind": "工作经费", "amount": rng.randrange(2000, 6001, 500),
                "record_date": dt.date(year, rng.randint(1, 3), rng.randint(1, 28)), "source": source,
                "notes": "年度党组织工作经费"},
               {"party_org": b.name, "kind": "教育管理经费", "amount": 100 * members,
                "record_date": dt.date(year, rng.randint(3, 5), rng.randint(1, 28)), "source": source,
                "notes": f"党员教育管理经费，按{members}人每人100元"}]
        if "no_allowance" not in b.gaps:
            allowance = rng.randrange(600, 1801, 100)
            out += [{"party_org": b.name, "kind": "书记工作补贴", "amount": allowance,
                     "record_date": dt.date(year, month, 25), "source": source, "notes": "支部书记工作补贴（半年）"}
                    for month in (6, 12)]
        if rng.random() < 0.5:
            out.append({"party_org": b.name, "kind": "党费支持", "amount": rng.randrange(500, 2001, 100),
                        "record_date": dt.date(year, rng.randint(6, 11), rng.randint(1, 28)), "source": "上级党委返还党费",
                        "notes": "用于走访慰问困难党员"})
        return out

    def venue(self, b: Branch) -> dict:
        rng = b.rng
        checks = {"has_place": 1, "has_facilities": 1, "has_sign": 1, "has_periodicals": 1, "has_rules": 1, "has_board": 1}
        notes = "场所固定，设施齐全，制度上墙。"
        if "venue_incomplete" in b.gaps:
            for key in rng.sample([k for k in checks if k != "has_place"], rng.randint(1, 3)):
                checks[key] = 0
            notes = "借用单位会议室，宣传栏、报刊杂志等尚未配齐。"
        return {"party_org": b.name, "year": self.year, "address": b.address, **checks, "notes": notes}

    def documents(self, b: Branch) -> list[dict]:
        rng, year = b.rng, self.year
        out = []
        if "no_plan" not in b.gaps:
            out.append({"party_org": b.name, "kind": "年度工作计划", "year": year, "title": f"{b.name}{year}年工作计划",
                        "doc_date": dt.date(year, rng.randint(1, 2), rng.randint(5, 28)),
                        "content": f"<p>{year}年，支部将围绕“六有一提升”目标，坚持每月集体学习，落实“三会一课”，"
                                   "做到“四知道、一跟上”和“四必访”，开展参观学习和主题活动。</p>"})
        if "no_summary" not in b.gaps:
            out.append({"party_org": b.name, "kind": "年度工作总结", "year": year, "title": f"{b.name}{year}年工作总结",
                        "doc_date": dt.date(year, 12, rng.randint(10, 28)),
                        "content": f"<p>{year}年支部共组织集体学习和各类活动，走访慰问党员，党费按时足额交纳。"
                                   "存在的不足：活动形式有待丰富，部分党员参加活动不便。</p>"})
        if b.tier in ("示范", "良好") and rng.random() < 0.5:
            out.append({"party_org": b.name, "kind": "支部工作手册", "year": year, "title": f"{b.name}{year}年支部工作手册",
                        "doc_date": dt.date(year, 12, 30)})
        return out

    # ------------------------------------------------------------------ the city's year
    def training(self) -> dict:
        """The city's secretaries' training, attended by each planned branch's secretary (or not)."""
        rng = random.Random(f"sixhave-demo/{self.seed}/training")
        start = self.day_in(rng, rng.choice([4, 5]), 8, 20)
        rows = []
        for b in self.branches:
            if "no_training" in b.gaps:
                continue
            rows.append({"party_org": b.name, "member": b.people[0].name, "post": "书记", "attended": 1})
        return {"title": f"{self.year}年全市离退休干部党支部书记学习班", "kind": "全市书记学习班",
                "org": "市委老干部局", "year": self.year, "start_date": start,
                "end_date": start + dt.timedelta(days=2), "place": "无锡市老干部活动中心",
                "content": "学习党的十九大精神；解读“六有一提升”工程实施方案和评分细则；交流示范党支部创建经验。",
                "attendees": rows}

    def accounts(self) -> list[tuple[str, str, str, str | None]]:
        """Demo accounts of every role as (login, display name, role, Org Unit scope), once the
        branches' own nodes (`org`) are made."""
        wanted: list[tuple[str, str, str, str | None]] = [  # (login, display name, role, scope)
            ("city.admin", "市委老干部局管理员", "市级管理员", None),
            ("city.reviewer", "市级审核员", "市级审核员", CITY)]
        for district in DISTRICTS:
            slug = DISTRICT_SLUGS[district]
            wanted.append((f"{slug}.admin", f"{district}老干部局管理员", "区级管理员", district))
            wanted.append((f"{slug}.reviewer", f"{district}审核员", "区级审核员", district))
        units = [b.owner for b in self.branches if b.owner in UNIT_SLUGS]
        for unit in list(dict.fromkeys(units))[:3] or ["市教育局"]:
            wanted.append((f"{UNIT_SLUGS[unit]}.reviewer", f"{unit}审核员", "单位审核员", unit))
        streets = list(dict.fromkeys(b.street for b in self.branches if b.street))[:3]
        for i, street in enumerate(streets, start=1):
            wanted.append((f"street{i}.liaison", f"{street}联络员", "街道联络员", street))
        for b in self.branches[:6]:
            wanted.append((f"branch{b.index + 1:04d}.secretary", b.people[0].full_name, "支部书记", b.org))
        for b in [b for b in self.branches if len(b.committee) > 1][:2]:
            wanted.append((f"branch{b.index + 1:04d}.member", b.committee[1][1].full_name, "支部委员", b.org))
        return wanted

