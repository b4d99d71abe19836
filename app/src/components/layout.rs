//! The page chrome: header with navigation and 长辈模式, and the footer.

use super::elder::ElderToggle;
use leptos::prelude::*;
use leptos_router::components::A;

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
                <ElderToggle />
            </div>
            <nav aria-label="主导航" class="main-nav">
                <A href="/">"首页"</A>
                <A href="/items">"事项目录"</A>
                <A href="/search">"搜索"</A>
                <A href="/centers">"服务中心"</A>
                // Server-only pages: full page loads.
                <a href="/book" rel="external">"预约"</a>
                <a href="/my" rel="external">"我的"</a>
            </nav>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"济源市镇（街道）便民服务中心 · 事项依据济政办〔2022〕7号通用目录"</p>
            <p>"办事指南中标注“示例内容”的部分仅供参考，以窗口告知为准。"</p>
            // A full page load: the back office is not part of the citizen app.
            <p>
                <a href="/staff" rel="external">"工作人员入口"</a>
            </p>
        </footer>
    }
}
