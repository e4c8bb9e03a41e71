// 简体中文（默认语言）：工作台上的每一句话。用平实的词，说清楚下一步做什么。
export default {
  app: { name: '六有一提升', fullName: '离退休干部党组织“六有一提升”工作平台' },
  common: {
    yes: '是', no: '否', all: '全部', choose: '请选择', searchChoose: '输入文字搜索并选择', cancel: '取消', close: '关闭', back: '返回',
    loading: '正在加载…', networkError: '网络连接出错，请稍后再试', pickDate: '选择日期', pickDatetime: '选择日期和时间', pickTime: '选择时间',
  },
  nav: { home: '首页', queue: '待办审批', dashboard: '数据看板', import: '数据导入' },
  shell: {
    skip: '跳到正文', menu: '打开菜单', navigation: '功能菜单', breadcrumbs: '当前位置', search: '搜索',
    searchPlaceholder: '搜索单据或功能，例如：党员、会议、达标自评表', list: '列表', largeText: '大字', normalText: '标准字',
    contrast: '高对比度', changePassword: '修改密码', logout: '退出登录',
  },
  login: {
    title: '登录', user: '用户名或邮箱', password: '密码', submit: '登 录', hint: '忘记密码请联系本单位管理员重置。',
    needUser: '请输入用户名或邮箱', needPassword: '请输入密码', wrong: '用户名或密码不正确，请重新输入。',
    throttled: '登录失败次数过多，为了账号安全暂时不能登录。{detail}', disabled: '该账号已停用，请联系管理员。',
    expired: '登录已过期（长时间未操作），请重新登录。', loggedOut: '您已安全退出。',
  },
  password: {
    title: '修改密码', old: '原密码', new: '新密码', repeat: '再次输入新密码', submit: '确认修改', rule: '新密码至少 8 位，须同时包含字母和数字。',
    needOld: '请输入原密码', mismatch: '两次输入的新密码不一致', done: '密码已修改，其他设备上的登录已退出。',
  },
  home: {
    hello: '您好，{name}', roles: '您的身份：{roles}', queue: '我的待办', queueEmpty: '目前没有需要您处理的事项。', openQueue: '查看全部待办 ›',
    year: '{year} 年度工作进度', until: '截止 {date}', daysLeft: '还剩 {n} 天', overdueDays: '已超期 {n} 天', alerts: '提醒',
    noAlerts: '您负责范围内目前没有提醒。', noAlertsRight: '您没有查看提醒的权限。', allAlerts: '查看全部 {n} 条提醒', shortcuts: '常用功能',
    newX: '新建{label}', targets: '{year} 年度目标完成情况',
  },
  phases: { mobilise: '动员部署', survey: '自查摸底', rectify: '整改推进', declare: '申报', assess: '考核' },
  severity: { high: '紧急', medium: '注意', low: '提示' },
  list: {
    showFilters: '筛选与搜索（已设 {n} 项）', hideFilters: '收起筛选',
    new: '新建', export: '导出 Excel', filters: '筛选条件', search: '搜索', searchPlaceholder: '输入名称或编号', count: '共 {n} 条',
    selected: '已选 {n} 条', batch: '批量{action}', batchTitle: '批量{action}（{n} 条）', batchOk: '成功，当前状态：{state}', sortBy: '排序方式',
    sortDefault: '默认排序', sortModified: '最近修改在前', sortCreated: '最近新建在前', name: '名称 / 编号', modified: '修改时间', created: '创建时间',
    empty: '没有符合条件的记录。', pick: '选择 {name}', pickAll: '全选本页', noPermission: '您没有查看“{label}”的权限。',
  },
  filters: {
    field: '字段', operator: '条件', value: '值', add: '+ 添加筛选条件', apply: '应用筛选', clear: '清除全部条件', remove: '删除',
    removeRow: '删除第 {n} 个条件', set: '已填写', notSet: '未填写', listHint: '多个值用逗号分隔',
    ops: { eq: '等于', ne: '不等于', like: '包含', notLike: '不包含', gt: '大于', lt: '小于', ge: '大于等于', le: '小于等于', in: '是其中之一', notIn: '不是其中之一', between: '介于（起,止）', under: '属于（含下级）', is: '是否填写' },
  },
  form: {
    save: '保存', saved: '已保存', submit: '提交', cancel: '作废', print: '打印', delete: '删除', deleted: '已删除', new: '新建', newTitle: '新建{label}',
    unsaved: '有未保存的修改', readOnlyNow: '当前状态下您只能查看', details: '基本信息', required: '请填写“{label}”', requiredMark: '必填',
    rowRequired: '第 {row} 行：请填写“{label}”', missing: '还有必填项没有填写：{fields}', saveBeforeAction: '请先保存修改，再进行审批操作。',
    returnedBecause: '{who}{action}了这份单据，原因如下：', notFound: '找不到这份单据（可能已删除，或不在您的负责范围内）',
    cannotOpen: '无法打开这份单据', backToList: '返回{label}列表', submitConfirm: '提交后将不能再修改，确定提交吗？',
    cancelConfirm: '作废后单据不再有效，确定作废吗？', deleteConfirm: '确定删除“{name}”吗？删除后可由管理员从回收站恢复。',
    leaveConfirm: '您有修改尚未保存，离开本页将丢失这些修改。', leave: '不保存，离开', stay: '留在本页',
  },
  workflow: {
    comment: '意见（可选）', reasonRequired: '理由（必填）', target: '退回到哪一步', confirmTitle: '确认“{action}”', confirm: '确认{action}',
    needReason: '请填写理由', needTarget: '请选择退回到哪一步', done: '已{action}',
  },
  table: { add: '+ 添加一行', remove: '删除', removeRow: '删除第 {n} 行', more: '更多', less: '收起', empty: '暂无数据', operations: '操作' },
  attach: {
    title: '附件', none: '还没有附件。', add: '上传附件', upload: '上传文件', replace: '更换文件', remove: '移除', download: '下载',
    uploading: '正在上传…', uploaded: '已上传：{name}', saveFirst: '请先保存，再上传文件。', preview: '{name} 的预览',
  },
  timeline: {
    history: '审批记录', noHistory: '还没有审批记录。', reason: '意见：', comments: '评论', noComments: '还没有评论。', addComment: '写评论…',
    send: '发表评论', versions: '修改记录', noVersions: '还没有修改记录。', row: '第 {n} 行', rowsAdded: '新增 {n} 行', rowsRemoved: '删除 {n} 行', showAll: '显示全部',
  },
  docstatus: { draft: '草稿', submitted: '已提交', cancelled: '已作废' },
  queue: {
    title: '待办审批', todo: '待办', done: '已办', mine: '我发起的', doctype: '单据类型', org: '组织', phase: '阶段', dueBy: '截止日期不晚于',
    overdueOnly: '只看已超期', count: '共 {n} 项待办', document: '单据', state: '状态', due: '截止日期', actions: '可做的操作', action: '操作',
    comment: '意见', when: '时间', empty: '没有需要您处理的事项。', doneEmpty: '您还没有办理过事项。', mineEmpty: '您还没有发起过单据。',
    overdueN: '超期 {n}', overdueSince: '已超期（截止 {date}）', dueOn: '截止 {date}',
  },
  dash: {
    title: '数据看板', year: '年度', org: '单位', allOrgs: '全市（我可见的范围）', passRate: '达标合格率（机关、事业单位）', target: '目标 {n}%',
    demonstration: '示范党支部', demoTarget: '目标 {min}–{max} 个', streets: '新增社区党组织的街道', streetTarget: '每个街道每年新增 1 个',
    passByUnit: '各地区、单位达标率（目标 {target}%）', asTable: '查看数据表', unit: '地区 / 单位', assessed: '自评表数', decided: '已考评',
    passed: '达标', rate: '达标率', targetLine: '目标 {n}%', demoChart: '示范党支部数量（目标 30–50 个）', demoBySector: '按领域：{text}',
    streetChart: '{year} 年各街道新增社区离退休干部党组织', street: '街道', added: '新增', reached: '达到目标', progress: '{year} 年申报进度（按阶段）',
    kind: '类别', state: '状态', count: '数量', drill: '{org} 各党组织', branch: '党组织', self: '自评', district: '区级', city: '市级', result: '结论',
  },
  print: {
    title: '打印：{name}', format: '格式', standard: '标准格式', pdf: '下载 PDF', back: '返回单据', rendering: '正在生成预览…',
    previewOf: '{name} 的打印预览', failed: '生成失败', downloaded: '已下载：{file}',
  },
  import: {
    title: '数据导入', notYet: '数据导入（下载模板、上传 Excel、逐行检查、确认导入）和后台任务进度将在 Excel 导入功能完成后在这里提供。',
    meanwhile: '现在可以在各列表页用“导出 Excel”导出数据；录入请使用“新建”。',
  },
  sa: {
    header: '基本信息', totals: '得分与结论（随填写实时计算）', passLine: '达标分数线', bonusCap: '加分上限 {cap} 分', vetoed: '触发一票否决',
    catSummary: '{n} 项，满分 {points}，当前 {mine}', evidence: '佐证（台账记录）', proposed: '建议得分 {score}', useProposal: '采用建议分',
    moreRecords: '还有 {n} 条记录', exceeds: '自评分高于佐证建议分，请补充说明或材料。', bonusAndVeto: '加分项与一票否决', code: '编号', content: '内容',
    points: '分值', lists: '问题清单、任务清单、责任清单', listsHint: '失分的项目会生成整改项，三张清单由此而来。', problems: '问题清单', tasks: '任务清单',
    responsibilities: '责任清单', problem: '问题', lost: '失分', task: '整改任务', deadline: '整改时限', person: '责任人', department: '责任部门',
    state: '状态', noLists: '还没有整改项。', makeLists: '根据失分生成整改清单',
  },
}
