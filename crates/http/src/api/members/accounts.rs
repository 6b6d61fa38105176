//! `/api/v1/members`: registration from any channel, lookup, details and status changes.

use super::views::{
    CustomerView, LookupView, MemberDetailView, MemberView, PointAccountView, RegistrationView,
    TierRecordView,
};
use crate::auth::{perm, Auth};
use crate::body::ApiJson;
use crate::mutate::{mutate, respond, stored, IDEMPOTENCY_HEADER};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use patron_app::members::accounts::{self, Lookup};
use patron_app::members::customers::CustomerView as Shown;
use patron_app::members::profile::ProfileInput;
use patron_app::members::register::{self, BindingInput, Registration};
use patron_app::model::StoredResponse;
use patron_app::AppError;
use patron_domain::ids::MemberId;
use patron_domain::member::StatusChange;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/members", post(register))
        .route("/api/v1/members/lookup", get(lookup))
        .route("/api/v1/members/{id}", get(show))
        .route("/api/v1/members/{id}/freeze", post(freeze))
        .route("/api/v1/members/{id}/unfreeze", post(unfreeze))
        .route("/api/v1/members/{id}/cancel", post(cancel))
}

pub(crate) fn parse_member_id(raw: &str) -> ApiResult<MemberId> {
    MemberId::parse(raw)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "member not found"))
}

/// RFC 3339 to unix milliseconds, naming the field when it does not parse.
pub(crate) fn instant(field: &'static str, raw: Option<&str>) -> ApiResult<Option<i64>> {
    raw.map(|r| {
        chrono::DateTime::parse_from_rfc3339(r.trim())
            .map(|d| d.timestamp_millis())
            .map_err(|_| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_timestamp",
                    "must be an RFC 3339 timestamp, e.g. 2026-11-23T10:00:00+08:00",
                )
                .field(field)
            })
    })
    .transpose()
}

/// A platform account of the member.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingRequest {
    /// The member's id on the channel (e.g. the mini program's member id, Tmall's ouid).
    pub external_id: String,
    pub openid: Option<String>,
    pub unionid: Option<String>,
    pub nickname: Option<String>,
}

impl From<BindingRequest> for BindingInput {
    fn from(b: BindingRequest) -> Self {
        Self {
            external_id: b.external_id,
            openid: b.openid,
            unionid: b.unionid,
            nickname: b.nickname,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The loyalty program's code.
    pub program: String,
    /// The channel code, e.g. `pos`, `wechat_mini`, `tmall`.
    pub channel: String,
    /// The registering store's code (an online channel's virtual store).
    pub store: Option<String>,
    /// A card number from the channel; generated (10 digits) when absent.
    pub card_no: Option<String>,
    /// RFC 3339; defaults to now.
    pub registered_at: Option<String>,
    pub name: Option<String>,
    /// `male`, `female` or `unknown` (男/女/未知 accepted).
    pub gender: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Mainland mobile (11 digits) or international with `+`. A phone or a binding is required.
    pub phone: Option<String>,
    pub email: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub id_number: Option<String>,
    pub accepts_marketing: Option<bool>,
    pub is_employee: Option<bool>,
    pub is_test: Option<bool>,
    /// The member's home store code.
    pub home_store: Option<String>,
    /// The exclusive shopping guide (staff number).
    pub guide: Option<String>,
    pub binding: Option<BindingRequest>,
}

/// Register a member. Idempotent by person: a known phone or channel account returns the
/// existing member (200) or attaches a new member account to the known customer (201).
#[utoipa::path(post, path = "/api/v1/members", tag = "members", request_body = RegisterRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the stored answer for a repeated request")),
    security(("api_key" = ["customers:register"]), ("session" = ["customers:register"])),
    responses((status = 201, body = RegistrationView), (status = 200, body = RegistrationView),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersRegister>,
    headers: HeaderMap,
    body: ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    let r = body.value;
    let registration = Registration {
        program: r.program,
        channel: r.channel,
        store: r.store,
        card_no: r.card_no,
        registered_at_ms: instant("registered_at", r.registered_at.as_deref())?,
        profile: ProfileInput {
            name: r.name,
            gender: r.gender,
            birthday: r.birthday,
            phone: r.phone,
            email: r.email,
            province: r.province,
            city: r.city,
            address: r.address,
            id_number: r.id_number,
            accepts_marketing: r.accepts_marketing,
            is_employee: r.is_employee,
            is_test: r.is_test,
        },
        binding: r.binding.map(BindingInput::from),
        home_store: r.home_store,
        guide: r.guide,
    };
    let prepared = register::prepare(&registration, auth.ctx.now_ms).map_err(AppError::from)?;
    if !headers.contains_key(IDEMPOTENCY_HEADER) {
        // Registration is idempotent by person already; without a key the request joins the
        // queue whose registrations are written many to a transaction.
        let done = state.registrar.register(auth.ctx.clone(), prepared).await?;
        return Ok(respond(registration_answer(&state.pii, &done)?));
    }
    // With a key, the request runs alone, its answer kept with the key in its transaction.
    // The program and stores are configuration: resolved on a reader, outside the write
    // transaction, which then holds the writer only for the member's own rows.
    let tenant = auth.ctx.principal.tenant()?;
    let resolved = {
        let mut reader = state.store.reader().await?;
        register::resolve(&mut *reader, tenant, &prepared).await?
    };
    // Two first registrations of one channel account (without a phone) can race; the loser's
    // transaction is refused by the unique binding and, run again, finds the winner's customer.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let ctx = auth.ctx.clone();
        let pii = state.pii.clone();
        let p = prepared.clone();
        let resolved = resolved.clone();
        let result = mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
            Box::pin(async move {
                let done = register::register_resolved(tx, &ctx, &pii, p, &resolved).await?;
                registration_answer(&pii, &done)
            })
        })
        .await;
        match result {
            Err(e) if attempt < 2 && register::lost_race(e.code) => continue,
            other => return other,
        }
    }
}

/// The answer to a registration: 201 with a new member account, 200 with an existing one.
fn registration_answer(
    pii: &patron_app::pii::Pii,
    done: &register::Registered,
) -> Result<StoredResponse, AppError> {
    // Answers to changes are masked for everyone: the caller sent the values, and the answer
    // is kept for idempotent replays, where no PII may rest in clear.
    let shown = patron_app::members::profile::show(pii, &done.customer, false)?;
    let view = RegistrationView {
        member: MemberView::from(&done.member),
        customer: CustomerView::from(&Shown {
            customer: done.customer.clone(),
            pii: shown,
        }),
        created_member: done.created_member,
        created_customer: done.created_customer,
    };
    let status = if done.created_member {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(stored(status, &view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    pub card_no: Option<String>,
    pub phone: Option<String>,
    /// With `external_id`: the channel the account belongs to.
    pub channel: Option<String>,
    pub external_id: Option<String>,
    /// A WeChat openid or unionid.
    pub wechat_id: Option<String>,
}

/// Find a member by card number, phone, channel account or WeChat id.
#[utoipa::path(get, path = "/api/v1/members/lookup", tag = "members", params(LookupParams),
    security(("api_key" = ["customers:read"]), ("session" = ["customers:read"])),
    responses((status = 200, body = LookupView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn lookup(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersRead>,
    Query(p): Query<LookupParams>,
) -> ApiResult<Json<LookupView>> {
    let l = Lookup {
        card_no: p.card_no,
        phone: p.phone,
        channel: p.channel,
        external_id: p.external_id,
        wechat_id: p.wechat_id,
    };
    let found = accounts::lookup(&*state.store, &auth.ctx, &state.pii, &l).await?;
    Ok(Json(LookupView {
        customer: CustomerView::from(&found.customer),
        members: found.members.iter().map(MemberView::from).collect(),
    }))
}

/// A member with tier records and point accounts.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members", params(("id" = String, Path)),
    security(("api_key" = ["customers:read"]), ("session" = ["customers:read"])),
    responses((status = 200, body = MemberDetailView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersRead>,
    Path(id): Path<String>,
) -> ApiResult<Json<MemberDetailView>> {
    let d = accounts::get(&*state.store, &auth.ctx, parse_member_id(&id)?).await?;
    Ok(Json(MemberDetailView {
        member: MemberView::from(&d.member),
        tier_records: d.tier_records.iter().map(TierRecordView::from).collect(),
        point_accounts: d
            .point_accounts
            .iter()
            .map(PointAccountView::from)
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// Why; kept in the audit log.
    pub reason: Option<String>,
}

async fn change(
    state: AppState,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    id: String,
    body: ApiJson<StatusRequest>,
    change: StatusChange,
) -> ApiResult<Response> {
    let id = parse_member_id(&id)?;
    let ctx = auth.ctx.clone();
    let reason = body.value.reason;
    mutate(&state, &auth.ctx, &headers, &body.request_hash, move |tx| {
        Box::pin(async move {
            let m = accounts::change_status(tx, &ctx, id, change, reason.as_deref()).await?;
            Ok(stored(StatusCode::OK, &MemberView::from(&m)))
        })
    })
    .await
}

/// Freeze a member: the account stays but cannot earn or spend until unfrozen.
#[utoipa::path(post, path = "/api/v1/members/{id}/freeze", tag = "members", params(("id" = String, Path)), request_body = StatusRequest,
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 200, body = MemberView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn freeze(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<StatusRequest>,
) -> ApiResult<Response> {
    change(state, auth, headers, id, body, StatusChange::Freeze).await
}

/// Unfreeze a frozen member.
#[utoipa::path(post, path = "/api/v1/members/{id}/unfreeze", tag = "members", params(("id" = String, Path)), request_body = StatusRequest,
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 200, body = MemberView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn unfreeze(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<StatusRequest>,
) -> ApiResult<Response> {
    change(state, auth, headers, id, body, StatusChange::Unfreeze).await
}

/// Cancel a member account (final).
#[utoipa::path(post, path = "/api/v1/members/{id}/cancel", tag = "members", params(("id" = String, Path)), request_body = StatusRequest,
    security(("api_key" = ["customers:update"]), ("session" = ["customers:update"])),
    responses((status = 200, body = MemberView), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth<perm::CustomersUpdate>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<StatusRequest>,
) -> ApiResult<Response> {
    change(state, auth, headers, id, body, StatusChange::Cancel).await
}
