//! The tables of the capital projection and the statements that write them.
//!
//! Every table is keyed by fund first (ids are unique per fund). Rows that carry totals
//! (calls, fee assessments, distributions, exits and their per-LP rows, movements) are
//! inserted with `ON CONFLICT DO NOTHING … RETURNING`, and the totals only grow by what was
//! inserted; a confirmation only counts while the movement is unconfirmed; the matching
//! figures of an injection are set, not added. Applying an event twice (which the runner's
//! dedupe already prevents) would therefore change nothing but the additive tranche and
//! subscription totals.
//!
//! The cost not exited (of the fund, of an investment) and what is still to pay or collect
//! are differences of stored columns, computed when read.

/// Statement: add to the fund's tranche and subscription totals.
pub(super) const FUND_TOTALS: usize = 0;
/// Statement: an LP subscribed.
pub(super) const LP_SUBSCRIBED: usize = 1;
/// Statement: a call (and the fund's called total).
pub(super) const CALL: usize = 2;
/// Statement: one LP's share of a call over its tranches (and the LP's called total).
pub(super) const CALL_LP: usize = 3;
/// Statement: a movement instructed.
pub(super) const MOVEMENT: usize = 4;
/// Statement: a movement confirmed, routed by its kind.
pub(super) const CONFIRMED: usize = 5;
/// Statement: a fee year assessed (and the fund's assessed total).
pub(super) const FEE_ASSESSED: usize = 6;
/// Statement: a distribution declared (and the fund's distributed total).
pub(super) const DISTRIBUTION: usize = 7;
/// Statement: one LP's share of a distribution (and the LP's distributed total).
pub(super) const DISTRIBUTION_LP: usize = 8;
/// Statement: the matching figures an injection was checked against (its investment's
/// commitment and required cumulative payment).
pub(super) const INJECTION_MATCHED: usize = 9;
/// Statement: an exit recorded (its investment's and the fund's released cost and proceeds).
pub(super) const EXIT: usize = 10;
/// Statement: an LP declared to be a guidance fund administered here.
pub(super) const LP_LINKED: usize = 11;

/// The tables.
pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS rm_fund_capital (
        fund_id            uuid PRIMARY KEY,
        tranches           numeric(20, 2) NOT NULL DEFAULT 0,
        subscribed         numeric(20, 2) NOT NULL DEFAULT 0,
        called             numeric(20, 2) NOT NULL DEFAULT 0,
        paid               numeric(20, 2) NOT NULL DEFAULT 0,
        cash               numeric(20, 2) NOT NULL DEFAULT 0,
        fees_assessed      numeric(20, 2) NOT NULL DEFAULT 0,
        fees_paid          numeric(20, 2) NOT NULL DEFAULT 0,
        distributed        numeric(20, 2) NOT NULL DEFAULT 0,
        distributions_paid numeric(20, 2) NOT NULL DEFAULT 0,
        invested           numeric(20, 2) NOT NULL DEFAULT 0,
        cost_released      numeric(20, 2) NOT NULL DEFAULT 0,
        exit_proceeds      numeric(20, 2) NOT NULL DEFAULT 0,
        proceeds_received  numeric(20, 2) NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS rm_lp_accounts (
        fund_id            uuid NOT NULL,
        lp_id              uuid NOT NULL,
        name               text NOT NULL,
        kind               text NOT NULL,
        subscribed         numeric(20, 2) NOT NULL DEFAULT 0,
        called             numeric(20, 2) NOT NULL DEFAULT 0,
        paid               numeric(20, 2) NOT NULL DEFAULT 0,
        distributed        numeric(20, 2) NOT NULL DEFAULT 0,
        distribution_paid  numeric(20, 2) NOT NULL DEFAULT 0,
        linked_fund_id     uuid,
        PRIMARY KEY (fund_id, lp_id));
    CREATE TABLE IF NOT EXISTS rm_calls (
        fund_id     uuid NOT NULL,
        call_id     uuid NOT NULL,
        tranches    integer[] NOT NULL,
        amount      numeric(20, 2) NOT NULL,
        called_on   date NOT NULL,
        due_on      date NOT NULL,
        PRIMARY KEY (fund_id, call_id));
    CREATE TABLE IF NOT EXISTS rm_call_lps (
        fund_id     uuid NOT NULL,
        call_id     uuid NOT NULL,
        lp_id       uuid NOT NULL,
        allocated   numeric(20, 2) NOT NULL,
        paid        numeric(20, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (fund_id, call_id, lp_id));
    CREATE TABLE IF NOT EXISTS rm_movements (
        fund_id         uuid NOT NULL,
        movement_id     uuid NOT NULL,
        kind            text NOT NULL
            CHECK (kind IN ('lp_payment', 'fee_payment', 'distribution', 'injection',
                'exit_proceeds')),
        call_id         uuid,
        lp_id           uuid,
        fee_year        integer,
        distribution_id uuid,
        project_id      uuid,
        exit_id         uuid,
        amount          numeric(20, 2) NOT NULL,
        value_date      date NOT NULL,
        confirmed_on    date,
        PRIMARY KEY (fund_id, movement_id));
    CREATE TABLE IF NOT EXISTS rm_fee_assessments (
        fund_id     uuid NOT NULL,
        year        integer NOT NULL,
        period_from date NOT NULL,
        period_to   date NOT NULL,
        total       numeric(20, 2) NOT NULL,
        segments    jsonb NOT NULL,
        paid        numeric(20, 2) NOT NULL DEFAULT 0,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (fund_id, year));
    CREATE TABLE IF NOT EXISTS rm_distributions (
        fund_id         uuid NOT NULL,
        distribution_id uuid NOT NULL,
        amount          numeric(20, 2) NOT NULL,
        declared_on     date NOT NULL,
        paid            numeric(20, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (fund_id, distribution_id));
    CREATE TABLE IF NOT EXISTS rm_distribution_lps (
        fund_id         uuid NOT NULL,
        distribution_id uuid NOT NULL,
        lp_id           uuid NOT NULL,
        paid_in         numeric(20, 2) NOT NULL,
        allocated       numeric(20, 2) NOT NULL,
        paid            numeric(20, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (fund_id, distribution_id, lp_id));
    CREATE TABLE IF NOT EXISTS rm_investments (
        fund_id             uuid NOT NULL,
        project_id          uuid NOT NULL,
        commitment          numeric(20, 2) NOT NULL DEFAULT 0,
        required_cumulative numeric(20, 2) NOT NULL DEFAULT 0,
        instructed          numeric(20, 2) NOT NULL DEFAULT 0,
        paid                numeric(20, 2) NOT NULL DEFAULT 0,
        cost_released       numeric(20, 2) NOT NULL DEFAULT 0,
        proceeds            numeric(20, 2) NOT NULL DEFAULT 0,
        realised            numeric(20, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (fund_id, project_id));
    CREATE TABLE IF NOT EXISTS rm_exits (
        fund_id       uuid NOT NULL,
        exit_id       uuid NOT NULL,
        project_id    uuid NOT NULL,
        proceeds      numeric(20, 2) NOT NULL,
        cost_released numeric(20, 2) NOT NULL,
        realised      numeric(20, 2) NOT NULL,
        \"on\"        date NOT NULL,
        resolution_id uuid NOT NULL,
        received      numeric(20, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (fund_id, exit_id))";

/// Drops the tables.
pub(super) const DROP: &str = "DROP TABLE IF EXISTS rm_fund_capital, rm_lp_accounts, rm_calls, \
     rm_call_lps, rm_movements, rm_fee_assessments, rm_distributions, rm_distribution_lps, \
     rm_investments, rm_exits";

/// The statements, by the indexes above.
pub(super) const STATEMENTS: &[&str] = &[
    // FUND_TOTALS ($1 fund, $2 tranche size, $3 subscribed)
    "INSERT INTO rm_fund_capital (fund_id, tranches, subscribed) VALUES ($1, $2, $3)
     ON CONFLICT (fund_id) DO UPDATE SET
         tranches = rm_fund_capital.tranches + EXCLUDED.tranches,
         subscribed = rm_fund_capital.subscribed + EXCLUDED.subscribed",
    // LP_SUBSCRIBED ($1 fund, $2 lp, $3 name, $4 kind, $5 amount)
    "INSERT INTO rm_lp_accounts (fund_id, lp_id, name, kind, subscribed)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (fund_id, lp_id) DO UPDATE
         SET subscribed = rm_lp_accounts.subscribed + EXCLUDED.subscribed",
    // CALL ($1 fund, $2 call, $3 tranches, $4 amount, $5 called on, $6 due on)
    "WITH ins AS (
         INSERT INTO rm_calls (fund_id, call_id, tranches, amount, called_on, due_on)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
         RETURNING fund_id, amount)
     UPDATE rm_fund_capital c SET called = c.called + ins.amount
     FROM ins WHERE c.fund_id = ins.fund_id",
    // CALL_LP ($1 fund, $2 call, $3 lp, $4 allocated over the tranches called)
    "WITH ins AS (
         INSERT INTO rm_call_lps (fund_id, call_id, lp_id, allocated)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
         RETURNING fund_id, lp_id, allocated)
     UPDATE rm_lp_accounts a SET called = a.called + ins.allocated
     FROM ins WHERE a.fund_id = ins.fund_id AND a.lp_id = ins.lp_id",
    // MOVEMENT ($1 fund, $2 movement, $3 kind, $4 call, $5 lp, $6 fee year,
    // $7 distribution, $8 project, $9 exit, $10 amount, $11 value date): an injection also
    // adds to what is instructed for its investment (whose row `INJECTION_MATCHED`, just
    // before, created).
    "WITH ins AS (
         INSERT INTO rm_movements (fund_id, movement_id, kind, call_id, lp_id, fee_year,
             distribution_id, project_id, exit_id, amount, value_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING
         RETURNING fund_id, kind, project_id, amount)
     INSERT INTO rm_investments (fund_id, project_id, instructed)
     SELECT fund_id, project_id, amount FROM ins WHERE kind = 'injection'
     ON CONFLICT (fund_id, project_id) DO UPDATE
         SET instructed = rm_investments.instructed + EXCLUDED.instructed",
    // CONFIRMED ($1 fund, $2 movement, $3 executed on): the money moved; what it pays follows.
    // An LP payment brings cash in and pays the LP's share of its call; exit proceeds bring
    // cash in and are received for their exit; a fee payment, a distribution payment and an
    // injection take cash out and pay the fee year, the LP's share or the investment.
    "WITH m AS (
         UPDATE rm_movements SET confirmed_on = $3
         WHERE fund_id = $1 AND movement_id = $2 AND confirmed_on IS NULL
         RETURNING fund_id, kind, call_id, lp_id, fee_year, distribution_id, project_id,
             exit_id, amount),
     totals AS (
         UPDATE rm_fund_capital c SET
             cash = c.cash + CASE WHEN m.kind IN ('lp_payment', 'exit_proceeds')
                 THEN m.amount ELSE -m.amount END,
             paid = c.paid + CASE WHEN m.kind = 'lp_payment' THEN m.amount ELSE 0 END,
             fees_paid = c.fees_paid
                 + CASE WHEN m.kind = 'fee_payment' THEN m.amount ELSE 0 END,
             distributions_paid = c.distributions_paid
                 + CASE WHEN m.kind = 'distribution' THEN m.amount ELSE 0 END,
             invested = c.invested + CASE WHEN m.kind = 'injection' THEN m.amount ELSE 0 END,
             proceeds_received = c.proceeds_received
                 + CASE WHEN m.kind = 'exit_proceeds' THEN m.amount ELSE 0 END
         FROM m WHERE c.fund_id = m.fund_id),
     investment AS (
         UPDATE rm_investments i SET paid = i.paid + m.amount
         FROM m WHERE m.kind = 'injection'
             AND i.fund_id = m.fund_id AND i.project_id = m.project_id),
     exit_paid AS (
         UPDATE rm_exits e SET received = e.received + m.amount
         FROM m WHERE m.kind = 'exit_proceeds'
             AND e.fund_id = m.fund_id AND e.exit_id = m.exit_id),
     account AS (
         UPDATE rm_lp_accounts a SET
             paid = a.paid + CASE WHEN m.kind = 'lp_payment' THEN m.amount ELSE 0 END,
             distribution_paid = a.distribution_paid
                 + CASE WHEN m.kind = 'distribution' THEN m.amount ELSE 0 END
         FROM m WHERE m.kind IN ('lp_payment', 'distribution')
             AND a.fund_id = m.fund_id AND a.lp_id = m.lp_id),
     call_lp AS (
         UPDATE rm_call_lps c SET paid = c.paid + m.amount
         FROM m WHERE m.kind = 'lp_payment'
             AND c.fund_id = m.fund_id AND c.call_id = m.call_id AND c.lp_id = m.lp_id),
     fee AS (
         UPDATE rm_fee_assessments f SET paid = f.paid + m.amount
         FROM m WHERE m.kind = 'fee_payment' AND f.fund_id = m.fund_id AND f.year = m.fee_year),
     distribution AS (
         UPDATE rm_distributions d SET paid = d.paid + m.amount
         FROM m WHERE m.kind = 'distribution'
             AND d.fund_id = m.fund_id AND d.distribution_id = m.distribution_id)
     UPDATE rm_distribution_lps d SET paid = d.paid + m.amount
     FROM m WHERE m.kind = 'distribution' AND d.fund_id = m.fund_id
         AND d.distribution_id = m.distribution_id AND d.lp_id = m.lp_id",
    // FEE_ASSESSED ($1 fund, $2 year, $3 from, $4 to, $5 total, $6 segments, $7 recorded at)
    "WITH ins AS (
         INSERT INTO rm_fee_assessments (fund_id, year, period_from, period_to, total,
             segments, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
         RETURNING fund_id, total)
     UPDATE rm_fund_capital c SET fees_assessed = c.fees_assessed + ins.total
     FROM ins WHERE c.fund_id = ins.fund_id",
    // DISTRIBUTION ($1 fund, $2 distribution, $3 amount, $4 declared on)
    "WITH ins AS (
         INSERT INTO rm_distributions (fund_id, distribution_id, amount, declared_on)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
         RETURNING fund_id, amount)
     UPDATE rm_fund_capital c SET distributed = c.distributed + ins.amount
     FROM ins WHERE c.fund_id = ins.fund_id",
    // DISTRIBUTION_LP ($1 fund, $2 distribution, $3 lp, $4 paid in, $5 allocated)
    "WITH ins AS (
         INSERT INTO rm_distribution_lps (fund_id, distribution_id, lp_id, paid_in, allocated)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
         RETURNING fund_id, lp_id, allocated)
     UPDATE rm_lp_accounts a SET distributed = a.distributed + ins.allocated
     FROM ins WHERE a.fund_id = ins.fund_id AND a.lp_id = ins.lp_id",
    // INJECTION_MATCHED ($1 fund, $2 project, $3 commitment, $4 required cumulative): set as
    // last checked; the required payment only rises.
    "INSERT INTO rm_investments (fund_id, project_id, commitment, required_cumulative)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (fund_id, project_id) DO UPDATE SET
         commitment = EXCLUDED.commitment,
         required_cumulative = greatest(rm_investments.required_cumulative,
             EXCLUDED.required_cumulative)",
    // EXIT ($1 fund, $2 exit, $3 project, $4 proceeds, $5 cost released, $6 realised,
    // $7 on, $8 resolution)
    "WITH ins AS (
         INSERT INTO rm_exits (fund_id, exit_id, project_id, proceeds, cost_released, realised,
             \"on\", resolution_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
         RETURNING fund_id, project_id, proceeds, cost_released, realised),
     investment AS (
         INSERT INTO rm_investments (fund_id, project_id, cost_released, proceeds, realised)
         SELECT fund_id, project_id, cost_released, proceeds, realised FROM ins
         ON CONFLICT (fund_id, project_id) DO UPDATE SET
             cost_released = rm_investments.cost_released + EXCLUDED.cost_released,
             proceeds = rm_investments.proceeds + EXCLUDED.proceeds,
             realised = rm_investments.realised + EXCLUDED.realised)
     UPDATE rm_fund_capital c SET
         cost_released = c.cost_released + ins.cost_released,
         exit_proceeds = c.exit_proceeds + ins.proceeds
     FROM ins WHERE c.fund_id = ins.fund_id",
    // LP_LINKED
    "UPDATE rm_lp_accounts SET linked_fund_id = $3 WHERE fund_id = $1 AND lp_id = $2",
];
