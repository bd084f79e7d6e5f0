// The Finance view's words in English and 简体中文. The language follows the browser unless the seller
// picks one (kept in localStorage).
const WORDS = {
  en: {
    title: "Finance", connecting: "connecting…", extOn: "extension connected ({n})", extOff: "no extension connected",
    period: "Period", today: "Today", yesterday: "Yesterday", last7: "Last 7 days", thisMonth: "This month",
    lastMonth: "Last month", noEdit: "no edit",
    thisYear: "This year", all: "All time", custom: "Custom", from: "From", to: "To", apply: "Apply",
    basis: "Basis", settlementBasis: "Settlement basis", orderBasis: "Order basis", store: "Store",
    allStores: "All stores", currency: "Currency", asRecorded: "As recorded",
    sync: "Sync Settlement", reset: "Reset", totalIncome: "Total income", totalExpense: "Total expense",
    netProfit: "Net profit", income: "Income", profit: "Profit", search: "Search order, SKU, item no",
    exportCsv: "Export CSV", exportXlsx: "Export XLSX", summaryPdf: "Summary PDF", date: "Date", orderId: "Order ID", itemNo: "Item No", skuId: "SKU ID",
    skuName: "SKU name", quantity: "Quantity", unitPrice: "Unit price", settlementAmount: "Settlement amount",
    type: "Settlement type", settled: "settled", in_transit: "in transit", estimated: "estimated",
    prev: "Previous", next: "Next", pageOf: "Page {page} of {pages} · {total} lines", noLines: "No lines in this period.",
    by: "By", byStore: "store", bySku: "SKU", byMsku: "MSKU", byOrder: "order", key: "Key",
    platformIncome: "Platform income", platformExpense: "Platform expense", tax: "Tax", customFees: "Custom fees",
    cost: "Cost", grossProfit: "Gross profit", fieldsTitle: "Platform fields behind this line", close: "Close", dismiss: "Dismiss",
    field: "Field", amount: "Amount", category: "Category", notCounted: "kept, not counted", unmapped: "not mapped",
    updated: "Updated: {added} added, {updated} updated, {removed} removed", caughtUp: "Caught up with changes made while disconnected.",
    syncStarted: "Sync started…", syncProgress: "Sync: {stage}, {pages} pages, {records} records",
    syncDone: "Sync finished: {records} records on {pages} pages.", syncError: "Sync failed: {message}",
    noExtension: "No browser extension is connected. Install the shoptally extension in Chrome or Edge, open its popup and approve its pairing code here.",
    resetAsk: "Delete {n} settlement records of {what}? A fresh Sync Settlement brings them back.",
    resetAll: "all stores", resetDone: "Reset: {n} records deleted.", confirm: "Delete", cancel: "Cancel",
    resetWhere: "To delete settlement records, click Reset at the top right; it asks first.",
    pairAsk: "Browser \"{name}\" asks to pair with code {code}.", approve: "Approve", deny: "Deny",
    rates: "Converted to {currency} at: {rates}", noRate: "Shown per currency: {reason}", mixed: "Several currencies: pick one to convert, or read each currency's figures.",
    expense: "Expense", undo: "Undo last edit", purchaseOrder: "1688 order ID", settlementPrice: "Settlement price",
    purchasePrice: "Purchase price", otherFees: "Other fees", rowProfit: "Row profit", saved: "Saved.",
    undone: "Undone: {field} back to {value}.", editHelp: "Click a settlement price, purchase price, other fees or 1688 order to edit it.",
    settings: "Settings", dataManagement: "Data Management", orderSyncMode: "Order sync mode", modeAll: "All",
    modePending: "Pending only", modeNew: "New only",
    orderSyncHelp: "What Sync Settlement walks: all records; only in transit / on hold; or each list until a page brings nothing new.",
    paymentNotice: "1688 payment notice", off: "Off", manual: "Manual", auto: "Auto",
    paymentNoticeHelp: "Manual: a banner names sold orders whose linked 1688 purchase is unpaid; Auto: the tray also notifies you.",
    selfDelivery: "Self-delivery payment", selfDeliveryHelp: "Auto: a self-delivered purchase's shipping becomes its sold orders' last-leg cost; Manual: enter it under other fees.",
    costing: "Costing", costingFixed: "Fixed unit costs", costingMovingAverage: "Moving average of purchases",
    reportingCurrency: "Reporting currency", reportingCurrencyHelp: "The currency the cards convert to when you open the view (empty: as recorded).",
    detailRate: "Order detail rate", detailRateHelp: "Calls per second Sync Settlement makes to fetch each order's fee split (0.2 to 10; lower is gentler on the seller center).",
    save: "Save", stores: "Stores", timezone: "Time zone", exchangeRates: "Exchange rates", addRate: "Add rate",
    pairing: "Pairing", importFiles: "Import report files", dropHelp: "Drop settlement report files here (CSV, XLSX), or",
    completeness: "Report completeness", completenessHelp: "Green: every report in. Orange: the required ones in. Grey: a required report missing.",
    pairedBrowsers: "Paired browsers", revoke: "Revoke", noPending: "No browser is waiting to be paired.",
    imported: "{file}: {added} added, {updated} updated, {skipped} skipped", settingsSaved: "Settings saved.",
    chooseStore: "Store for this file", importInto: "Import into this store",
    month: "Month", missing: "missing: {what}",
    language: "中文", chartTitle: "Net profit over time", byDay: "by day", byWeek: "by week", byMonth: "by month",
    automation: "Automation", autoSync: "Auto-sync", nextRun: "Next run", lastRun: "Last run", recentRuns: "Recent syncs",
    started: "Started", trigger: "Started by", via: "Via", status: "Status", records: "Records",
    browserLogin: "Log in to seller centers for unattended sync", openFolder: "Open data folder",
    startAtLogin: "Start at login", quit: "Quit shoptally", pauseAuto: "Pause auto-sync", resumeAuto: "Resume auto-sync",
    autoOn: "Scheduled syncs run.", autoPaused: "Auto-sync is paused: scheduled syncs do not run.",
    autoOff: "This daemon runs without its scheduler (--no-scheduler).", schedOff: "off", schedEvery: "every",
    schedAt: "at times", runNow: "Sync now", syncQueued: "Sync started: {what}", loginOpened: "A browser window opened: log in to each seller center, then close it.",
    folderAt: "Data folder: {path}", quitAsk: "Stop shoptally? Syncs and the Finance view stop until it is started again.",
    quitDone: "shoptally has stopped.", everyHelp: "e.g. 6h (at least {min})", atHelp: "e.g. 09:00,21:00",
    backupRestore: "Backup / Restore", backupCreate: "Create backup", backupUpload: "Restore from a file…",
    made: "Made", why: "Why", settlementLines: "Settlement lines", size: "Size", restore: "Restore",
    backupDone: "Backup written: {name}", backupsIn: "Backups are kept in {folder}",
    restoreAsk: "Replace all data with the backup made {when} ({lines} settlement lines)? A safety backup of the data as it is now is made first.",
    restoring: "Restoring…", reason_manual: "by hand", reason_weekly: "weekly", "reason_pre-migration": "before an upgrade",
    "reason_pre-restore": "before a restore",
    progressStarting: "Starting…", progressOf: "{done} of {total}", progressRows: "rows", progress_import: "Importing",
    progress_reparse: "Reading again", progress_backup: "Backing up", "progress_safety backup": "Safety backup",
    progress_restore: "Restoring", progress_upload: "Uploading", progress_download: "Downloading",
    syncData: "Sync Data…", syncTarget: "Target", syncKey: "Sync key", deviceLabel: "Device label",
    upload: "Upload to cloud", download: "Download and preview", confirmMerge: "Confirm merge",
    syncHelp: "The whole dataset, encrypted on this computer with the sync key (at least 6 characters), replaces the cloud copy for that key; the other device downloads it, sees what would be added, updated and skipped, and merges. The storage never sees the data or the key.",
    uploaded: "Uploaded {lines} settlement lines as {device} ({bytes} bytes, encrypted).",
    fromDevice: "Cloud copy from {device}, {when}:", colAdded: "added", colUpdated: "updated", colSkipped: "skipped", nothingNew: "Nothing new: everything is here already.",
    merged: "Merged. Reloading…", table: "Table",
    // loading, pending and empty states (docs/finance-view.md, "Layout")
    loading: "Loading…", updating: "Updating…",
    emptyTitle: "No figures yet", emptyLead: "shoptally fills this view from your seller centers. Start in one of three ways:",
    emptyExtTitle: "Connect the browser extension",
    emptyExtHow: "Install the shoptally extension in Chrome or Edge, open its popup and approve its pairing code in Settings → Pairing; then sign in to your seller center and click Sync Settlement.",
    emptyImportTitle: "Import a report file",
    emptyImportHow: "Download a settlement report (CSV or XLSX) from your seller center and drop it in Settings → Import report files.",
    emptyDemoTitle: "Try the demo", emptyDemoHow: "Run {cmd} in a terminal: shoptally starts on sample stores in a temporary folder, your own data untouched.",
    openPairing: "Open pairing", openImport: "Import a file",
    periodEmptyTitle: "No figures for {period}", periodEmptyHow: "Nothing in this period for the chosen filters. Try another:",
  },
  zh: {
    title: "财务", connecting: "连接中…", extOn: "扩展已连接（{n}）", extOff: "没有已连接的扩展",
    period: "时间", today: "今天", yesterday: "昨天", last7: "近 7 天", thisMonth: "本月", lastMonth: "上月",
    noEdit: "未编辑", thisYear: "今年",
    all: "全部", custom: "自定义", from: "从", to: "到", apply: "应用", basis: "口径", settlementBasis: "结算口径",
    orderBasis: "订单口径", store: "店铺", allStores: "全部店铺", currency: "币种", asRecorded: "原币种",
    sync: "同步结算", reset: "重置", totalIncome: "总收入", totalExpense: "总支出", netProfit: "净利润",
    income: "收入", profit: "利润", search: "搜索订单号、SKU、货号", exportCsv: "导出 CSV",
    exportXlsx: "导出 XLSX", summaryPdf: "汇总 PDF", date: "日期",
    orderId: "订单号", itemNo: "货号", skuId: "SKU ID", skuName: "SKU 名称", quantity: "数量", unitPrice: "单价",
    settlementAmount: "结算金额", type: "结算类型", settled: "已结算", in_transit: "在途", estimated: "预估",
    prev: "上一页", next: "下一页", pageOf: "第 {page}/{pages} 页 · 共 {total} 行", noLines: "此期间没有记录。",
    by: "维度", byStore: "店铺", bySku: "SKU", byMsku: "MSKU", byOrder: "订单", key: "维度值",
    platformIncome: "平台收入", platformExpense: "平台支出", tax: "税费", customFees: "自定义费用", cost: "成本",
    grossProfit: "毛利润", fieldsTitle: "此行背后的平台原始字段", close: "关闭", dismiss: "关闭消息", field: "字段", amount: "金额",
    category: "分类", notCounted: "保留，不计入", unmapped: "未映射",
    updated: "已更新：新增 {added}，更新 {updated}，删除 {removed}", caughtUp: "已补上断线期间的变更。",
    syncStarted: "同步已开始…", syncProgress: "同步：{stage}，{pages} 页，{records} 条",
    syncDone: "同步完成：{pages} 页共 {records} 条。", syncError: "同步失败：{message}",
    noExtension: "没有连接浏览器扩展。请在 Chrome 或 Edge 中安装 shoptally 扩展，打开其弹窗，并在此批准配对码。",
    resetAsk: "删除 {what} 的 {n} 条结算记录？重新同步结算即可恢复。", resetAll: "全部店铺",
    resetDone: "已重置：删除 {n} 条记录。", confirm: "删除", cancel: "取消",
    resetWhere: "要删除结算记录，请点击右上角的“重置”；删除前会先确认。",
    pairAsk: "浏览器“{name}”请求配对，配对码 {code}。", approve: "批准", deny: "拒绝",
    rates: "已换算为 {currency}，汇率：{rates}", noRate: "按原币种显示：{reason}", mixed: "含多个币种：选择一个币种换算，或分别查看各币种。", language: "English",
    expense: "支出", undo: "撤销上次编辑", purchaseOrder: "1688 订单号", settlementPrice: "结算价", purchasePrice: "采购价",
    otherFees: "其他费用", rowProfit: "行利润", saved: "已保存。", undone: "已撤销：{field} 恢复为 {value}。",
    editHelp: "点击结算价、采购价、其他费用或 1688 订单号即可编辑。",
    settings: "设置", dataManagement: "数据管理", orderSyncMode: "订单同步模式", modeAll: "全部", modePending: "仅待结算",
    modeNew: "仅新增", orderSyncHelp: "同步结算时抓取的范围：全部记录；仅在途/待结算；或每个列表翻到没有新记录的一页为止。",
    paymentNotice: "1688 付款通知", off: "关闭", manual: "手动", auto: "自动",
    paymentNoticeHelp: "手动：横幅列出关联 1688 采购单未付款的已售订单；自动：托盘图标也会通知您。", selfDelivery: "自发货付款",
    selfDeliveryHelp: "自动：自发货采购单的运费计为其已售订单的尾程成本；手动：请在其他费用中填写。", reportingCurrency: "报表币种",
    costing: "成本计价", costingFixed: "固定单位成本", costingMovingAverage: "采购移动加权平均",
    reportingCurrencyHelp: "打开页面时卡片换算成的币种（留空：原币种）。",
    detailRate: "订单明细速率", detailRateHelp: "同步结算时每秒获取订单费用明细的次数（0.2 至 10；越低对卖家中心越温和）。", save: "保存", stores: "店铺", timezone: "时区",
    exchangeRates: "汇率", addRate: "添加汇率", pairing: "配对", importFiles: "导入报表文件",
    dropHelp: "将结算报表文件（CSV、XLSX）拖到这里，或", completeness: "报表完整度",
    completenessHelp: "绿色：全部报表已导入。橙色：必需报表已导入。灰色：缺少必需报表。", pairedBrowsers: "已配对的浏览器",
    revoke: "撤销", noPending: "没有等待配对的浏览器。", imported: "{file}：新增 {added}，更新 {updated}，跳过 {skipped}",
    chooseStore: "此文件所属店铺", importInto: "导入到此店铺",
    settingsSaved: "设置已保存。", month: "月份", missing: "缺少：{what}",
    chartTitle: "净利润走势", byDay: "按日", byWeek: "按周", byMonth: "按月",
    automation: "自动化", autoSync: "自动同步", nextRun: "下次运行", lastRun: "上次运行", recentRuns: "最近的同步",
    started: "开始时间", trigger: "发起方", via: "方式", status: "状态", records: "记录数",
    browserLogin: "登录卖家中心（用于无人值守同步）", openFolder: "打开数据文件夹", startAtLogin: "开机启动",
    quit: "退出 shoptally", pauseAuto: "暂停自动同步", resumeAuto: "恢复自动同步", autoOn: "定时同步运行中。",
    autoPaused: "自动同步已暂停：定时同步不会运行。", autoOff: "此守护进程未启用调度器（--no-scheduler）。",
    schedOff: "关闭", schedEvery: "每隔", schedAt: "定时", runNow: "立即同步", syncQueued: "同步已开始：{what}",
    loginOpened: "已打开浏览器窗口：请登录各卖家中心，然后关闭窗口。", folderAt: "数据文件夹：{path}",
    quitAsk: "退出 shoptally？在重新启动前，同步和财务页面都会停止。", quitDone: "shoptally 已退出。",
    everyHelp: "例如 6h（至少 {min}）", atHelp: "例如 09:00,21:00",
    backupRestore: "备份 / 恢复", backupCreate: "立即备份", backupUpload: "从文件恢复…", made: "时间", why: "原因",
    settlementLines: "结算记录", size: "大小", restore: "恢复", backupDone: "已备份：{name}", backupsIn: "备份保存在 {folder}",
    restoreAsk: "用 {when} 的备份（{lines} 条结算记录）替换全部数据？替换前会先备份当前数据。", restoring: "正在恢复…",
    reason_manual: "手动", reason_weekly: "每周", "reason_pre-migration": "升级前", "reason_pre-restore": "恢复前",
    progressStarting: "正在开始…", progressOf: "{done} / {total}", progressRows: "行", progress_import: "正在导入",
    progress_reparse: "正在重新解析", progress_backup: "正在备份", "progress_safety backup": "正在做安全备份",
    progress_restore: "正在恢复", progress_upload: "正在上传", progress_download: "正在下载",
    syncData: "数据同步…", syncTarget: "存储位置", syncKey: "同步密钥", deviceLabel: "设备名称", upload: "上传到云端",
    download: "下载并预览", confirmMerge: "确认合并",
    syncHelp: "整个数据集在本机用同步密钥（至少 6 个字符）加密后上传，覆盖该密钥的云端副本；另一台设备下载后先预览新增、更新、跳过的数量，再合并。存储服务看不到数据和密钥。",
    uploaded: "已以 {device} 上传 {lines} 条结算记录（{bytes} 字节，已加密）。", fromDevice: "来自 {device} 的云端副本（{when}）：",
    colAdded: "新增", colUpdated: "更新", colSkipped: "跳过", nothingNew: "没有新内容：全部已在本机。", merged: "已合并，正在刷新…", table: "表",
    loading: "加载中…", updating: "更新中…",
    emptyTitle: "还没有数据", emptyLead: "shoptally 的数据来自您的卖家中心。任选一种方式开始：",
    emptyExtTitle: "连接浏览器扩展",
    emptyExtHow: "在 Chrome 或 Edge 中安装 shoptally 扩展，打开其弹窗，并在“设置 → 配对”中批准配对码；然后登录卖家中心，点击“同步结算”。",
    emptyImportTitle: "导入报表文件",
    emptyImportHow: "从卖家中心下载结算报表（CSV 或 XLSX），拖到“设置 → 导入报表文件”。",
    emptyDemoTitle: "试用演示数据", emptyDemoHow: "在终端运行 {cmd}：shoptally 会用示例店铺在临时文件夹中启动，不影响您自己的数据。",
    openPairing: "去配对", openImport: "导入文件",
    periodEmptyTitle: "{period}没有数据", periodEmptyHow: "所选条件下此期间没有记录。换个时间看看：",
  },
};

export const CATEGORY_NAMES = {
  en: {}, // English shows the contract keys' own words
  zh: {
    sales: "销售额", promo_discount: "促销折扣", subsidy: "补贴金额", buyer_shipping: "买家运费", other_income: "其他收入",
    income_refund: "收入退款额", fee_refund: "费用退款额", platform_fee: "平台费", platform_logistics: "平台物流费",
    promotion_fee: "推广费", ad_fee: "广告费", adjustment: "调整费", storage_fee: "平台仓储费", penalty: "平台罚款",
    other_platform_fee: "平台其他费", sales_tax: "销售税", market_tax: "市场税", vat: "增值税", other_tax: "其他税费",
    product_other_fee: "商品其他费", store_other_fee: "店铺其他费", order_other_fee: "订单其他费", purchase_cost: "采购成本",
    first_leg_cost: "头程成本", last_leg_cost: "尾程成本", other_cost: "其他成本",
  },
};

export function language() {
  const chosen = localStorage.getItem("shoptally.lang");
  if (chosen === "en" || chosen === "zh") return chosen;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function setLanguage(lang) {
  localStorage.setItem("shoptally.lang", lang);
}

export function t(key, vars) {
  const table = WORDS[language()] || WORDS.en;
  let text = table[key] ?? WORDS.en[key] ?? key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

export function categoryName(key) {
  return CATEGORY_NAMES[language()][key] || key.replaceAll("_", " ");
}

/** Fills [data-t] elements (text) and [data-t-placeholder] (placeholders). */
export function localize(root = document) {
  document.documentElement.lang = language() === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
}
