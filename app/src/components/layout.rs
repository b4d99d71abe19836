//! The page chrome: header with 长辈模式, the main navigation (a bottom tab
//! bar on phones), and the footer.

use super::elder::ElderSwitch;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="bar">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "便"
                    </span>
                    <span>"济源便民服务"</span>
                </A>
                <ElderSwitch />
            </div>
            // On a phone this is the bottom tab bar: six short labels fit
            // 320 px, 长辈模式 too, with nothing scrolled out of sight.
            <nav aria-label="主导航" class="main-nav">
                <A href="/" exact=true>
                    "首页"
                </A>
                <A href="/items">"事项"</A>
                <A href="/search">"搜索"</A>
                <A href="/centers">"中心"</A>
                <a href="/book" aria-current=current(&["/book", "/bookings"])>
                    "预约"
                </a>
                <a href="/my" aria-current=current(&["/my"])>
                    "我的"
                </a>
            </nav>
        </header>
    }
}

/// `Some("page")` when the current path is one of `sections` or below it.
fn current(sections: &[&str]) -> Option<&'static str> {
    let path = use_location().pathname.get_untracked();
    sections
        .iter()
        .any(|s| path == *s || path.starts_with(&format!("{s}/")))
        .then_some("page")
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"济源市镇（街道）便民服务中心 · 事项依据济政办〔2022〕7号通用目录"</p>
            <p>"办事指南中标注“示例内容”的部分仅供参考，以窗口告知为准。"</p>
            <p class="footer-links">
                <a href="/help">"帮办代办"</a>
                <a href="/complain">"我要投诉"</a>
                <a href="/track">"进度查询"</a>
            </p>
            // The back office is not part of the citizen app: a full page load.
            <p>
                <a href="/staff" rel="external">"工作人员入口"</a>
            </p>
        </footer>
    }
}

/// The back office's own header: no citizen menu, no 长辈模式; its
/// navigation is the staff frame's, in one place.
#[component]
pub fn StaffHeader() -> impl IntoView {
    view! {
        <header class="site-header staff-header">
            <div class="bar">
                <a href="/staff" class="brand">
                    <span class="brand-mark" aria-hidden="true">"便"</span>
                    <span>"便民服务 · 工作人员后台"</span>
                </a>
                <a href="/" class="staff-to-portal">"群众端首页"</a>
            </div>
        </header>
    }
}
