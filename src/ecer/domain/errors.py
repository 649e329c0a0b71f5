"""Stable error codes and the one exception type the platform raises for bad input or state.

Every code is an uppercase identifier other tools may rely on; its Chinese message is what a
user sees. ``docs/errors.md`` is generated from ``ERRORS`` and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """Decides the CLI exit code: bad input exits 1, a usage or state error exits 2."""

    INPUT = 1
    STATE = 2


@dataclass(frozen=True)
class ErrorSpec:
    kind: Kind
    message_zh: str
    message_en: str


ERRORS: dict[str, ErrorSpec] = {
    # state
    "DB_NOT_INITIALISED": ErrorSpec(Kind.STATE, "数据库未初始化，请先运行 ecer init", "database not initialised: run `ecer init`"),
    "DB_SCHEMA_OUTDATED": ErrorSpec(Kind.STATE, "数据库结构版本过旧，请运行 ecer init 升级", "database schema is behind: run `ecer init`"),
    "PLAN_NOT_LOADED": ErrorSpec(Kind.STATE, "尚未载入规划", "no plan is loaded"),
    "PLAN_ALREADY_LOADED": ErrorSpec(Kind.STATE, "已载入同编号的规划", "a plan with this id is already loaded"),
    "NOT_FOUND": ErrorSpec(Kind.STATE, "未找到对象", "object not found"),
    # plan
    "PLAN_NO_TARGET": ErrorSpec(Kind.INPUT, "规划没有为该地区设定此项目标", "the plan sets no such target for this region"),
    "PLAN_INVALID": ErrorSpec(Kind.INPUT, "规划文件不符合格式要求", "the plan file is not valid"),
    "PLAN_UNKNOWN_REGION": ErrorSpec(Kind.INPUT, "规划中引用了未定义的地区", "the plan names an undefined region"),
    "PLAN_UNKNOWN_INDICATOR": ErrorSpec(Kind.INPUT, "规划中引用了未定义的指标", "the plan names an undefined indicator"),
    "PLAN_SUM_MISMATCH": ErrorSpec(Kind.INPUT, "各地区分解目标之和与全市目标不一致", "district amounts do not add up to the city total"),
    "PLAN_NOT_FOUND": ErrorSpec(Kind.INPUT, "找不到规划文件或内置规划", "plan file or built-in plan not found"),
    # units and conversion
    "COAL_RATE_YEAR_UNKNOWN": ErrorSpec(Kind.INPUT, "该年份没有火电发电标准煤耗数据，请用 --coal-rate 指定", "no thermal generation coal rate for that year: give one"),
    "BASIS_UNKNOWN": ErrorSpec(Kind.INPUT, "折算口径无效（应为 calorific 当量值 或 primary 等价值）", "unknown conversion basis"),
    "UNIT_UNKNOWN": ErrorSpec(Kind.INPUT, "无法识别的计量单位", "unknown unit"),
    "UNIT_MISMATCH": ErrorSpec(Kind.INPUT, "计量单位与能源品种不匹配", "unit does not fit the energy carrier"),
    "CARRIER_UNKNOWN": ErrorSpec(Kind.INPUT, "无法识别的能源品种", "unknown energy carrier"),
    "COEFFICIENT_TABLE_INVALID": ErrorSpec(Kind.INPUT, "折标系数表格式错误", "coefficient table is not valid"),
    "DATA_TABLE_UNKNOWN": ErrorSpec(Kind.INPUT, "未知的参考数据表", "unknown reference table"),
    # accounting
    "INPUT_MISSING": ErrorSpec(Kind.INPUT, "缺少计算所需的数据", "an input the computation needs was not reported"),
    "INPUT_INVALID": ErrorSpec(Kind.INPUT, "输入数据不合理", "input value is not valid"),
    # import
    "IMPORT_FILE_UNREADABLE": ErrorSpec(Kind.INPUT, "无法读取导入文件", "cannot read the import file"),
    "IMPORT_UNSUPPORTED_FORMAT": ErrorSpec(Kind.INPUT, "不支持的文件格式（仅支持 .xlsx 与 .csv）", "unsupported file format (.xlsx or .csv)"),
    "IMPORT_MISSING_COLUMN": ErrorSpec(Kind.INPUT, "缺少必填列", "a required column is missing"),
    "IMPORT_DUPLICATE_COLUMN": ErrorSpec(Kind.INPUT, "列名重复", "a column appears twice"),
    "IMPORT_UNKNOWN_COLUMN": ErrorSpec(Kind.INPUT, "无法识别的列名", "unknown column"),
    "IMPORT_REQUIRED_VALUE": ErrorSpec(Kind.INPUT, "必填项为空", "a required cell is blank"),
    "IMPORT_NOT_A_NUMBER": ErrorSpec(Kind.INPUT, "不是有效的数字", "not a number"),
    "IMPORT_NEGATIVE_VALUE": ErrorSpec(Kind.INPUT, "数值不能为负", "value must not be negative"),
    "IMPORT_BAD_YEAR": ErrorSpec(Kind.INPUT, "年份无效", "invalid year"),
    "IMPORT_BAD_PERIOD": ErrorSpec(Kind.INPUT, "期间无效（应为 全年、一季度、上半年、前三季度）", "invalid period"),
    "IMPORT_UNKNOWN_REGION": ErrorSpec(Kind.INPUT, "未知地区", "unknown region"),
    "IMPORT_REGION_NOT_ALLOWED": ErrorSpec(Kind.INPUT, "该地区不能填报此类数据", "region not allowed here"),
    "IMPORT_DUPLICATE_ROW": ErrorSpec(Kind.INPUT, "同一地区、年份、期间重复出现", "duplicate (region, year, period)"),
    "IMPORT_UNKNOWN_INDICATOR": ErrorSpec(Kind.INPUT, "未知指标", "unknown indicator"),
    "IMPORT_EMPTY": ErrorSpec(Kind.INPUT, "文件中没有数据行", "the file has no data rows"),
    "IMPORT_BAD_VINTAGE": ErrorSpec(Kind.INPUT, "数据版本无效（快报、初步核实、最终核实）", "invalid vintage"),
    # review
    "REVIEW_BAD_TRANSITION": ErrorSpec(Kind.STATE, "审核状态不允许此操作", "review state does not allow this"),
    "REVIEW_REASON_REQUIRED": ErrorSpec(Kind.INPUT, "退回时必须填写原因", "a reason is required to return"),
    # hj212 (online monitoring)
    "HJ212_NO_HEADER": ErrorSpec(
        Kind.INPUT, "通讯包不以 ## 开头",
        "packet does not start with ##",
    ),
    "HJ212_NO_TRAILER": ErrorSpec(
        Kind.INPUT, "通讯包不以 CR LF 结尾",
        "packet does not end with CR LF",
    ),
    "HJ212_TRUNCATED": ErrorSpec(
        Kind.INPUT, "通讯包过短，缺少长度、数据段或 CRC",
        "packet too short for length, data segment and CRC",
    ),
    "HJ212_LENGTH_FIELD": ErrorSpec(
        Kind.INPUT, "数据段长度不是 4 位十进制数",
        "data-segment length is not 4 decimal digits",
    ),
    "HJ212_LENGTH_MISMATCH": ErrorSpec(
        Kind.INPUT, "数据段实际长度与声明长度不符",
        "data-segment length differs from the declared length",
    ),
    "HJ212_TOO_LONG": ErrorSpec(
        Kind.INPUT, "数据段超过 1024 字节，拒收",
        "data segment longer than 1024 bytes: refused",
    ),
    "HJ212_CRC_MALFORMED": ErrorSpec(
        Kind.INPUT, "CRC 不是 4 位十六进制数",
        "CRC is not 4 hex digits",
    ),
    "HJ212_CRC_MISMATCH": ErrorSpec(
        Kind.INPUT, "CRC 与任何已知算法都不符",
        "CRC matches no known variant",
    ),
    "HJ212_NOT_TEXT": ErrorSpec(
        Kind.INPUT, "数据段含有无法解码的字节",
        "data segment has undecodable bytes",
    ),
    "HJ212_FIELD_MISSING": ErrorSpec(
        Kind.INPUT, "缺少必需字段",
        "a required field is missing",
    ),
    "HJ212_FIELD_INVALID": ErrorSpec(
        Kind.INPUT, "字段格式不符合标准",
        "a field is not in the standard's format",
    ),
    "HJ212_FIELD_UNKNOWN": ErrorSpec(
        Kind.INPUT, "数据段中有未定义的字段",
        "unknown field in the data segment",
    ),
    "HJ212_CP_MALFORMED": ErrorSpec(
        Kind.INPUT, "指令参数 CP 不是 CP=&&…&& 形式",
        "CP is not of the form CP=&&…&&",
    ),
    "HJ212_CP_ITEM_INVALID": ErrorSpec(
        Kind.INPUT, "CP 数据项无法解析",
        "a CP item cannot be parsed",
    ),
    "HJ212_CP_DUPLICATE": ErrorSpec(
        Kind.INPUT, "CP 中同一数据项重复出现，取后者",
        "a CP item appears twice; the later one is kept",
    ),
    "HJ212_VALUE_INVALID": ErrorSpec(
        Kind.INPUT, "监测值不是有效数字",
        "a reported value is not a number",
    ),
    "HJ212_TIME_INVALID": ErrorSpec(
        Kind.INPUT, "时间不是有效的 YYYYMMDDhhmmss",
        "time is not a valid YYYYMMDDhhmmss",
    ),
    "HJ212_DATA_FLAG_UNKNOWN": ErrorSpec(
        Kind.INPUT, "数据标记不在表 8 中（N F M S D C T B）",
        "data flag not in Table 8 (N F M S D C T B)",
    ),
    "HJ212_PACKET_NUMBER": ErrorSpec(
        Kind.INPUT, "拆分包的总包数/包号缺失或不合理",
        "PNUM/PNO missing or inconsistent",
    ),
    "HJ212_VERSION_UNKNOWN": ErrorSpec(
        Kind.INPUT, "Flag 中的标准版本号未知",
        "unknown standard version in Flag",
    ),
    "HJ212_CODE_UNMAPPED": ErrorSpec(
        Kind.INPUT, "2005 版编码在附录 B 中没有对应的 2017 版编码",
        "2005 code has no 2017 code in Appendix B",
    ),
    "HJ212_GARBAGE": ErrorSpec(
        Kind.INPUT, "通讯包之间的无效字节，已丢弃",
        "bytes between packets, discarded",
    ),
    "HJ212_FRAME_DISCARDED": ErrorSpec(
        Kind.INPUT, "超长输入，未找到包尾即丢弃",
        "over-long input without a trailer, discarded",
    ),
    "HJ212_CRC_LOWERCASE": ErrorSpec(
        Kind.INPUT, "偏差：CRC 使用小写十六进制",
        "deviation: CRC in lowercase hex",
    ),
    "HJ212_CRC_MODBUS": ErrorSpec(
        Kind.INPUT, "偏差：CRC 按 CRC-16/MODBUS 计算，非附录 A 算法",
        "deviation: CRC-16/MODBUS, not Appendix A",
    ),
    "HJ212_CRC_MODBUS_SWAPPED": ErrorSpec(
        Kind.INPUT, "偏差：CRC 为高低字节互换的 CRC-16/MODBUS",
        "deviation: byte-swapped CRC-16/MODBUS",
    ),
    "HJ212_LENGTH_IN_CHARS": ErrorSpec(
        Kind.INPUT, "偏差：数据段长度按字符数而非字节数计",
        "deviation: length counts characters, not bytes",
    ),
    "HJ212_DATATIME_17_DIGITS": ErrorSpec(
        Kind.INPUT, "偏差：DataTime 为 17 位（含毫秒）",
        "deviation: 17-digit DataTime (with milliseconds)",
    ),
    "HJ212_QN_EPOCH_MS": ErrorSpec(
        Kind.INPUT, "偏差：QN 为 Unix 毫秒时间戳",
        "deviation: QN is epoch milliseconds",
    ),
    "HJ212_MN_NONSTANDARD": ErrorSpec(
        Kind.INPUT, "偏差：MN 不是 24 位十六进制字符",
        "deviation: MN is not 24 hex characters",
    ),
    "HJ212_OLD_CODE": ErrorSpec(
        Kind.INPUT, "偏差：2017 版通讯包中使用 2005 版编码",
        "deviation: 2005 code in a 2017 packet",
    ),
    "HJ212_CODE_PREFIX_MISSING": ErrorSpec(
        Kind.INPUT, "偏差：监测因子编码缺少首字母（如附录 C.14 的 01018-Rtd）",
        "deviation: factor code lacks its letter (C.14 01018-Rtd)",
    ),
    "HJ212_COMMA_SEPARATOR": ErrorSpec(
        Kind.INPUT, "偏差：字段之间用逗号而非分号分隔（如附录 C.22、C.48）",
        "deviation: comma between fields (C.22, C.48)",
    ),
    "HJ212_SEPARATOR_MISSING": ErrorSpec(
        Kind.INPUT, "偏差：CP 前缺少分号（如附录 C.19 的 Flag=5CP=）",
        "deviation: no ; before CP (C.19 Flag=5CP=)",
    ),
    "HJ212_WHITESPACE": ErrorSpec(
        Kind.INPUT, "偏差：字段中有多余空格（如附录 C.4、C.25）",
        "deviation: stray spaces (C.4, C.25)",
    ),
    "HJ212_INFO_GBK": ErrorSpec(
        Kind.INPUT, "偏差：-Info 文本不是 UTF-8，按 GBK 解码",
        "deviation: -Info text not UTF-8, decoded as GBK",
    ),
    # environment (air and water quality)
    "ENV_UNKNOWN_STATION": ErrorSpec(Kind.INPUT, "未登记的站点或断面（请先 ecer import stations）", "unknown station or section: import it with `ecer import stations`"),
    "ENV_WRONG_MEDIUM": ErrorSpec(Kind.INPUT, "站点类型不符（空气站点与水质断面不能混用）", "the station is of the other medium (air vs water)"),
    "ENV_BAD_MEDIUM": ErrorSpec(Kind.INPUT, "站点类型应为 air（空气）或 water（地表水）", "medium must be air or water"),
    "ENV_DUPLICATE_STATION": ErrorSpec(Kind.INPUT, "站点编码或 MN 重复", "station code or MN appears twice"),
    "ENV_BAD_DATE": ErrorSpec(Kind.INPUT, "日期或时间无效（应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM）", "invalid date or time"),
    "ENV_BAD_HOUR": ErrorSpec(Kind.INPUT, "小时应为 0～23 的整数（该小时的起始时刻），日数据留空", "hour must be an integer 0-23 (blank for daily data)"),
    "ENV_DUPLICATE_READING": ErrorSpec(Kind.INPUT, "同一站点、同一时段重复出现", "the same station and period appear twice"),
    "ENV_BAD_FLAG": ErrorSpec(Kind.INPUT, "数据标记无效（HJ 212-2017 表8：N F M S D C T B）", "invalid data flag (HJ 212-2017 Table 8)"),
    "ENV_BAD_COORDINATE": ErrorSpec(Kind.INPUT, "经纬度超出范围", "longitude or latitude out of range"),
    "ENV_BAD_MONTH": ErrorSpec(Kind.INPUT, "月份应为 1～12", "month must be 1-12"),
    "ENV_NO_STATIONS": ErrorSpec(Kind.STATE, "尚未登记任何站点或断面（请先 ecer import stations）", "no stations registered: run `ecer import stations`"),
    "ENV_MN_UNKNOWN": ErrorSpec(Kind.INPUT, "该 MN 未登记为环境质量站点或断面", "the MN is not a registered station or section"),
    "ENV_STATION_NO_MN": ErrorSpec(Kind.INPUT, "站点未填写 MN，无法接收 HJ 212 上报（请在站点登记中填写或用 --mn 指定）", "the station has no MN: give one to receive HJ 212 uploads"),
    "WATER_BAD_CLASS": ErrorSpec(Kind.INPUT, "水质类别应为 I、II、III、IV、V 或 劣V", "water class must be I, II, III, IV, V or 劣V"),
    "AQI_NO_POLLUTANT": ErrorSpec(Kind.INPUT, "没有可计算空气质量指数的污染物浓度", "no pollutant concentration to compute an AQI from"),
    "AQI_O3_8H_NEEDS_1H": ErrorSpec(Kind.INPUT, "臭氧8小时平均浓度高于800 μg/m³，不计算其分指数，须有臭氧1小时浓度", "O3 8-hour above 800 μg/m³: the 1-hour O3 value is needed"),
    "AQI_SO2_1H_NEEDS_24H": ErrorSpec(Kind.INPUT, "二氧化硫1小时平均浓度高于800 μg/m³，不计算其分指数，须有24小时平均浓度", "SO2 1-hour above 800 μg/m³: the 24-hour SO2 value is needed"),
    "AQI_UNKNOWN_POLLUTANT": ErrorSpec(Kind.INPUT, "未知的空气污染物项目", "unknown air pollutant"),
    "WATER_BAD_KIND": ErrorSpec(Kind.INPUT, "水体类型应为 river（河流）或 lake（湖库）", "kind must be river or lake"),
    "WATER_UNKNOWN_PARAMETER": ErrorSpec(Kind.INPUT, "未知的水质项目", "unknown water-quality parameter"),
    "WATER_NO_COUNTED_PARAMETER": ErrorSpec(Kind.INPUT, "没有参与水质类别评价的监测项目", "no measured parameter counts towards the water class"),
    "ENV_NO_VALID_DATA": ErrorSpec(Kind.INPUT, "没有可用于统计的有效数据", "no valid values to compute the statistic from"),
    # pollutants (emission-reduction formulas)
    "REDUCTION_FORMULAS_INVALID": ErrorSpec(Kind.INPUT, "减排核算公式文件不符合格式要求", "the reduction formula file is not valid"),
    "REDUCTION_TYPE_UNKNOWN": ErrorSpec(Kind.INPUT, "未知的减排工程类型", "unknown reduction project type"),
    "REDUCTION_PARAMETER_MISSING": ErrorSpec(Kind.INPUT, "缺少减排核算参数", "a reduction parameter is missing"),
    "REDUCTION_PARAMETER_UNKNOWN": ErrorSpec(Kind.INPUT, "该工程类型没有此参数", "the project type has no such parameter"),
    "REDUCTION_UNIT_MISMATCH": ErrorSpec(Kind.INPUT, "参数计量单位与公式要求不符", "the parameter's unit does not fit the formula"),
    "REDUCTION_NEGATIVE": ErrorSpec(Kind.INPUT, "参数不能为负", "the parameter must not be negative"),
    "REDUCTION_NOT_POSITIVE": ErrorSpec(Kind.INPUT, "参数必须大于零", "the parameter must be greater than zero"),
    "REDUCTION_RATIO_RANGE": ErrorSpec(Kind.INPUT, "比例或效率须在 0～1（0～100%）之间", "a rate or efficiency must lie in 0-1"),
    "REDUCTION_AFTER_WORSE": ErrorSpec(Kind.INPUT, "治理后指标劣于治理前", "the value after the project is worse than before"),
    "REDUCTION_PROGRESS_INVALID": ErrorSpec(Kind.INPUT, "减排进度计算的年份或目标无效", "invalid year or target for reduction progress"),
    # key energy-using units (registry, reports, benchmarks, two-high projects, budgets, meters)
    "CREDIT_CODE_INVALID": ErrorSpec(Kind.INPUT, "统一社会信用代码格式错误（18位，不含 I、O、Z、S、V）", "malformed unified social credit code"),
    "CREDIT_CODE_CHECK": ErrorSpec(Kind.INPUT, "统一社会信用代码校验位错误（GB 32100-2015）", "wrong check character (GB 32100-2015)"),
    "KEY_UNIT_EXISTS": ErrorSpec(Kind.STATE, "该统一社会信用代码的用能单位已登记", "a unit with this credit code is registered"),
    "KEY_UNIT_UNKNOWN": ErrorSpec(Kind.INPUT, "未登记的重点用能单位", "no registered unit with this credit code"),
    "KEY_UNIT_DUPLICATE_ROW": ErrorSpec(Kind.INPUT, "同一文件中的行重复", "the same key appears twice in the file"),
    "IMPORT_BAD_MONTH": ErrorSpec(Kind.INPUT, "月份无效（应为1～12）", "invalid month (1-12)"),
    "IMPORT_BAD_DATE": ErrorSpec(Kind.INPUT, "日期无效（应为 YYYY-MM-DD）", "invalid date (YYYY-MM-DD)"),
    "REPORT_ITEM_UNKNOWN": ErrorSpec(Kind.INPUT, "项目无效（消费、外供、原料、产品产量、工业总产值、工业增加值、IT设备用电）", "unknown report item"),
    "PRODUCT_UNKNOWN": ErrorSpec(Kind.INPUT, "能效水平表中没有此产品", "no energy-efficiency level for this product"),
    "LEVEL_EDITION_UNKNOWN": ErrorSpec(Kind.INPUT, "能效标杆水平和基准水平没有此版本", "no such edition of the efficiency levels"),
    "TWOHIGH_BAD_STATUS": ErrorSpec(Kind.INPUT, "“两高”项目状态无效（存量、在建、拟建）", "invalid two-high project status"),
    "TWOHIGH_BAD_REPLACEMENT": ErrorSpec(Kind.INPUT, "煤炭替代方式无效（减量替代、等量替代、无）", "invalid coal replacement kind"),
    "BUDGET_NOT_SET": ErrorSpec(Kind.STATE, "尚未设定该年度用能预算", "no energy budget set for that year"),
    "BUDGET_ROOM_EXCEEDED": ErrorSpec(Kind.STATE, "超出地区剩余用能空间", "exceeds the region's remaining room"),
    "TOKEN_INVALID": ErrorSpec(Kind.INPUT, "接入令牌无效或已吊销", "gateway token invalid or revoked"),
    "TOKEN_SCOPE": ErrorSpec(Kind.INPUT, "接入令牌无权上传该单位的数据", "token is not scoped to this unit"),
    "METER_UNKNOWN": ErrorSpec(Kind.INPUT, "未登记的计量器具", "unknown meter"),
    "READING_CONFLICT": ErrorSpec(Kind.INPUT, "同一单位、计量器具、时间已有不同的读数，保留原值", "a different reading exists for this key; kept"),
    # emission-reduction projects (registry, verification, Annex 2 progress)
    "REDUCTION_PARAMETER_SYNTAX": ErrorSpec(Kind.INPUT, "核算参数书写格式错误（应为 名称[污染物或序号]=数值 单位，以分号分隔）", "reduction parameters must read name[key]=value unit; …"),
    "PROJECT_DUPLICATE_CODE": ErrorSpec(Kind.INPUT, "同一文件中项目编号重复", "a project code appears twice in the file"),
    "PROJECT_STATUS_INVALID": ErrorSpec(Kind.INPUT, "项目状态无效（应为 计划、在建、已投运、已取消）", "invalid project status"),
    "PROJECT_DATE_INVALID": ErrorSpec(Kind.INPUT, "日期无效（应为 YYYY-MM-DD、YYYY-MM 或 YYYY）", "invalid date"),
    "PROJECT_COMMISSIONING_REQUIRED": ErrorSpec(Kind.INPUT, "已投运项目须填写投运日期", "a commissioned project needs its commissioning date"),
    "PROJECT_SCHEDULE_INVALID": ErrorSpec(Kind.INPUT, "投运日期早于开工日期", "commissioning precedes the start"),
    "PROJECT_POLLUTANTS_MISMATCH": ErrorSpec(Kind.INPUT, "所填削减污染物与核算参数算出的污染物不一致", "listed pollutants differ from those the parameters give"),
    "PROJECT_OFFSET_INVALID": ErrorSpec(Kind.INPUT, "替代（抵扣）减排量填写错误", "invalid offset entry"),
    "PROJECT_VERIFICATION_INVALID": ErrorSpec(Kind.INPUT, "核查减排量无效", "invalid verified reduction"),
    "VERIFICATION_NO_VALID_DATA": ErrorSpec(Kind.INPUT, "监测时段内没有有效数据，无法核查", "no valid monitoring data in a period"),
    # web (users, sessions, tokens, audit)
    "AUTH_REQUIRED": ErrorSpec(Kind.STATE, "请先登录", "authentication required"),
    "AUTH_BAD_CREDENTIALS": ErrorSpec(Kind.INPUT, "用户名或密码错误", "wrong user name or password"),
    "AUTH_THROTTLED": ErrorSpec(Kind.STATE, "登录失败次数过多，请稍后再试", "too many failed logins: try again later"),
    "AUTH_CSRF": ErrorSpec(Kind.STATE, "表单已失效（CSRF 校验失败），请刷新页面后重试", "CSRF check failed: reload the page"),
    "ACCESS_DENIED": ErrorSpec(Kind.STATE, "无权访问或操作该数据", "not allowed for this user"),
    "PASSWORD_TOO_WEAK": ErrorSpec(Kind.INPUT, "密码不符合要求", "the password does not meet the rules"),
    "USER_EXISTS": ErrorSpec(Kind.INPUT, "用户名已存在", "a user with this name exists"),
    "USER_BAD_ROLE": ErrorSpec(Kind.INPUT, "角色无效", "unknown role"),
    "USER_SCOPE_REQUIRED": ErrorSpec(Kind.INPUT, "该角色须指定所属地区或单位", "this role needs a region or a unit"),
    "TOKEN_BAD_SCOPE": ErrorSpec(Kind.INPUT, "令牌范围无效（unit 单位、region 地区只读、city 全市只读；单位令牌须指定单位，地区令牌须指定地区）", "invalid token scope or missing unit/region"),
    "AUDIT_CHAIN_BROKEN": ErrorSpec(Kind.STATE, "审计日志哈希链校验失败（记录被改动、删除或插入）", "the audit log's hash chain is broken"),
    "EXPORT_BAD_FORMAT": ErrorSpec(Kind.INPUT, "导出格式无效（应为 json、csv 或 xlsx）", "export format must be json, csv or xlsx"),
    "UPLOAD_TOO_LARGE": ErrorSpec(Kind.INPUT, "上传文件过大", "the uploaded file is too large"),
    "UPLOAD_NOT_SUBMITTABLE": ErrorSpec(Kind.STATE, "该上传文件有错误或已提交，不能提交", "this upload has errors or was already submitted"),
    # assessment and reports
    "ASSESS_RUBRIC_UNKNOWN": ErrorSpec(Kind.INPUT, "未知的考核计分表", "unknown assessment rubric"),
    "ASSESS_RUBRIC_INVALID": ErrorSpec(Kind.INPUT, "考核计分表文件不符合格式要求", "the assessment rubric file is not valid"),
    "ASSESS_UNKNOWN_ITEM": ErrorSpec(Kind.INPUT, "计分表中没有此考核项", "the rubric has no such item"),
    "ASSESS_UNKNOWN_REGION": ErrorSpec(Kind.INPUT, "该地区不是被考核地区（附件1所列县市区）", "not an assessed region (Annex 1 districts)"),
    "ASSESS_POINTS_OUT_OF_RANGE": ErrorSpec(Kind.INPUT, "得分须在 0 与该项满分之间", "points must lie between 0 and the item's maximum"),
    "ASSESS_TARGET_NOT_SCORABLE": ErrorSpec(Kind.INPUT, "目标完成项按数据自动计分，不能人工评分（请更正统计数据）", "target items are scored from the data only"),
    "ASSESS_SELF_FIRST": ErrorSpec(Kind.STATE, "须先由被考核地区提交自评，再进行审核", "the district must submit its self-assessment first"),
    "ASSESS_BAD_TRANSITION": ErrorSpec(Kind.STATE, "考核状态不允许此操作", "the assessment's status does not allow this"),
    "ASSESS_PUBLISHED": ErrorSpec(Kind.STATE, "考核结果已公布，不能再修改", "the result is published and frozen"),
    "ASSESS_REASON_REQUIRED": ErrorSpec(Kind.INPUT, "申诉及申诉决定须填写理由", "an appeal and its decision need a reason"),
    "ASSESS_APPEAL_PENDING": ErrorSpec(Kind.STATE, "尚有未处理的申诉，不能公布", "an appeal is still pending"),
    "ASSESS_EVIDENCE_UNREADABLE": ErrorSpec(Kind.INPUT, "无法读取佐证材料文件", "cannot read the evidence file"),
    "REPORT_FORMAT_UNSUPPORTED": ErrorSpec(Kind.INPUT, "报告格式应为 .docx 或 .pdf", "report format must be .docx or .pdf"),
    "REPORT_PDF_UNAVAILABLE": ErrorSpec(Kind.STATE, "未安装 LibreOffice（libreoffice-writer），无法生成 PDF", "LibreOffice is not installed: no PDF"),
    "REPORT_PDF_FAILED": ErrorSpec(Kind.STATE, "LibreOffice 转换 PDF 失败", "LibreOffice failed to convert to PDF"),
    # monitoring server, sources, readings, alarms
    "MONITOR_UNKNOWN_MN": ErrorSpec(Kind.INPUT, "未登记的数采仪 MN，数据已隔离", "unregistered MN: packet quarantined"),
    "MONITOR_WRONG_PW": ErrorSpec(Kind.INPUT, "访问密码 PW 与登记不符，数据已隔离", "PW does not match the registry: packet quarantined"),
    "MONITOR_PACKET_REFUSED": ErrorSpec(Kind.INPUT, "通讯包有错误，拒收并隔离", "packet has errors: refused and quarantined"),
    "MONITOR_DEVIATION_NOT_ALLOWED": ErrorSpec(Kind.INPUT, "该数据源未允许此协议偏差，数据已隔离", "deviation not allowed for this source: quarantined"),
    "MONITOR_CN_UNSUPPORTED": ErrorSpec(Kind.INPUT, "不支持的命令编码 CN（厂商扩展未开启），数据已隔离", "unsupported CN (vendor extension off): quarantined"),
    "MONITOR_NO_DATATIME": ErrorSpec(Kind.INPUT, "上传数据缺少 DataTime，数据已隔离", "upload without DataTime: quarantined"),
    "MONITOR_SOURCE_EXISTS": ErrorSpec(Kind.STATE, "该 MN 已登记", "a source with this MN is already registered"),
    "MONITOR_SOURCE_UNKNOWN": ErrorSpec(Kind.INPUT, "未找到该 MN 的监控点", "no source with this MN"),
    "MONITOR_SOURCE_KIND": ErrorSpec(Kind.INPUT, "监控点类型无效（wastewater、flue_gas、air_station、water_section）", "invalid source kind"),
    "MONITOR_MN_INVALID": ErrorSpec(Kind.INPUT, "MN 无效（应为 24 位十六进制大写字符，或经允许的其他长度）", "invalid MN"),
    "MONITOR_POLLUTANT_INVALID": ErrorSpec(Kind.INPUT, "污染物设置无效（编码:浓度限值:单位:年许可量吨）", "invalid pollutant setting (code:limit:unit:permit_t)"),
    "MONITOR_DEVIATION_UNKNOWN": ErrorSpec(Kind.INPUT, "未知的协议偏差代码", "unknown deviation code"),
    "MONITOR_TIME_INVALID": ErrorSpec(Kind.INPUT, "时间无效（应为 YYYY-MM-DD[ hh:mm[:ss]] 北京时间）", "invalid time (YYYY-MM-DD[ hh:mm[:ss]], Beijing time)"),
    "MONITOR_MARK_KIND": ErrorSpec(Kind.INPUT, "标记类型无效（停产 或 检修）", "invalid mark kind (停产 or 检修)"),
    "MONITOR_ALARM_TRANSITION": ErrorSpec(Kind.STATE, "报警当前状态不允许此操作", "alarm state does not allow this"),
    "MONITOR_REASON_REQUIRED": ErrorSpec(Kind.INPUT, "确认或关闭报警须填写原因", "a reason is required"),
    "MONITOR_SIMULATION_FAILED": ErrorSpec(Kind.STATE, "模拟中有数据未得到应答或应答有误", "the simulation saw missing or wrong acknowledgements"),
    "MONITOR_SERVER_UNREACHABLE": ErrorSpec(Kind.STATE, "无法连接监控服务器", "cannot connect to the monitoring server"),
    # scale tier (durable log, Parquet lake, DuckDB/Spark accounting)
    "SCALE_EXTRA_MISSING": ErrorSpec(Kind.STATE, "未安装扩展组件 ecer[scale]（pip install ecer[scale]）", "the scale extra is not installed: pip install ecer[scale]"),
    "SCALE_LOG_URL_INVALID": ErrorSpec(Kind.INPUT, "日志服务地址无效（应为 nats://主机:端口，多个用逗号分隔）", "invalid log URL (nats://host:port[,…])"),
    "SCALE_LOG_UNREACHABLE": ErrorSpec(Kind.STATE, "无法连接 JetStream 日志服务", "cannot reach the JetStream log"),
    "SCALE_LOG_NOT_STORED": ErrorSpec(Kind.STATE, "日志服务未确认存储该消息", "the log did not confirm storing the message"),
    "SCALE_LIVE_NOT_STORED": ErrorSpec(Kind.STATE, "实时库写入失败（已重试），该批数据未确认，日志中保留待重放", "the live database refused the batch after retries: not acknowledged, kept in the log"),
    "SCALE_ENGINE_UNKNOWN": ErrorSpec(Kind.INPUT, "计算引擎无效（应为 duckdb 或 spark）", "engine must be duckdb or spark"),
    "SCALE_ENGINE_FAILED": ErrorSpec(Kind.STATE, "计算引擎执行失败", "the engine failed"),
    "SCALE_LAKE_EMPTY": ErrorSpec(Kind.INPUT, "数据湖中没有该年度的数据文件", "no lake files for that year"),
    "SCALE_LAKE_S3_BUCKET": ErrorSpec(Kind.STATE, "S3 数据湖的桶不存在（须事先建好，写入进程只建桶内前缀）", "the S3 lake's bucket does not exist (create it first)"),
    "SCALE_LAKE_S3_UNREACHABLE": ErrorSpec(Kind.STATE, "无法访问 S3 服务（检查 ECER_S3_ENDPOINT 或 AWS_ENDPOINT_URL、密钥和网络）", "cannot reach the S3 service (check ECER_S3_ENDPOINT or AWS_ENDPOINT_URL, credentials, network)"),
    "SCALE_LAKE_S3_ENDPOINT_INVALID": ErrorSpec(Kind.INPUT, "S3 服务地址无效（应为 http(s)://主机[:端口]）", "invalid S3 endpoint (http(s)://host[:port])"),
    "SCALE_WRITER_MEMBER": ErrorSpec(Kind.INPUT, "写入组成员编号无效（应满足 0 ≤ 编号 < 成员数）", "writer member must satisfy 0 <= member < members"),
    "SCALE_SOURCES_INVALID": ErrorSpec(Kind.INPUT, "监控点清单文件无效（应为含 mn,pw,region 列的 CSV）", "sources file must be a CSV with mn,pw,region"),
}


@dataclass
class Location:
    """Where in the input the problem sits; every field is optional."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    value: object = None

    def describe_zh(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列 {self.column}")
        if self.field:
            parts.append(f"字段 {self.field}")
        return "，".join(parts)


@dataclass
class Problem:
    """One error found in the input; imports collect them all before refusing."""

    code: str
    detail: str = ""
    location: Location = field(default_factory=Location)

    def __post_init__(self) -> None:
        if self.code not in ERRORS:
            raise KeyError(f"undocumented error code {self.code}")

    @property
    def message(self) -> str:
        where = self.location.describe_zh()
        text = ERRORS[self.code].message_zh
        if self.detail:
            text = f"{text}：{self.detail}"
        return f"{where}：{text}" if where else text

    def as_dict(self) -> dict[str, object]:
        loc = self.location
        return {
            "code": self.code,
            "message": self.message,
            "file": loc.file,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "field": loc.field,
            "value": None if loc.value is None else str(loc.value),
            "reason": ERRORS[self.code].message_zh + (f"：{self.detail}" if self.detail else ""),
        }


class EcerError(Exception):
    """Bad input or state; carries one or more problems with stable codes."""

    def __init__(self, code: str | Problem | list[Problem], detail: str = "", **location: object) -> None:
        if isinstance(code, list):
            self.problems = code
        elif isinstance(code, Problem):
            self.problems = [code]
        else:
            self.problems = [Problem(code, detail, Location(**location))]  # type: ignore[arg-type]
        super().__init__("; ".join(p.message for p in self.problems))

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def exit_code(self) -> int:
        return max(ERRORS[p.code].kind.value for p in self.problems)
