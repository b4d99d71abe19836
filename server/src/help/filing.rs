//! Filing in a citizen's name (implements `ConsentPort`): a helper records
//! the citizen's consent (a one-time code read back, or a signed paper form),
//! then files a help request, books a 延时 slot or files a complaint under it,
//! each record marked with who filed it under which consent, the citizen told
//! by SMS, the action audited. Only the consent's helper files under it,
//! within its scope and before it expires or is withdrawn.

use super::consent::{self, ConsentRow};
use super::requests::{self, FiledFor, HelpRequests};
use crate::accounts::{internal, rate_limit, Accounts, Caller};
use crate::audit::{self, Action};
use crate::bookings::service::BookingService;
use crate::complaints::{Actor, Complaints};
use crate::crypto;
use crate::notify::{self, OutboxMessage};
use crate::portal::Portal;
use crate::time::{now_ms, shanghai_date, shanghai_datetime};
use app::error::AppError;
use app::help::port::ConsentPort;
use app::help::*;
use app::identity::account::Role;
use app::identity::{mask_phone, Phone};
use http::request::Parts;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;

pub struct Filing {
    requests: Arc<HelpRequests>,
    accounts: Arc<Accounts>,
    portal: Arc<Portal>,
    bookings: Arc<BookingService>,
    complaints: Arc<Complaints>,
}

impl Filing {
    pub fn new(
        requests: Arc<HelpRequests>,
        accounts: Arc<Accounts>,
        portal: Arc<Portal>,
        bookings: Arc<BookingService>,
        complaints: Arc<Complaints>,
    ) -> Filing {
        Filing {
            requests,
            accounts,
            portal,
            bookings,
            complaints,
        }
    }

    async fn consent_for(&self, caller: &Caller, id: i64) -> Result<ConsentRow, AppError> {
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let c = consent::by_id(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let sees = c.helper_id == caller.id || caller.administers(&c.center_code);
        if sees {
            Ok(c)
        } else {
            Err(AppError::NotFound)
        }
    }

    async fn consent_view(&self, caller: &Caller, c: &ConsentRow) -> Result<ConsentView, AppError> {
        let model = self.portal.model();
        let now = now_ms();
        let mut conn = self
            .requests
            .db()
            .pool()
            .acquire()
            .await
            .map_err(internal)?;
        let phone = self
            .requests
            .secrets()
            .decrypt(&c.phone_enc)
            .map_err(internal)?;
        Ok(ConsentView {
            id: c.id,
            phone_masked: mask_phone(&phone),
            method_label: match c.method.as_str() {
                "code" => "短信验证码".to_string(),
                _ => format!(
                    "纸质授权书（编号{}）",
                    c.paper_form_no.as_deref().unwrap_or("")
                ),
            },
            scope: c.scope_text(&model),
            kinds: c.kinds.clone(),
            seq: c.seq,
            helper: consent::helper_name(&mut conn, c.helper_id).await?,
            center_code: c.center_code.clone(),
            status: c.status(now).to_string(),
            status_label: c.status_label(now).to_string(),
            created_at: shanghai_datetime(c.created_at),
            until: c.expires_at.map(shanghai_datetime).unwrap_or_default(),
            usable: c.helper_id == caller.id && c.status(now) == "active",
            filings: consent::filings(&mut conn, c.id).await?,
        })
    }

    /// The consent, if `caller` may file `kind` (about `seq`) under it now.
    async fn usable(
        &self,
        caller: &Caller,
        id: i64,
        kind: &str,
        seq: Option<i32>,
    ) -> Result<(ConsentRow, Phone), AppError> {
        let c = self.consent_for(caller, id).await?;
        c.check_use(caller, kind, seq, now_ms())?;
        let phone = self
            .requests
            .secrets()
            .decrypt(&c.phone_enc)
            .map_err(internal)?;
        let phone = Phone::parse(&phone)
            .map_err(|_| internal("a consent's stored phone does not parse"))?;
        Ok((c, phone))
    }

    /// Tells the citizen something was done in their name.
    async fn tell_phone(
        &self,
        conn: &mut AnyConnection,
        phone: &Phone,
        text: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let msg = OutboxMessage {
            kind: "consent".into(),
            recipient: phone.as_str().to_string(),
            body: format!("【济源便民服务】{text}"),
        };
        notify::enqueue(conn, self.requests.secrets(), &msg, now)
            .await
            .map_err(internal)
    }

    /// Counts a hit and refuses past `limit`.
    async fn limit(
        &self,
        key: &str,
        window: i64,
        limit: i64,
        message: &str,
    ) -> Result<(), AppError> {
        let hits = rate_limit::hit(self.requests.db(), key, window, now_ms())
            .await
            .map_err(internal)?;
        if hits > limit {
            Err(AppError::RateLimited(message.to_string()))
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl ConsentPort for Filing {
    async fn start_consent(&self, parts: &Parts, mut form: NewConsent) -> Result<i64, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let Some(center) = caller.center_code.clone() else {
            return Err(AppError::Forbidden);
        };
        let phone = Phone::parse(&form.phone).map_err(|m| AppError::validation("phone", m))?;
        validate_consent(&mut form)?;
        if let Some(seq) = form.seq {
            if self.portal.model().item(seq).is_none() {
                return Err(AppError::validation("seq", "请选择授权办理的事项"));
            }
        }
        let secrets = self.requests.secrets();
        let key = secrets.lookup_key("phone", phone.as_str());
        let now = now_ms();
        let by_code = form.method == "code";
        if by_code {
            // The sign-in codes' limits, on counters of their own.
            self.limit(
                &format!("consent:min:{key}"),
                consent::CONSENT_RESEND_MS,
                1,
                "验证码已发送，请1分钟后再重新获取",
            )
            .await?;
            self.limit(
                &format!("consent:day:{key}:{}", shanghai_date(now)),
                86_400_000,
                consent::CONSENT_CODES_PER_DAY,
                "该手机号今天获取验证码的次数已达上限，请使用纸质授权书",
            )
            .await?;
            self.limit(
                &format!("consent:staff:{}", caller.id),
                3_600_000,
                30,
                "您发起授权过于频繁，请稍后再试",
            )
            .await?;
        }
        let hours = i64::from(form.hours);
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        let id: i64 = sqlx::query(
            "INSERT INTO consents (phone_key, phone_enc, method, paper_form_no, scope_kinds, scope_seq,
                 helper_id, center_code, hours, created_at, proven_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&key)
        .bind(secrets.encrypt(phone.as_str()))
        .bind(&form.method)
        .bind((!by_code).then_some(form.paper_form_no.as_str()))
        .bind(form.kinds.join(","))
        .bind(form.seq.map(i64::from))
        .bind(caller.id)
        .bind(&center)
        .bind(hours)
        .bind(now)
        .bind((!by_code).then_some(now))
        .bind((!by_code).then_some(now + hours * 3_600_000))
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?
        .try_get(0)
        .map_err(internal)?;
        let scope = form
            .kinds
            .iter()
            .map(|k| filing_kind_label(k))
            .collect::<Vec<_>>()
            .join("、");
        if by_code {
            let code = crypto::random_code();
            sqlx::query("UPDATE consents SET code_hash = $2, code_expires_at = $3 WHERE id = $1")
                .bind(id)
                .bind(secrets.code_hash(&format!("consent-{id}"), &code))
                .bind(now + consent::CONSENT_CODE_TTL_MS)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            self.tell_phone(
                &mut tx,
                &phone,
                &format!(
                    "验证码{code}，5分钟内有效。您同意帮办员{}在{hours}小时内以您的名义办理：{scope}。同意请把验证码告诉该工作人员，不同意请勿告知。",
                    caller.display_name
                ),
                now,
            )
            .await?;
        } else {
            self.tell_phone(
                &mut tx,
                &phone,
                &format!(
                    "帮办员{}已登记您签署的纸质授权书，{hours}小时内可以您的名义办理：{scope}。可在“我的”页面撤回。",
                    caller.display_name
                ),
                now,
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "consent_start",
                target_kind: "consent",
                target_id: id.to_string(),
                center: Some(&center),
                detail: format!(
                    "{}；{scope}",
                    if by_code {
                        "短信验证码"
                    } else {
                        "纸质授权书"
                    }
                ),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    async fn prove_consent(&self, parts: &Parts, id: i64, code: &str) -> Result<(), AppError> {
        let caller = self.accounts.caller(parts).await?;
        let c = self.consent_for(&caller, id).await?;
        if c.helper_id != caller.id {
            return Err(AppError::Forbidden);
        }
        let code = code.trim();
        if code.len() != 6 || !code.chars().all(|ch| ch.is_ascii_digit()) {
            return Err(AppError::validation("code", "请输入6位数字验证码"));
        }
        let expired = || AppError::validation("code", "验证码已失效，请重新发起授权");
        let now = now_ms();
        let secrets = self.requests.secrets();
        // Counting the try and reading the hash is one statement: five tries,
        // however many requests race.
        let Some(r) = sqlx::query(
            "UPDATE consents SET attempts = attempts + 1
             WHERE id = $1 AND method = 'code' AND proven_at IS NULL AND withdrawn_at IS NULL
               AND code_expires_at > $2 AND attempts < $3
             RETURNING attempts, code_hash",
        )
        .bind(id)
        .bind(now)
        .bind(consent::CONSENT_CODE_TRIES)
        .fetch_optional(self.requests.db().pool())
        .await
        .map_err(internal)?
        else {
            return Err(expired());
        };
        let attempts: i64 = r.try_get(0).map_err(internal)?;
        let stored: Option<String> = r.try_get(1).map_err(internal)?;
        let ok = stored.is_some_and(|s| {
            crypto::constant_time_eq(&s, &secrets.code_hash(&format!("consent-{id}"), code))
        });
        if !ok {
            let left = consent::CONSENT_CODE_TRIES - attempts;
            return Err(if left > 0 {
                AppError::validation("code", &format!("验证码不正确，还可尝试{left}次"))
            } else {
                AppError::validation("code", "验证码错误次数过多，请重新发起授权")
            });
        }
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        let proven = crate::storage::changed_one(
            &mut tx,
            sqlx::query(
                "UPDATE consents SET proven_at = $2, expires_at = $2 + hours * 3600000, code_hash = NULL
                 WHERE id = $1 AND proven_at IS NULL",
            )
            .bind(id)
            .bind(now),
        )
        .await?;
        if !proven {
            return Err(expired());
        }
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "consent_prove",
                target_kind: "consent",
                target_id: id.to_string(),
                center: Some(&c.center_code),
                detail: String::new(),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn consents(&self, parts: &Parts) -> Result<ConsentList, AppError> {
        let caller = self.accounts.caller(parts).await?;
        // A city admin: all; a center admin: the center's; others: their own.
        let filter = match caller.role {
            Role::CityAdmin => "",
            Role::CenterAdmin => "WHERE center_code = $1",
            _ => "WHERE helper_id = $1",
        };
        let sql = format!(
            "SELECT {} FROM consents {filter} ORDER BY created_at DESC, id DESC LIMIT 200",
            consent::FIELDS
        );
        let query = match caller.role {
            Role::CityAdmin => sqlx::query(&sql),
            Role::CenterAdmin => sqlx::query(&sql).bind(caller.center_code.clone()),
            _ => sqlx::query(&sql).bind(caller.id),
        };
        let rows: Vec<ConsentRow> = query
            .fetch_all(self.requests.db().pool())
            .await
            .map_err(internal)?
            .iter()
            .map(consent::row)
            .collect::<Result<_, _>>()
            .map_err(internal)?;
        let mut consents = Vec::new();
        for c in &rows {
            consents.push(self.consent_view(&caller, c).await?);
        }
        Ok(ConsentList {
            consents,
            may_create: caller.center_code.is_some(),
        })
    }

    async fn consent(&self, parts: &Parts, id: i64) -> Result<ConsentView, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let c = self.consent_for(&caller, id).await?;
        self.consent_view(&caller, &c).await
    }

    async fn help_form_for(
        &self,
        parts: &Parts,
        consent: i64,
        seq: Option<i32>,
        situation: Option<String>,
    ) -> Result<HelpForm, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let c = self.consent_for(&caller, consent).await?;
        // A consent for one item opens the form on that item.
        let seq = c.seq.or(seq);
        let (c, phone) = self.usable(&caller, c.id, "help", seq).await?;
        let model = self.portal.model();
        let mut form = self
            .requests
            .form(&model, seq, Some(c.center_code.clone()), situation)
            .await?;
        form.phone_masked = Some(mask_phone(phone.as_str()));
        form.on_behalf = Some(format!(
            "代群众{}提交（授权编号{}，{}）",
            mask_phone(phone.as_str()),
            c.id,
            c.scope_text(&model)
        ));
        Ok(form)
    }

    async fn file_help_for(
        &self,
        parts: &Parts,
        consent: i64,
        mut form: NewHelpRequest,
    ) -> Result<String, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let model = self.portal.model();
        self.requests.check(&model, &mut form).await?;
        let (c, phone) = self.usable(&caller, consent, "help", form.seq).await?;
        let now = now_ms();
        let due = self.requests.assign_due(now).await?;
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        // Re-checked inside the transaction: a withdrawal that landed since
        // stops this filing.
        let still = sqlx::query(
            "UPDATE consents SET hours = hours WHERE id = $1 AND withdrawn_at IS NULL AND expires_at > $2",
        )
        .bind(c.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
        if still != 1 {
            return Err(AppError::validation(
                "consent",
                "授权已撤回或已过期，不能再以群众名义办理",
            ));
        }
        let filed = FiledFor {
            staff_id: caller.id,
            staff_name: &caller.display_name,
            consent_id: c.id,
        };
        let row = self
            .requests
            .insert(
                &mut tx,
                &form,
                (&c.phone_key, &phone),
                Some(filed),
                due,
                now,
            )
            .await?;
        requests::audit(
            &mut tx,
            &caller,
            "help_filed_for",
            &row,
            format!("授权编号{}", c.id),
            now,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(row.tracking_no)
    }

    async fn file_complaint_for(
        &self,
        parts: &Parts,
        consent: i64,
        mut form: app::complaints::NewComplaint,
    ) -> Result<String, AppError> {
        let caller = self.accounts.caller(parts).await?;
        crate::complaints::check_new(&self.portal.model(), &mut form)?;
        form.anonymous = false;
        let (c, phone) = self.usable(&caller, consent, "complaint", form.seq).await?;
        let now = now_ms();
        let mut tx = self
            .complaints
            .db()
            .pool()
            .begin()
            .await
            .map_err(internal)?;
        let case = self
            .complaints
            .insert_case(
                &mut tx,
                &form,
                None,
                Some(&(c.phone_key.clone(), phone)),
                now,
            )
            .await?;
        sqlx::query("UPDATE complaints SET filed_by = $2, consent_id = $3 WHERE id = $1")
            .bind(case.id)
            .bind(caller.id)
            .bind(c.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let text = format!(
            "帮办员{}经您授权（授权编号{}）代您提交",
            caller.display_name, c.id
        );
        let actor = Actor {
            id: Some(caller.id),
            label: "帮办员",
        };
        crate::complaints::add_event(&mut tx, case.id, actor, "filed_for", true, &text, now)
            .await?;
        self.complaints
            .tell_citizen(
                &mut tx,
                &case,
                "consent",
                &format!(
                    "帮办员{}经您授权，以您的名义提交了投诉，编号{}。如非您本人同意，请在“我的”页面撤回授权。",
                    caller.display_name, case.tracking_no
                ),
                now,
            )
            .await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "complaint_filed_for",
                target_kind: "complaint",
                target_id: case.tracking_no.clone(),
                center: Some(&form.center),
                detail: format!("授权编号{}", c.id),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(case.tracking_no)
    }

    async fn book_for(
        &self,
        parts: &Parts,
        consent: i64,
        slot: i64,
        seq: i32,
        name: &str,
    ) -> Result<String, AppError> {
        let caller = self.accounts.caller(parts).await?;
        let (c, phone) = self.usable(&caller, consent, "booking", Some(seq)).await?;
        let code = self
            .bookings
            .book_for_citizen(&phone, slot, seq, name, (caller.id, c.id))
            .await?;
        let now = now_ms();
        let item = self
            .portal
            .model()
            .item(seq)
            .map(|i| i.business_item.clone())
            .unwrap_or_default();
        let mut tx = self.requests.db().pool().begin().await.map_err(internal)?;
        self.tell_phone(
            &mut tx,
            &phone,
            &format!(
                "帮办员{}经您授权（授权编号{}），以您的名义预约了延时服务：{item}，预约码{code}。可在“我的”页面查看或取消。",
                caller.display_name, c.id
            ),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &caller,
            Action {
                action: "booking_filed_for",
                target_kind: "booking",
                target_id: code.clone(),
                center: Some(&c.center_code),
                detail: format!("授权编号{}", c.id),
            },
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        Ok(code)
    }
}
