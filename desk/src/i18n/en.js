// English. Metadata (DocType and field labels) stays as administrators wrote it.
export default {
  app: { name: 'Six Haves', fullName: 'Six Haves and One Improvement — retired cadres’ Party branches' },
  common: {
    yes: 'Yes', no: 'No', all: 'All', choose: 'Choose', searchChoose: 'Type to search, then choose', cancel: 'Cancel', close: 'Close', back: 'Back',
    loading: 'Loading…', networkError: 'Network error, please try again later', pickDate: 'Pick a date', pickDatetime: 'Pick date and time', pickTime: 'Pick a time',
  },
  nav: { home: 'Home', queue: 'Approvals', dashboard: 'Dashboard', import: 'Data import' },
  shell: {
    skip: 'Skip to content', menu: 'Open menu', navigation: 'Menu', breadcrumbs: 'You are here', search: 'Search',
    searchPlaceholder: 'Search records or lists', list: 'List', largeText: 'Large text', normalText: 'Normal text',
    contrast: 'High contrast', changePassword: 'Change password', logout: 'Log out',
  },
  login: {
    title: 'Log in', user: 'User name or e-mail', password: 'Password', submit: 'Log in', hint: 'Forgot your password? Ask your administrator to reset it.',
    needUser: 'Please enter your user name or e-mail', needPassword: 'Please enter your password', wrong: 'Wrong user name or password. Please try again.',
    throttled: 'Too many failed attempts; logging in is paused for your account’s safety. {detail}', disabled: 'This account is disabled. Please contact the administrator.',
    expired: 'Your session has expired. Please log in again.', loggedOut: 'You have logged out.',
  },
  password: {
    title: 'Change password', old: 'Current password', new: 'New password', repeat: 'New password again', submit: 'Change', rule: 'At least 8 characters, with letters and digits.',
    needOld: 'Please enter your current password', mismatch: 'The two new passwords differ', done: 'Password changed; other devices were logged out.',
  },
  home: {
    hello: 'Hello, {name}', roles: 'Your roles: {roles}', queue: 'My approvals', queueEmpty: 'Nothing is waiting for you.', openQueue: 'All approvals ›',
    year: 'Programme year {year}', until: 'by {date}', daysLeft: '{n} days left', overdueDays: '{n} days overdue', alerts: 'Alerts',
    noAlerts: 'No alerts in your scope.', noAlertsRight: 'You may not see alerts.', allAlerts: 'All {n} alerts', shortcuts: 'Shortcuts',
    newX: 'New {label}', targets: 'Targets {year}',
  },
  phases: { mobilise: 'Mobilise', survey: 'Self-check', rectify: 'Rectify', declare: 'Declare', assess: 'Assess' },
  severity: { high: 'Urgent', medium: 'Attention', low: 'Note' },
  list: {
    showFilters: 'Filters and search ({n} set)', hideFilters: 'Hide filters',
    new: 'New', export: 'Export to Excel', filters: 'Filters', search: 'Search', searchPlaceholder: 'Name or number', count: '{n} records',
    selected: '{n} selected', batch: '{action} selected', batchTitle: '{action} ({n} records)', batchOk: 'done, now {state}', sortBy: 'Sort by',
    sortDefault: 'Default order', sortModified: 'Recently modified', sortCreated: 'Recently created', name: 'Name / number', modified: 'Modified', created: 'Created',
    empty: 'No matching records.', pick: 'Select {name}', pickAll: 'Select this page', noPermission: 'You may not see “{label}”.',
  },
  filters: {
    field: 'Field', operator: 'Condition', value: 'Value', add: '+ Add a filter', apply: 'Apply', clear: 'Clear all', remove: 'Remove',
    removeRow: 'Remove filter {n}', set: 'is set', notSet: 'is not set', listHint: 'separate values with commas',
    ops: { eq: 'equals', ne: 'not equal', like: 'contains', notLike: 'does not contain', gt: 'greater than', lt: 'less than', ge: 'at least', le: 'at most', in: 'one of', notIn: 'none of', between: 'between (from,to)', under: 'under (inclusive)', is: 'is set?' },
  },
  form: {
    save: 'Save', saved: 'Saved', submit: 'Submit', cancel: 'Cancel document', print: 'Print', delete: 'Delete', deleted: 'Deleted', new: 'New', newTitle: 'New {label}',
    unsaved: 'Unsaved changes', readOnlyNow: 'You can only view it in this state', details: 'Details', required: '“{label}” is required', requiredMark: 'required',
    rowRequired: 'Row {row}: “{label}” is required', missing: 'Still required: {fields}', saveBeforeAction: 'Save your changes before taking an action.',
    returnedBecause: '{who} chose “{action}”, because:', notFound: 'Record not found (deleted, or outside your scope)',
    cannotOpen: 'Cannot open this record', backToList: 'Back to {label}', submitConfirm: 'A submitted record cannot be changed. Submit?',
    cancelConfirm: 'Cancel this record?', deleteConfirm: 'Delete “{name}”? An administrator can restore it.',
    leaveConfirm: 'You have unsaved changes that will be lost.', leave: 'Leave without saving', stay: 'Stay',
  },
  workflow: {
    comment: 'Comment (optional)', reasonRequired: 'Reason (required)', target: 'Return to which step', confirmTitle: 'Confirm “{action}”', confirm: 'Confirm {action}',
    needReason: 'Please give a reason', needTarget: 'Please choose the step', done: '{action}: done',
  },
  table: { add: '+ Add row', remove: 'Remove', removeRow: 'Remove row {n}', more: 'More', less: 'Less', empty: 'No rows', operations: 'Actions' },
  attach: {
    title: 'Attachments', none: 'No attachments yet.', add: 'Upload attachment', upload: 'Upload file', replace: 'Replace file', remove: 'Remove', download: 'Download',
    uploading: 'Uploading…', uploaded: 'Uploaded: {name}', saveFirst: 'Save first, then upload files.', preview: 'Preview of {name}',
  },
  timeline: {
    history: 'Approval history', noHistory: 'No approvals yet.', reason: 'Comment: ', comments: 'Comments', noComments: 'No comments yet.', addComment: 'Write a comment…',
    send: 'Post comment', versions: 'Changes', noVersions: 'No changes recorded.', row: 'row {n}', rowsAdded: '{n} rows added', rowsRemoved: '{n} rows removed', showAll: 'Show all',
  },
  docstatus: { draft: 'Draft', submitted: 'Submitted', cancelled: 'Cancelled' },
  queue: {
    title: 'Approvals', todo: 'To do', done: 'Done', mine: 'Started by me', doctype: 'Type', org: 'Organisation', phase: 'Phase', dueBy: 'Due by',
    overdueOnly: 'Overdue only', count: '{n} to do', document: 'Record', state: 'State', due: 'Due', actions: 'Actions', action: 'Action',
    comment: 'Comment', when: 'When', empty: 'Nothing is waiting for you.', doneEmpty: 'Nothing done yet.', mineEmpty: 'You have not started any record.',
    overdueN: '{n} overdue', overdueSince: 'Overdue (due {date})', dueOn: 'due {date}',
  },
  dash: {
    title: 'Dashboard', year: 'Year', org: 'Unit', allOrgs: 'All I may see', passRate: 'Pass rate (government bodies and public institutions)', target: 'Target {n}%',
    demonstration: 'Demonstration branches', demoTarget: 'Target {min}–{max}', streets: 'Streets that added a community organisation', streetTarget: '1 per street per year',
    passByUnit: 'Pass rate by district and unit (target {target}%)', asTable: 'Show the numbers', unit: 'District / unit', assessed: 'Sheets', decided: 'Decided',
    passed: 'Passed', rate: 'Pass rate', targetLine: 'Target {n}%', demoChart: 'Demonstration branches (target 30–50)', demoBySector: 'By sector: {text}',
    streetChart: 'Community organisations added in {year}, by street', street: 'Street', added: 'Added', reached: 'Target met', progress: 'Submissions in {year}, by state',
    kind: 'Kind', state: 'State', count: 'Count', drill: 'Branches under {org}', branch: 'Branch', self: 'Self', district: 'District', city: 'City', result: 'Result',
  },
  print: {
    title: 'Print: {name}', format: 'Format', standard: 'Standard', pdf: 'Download PDF', back: 'Back to record', rendering: 'Rendering the preview…',
    previewOf: 'Print preview of {name}', failed: 'Rendering failed', downloaded: 'Downloaded: {file}',
  },
  import: {
    title: 'Data import', notYet: 'Import (template, upload, row-by-row check, confirm) and job progress come here with the Excel import work.',
    meanwhile: 'Meanwhile, lists can be exported to Excel, and records created with “New”.',
  },
  sa: {
    header: 'Header', totals: 'Scores and result (live)', passLine: 'Pass mark', bonusCap: 'Bonus up to {cap}', vetoed: 'Vetoed',
    catSummary: '{n} items, {points} points, now {mine}', evidence: 'Evidence (records)', proposed: 'Proposed {score}', useProposal: 'Use proposal',
    moreRecords: '{n} more records', exceeds: 'The self score is above the evidence: explain or attach material.', bonusAndVeto: 'Bonus and veto', code: 'Code', content: 'Content',
    points: 'Points', lists: 'Problems, tasks and responsibilities', listsHint: 'Items that lost points become rectification items; the three lists come from them.', problems: 'Problems', tasks: 'Tasks',
    responsibilities: 'Responsibilities', problem: 'Problem', lost: 'Lost', task: 'Task', deadline: 'Deadline', person: 'Responsible person', department: 'Department',
    state: 'State', noLists: 'No rectification items yet.', makeLists: 'Make the lists from lost points',
  },
}
