"""The words generated weeks are made of (``generate_load_data``, and the pretalx seed of
``benchmarks/pretalx`` that gives pretalx the same week): titles and descriptions drawn from
these compress as real text does rather than as one sentence repeated. Plain data, importable
without Django.
"""

TOPICS = "人工智能 集成电路 生物医药 新能源汽车 数字经济 工业互联网 低空经济 新材料 跨境电商 乡村振兴 智能装备 绿色低碳".split()
KINDS = "高峰论坛 路演对接会 成果展 创业大赛 沙龙 训练营 发布会 政策宣讲会 投融资对接会 开放日".split()
PLACES = "昆山 花桥 周市 张浦 千灯 陆家 巴城 锦溪 周庄 淀山湖 开发区 高新区".split()
SENTENCES = [
    "活动邀请行业专家解读最新政策。",
    "优秀创业团队现场路演并与投资机构对接。",
    "展示本地企业近年的科技创新成果。",
    "设置项目展区、洽谈区和服务咨询台。",
    "高校师生与企业代表围绕产学研合作交流。",
    "发布年度创新创业扶持政策和服务清单。",
    "组织参观孵化器和重点实验室。",
    "现场签约一批合作项目。",
    "开展创业导师一对一辅导。",
    "面向青年创业者提供融资、法律和知识产权咨询。",
    "评选并表彰年度优秀创业项目。",
    "线上同步直播，观众可在线提问。",
]
