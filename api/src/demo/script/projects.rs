//! The projects of the demo's pipeline: the facts of each application, and where each
//! one's story ends (a stage of the pipeline, or a proposal put to the committee today and
//! what follows it).

use super::CITY;

/// The facts of an application (Art. 13).
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    /// Its industry.
    pub industry: &'static str,
    /// Staff.
    pub staff: u32,
    /// R&D staff.
    pub rd_staff: u32,
    /// Annual revenue.
    pub revenue: &'static str,
    /// Net assets.
    pub net_assets: &'static str,
    /// R&D spending.
    pub rd_spending: &'static str,
    /// Its founding, in days before the application.
    pub founded_days_before: u64,
    /// Its IP (`patent`, `software_copyright`, `ic_layout_design`, `new_drug_certificate`).
    pub ip: &'static [&'static str],
}

/// A committee vote: the seat and its choice.
pub type Vote = (u32, &'static str);

/// A proposal put to the committee.
#[derive(Debug, Clone, Copy)]
pub struct Deal {
    /// The amount (the commitment).
    pub amount: &'static str,
    /// The fund's stake after the investment.
    pub stake: &'static str,
    /// `written` (up to 3,000,000) or `on_site`.
    pub mode: &'static str,
    /// The votes, in the order cast; 4 approvals pass, 2 others fail, fewer leave it open.
    pub votes: &'static [Vote],
    /// What follows a passed resolution: nothing yet (the agreement is being signed), or the
    /// investment.
    pub investment: Option<Investment>,
}

/// An investment after the agreement.
#[derive(Debug, Clone, Copy)]
pub struct Investment {
    /// The company's registered capital after it.
    pub registered_capital: &'static str,
    /// Each paid-in report of the company and the injection that matches it.
    pub paid_in: &'static [(&'static str, &'static str)],
    /// The company's post-investment report.
    pub report: Report,
    /// An exit trigger the manager records (2, 3, 4 or 7 of Art. 16), with a note.
    pub trigger: Option<(&'static str, &'static str)>,
    /// The exit the committee decides.
    pub exit: Option<Exit>,
}

/// A company's post-investment report.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Revenue.
    pub revenue: &'static str,
    /// Net assets.
    pub net_assets: &'static str,
    /// Staff.
    pub staff: u32,
    /// R&D staff.
    pub rd_staff: u32,
    /// Where it is registered (another city raises trigger 5).
    pub registered_city: &'static str,
    /// Whether it is a going concern (false raises trigger 6).
    pub going_concern: bool,
}

/// An exit plan passed by the committee, and the exit.
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    /// The proceeds (zero: a write-off).
    pub proceeds: &'static str,
    /// The cost released.
    pub cost_released: &'static str,
    /// The votes on the exit plan.
    pub votes: &'static [Vote],
    /// Whether a liability-exemption case is opened on the loss, and granted.
    pub exemption: bool,
}

/// Where a project's story ends.
#[derive(Debug, Clone, Copy)]
pub enum Story {
    /// Applied, not reviewed yet.
    Applied,
    /// Qualified, kept in follow-up at the research.
    FollowUp,
    /// Shortlisted, awaiting establishment.
    Shortlisted,
    /// Established, two of the four due-diligence reports in.
    DueDiligence,
    /// Rejected by the qualification review.
    Ineligible,
    /// Withdrawn by the applicant during due diligence.
    Withdrawn,
    /// Proposed and put to the committee today.
    Committee(&'static Deal),
}

/// A project of the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct Project {
    /// The company (invented).
    pub company: &'static str,
    /// Its application's facts.
    pub facts: Facts,
    /// The application, in days before today.
    pub applied_days_ago: u64,
    /// Where it ends.
    pub story: Story,
}

const fn facts(industry: &'static str, staff: u32, rd_staff: u32, revenue: &'static str) -> Facts {
    Facts {
        industry,
        staff,
        rd_staff,
        revenue,
        net_assets: "8000000.00",
        rd_spending: "1200000.00",
        founded_days_before: 1100,
        ip: &["patent", "software_copyright"],
    }
}

const FOUR_OF_FIVE: &[Vote] = &[
    (1, "approve"),
    (2, "approve"),
    (3, "approve"),
    (4, "approve"),
];

const FINE: Report = Report {
    revenue: "9600000.00",
    net_assets: "12000000.00",
    staff: 85,
    rd_staff: 30,
    registered_city: CITY,
    going_concern: true,
};

/// The pipeline: thirteen projects over every stage.
pub const PROJECTS: [Project; 13] = [
    Project {
        company: "昆山微纳光电科技有限公司",
        facts: facts("新型显示", 96, 34, "12500000.00"),
        applied_days_ago: 230,
        story: Story::Committee(&Deal {
            amount: "3000000.00",
            stake: "0.12",
            mode: "written",
            votes: FOUR_OF_FIVE,
            investment: Some(Investment {
                registered_capital: "10000000.00",
                paid_in: &[("6000000.00", "1800000.00"), ("10000000.00", "1200000.00")],
                report: FINE,
                trigger: Some((
                    "shareholder_buyer",
                    "创始团队拟按约定价格回购基金所持部分股权",
                )),
                exit: Some(Exit {
                    proceeds: "1080000.00",
                    cost_released: "1000000.00",
                    votes: FOUR_OF_FIVE,
                    exemption: false,
                }),
            }),
        }),
    },
    Project {
        company: "昆山芯途半导体有限公司",
        facts: facts("集成电路", 64, 28, "3800000.00"),
        applied_days_ago: 210,
        story: Story::Committee(&Deal {
            amount: "2000000.00",
            stake: "0.10",
            mode: "written",
            votes: FOUR_OF_FIVE,
            investment: Some(Investment {
                registered_capital: "8000000.00",
                paid_in: &[("8000000.00", "2000000.00")],
                report: Report {
                    revenue: "400000.00",
                    net_assets: "-1500000.00",
                    staff: 12,
                    rd_staff: 6,
                    registered_city: CITY,
                    going_concern: false,
                },
                trigger: None,
                exit: Some(Exit {
                    proceeds: "0.00",
                    cost_released: "2000000.00",
                    votes: FOUR_OF_FIVE,
                    exemption: true,
                }),
            }),
        }),
    },
    Project {
        company: "昆山博瑞生物医药科技有限公司",
        facts: facts("生物医药", 120, 52, "6800000.00"),
        applied_days_ago: 200,
        story: Story::Committee(&Deal {
            amount: "4500000.00",
            stake: "0.15",
            mode: "on_site",
            votes: &[
                (5, "abstain"),
                (1, "approve"),
                (2, "approve"),
                (3, "approve"),
                (4, "approve"),
            ],
            investment: Some(Investment {
                registered_capital: "20000000.00",
                paid_in: &[("8000000.00", "1800000.00")],
                report: Report {
                    registered_city: "苏州",
                    ..FINE
                },
                trigger: None,
                exit: None,
            }),
        }),
    },
    Project {
        company: "昆山智驱机器人科技有限公司",
        facts: facts("高端装备制造", 140, 41, "15800000.00"),
        applied_days_ago: 190,
        story: Story::Committee(&Deal {
            amount: "3000000.00",
            stake: "0.08",
            mode: "written",
            votes: &[
                (2, "abstain"),
                (1, "approve"),
                (3, "approve"),
                (4, "approve"),
                (5, "approve"),
            ],
            investment: Some(Investment {
                registered_capital: "30000000.00",
                paid_in: &[("30000000.00", "3000000.00")],
                report: FINE,
                trigger: Some(("goals_reached", "首台套产品完成验收，阶段性目标达成")),
                exit: None,
            }),
        }),
    },
    Project {
        company: "昆山启明航空材料有限公司",
        facts: facts("新材料", 58, 19, "4200000.00"),
        applied_days_ago: 170,
        story: Story::Committee(&Deal {
            amount: "2500000.00",
            stake: "0.10",
            mode: "written",
            votes: FOUR_OF_FIVE,
            investment: None,
        }),
    },
    Project {
        company: "昆山氢联新能源科技有限公司",
        facts: facts("新能源", 77, 25, "7300000.00"),
        applied_days_ago: 150,
        story: Story::Committee(&Deal {
            amount: "2800000.00",
            stake: "0.14",
            mode: "written",
            votes: &[(1, "approve"), (2, "approve")],
            investment: None,
        }),
    },
    Project {
        company: "昆山蓝湾新材料科技有限公司",
        facts: facts("新材料", 45, 9, "2600000.00"),
        applied_days_ago: 160,
        story: Story::Committee(&Deal {
            amount: "2000000.00",
            stake: "0.18",
            mode: "written",
            votes: &[(1, "approve"), (2, "reject"), (3, "reject")],
            investment: None,
        }),
    },
    Project {
        company: "昆山云瞳智能科技有限公司",
        facts: facts("人工智能", 38, 21, "1900000.00"),
        applied_days_ago: 110,
        story: Story::DueDiligence,
    },
    Project {
        company: "昆山声联微电子有限公司",
        facts: facts("新一代电子信息", 52, 17, "5100000.00"),
        applied_days_ago: 80,
        story: Story::Shortlisted,
    },
    Project {
        company: "昆山医联数字健康科技有限公司",
        facts: facts("生物医药", 30, 11, "900000.00"),
        applied_days_ago: 60,
        story: Story::FollowUp,
    },
    Project {
        company: "昆山极光激光科技有限公司",
        facts: facts("高端装备制造", 26, 8, "1500000.00"),
        applied_days_ago: 5,
        story: Story::Applied,
    },
    Project {
        company: "昆山恒锐精密模具有限公司",
        facts: Facts {
            founded_days_before: 2900,
            ..facts("高端装备制造", 240, 20, "36000000.00")
        },
        applied_days_ago: 40,
        story: Story::Ineligible,
    },
    Project {
        company: "昆山数智物流科技有限公司",
        facts: facts("人工智能", 66, 15, "8800000.00"),
        applied_days_ago: 140,
        story: Story::Withdrawn,
    },
];
