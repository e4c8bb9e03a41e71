// The studio's words (zh-CN first, English), merged into the desk's messages when a studio page
// or the menu loads — kept apart from i18n/zh-CN.js so the studio's tools travel together.
import { i18n } from '../i18n'

const zh = {
  studio: {
    menu: '设计工具', home: '设计工具', intro: '不写代码，调整审批流程、打印格式、年度评分模板和年度设置。每次修改都有记录，可以撤销。',
    workflow: '审批流程', printFormat: '打印格式', template: '评分模板', year: '年度向导',
    workflowIntro: '用表格编辑状态和动作，右侧的流程图随之更新。保存前会检查并预览对在办单据的影响。',
    printIntro: '复制标准格式后修改，或用“栏目与字段”生成格式，右侧实时预览一份真实单据。',
    templateIntro: '把上一年的评分模板复制到新年度，修改后检查分值合计再发布。',
    yearIntro: '开启年度，设定各阶段截止日期和目标，选定评分模板和审批流程，看看还差什么。',
    noAccess: '您没有使用设计工具的权限（仅市级管理员可以使用）。', open: '打开', save: '保存', saving: '正在保存…', saved: '已保存',
    add: '+ 添加一行', remove: '删除', up: '上移', down: '下移', pick: '请选择', history: '修改记录', revert: '撤销此次及之后的修改',
    reverted: '已撤销，恢复到这次修改之前的样子', noHistory: '还没有修改记录。', who: '修改人', when: '时间', what: '修改内容',
    confirmRevert: '确定撤销这次修改以及之后的所有修改吗？', yes: '确定', no: '取消', error: '出错了',
    wf: {
      pick: '选择审批流程', doctype: '单据类型', active: '启用', states: '状态', transitions: '动作（从 → 动作 → 到）',
      state: '状态名称', docStatus: '单据状态', whoEdits: '可编辑角色', style: '颜色', phase: '所属阶段',
      from: '从', action: '动作', to: '到', role: '办理角色', condition: '条件（可不填）', comment: '须填意见', selfApproval: '允许本人审批',
      deadline: '时限（天）', scope: '范围层级', diagram: '流程图', check: '检查并预览影响', apply: '确认保存',
      previewTitle: '保存前预览：对在办单据的影响', total: '共有 {n} 份单据', count: '单据数', kept: '保留', removedState: '将删除',
      addedState: '新增', mapTo: '迁往状态', orphanHint: '被删除的状态里还有单据，必须为它们选择迁往的状态；迁移在一次保存中完成，并记入每份单据的审批记录。',
      ok: '检查通过，可以保存。', moved: '已把 {n} 份单据从“{from}”迁到“{to}”', draft: '草稿', submitted: '已提交', cancelled: '已取消',
      styles: { Primary: '红（重要）', Info: '灰', Success: '绿', Warning: '黄', Danger: '深红' },
    },
    pf: {
      pick: '选择打印格式', copyFrom: '复制自', newName: '新格式名称', copy: '复制为我的格式', standardNote: '标准格式不能直接修改，请先复制。',
      html: '模板（HTML / Jinja）', css: '样式（CSS）', document: '预览用的单据', previewNow: '刷新预览', pdf: '下载 PDF', builder: '栏目与字段（不写代码）',
      editor: '代码', errors: '模板有错误', line: '第 {n} 行', title: '标题', columns: '每行几栏', fields: '要打印的字段', tables: '要打印的表格',
      tableColumns: '表格中的列', signature: '落款（可不填）', generate: '生成模板', generated: '已生成模板，可在“代码”中继续修改', docType: '单据类型',
      previewTitle: '实时预览', noDoc: '请选择一份单据来预览', pageSize: '纸张', orientation: '方向', fontSize: '字号（pt）',
    },
    st: {
      pick: '选择评分模板', title: '名称', year: '年度', status: '状态', version: '版本', frozen: '已冻结（已有自评表使用）', copyTo: '复制到新年度',
      source: '复制哪一年的模板', newYear: '新年度', copy: '复制', publish: '检查并发布', published: '已发布', newVersion: '另存为新版本',
      items: '评分项', bonus: '加分项', veto: '一票否决', thresholds: '分数线', total: '满分', pass: '达标分数线', demo: '示范申报分数线',
      cap: '加分上限', category: '类别', code: '编号', content: '考核内容', standard: '评分标准', points: '分值', level: '评分层级',
      rule: '佐证规则', noRule: '（无，人工评分）', sum: '评分项合计 {sum} 分 / 满分 {total} 分', bonusSum: '加分项合计 {sum} 分 / 上限 {cap} 分',
      ready: '分值合计正确，可以发布', problems: '发布前还需处理：', export: '导出 Excel', import: '从 Excel 导入', importProblems: '工作簿中有以下问题，未导入：',
      imported: '已导入', frozenNote: '这份模板已有自评表在用，不能再修改；要修改请“另存为新版本”。', draftNote: '草稿：修改后先保存，检查通过后再发布。',
    },
    yw: {
      pick: '年度', steps: '步骤', s1: '开启年度', s2: '阶段与截止日期', s3: '年度目标', s4: '评分模板与审批流程', s5: '检查清单',
      targetRate: '达标率目标（%）', demoMin: '示范党支部目标（下限）', demoMax: '示范党支部目标（上限）', perStreet: '每个街道每年新增社区党组织',
      template: '本年度评分模板', workflowFor: '{label}的审批流程', save: '保存并开启年度', ready: '已就绪', notReady: '未就绪', fix: '去处理',
      next: '下一步', prev: '上一步',
    },
  },
}

const en = {
  studio: {
    menu: 'Studio', home: 'Studio', intro: 'Change workflows, print formats, the yearly scoring template and the year without code. Every change is recorded and can be undone.',
    workflow: 'Workflows', printFormat: 'Print formats', template: 'Scoring template', year: 'Year wizard',
    workflowIntro: 'Edit states and actions as tables; the diagram follows. Before saving, see what happens to documents in progress.',
    printIntro: 'Copy a standard format and edit it, or build one from columns and fields, with a live preview of a real document.',
    templateIntro: "Copy last year's template into a new year, edit it, check the totals, then publish.",
    yearIntro: 'Open the year, set phase deadlines and targets, choose the template and workflows, and see what is still missing.',
    noAccess: 'You may not use the studio (city administrators only).', open: 'Open', save: 'Save', saving: 'Saving…', saved: 'Saved',
    add: '+ Add a row', remove: 'Remove', up: 'Up', down: 'Down', pick: 'Choose', history: 'History', revert: 'Undo this and later changes',
    reverted: 'Undone: back to how it was before this change', noHistory: 'No changes yet.', who: 'By', when: 'When', what: 'Change',
    confirmRevert: 'Undo this change and every later one?', yes: 'Yes', no: 'Cancel', error: 'Error',
    wf: {
      pick: 'Workflow', doctype: 'Document type', active: 'Active', states: 'States', transitions: 'Actions (from → action → to)',
      state: 'State', docStatus: 'Doc status', whoEdits: 'Who may edit', style: 'Colour', phase: 'Phase',
      from: 'From', action: 'Action', to: 'To', role: 'Role', condition: 'Condition (optional)', comment: 'Comment required', selfApproval: 'Self-approval allowed',
      deadline: 'Deadline (days)', scope: 'Scope level', diagram: 'Diagram', check: 'Check and preview', apply: 'Save',
      previewTitle: 'Before saving: documents in progress', total: '{n} documents in all', count: 'Documents', kept: 'Kept', removedState: 'Removed',
      addedState: 'New', mapTo: 'Move to', orphanHint: 'Removed states still hold documents: choose where they go. They move in one save, recorded in each document\'s history.',
      ok: 'All checks passed; you may save.', moved: 'Moved {n} documents from “{from}” to “{to}”', draft: 'Draft', submitted: 'Submitted', cancelled: 'Cancelled',
      styles: { Primary: 'Red (important)', Info: 'Grey', Success: 'Green', Warning: 'Yellow', Danger: 'Dark red' },
    },
    pf: {
      pick: 'Print format', copyFrom: 'Copy from', newName: 'New format name', copy: 'Copy as my format', standardNote: 'A standard format cannot be changed; copy it first.',
      html: 'Template (HTML / Jinja)', css: 'Style (CSS)', document: 'Document to preview', previewNow: 'Refresh preview', pdf: 'Download PDF', builder: 'Columns and fields (no code)',
      editor: 'Code', errors: 'The template has errors', line: 'Line {n}', title: 'Title', columns: 'Columns per row', fields: 'Fields to print', tables: 'Tables to print',
      tableColumns: 'Columns of the table', signature: 'Signature line (optional)', generate: 'Make the template', generated: 'Template made; you may edit it under “Code”', docType: 'Document type',
      previewTitle: 'Live preview', noDoc: 'Choose a document to preview', pageSize: 'Paper', orientation: 'Orientation', fontSize: 'Font size (pt)',
    },
    st: {
      pick: 'Scoring template', title: 'Title', year: 'Year', status: 'Status', version: 'Version', frozen: 'Frozen (used by sheets)', copyTo: 'Copy into a new year',
      source: 'Copy from', newYear: 'New year', copy: 'Copy', publish: 'Check and publish', published: 'Published', newVersion: 'Save as a new version',
      items: 'Items', bonus: 'Bonus', veto: 'Veto', thresholds: 'Thresholds', total: 'Full marks', pass: 'Pass mark', demo: 'Demonstration mark',
      cap: 'Bonus cap', category: 'Category', code: 'Code', content: 'Item', standard: 'Scoring standard', points: 'Points', level: 'Scored by',
      rule: 'Evidence rule', noRule: '(none, scored by hand)', sum: 'Items total {sum} / full marks {total}', bonusSum: 'Bonus total {sum} / cap {cap}',
      ready: 'Totals are right; ready to publish', problems: 'Before publishing:', export: 'Export to Excel', import: 'Import from Excel', importProblems: 'The workbook has problems; nothing was imported:',
      imported: 'Imported', frozenNote: 'Sheets already use this template; it cannot change. Save as a new version to change it.', draftNote: 'Draft: save your changes, then publish once the checks pass.',
    },
    yw: {
      pick: 'Year', steps: 'Steps', s1: 'Open the year', s2: 'Phases and deadlines', s3: 'Targets', s4: 'Template and workflows', s5: 'Checklist',
      targetRate: 'Pass-rate target (%)', demoMin: 'Demonstration branches (min)', demoMax: 'Demonstration branches (max)', perStreet: 'New community organisations per street',
      template: "This year's scoring template", workflowFor: 'Workflow of {label}', save: 'Save and open the year', ready: 'Ready', notReady: 'Not ready', fix: 'Fix',
      next: 'Next', prev: 'Back',
    },
  },
}

i18n.global.mergeLocaleMessage('zh', zh)
i18n.global.mergeLocaleMessage('en', en)
