//! Posters, stickers and the back office's poster list (`HallPort`).

use super::windows::{by_id, in_service};
use super::Hall;
use crate::accounts::internal;
use crate::time::{day_after, day_text, now_ms, shanghai_day, week_start};
use app::error::AppError;
use app::hall::port::HallPort;
use app::hall::*;
use http::request::Parts;

/// Weeks the back office's list shows.
const WEEKS: i64 = 8;

fn steps(list: [&str; 3]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Where a poster of `kind` for a center's page leads, and what it says.
fn center_page(kind: PosterKind, code: &str) -> (String, &'static str, &'static str, Vec<String>) {
    let c = app::text::url_encode(code);
    match kind {
        PosterKind::Complaint => (
            format!("/complain?center={c}"),
            "扫码投诉建议",
            "办事中遇到问题、有意见建议，请告诉我们",
            steps([
                "用手机相机或微信“扫一扫”扫描二维码",
                "写下遇到的问题，留下手机号码",
                "凭受理编号随时查询办理进度",
            ]),
        ),
        PosterKind::Help => (
            format!("/help?center={c}"),
            "扫码申请帮办代办",
            "不会办、不方便来，工作人员帮您办",
            steps([
                "用手机相机或微信“扫一扫”扫描二维码",
                "选择帮办、代办或上门服务",
                "工作人员会打电话联系您",
            ]),
        ),
        PosterKind::Track => (
            "/track".to_string(),
            "扫码查询办理进度",
            "投诉、帮办申请办到哪一步，随时查看",
            steps([
                "用手机相机或微信“扫一扫”扫描二维码",
                "输入受理编号和手机号码后4位",
                "查看每一步的办理情况",
            ]),
        ),
        // Booking, and anything else asked of a center.
        _ => (
            format!("/book/{c}"),
            "扫码预约办事",
            "预约中心的延时、错时服务时段，到了直接办",
            steps([
                "用手机相机或微信“扫一扫”扫描二维码",
                "选择要办的事项和方便的时段",
                "按预约时间到中心办理",
            ]),
        ),
    }
}

impl Hall {
    fn center_name(&self, code: &str) -> Result<String, AppError> {
        self.portal
            .model()
            .center(code)
            .map(|c| c.center_name.clone())
            .ok_or(AppError::NotFound)
    }

    async fn window_code(&self, w: &Window, now: i64) -> Result<String, AppError> {
        self.links
            .ensure(
                PosterKind::Window,
                &w.id.to_string(),
                &w.center_code,
                &format!("/rate/window/{}", w.id),
                now,
            )
            .await
    }
}

#[async_trait::async_trait]
impl HallPort for Hall {
    async fn windows(&self, req: &Parts, code: Option<String>) -> Result<WindowsView, AppError> {
        let caller = self.accounts.caller(req).await?;
        self.windows_view(&caller, code.as_deref()).await
    }

    async fn save_window(
        &self,
        req: &Parts,
        code: &str,
        id: Option<i64>,
        form: WindowForm,
    ) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        self.save(&caller, code, id, form).await
    }

    async fn retire_window(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError> {
        let caller = self.accounts.caller(req).await?;
        self.retire(&caller, code, id).await
    }

    async fn center_poster(
        &self,
        req: &Parts,
        code: &str,
        kind: PosterKind,
    ) -> Result<Poster, AppError> {
        let center_name = self.center_name(code)?;
        let (target, title, subtitle, steps) = center_page(kind, code);
        let short = self.links.ensure(kind, "", code, &target, now_ms()).await?;
        let (base, warning, local) = self.base(req);
        Ok(Poster {
            center_name,
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            steps,
            qr: Hall::qr(&base, &short),
            warning,
            local,
        })
    }

    async fn item_poster(
        &self,
        req: &Parts,
        seq: i32,
        center: Option<String>,
    ) -> Result<Poster, AppError> {
        let model = self.portal.model();
        let item = model.item(seq).ok_or(AppError::NotFound)?;
        let center = center.filter(|c| !c.is_empty());
        let center_name = match &center {
            Some(c) => self.center_name(c)?,
            None => "济源市镇（街道）便民服务中心".to_string(),
        };
        let short = self
            .links
            .ensure(
                PosterKind::Item,
                &seq.to_string(),
                center.as_deref().unwrap_or(""),
                &format!("/items/{seq}"),
                now_ms(),
            )
            .await?;
        let (base, warning, local) = self.base(req);
        Ok(Poster {
            center_name,
            title: item.business_item.clone(),
            subtitle: "扫码查看办事指南：要带什么材料、去哪里办、多久办好".to_string(),
            steps: steps([
                "用手机相机或微信“扫一扫”扫描二维码",
                "查看所需材料和办理流程",
                "材料备齐再来，也可以在线预约或申请帮办",
            ]),
            qr: Hall::qr(&base, &short),
            warning,
            local,
        })
    }

    async fn stickers(&self, req: &Parts, code: &str) -> Result<StickerSheet, AppError> {
        let center_name = self.center_name(code)?;
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        let windows = in_service(&mut conn, code).await?;
        drop(conn);
        let (base, warning, local) = self.base(req);
        let now = now_ms();
        let mut stickers = Vec::with_capacity(windows.len());
        for w in windows {
            let short = self.window_code(&w, now).await?;
            stickers.push(Sticker {
                number: w.number,
                name: w.name,
                qr: Hall::qr(&base, &short),
            });
        }
        Ok(StickerSheet {
            center_code: code.to_string(),
            center_name,
            stickers,
            warning,
            local,
        })
    }

    async fn posters(&self, req: &Parts, code: Option<String>) -> Result<PostersView, AppError> {
        let caller = self.accounts.caller(req).await?;
        let model = self.portal.model();
        let code = caller.center_in_view(&model, code.as_deref())?;
        let center_name = self.center_name(&code)?;
        let now = now_ms();
        // Every center page and window has its poster, printed or not yet.
        for kind in PosterKind::CENTER_PAGES {
            let (target, ..) = center_page(kind, &code);
            self.links.ensure(kind, "", &code, &target, now).await?;
        }
        let mut conn = self.db.pool().acquire().await.map_err(internal)?;
        for w in in_service(&mut conn, &code).await? {
            self.window_code(&w, now).await?;
        }
        let this_week = week_start(shanghai_day(now));
        let weeks: Vec<String> = (0..WEEKS)
            .filter_map(|i| day_after(this_week, -7 * i).map(day_text))
            .collect();
        let first = weeks.last().cloned().unwrap_or_default();
        let scans = self.links.scans_since(&code, &first).await?;
        let c = app::text::url_encode(&code);
        let mut rows = Vec::new();
        for link in self.links.of_center(&code).await? {
            let (label, poster_href) = match link.kind {
                PosterKind::Item => {
                    let Some(item) = link.subject.parse().ok().and_then(|s| model.item(s)) else {
                        continue;
                    };
                    (
                        format!("办事指南：{}", item.business_item),
                        format!("/items/{}/poster?center={c}", item.seq),
                    )
                }
                PosterKind::Window => {
                    let found = match link.subject.parse() {
                        Ok(id) => by_id(&mut conn, id).await?,
                        Err(_) => None,
                    };
                    let Some((w, retired)) = found else {
                        continue;
                    };
                    let state = if retired { "（已停用）" } else { "" };
                    (
                        format!("窗口评价：{} 号 {}{state}", w.number, w.name),
                        format!("/centers/{c}/stickers"),
                    )
                }
                kind => (
                    kind.label().to_string(),
                    if kind == PosterKind::Booking {
                        format!("/centers/{c}/poster")
                    } else {
                        format!("/centers/{c}/poster?for={}", kind.as_str())
                    },
                ),
            };
            let per_week: Vec<i64> = weeks
                .iter()
                .map(|w| *scans.get(&(link.code.clone(), w.clone())).unwrap_or(&0))
                .collect();
            rows.push(PosterRow {
                total: per_week.iter().sum(),
                scans: per_week,
                code: link.code,
                label,
                poster_href,
            });
        }
        let (_, warning, _) = self.base(req);
        Ok(PostersView {
            code,
            center_name,
            weeks,
            rows,
            choices: caller.center_choices(&model),
            warning,
        })
    }
}
