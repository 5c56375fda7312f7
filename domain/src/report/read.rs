//! How each fund section is read off the fund's state as of the period end.

use super::sections::*;
use super::{Period, ReportError};
use crate::fund::custody::{Due, MovementKind};
use crate::fund::phases;
use crate::fund::{lifecycle, Fund, FundEvent};
use crate::guidance;
use crate::performance::{self, CashFlow, Holding};
use crate::Money;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// Reads the sections off `fund`, the state after the `included` events.
pub(super) fn read(
    fund: &Fund,
    included: &[&FundEvent],
    period: Period,
    as_of: NaiveDate,
) -> Result<FundSections, ReportError> {
    let terms = fund
        .terms
        .as_ref()
        .ok_or(ReportError::NotEstablished { as_of })?;
    let spans = lifecycle::schedule(fund).map_err(|e| ReportError::Phase(e.to_string()))?;
    let fund_id = included.iter().find_map(|e| match e {
        FundEvent::FundEstablished { fund_id, .. } => Some(*fund_id),
        _ => None,
    });
    let basics = Basics {
        fund_id,
        name: terms.name.clone(),
        kind: terms.kind,
        manager: terms.manager.clone(),
        custodian: terms.custodian.clone(),
        city: terms.city.clone(),
        total_size: terms.total_size,
        establishment_date: terms.establishment_date,
        phase: phases::phase_on(&spans, as_of),
        tranches: fund
            .tranches
            .iter()
            .map(|t| TrancheLine {
                number: t.number,
                size: t.size,
                subscription_date: t.subscription_date,
                subscribed: t.subscribed(),
                called: t.called(),
            })
            .collect(),
    };
    let lps = lp_lines(fund, as_of);
    let lp_totals = totals(&lps);
    let investments = investments(fund);
    let cash = Cash {
        at_custodian: fund.custody.cash,
        available: fund.custody.available(),
    };
    let performance = performance(fund, &lp_totals, &investments, as_of)?;
    let losses = guidance::realised_losses(fund.investments.values().map(|i| i.realised()));
    Ok(FundSections {
        period,
        start: period.start()?,
        as_of,
        due: period.due()?,
        basics,
        lps,
        lp_totals: lp_totals.clone(),
        calls: calls(fund, included, as_of),
        cash,
        fees: fees(fund),
        distributions: distributions(fund, included),
        investments,
        performance,
        loss_tolerance: guidance::loss_tolerance(
            losses,
            lp_totals.paid,
            terms.policy.guidance.loss_tolerance,
        ),
    })
}

fn lp_lines(fund: &Fund, as_of: NaiveDate) -> Vec<LpLine> {
    fund.lps
        .iter()
        .map(|(id, lp)| {
            let subs = fund.tranches.iter().filter_map(|t| t.subscriptions.get(id));
            let subscribed: Money = subs.clone().map(|s| s.subscribed).sum();
            let called: Money = subs.map(|s| s.called).sum();
            let paid = fund.custody.paid_in(*id);
            let dist = fund
                .custody
                .distribution_payments
                .iter()
                .filter(|((_, l), _)| l == id)
                .map(|(_, due)| due);
            LpLine {
                lp: *id,
                name: lp.name.clone(),
                kind: lp.kind,
                subscribed,
                called,
                paid,
                arrears: fund
                    .custody
                    .call_payments
                    .iter()
                    .filter(|((_, l), _)| l == id)
                    .map(|(_, due)| due.arrears_on(as_of))
                    .sum(),
                paid_in_ratio: ratio(paid, subscribed),
                distribution_allocated: dist.clone().map(|d| d.allocated).sum(),
                distributed: dist.map(|d| d.paid).sum(),
            }
        })
        .collect()
}

fn totals(lps: &[LpLine]) -> LpTotals {
    let sum = |f: fn(&LpLine) -> Money| lps.iter().map(f).sum::<Money>();
    let (subscribed, paid) = (sum(|l| l.subscribed), sum(|l| l.paid));
    LpTotals {
        subscribed,
        called: sum(|l| l.called),
        paid,
        arrears: sum(|l| l.arrears),
        paid_in_ratio: ratio(paid, subscribed),
        distribution_allocated: sum(|l| l.distribution_allocated),
        distributed: sum(|l| l.distributed),
    }
}

/// `numerator ÷ denominator` rounded half away from zero to [`PAID_IN_RATIO_DECIMALS`]
/// places, always printed with all of them; none when the denominator is not positive.
fn ratio(numerator: Money, denominator: Money) -> Option<Decimal> {
    if !denominator.is_positive() {
        return None;
    }
    let q = numerator
        .as_decimal()
        .checked_div(denominator.as_decimal())?;
    let mut r = q.round_dp_with_strategy(
        PAID_IN_RATIO_DECIMALS,
        RoundingStrategy::MidpointAwayFromZero,
    );
    r.rescale(PAID_IN_RATIO_DECIMALS);
    Some(r)
}

fn calls(fund: &Fund, included: &[&FundEvent], as_of: NaiveDate) -> Vec<CallLine> {
    let mut lines: Vec<CallLine> = included
        .iter()
        .filter_map(|e| match e {
            FundEvent::CapitalCalled {
                call_id,
                tranches,
                amount,
                called_on,
                due_on,
                ..
            } => {
                let dues = || {
                    fund.custody
                        .call_payments
                        .iter()
                        .filter(|((c, _), _)| c == call_id)
                        .map(|(_, due)| due)
                };
                Some(CallLine {
                    call_id: *call_id,
                    tranches: tranches.clone(),
                    called_on: *called_on,
                    due_on: *due_on,
                    amount: *amount,
                    paid: dues().map(|d| d.paid).sum(),
                    arrears: dues().map(|d| d.arrears_on(as_of)).sum(),
                })
            }
            _ => None,
        })
        .collect();
    lines.sort_by_key(|l| l.call_id);
    lines
}

fn fees(fund: &Fund) -> Fees {
    let paid_of = |year: &i32| {
        fund.custody
            .fee_payments
            .get(year)
            .map_or(Money::ZERO, |d| d.paid)
    };
    let years: Vec<FeeYear> = fund
        .fees
        .iter()
        .map(|(year, record)| FeeYear {
            year: *year,
            assessment: record.assessment.clone(),
            paid: paid_of(year),
        })
        .collect();
    Fees {
        assessed: years.iter().map(|y| y.assessment.total).sum(),
        paid: fund.custody.fee_payments.values().map(|d| d.paid).sum(),
        years,
    }
}

fn distributions(fund: &Fund, included: &[&FundEvent]) -> Vec<DistributionLine> {
    let mut lines: Vec<DistributionLine> = included
        .iter()
        .filter_map(|e| match e {
            FundEvent::DistributionDeclared {
                distribution_id,
                amount,
                declared_on,
                ..
            } => Some(DistributionLine {
                distribution_id: *distribution_id,
                declared_on: *declared_on,
                amount: *amount,
                paid: fund
                    .custody
                    .distribution_payments
                    .iter()
                    .filter(|((d, _), _)| d == distribution_id)
                    .map(|(_, due)| due.paid)
                    .sum(),
            }),
            _ => None,
        })
        .collect();
    lines.sort_by_key(|l| l.distribution_id);
    lines
}

fn investments(fund: &Fund) -> Investments {
    let lines: Vec<InvestmentLine> = fund
        .investments
        .iter()
        .map(|(project_id, i)| InvestmentLine {
            project_id: *project_id,
            commitment: i.commitment,
            paid: i.paid,
            cost_not_exited: i.cost_not_exited(),
            proceeds: i.proceeds,
            realised: i.realised(),
            moic: performance::moic(i.paid, i.proceeds, i.cost_not_exited()),
        })
        .collect();
    let exits = fund
        .exits
        .iter()
        .map(|(exit_id, x)| ExitLine {
            exit_id: *exit_id,
            project_id: x.project_id,
            on: x.on,
            proceeds: x.proceeds,
            cost_released: x.cost_released,
            realised: x.proceeds - x.cost_released,
            collected: fund
                .custody
                .exit_proceeds
                .get(exit_id)
                .map_or(Money::ZERO, |d: &Due| d.paid),
            resolution_id: x.resolution_id,
        })
        .collect();
    Investments {
        paid: lines.iter().map(|l| l.paid).sum(),
        cost_not_exited: lines.iter().map(|l| l.cost_not_exited).sum(),
        proceeds: lines.iter().map(|l| l.proceeds).sum(),
        realised: lines.iter().map(|l| l.realised).sum(),
        lines,
        exits,
    }
}

/// The confirmed movements whose kind `pick` selects, as flows on their execution day, in
/// movement-id order (the IRR does not depend on the order).
fn confirmed(fund: &Fund, pick: fn(&MovementKind) -> bool) -> Vec<CashFlow> {
    fund.custody
        .movements
        .values()
        .filter(|m| pick(&m.kind))
        .filter_map(|m| {
            m.confirmed_on.map(|on| CashFlow {
                on,
                amount: m.amount,
            })
        })
        .collect()
}

fn performance(
    fund: &Fund,
    lps: &LpTotals,
    investments: &Investments,
    as_of: NaiveDate,
) -> Result<Performance, ReportError> {
    let holdings: Vec<Holding> = investments
        .lines
        .iter()
        .map(|l| Holding {
            cost_not_exited: l.cost_not_exited,
            valuation: None,
        })
        .collect();
    let nav = performance::nav(&holdings, fund.custody.cash);
    let multiples = performance::multiples(lps.paid, lps.distributed, nav);
    let paid_in = confirmed(fund, |k| matches!(k, MovementKind::LpPayment { .. }));
    let distributed = confirmed(fund, |k| matches!(k, MovementKind::Distribution { .. }));
    let injections = confirmed(fund, |k| matches!(k, MovementKind::Injection { .. }));
    let proceeds = confirmed(fund, |k| matches!(k, MovementKind::ExitProceeds { .. }));
    let (net_irr, net_irr_note) = irr(performance::net_irr(&paid_in, &distributed, nav, as_of))?;
    let (gross_irr, gross_irr_note) = irr(performance::gross_irr(
        &injections,
        &proceeds,
        investments.cost_not_exited,
        as_of,
    ))?;
    Ok(Performance {
        nav,
        paid_in: lps.paid,
        distributed: lps.distributed,
        tvpi: multiples.tvpi,
        dpi: multiples.dpi,
        rvpi: multiples.rvpi,
        net_irr,
        net_irr_note,
        gross_irr,
        gross_irr_note,
    })
}

/// An IRR for the report: a rate that cannot be computed (outside −99.99 % ..= +1,000 %, or
/// flows too large) is shown as none with the reason, so the report is still produced; bad
/// inputs remain errors.
pub(super) fn irr(
    result: Result<Option<Decimal>, performance::PerformanceError>,
) -> Result<(Option<Decimal>, Option<String>), ReportError> {
    use performance::PerformanceError as E;
    match result {
        Ok(rate) => Ok((rate, None)),
        Err(e @ (E::RateOutOfRange | E::Overflow)) => Ok((None, Some(e.to_string()))),
        Err(e) => Err(e.into()),
    }
}
