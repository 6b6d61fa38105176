//! Real-data check of the orders, points and tier engines: replays the UCI Online Retail
//! transactions (541,909 lines, 2010-12-01 to 2011-12-09) through Patron's own use cases.
//!
//! - `CustomerID` is the member (registered at their first invoice, card number = the id);
//!   rows without one are non-member sales. `Country` is the store.
//! - Invoices starting with `C` are refunds, each line matched to the latest earlier invoice of
//!   the same customer with that product and units left; a refund becomes one refund order per
//!   original it returns to. Lines that match nothing are counted and skipped.
//! - One rule: 1 point per 1 unit of currency, counts for upgrade, valid 365 days; the manual's
//!   tiers (silver 300, gold 1000, platinum 5000 over 365 days).
//! - Before each new day, the daily jobs (point expiry, then tier retention) run for that day.
//! - At the end `verify` recomputes every account and balance from the records.
//!
//! Usage: `patron-online-retail [FILE]` with `PATRON_DATABASE_URL` (default: a SQLite file in
//! a new temporary directory). FILE defaults to ../shared/data/online-retail/online_retail.csv.gz.

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use patron_app::context::Ctx;
use patron_app::jobs::runs;
use patron_app::members::register::{self, BindingInput, Registration};
use patron_app::orders::{accept, refund, resolve};
use patron_app::pii::Pii;
use patron_app::point_rules::model::StoredPointRule;
use patron_app::{tenants, Store};
use patron_domain::ids::TenantId;
use patron_domain::jobs::{Job, Trigger};
use patron_domain::loyalty::tier::Validity;
use patron_domain::master_data::StoreInput;
use patron_domain::orders::input::{LineInput, MemberRef, OrderInput};
use patron_domain::orders::Direction;
use patron_domain::points::rate::Rate;
use patron_domain::points::rule::{Award, RuleStatus, Scope};
use patron_domain::rbac::BuiltinRole;
use patron_store::{SqlStore, StoreOptions};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::time::Instant;

const TZ: chrono_tz::Tz = chrono_tz::Tz::Europe__London;

struct Row {
    invoice: String,
    code: String,
    quantity: i64,
    at: NaiveDateTime,
    price_fen: i64,
    customer: Option<String>,
    country: String,
}

fn read_rows(path: &str) -> anyhow::Result<Vec<Row>> {
    let mut text = String::new();
    if path.ends_with(".gz") {
        let out = std::process::Command::new("gzip")
            .args(["-dc", path])
            .output()?;
        anyhow::ensure!(out.status.success(), "gzip -dc {path} failed");
        text = String::from_utf8_lossy(&out.stdout).into_owned();
    } else {
        std::fs::File::open(path)?.read_to_string(&mut text)?;
    }
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in reader.records() {
        let r = rec?;
        let price: f64 = r[5].trim().parse().unwrap_or(0.0);
        rows.push(Row {
            invoice: r[0].trim().to_string(),
            code: r[1].trim().to_string(),
            quantity: r[3].trim().parse().unwrap_or(0),
            at: NaiveDateTime::parse_from_str(r[4].trim(), "%Y-%m-%d %H:%M:%S")
                .with_context(|| format!("bad date {}", &r[4]))?,
            // Prices are read once here, into whole pence: the data has at most 3 decimals.
            price_fen: (price * 100.0).round() as i64,
            customer: Some(r[6].trim().trim_end_matches(".0").to_string())
                .filter(|c| !c.is_empty()),
            country: r[7].trim().to_string(),
        });
    }
    Ok(rows)
}

fn store_code(country: &str) -> String {
    country.to_uppercase().replace([' ', '.'], "_")
}

fn ms(at: NaiveDateTime) -> i64 {
    TZ.from_local_datetime(&at)
        .earliest()
        .map_or(0, |t| t.timestamp_millis())
}

fn amount(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// (customer, product) → [(invoice, line no, units left)], oldest first: what refunds match.
type Bought = HashMap<(String, String), Vec<(String, i64, i64)>>;

#[derive(Default)]
struct Counts {
    invoices: u64,
    orders: u64,
    member_orders: u64,
    refunds: u64,
    refused: u64,
    lines: u64,
    dropped_lines: u64,
    unmatched_refund_lines: u64,
    points: i64,
    job_runs: u64,
    expired_records: u64,
    tier_changes: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/online-retail/online_retail.csv.gz".into());
    let dir = tempdir()?;
    let url = std::env::var("PATRON_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/patron.db?mode=rwc", dir.display()));
    let store = SqlStore::connect(&StoreOptions {
        url: url.clone(),
        max_connections: 8,
    })
    .await?;
    store.migrate().await?;
    let pii = Pii::new([7; 32]);
    let started = Instant::now();
    let rows = read_rows(&path)?;
    println!(
        "read {} rows from {path} in {:.1} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );

    let now = chrono::Utc::now().timestamp_millis();
    let t = setup(&store, &rows, now).await?;
    let mut ctx = Ctx::system(Some(t), now);
    ctx.principal.permissions = BuiltinRole::Administrator.permissions();

    // Invoices in the order of their first line's time, lines in file order (a few invoices'
    // lines carry times a minute apart: they are still one order).
    let mut by_invoice: HashMap<&str, Vec<&Row>> = HashMap::new();
    for r in &rows {
        by_invoice.entry(r.invoice.as_str()).or_default().push(r);
    }
    let mut invoices: BTreeMap<(NaiveDateTime, String), Vec<&Row>> = BTreeMap::new();
    for (invoice, lines) in by_invoice {
        let first = lines.iter().map(|l| l.at).min().unwrap_or_default();
        invoices.insert((first, invoice.to_string()), lines);
    }
    let mut c = Counts::default();
    let mut members: HashMap<String, ()> = HashMap::new();
    let mut bought: Bought = HashMap::new();
    let mut day: Option<NaiveDate> = None;
    let replay = Instant::now();
    let now_fn: std::sync::Arc<runs::Now> = std::sync::Arc::new(move || now);
    for ((at, invoice), lines) in &invoices {
        c.invoices += 1;
        if day != Some(at.date()) {
            if day.is_some() {
                daily_jobs(&store, t, at.date(), &now_fn, &mut c).await?;
            }
            day = Some(at.date());
        }
        let customer = lines[0].customer.clone();
        let store_c = store_code(&lines[0].country);
        if let Some(cust) = &customer {
            if !members.contains_key(cust) {
                register_member(&store, &pii, &ctx, cust, &store_c, ms(*at)).await?;
                members.insert(cust.clone(), ());
            }
        }
        if invoice.starts_with('C') {
            // Each line back to the latest earlier purchase of the product with units left.
            let mut by_original: BTreeMap<String, Vec<LineInput>> = BTreeMap::new();
            for l in lines {
                let units = l.quantity.abs();
                let found = customer.as_ref().and_then(|cust| {
                    bought
                        .get_mut(&(cust.clone(), l.code.clone()))
                        .and_then(|v| v.iter_mut().rev().find(|x| x.2 >= units && units > 0))
                });
                match found {
                    Some((orig, line_no, left)) => {
                        *left -= units;
                        by_original
                            .entry(orig.clone())
                            .or_default()
                            .push(LineInput {
                                product_code: l.code.clone(),
                                quantity: units,
                                original_line_no: Some(*line_no),
                                ..LineInput::default()
                            });
                    }
                    None => c.unmatched_refund_lines += 1,
                }
            }
            for (orig, ls) in by_original {
                let input = OrderInput {
                    direction: Some("refund".into()),
                    channel: "website".into(),
                    external_no: format!("{invoice}-{orig}"),
                    original_order_no: Some(orig),
                    store: store_c.clone(),
                    ordered_at_ms: ms(*at),
                    lines: ls,
                    ..OrderInput::default()
                };
                if post(&store, &pii, &ctx, t, input, &mut c).await? {
                    c.refunds += 1;
                }
            }
            continue;
        }
        let mut inputs = Vec::new();
        for l in lines {
            if l.quantity <= 0 || l.price_fen < 0 {
                c.dropped_lines += 1;
                continue;
            }
            let line_no = i64::try_from(inputs.len()).unwrap_or(0) + 1;
            if let Some(cust) = &customer {
                bought
                    .entry((cust.clone(), l.code.clone()))
                    .or_default()
                    .push((invoice.clone(), line_no, l.quantity));
            }
            inputs.push(LineInput {
                product_code: l.code.clone(),
                quantity: l.quantity,
                unit_price: Some(amount(l.price_fen)),
                net_amount: Some(amount(l.price_fen * l.quantity)),
                ..LineInput::default()
            });
        }
        if inputs.is_empty() {
            continue;
        }
        c.lines += inputs.len() as u64;
        let input = OrderInput {
            channel: "website".into(),
            external_no: invoice.clone(),
            store: store_c,
            member: MemberRef {
                card_no: customer.clone(),
                ..MemberRef::default()
            },
            ordered_at_ms: ms(*at),
            lines: inputs,
            ..OrderInput::default()
        };
        if post(&store, &pii, &ctx, t, input, &mut c).await? {
            c.orders += 1;
            c.member_orders += u64::from(customer.is_some());
        }
    }
    if let Some(d) = day.and_then(|d| d.succ_opt()) {
        daily_jobs(&store, t, d, &now_fn, &mut c).await?;
    }
    let secs = replay.elapsed().as_secs_f64();
    println!(
        "replayed {} invoices in {:.1} s ({:.0} invoices/s): {} orders ({} of members), {} refunds, {} refused, {} lines ({} dropped: quantity ≤ 0), {} refund lines matched nothing",
        c.invoices, secs, c.invoices as f64 / secs, c.orders, c.member_orders, c.refunds, c.refused, c.lines, c.dropped_lines, c.unmatched_refund_lines
    );
    println!(
        "members {}, net points {}, daily job runs {}, expiry records {}, tier changes by the retention job {}",
        members.len(), c.points, c.job_runs, c.expired_records, c.tier_changes
    );
    let found = patron_app::points::verify::run(&store).await?;
    println!("verify: {} difference(s)", found.len());
    anyhow::ensure!(found.is_empty(), "verify found differences");
    Ok(())
}

fn tempdir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("patron-online-retail-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The tenant, the manual's program and tiers, one store per country and the rule.
async fn setup(store: &SqlStore, rows: &[Row], now: i64) -> anyhow::Result<TenantId> {
    let mut ctx = Ctx::system(None, now);
    ctx.principal.permissions = patron_domain::rbac::PermissionSet::platform_admin();
    let prepared = tenants::prepare(tenants::NewTenant {
        code: "online-retail".into(),
        name: "Online Retail (UCI)".into(),
        time_zone: Some("Europe/London".into()),
        currency: Some("GBP".into()),
        admin_login_name: "admin".into(),
        admin_password: Some("online-retail-admin".into()),
    })
    .await?;
    let mut tx = store.begin().await?;
    let tenant = tenants::create(&mut *tx, &ctx, prepared).await?;
    tx.commit().await?;
    let mut ctx = Ctx::system(Some(tenant.id), now);
    ctx.principal.permissions = BuiltinRole::Administrator.permissions();
    patron_app::loyalty::seed_demo(store, &ctx).await?;
    let mut countries: Vec<&str> = rows.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let stores: Vec<StoreInput> = countries
        .iter()
        .map(|c| StoreInput {
            code: store_code(c),
            name: (*c).to_string(),
            kind: Some("virtual".into()),
            channel: Some("website".into()),
            ..StoreInput::default()
        })
        .collect();
    let mut tx = store.begin().await?;
    patron_app::master_data::upsert_stores(&mut *tx, &ctx, &stores)
        .await?
        .map_err(|e| anyhow::anyhow!("stores refused: {e:?}"))?;
    let refs = tx
        .program_refs(tenant.id, "member-club")
        .await?
        .context("the program")?;
    tx.insert_point_rule(&StoredPointRule {
        tenant_id: tenant.id,
        id: patron_app::secrets::new_uuid().to_string(),
        program_id: refs.program_id.clone(),
        name: "1 point per 1 spent".into(),
        point_group_id: refs.point_group_ids[0].clone(),
        cost_center_id: None,
        award: Award::ByAmount(Rate::parse("rate", "1")?),
        counts_for_upgrade: true,
        validity: Validity::FixedPeriod { days: 365 },
        scope: Scope::default(),
        status: RuleStatus::Enabled,
        created_at_ms: now,
        updated_at_ms: now,
    })
    .await?;
    tx.commit().await?;
    Ok(tenant.id)
}

async fn register_member(
    store: &SqlStore,
    pii: &Pii,
    ctx: &Ctx,
    customer: &str,
    store_c: &str,
    at: i64,
) -> anyhow::Result<()> {
    let p = register::prepare(
        &Registration {
            program: "member-club".into(),
            channel: "website".into(),
            store: Some(store_c.into()),
            card_no: Some(customer.into()),
            registered_at_ms: Some(at),
            binding: Some(BindingInput {
                external_id: customer.into(),
                ..BindingInput::default()
            }),
            ..Registration::default()
        },
        ctx.now_ms,
    )?;
    let mut tx = store.begin().await?;
    register::register(&mut *tx, ctx, pii, p).await?;
    tx.commit().await?;
    Ok(())
}

/// One order or refund in its own transaction; a refusal is counted, not fatal.
async fn post(
    store: &SqlStore,
    pii: &Pii,
    ctx: &Ctx,
    t: TenantId,
    input: OrderInput,
    c: &mut Counts,
) -> anyhow::Result<bool> {
    let order = match input.parse() {
        Ok(o) => o,
        Err(_) => {
            c.refused += 1;
            return Ok(false);
        }
    };
    let mut tx = store.begin().await?;
    let prepared = resolve::prepare(&mut *tx, pii, t, order).await?;
    let done = match prepared.order.direction {
        Direction::Normal => accept::accept(&mut *tx, ctx, prepared).await,
        Direction::Refund => refund::refund(&mut *tx, ctx, prepared).await,
    };
    match done {
        Ok(a) => {
            c.points += a.order.points_change;
            tx.commit().await?;
            Ok(true)
        }
        Err(e) => {
            eprintln!("refused {}: {e}", input.external_no);
            c.refused += 1;
            Ok(false)
        }
    }
}

async fn daily_jobs(
    store: &SqlStore,
    t: TenantId,
    date: NaiveDate,
    now: &std::sync::Arc<runs::Now>,
    c: &mut Counts,
) -> anyhow::Result<()> {
    for job in [Job::ExpirePoints, Job::TierRetention] {
        let (run, _) = runs::run(
            store,
            t,
            job,
            date,
            Trigger::Cli,
            "online-retail",
            now.as_ref(),
        )
        .await?;
        anyhow::ensure!(
            run.error.is_none(),
            "{} {date} failed: {:?}",
            job.name(),
            run.error
        );
        c.job_runs += 1;
        match job {
            Job::ExpirePoints => c.expired_records += u64::try_from(run.changed).unwrap_or(0),
            Job::TierRetention => c.tier_changes += u64::try_from(run.changed).unwrap_or(0),
            // Not run by this loader: it issues no coupons.
            Job::ExpireCoupons => {}
        }
    }
    Ok(())
}
