"""Word lists the fictitious identities are assembled from.

Everything here is invented or generic (common surnames, place names, job
titles); combinations are random, so no generated person is a real one.
"""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容")

GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国志文博亮晨阳"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英梅兰燕红琳云莹雪慧晶婷颖倩洁琴萍岚璐瑶欣怡佳悦彤薇"
GIVEN_NEUTRAL = "子一嘉思雨安春海清新益永晓天立德成家乐"

LATIN_GIVEN_MALE = (
    "James",
    "John",
    "Michael",
    "David",
    "Thomas",
    "Daniel",
    "Lukas",
    "Felix",
    "Hiroshi",
    "Kenji",
    "Oliver",
    "Ethan",
    "Samuel",
    "Noah",
    "Pierre",
    "Minho",
)
LATIN_GIVEN_FEMALE = (
    "Mary",
    "Emma",
    "Sarah",
    "Laura",
    "Anna",
    "Sophie",
    "Hannah",
    "Olivia",
    "Yuki",
    "Akiko",
    "Chloe",
    "Grace",
    "Claire",
    "Julia",
    "Emily",
    "Jiwoo",
)
LATIN_SURNAMES = (
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Wilson",
    "Taylor",
    "Walker",
    "Clarke",
    "Schmidt",
    "Weber",
    "Fischer",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Martin",
    "Bernard",
    "Tan",
    "Lim",
    "Wong",
    "Kim",
    "Park",
    "Campbell",
    "Stewart",
    "Murphy",
)

# (6-digit GB/T 2260 code, province, city, district): long-standing districts,
# so stdnum.cn.ric accepts them for every birth year we generate.
REGIONS = (
    ("110101", "北京市", "", "东城区"),
    ("110102", "北京市", "", "西城区"),
    ("110105", "北京市", "", "朝阳区"),
    ("110108", "北京市", "", "海淀区"),
    ("120101", "天津市", "", "和平区"),
    ("130102", "河北省", "石家庄市", "长安区"),
    ("140105", "山西省", "太原市", "小店区"),
    ("210102", "辽宁省", "沈阳市", "和平区"),
    ("220102", "吉林省", "长春市", "南关区"),
    ("230102", "黑龙江省", "哈尔滨市", "道里区"),
    ("310101", "上海市", "", "黄浦区"),
    ("310104", "上海市", "", "徐汇区"),
    ("320102", "江苏省", "南京市", "玄武区"),
    ("330106", "浙江省", "杭州市", "西湖区"),
    ("340102", "安徽省", "合肥市", "瑶海区"),
    ("350203", "福建省", "厦门市", "思明区"),
    ("360102", "江西省", "南昌市", "东湖区"),
    ("370102", "山东省", "济南市", "历下区"),
    ("410105", "河南省", "郑州市", "金水区"),
    ("420102", "湖北省", "武汉市", "江岸区"),
    ("430104", "湖南省", "长沙市", "岳麓区"),
    ("440103", "广东省", "广州市", "荔湾区"),
    ("440106", "广东省", "广州市", "天河区"),
    ("450102", "广西壮族自治区", "南宁市", "兴宁区"),
    ("510104", "四川省", "成都市", "锦江区"),
    ("530102", "云南省", "昆明市", "五华区"),
    ("610103", "陕西省", "西安市", "碑林区"),
    ("620102", "甘肃省", "兰州市", "城关区"),
)

STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平街",
    "长江路",
    "黄河路",
    "文化路",
    "青年路",
    "光明街",
    "新华路",
    "胜利街",
    "朝阳路",
    "花园路",
    "滨江大道",
    "东风路",
    "学府街",
    "银河路",
)
COMPOUNDS = ("", "", "", "幸福小区", "阳光花园", "锦绣苑", "翠湖园", "金桥大厦")

OCCUPATIONS = (
    "教师",
    "医生",
    "护士",
    "工程师",
    "会计",
    "律师",
    "设计师",
    "销售经理",
    "公务员",
    "厨师",
    "司机",
    "软件开发",
    "个体经营",
    "自由职业",
    "研究员",
    "财务主管",
    "行政助理",
    "退休",
)
EMPLOYER_PREFIXES = (
    "华成",
    "信诚",
    "联创",
    "恒达",
    "远航",
    "中和",
    "博远",
    "天启",
    "明德",
    "嘉禾",
    "瑞丰",
    "金石",
    "安泰",
    "东升",
    "鸿图",
    "启明",
)
EMPLOYER_TRADES = ("科技", "信息", "传媒", "贸易", "建设", "物流", "咨询", "医药", "教育")
EMPLOYER_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司")
SCHOOLS = ("第一中学", "实验中学", "外国语学校", "第二中学")

EMAIL_DOMAINS = (
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "gmail.com",
    "outlook.com",
    "foxmail.com",
    "yahoo.com",
    "hotmail.com",
)
EMAIL_WORDS = (
    "sun",
    "moon",
    "river",
    "tiger",
    "happy",
    "cloud",
    "star",
    "ocean",
    "lucky",
    "peace",
    "green",
    "blue",
    "snow",
    "light",
)

# alpha-3 → ways a customer writes the nationality (README normalisation table).
NATIONALITY_WRITTEN: dict[str, tuple[str, ...]] = {
    "CHN": ("中国", "中华人民共和国", "CHN"),
    "USA": ("美国", "USA"),
    "GBR": ("英国", "UK"),
    "DEU": ("德国", "GERMANY"),
    "JPN": ("日本", "JAPAN"),
    "SGP": ("新加坡", "SINGAPORE"),
    "CAN": ("加拿大", "CANADA"),
}
# ISO 3166-1 numeric codes, used inside 2023-format foreign PR numbers.
NATIONALITY_NUMERIC = {
    "USA": "840",
    "GBR": "826",
    "DEU": "276",
    "JPN": "392",
    "SGP": "702",
    "CAN": "124",
}
HK_MACAO_WRITTEN = {"H": ("中国香港", "中国"), "M": ("中国澳门", "中国")}

# Mobile prefixes that carriers really allocate (checked against libphonenumber):
# 14x, 154, 16[0134689], 174, 179 and 194 are not (fully) in service.
_UNUSED_MOBILE = {
    140,
    141,
    142,
    143,
    144,
    146,
    148,
    149,
    154,
    160,
    161,
    163,
    164,
    168,
    169,
    174,
    179,
    194,
}
MOBILE_PREFIXES = tuple(str(p) for p in range(130, 200) if p not in _UNUSED_MOBILE)
