//! What the demo records, as data: the fund, its LPs, tranches, calls and fees, its
//! committee, and the projects of its pipeline with where each one's story ends. The runner
//! turns each item into requests; the demo's test reads the same data to compute the figures
//! the read models must show. Every company is invented.

use super::timeline::{day, Day};

mod projects;
pub use projects::*;

/// The fund's name (昆政办发[2021]128号).
pub const FUND_NAME: &str = "昆山市天使投资基金";
/// Its total size.
pub const TOTAL_SIZE: &str = "300000000.00";
/// Its manager.
pub const MANAGER: &str = "昆山市天使投资管理有限公司";
/// Its custodian bank.
pub const CUSTODIAN: &str = "中国工商银行昆山分行";
/// The city of its eligibility rules.
pub const CITY: &str = "昆山";
/// The city's leading and emerging industries (Art. 13(2)), the fund's policy.
pub const INDUSTRIES: [&str; 8] = [
    "新一代电子信息",
    "高端装备制造",
    "集成电路",
    "新型显示",
    "生物医药",
    "新材料",
    "新能源",
    "人工智能",
];
/// Industries the fund may not invest in (Art. 20: high pollution, high energy use, over
/// capacity).
pub const PROHIBITED_INDUSTRIES: [&str; 4] = ["钢铁", "水泥", "电解铝", "平板玻璃"];
/// The regulator that pulls the reports.
pub const REGULATOR: &str = "昆山市地方金融监督管理局";
/// The authority that determines liability-exemption cases.
pub const AUTHORITY: &str = "昆山市财政局";

/// A limited partner and what it subscribes in each tranche.
#[derive(Debug, Clone, Copy)]
pub struct Lp {
    /// Its name.
    pub name: &'static str,
    /// `state_owned`, `guidance_fund` or `other`.
    pub kind: &'static str,
    /// Its subscription in tranche 1 and in tranche 2.
    pub subscriptions: [&'static str; 2],
}

/// The LPs: a state-owned enterprise and the province's guidance fund.
pub const LPS: [Lp; 2] = [
    Lp {
        name: "昆山国创投资集团",
        kind: "state_owned",
        subscriptions: ["30000000.00", "36000000.00"],
    },
    Lp {
        name: "江苏省政府投资基金",
        kind: "guidance_fund",
        subscriptions: ["20000000.00", "24000000.00"],
    },
];

/// A tranche (各期), opened on its subscription date.
#[derive(Debug, Clone, Copy)]
pub struct Tranche {
    /// Its number.
    pub number: u32,
    /// Its size (its LPs subscribe all of it).
    pub size: &'static str,
    /// Its subscription date.
    pub opened: Day,
}

/// Tranche 1 at the establishment, tranche 2 a year later.
pub const TRANCHES: [Tranche; 2] = [
    Tranche {
        number: 1,
        size: "50000000.00",
        opened: day(0, 3, 26),
    },
    Tranche {
        number: 2,
        size: "60000000.00",
        opened: day(1, 3, 26),
    },
];

/// A capital call on one tranche; each LP pays its allocation in full.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// The tranche called.
    pub tranche: u32,
    /// The amount, allocated pro rata to the LPs' subscriptions in it.
    pub amount: &'static str,
    /// Called on.
    pub called: Day,
    /// Due on.
    pub due: Day,
    /// When each LP (in the order of [`LPS`]) paid.
    pub paid: [Day; 2],
}

/// The first tranche called in full at once (Art. 3), then half of the second.
pub const CALLS: [Call; 2] = [
    Call {
        tranche: 1,
        amount: "50000000.00",
        called: day(0, 4, 8),
        due: day(0, 5, 8),
        paid: [day(0, 4, 28), day(0, 5, 6)],
    },
    Call {
        tranche: 2,
        amount: "30000000.00",
        called: day(1, 4, 10),
        due: day(1, 5, 10),
        paid: [day(1, 4, 30), day(1, 5, 8)],
    },
];

/// Each ended fee year is assessed and paid in full on 20 January of the next year.
pub const FEE_PAID: (u32, u32) = (1, 20);

/// The members of seats 1 to 5 (科创办(人才办), 财政局, 科技局, 工研院, 工研院).
pub const MEMBERS: [&str; 5] = ["陈立新", "王秀兰", "刘建国", "张海涛", "周敏"];
/// The observers and the bodies that appoint them.
pub const OBSERVERS: [(&str, &str); 3] = [
    ("李娜", "昆山开发区"),
    ("赵磊", "昆山高新区"),
    ("孙悦", "花桥经济开发区"),
];
/// The seat whose inbox keeps an open resolution (the member `ops/run` gives a token).
pub const INBOX_SEAT: u32 = 3;

/// The distribution declared today out of the exit proceeds, pro rata to paid-in; the
/// first LP's share is paid, the second's awaits the custodian's confirmation.
pub const DISTRIBUTION: &str = "1000000.00";
