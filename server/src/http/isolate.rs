//! No request runs under another request's reactive owner.
//!
//! Leptos keeps the current reactive owner in a thread-local, and a page
//! render sets it (`Owner::new_root`) without putting back what was there.
//! The next request polled on that worker thread then starts under the
//! finished page's owner: leptos_axum's `Owner::new()` for a server function
//! or an error page becomes its child, with its shared context and arena.
//! Clearing the thread-local around every poll of a request, and of its
//! response body, keeps each request to what it creates itself.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use leptos::prelude::Owner;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Middleware: runs the rest of the stack with no owner left current.
pub async fn clear_owner(req: Request, next: Next) -> Response {
    let response = Cleared(Box::pin(next.run(req))).await;
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::new(ClearedBody(body)))
}

/// Forgets whatever owner is current on this thread.
fn forget_current_owner() {
    if let Some(owner) = Owner::current() {
        owner.unset();
    }
}

struct Cleared<F>(Pin<Box<F>>);

impl<F: Future> Future for Cleared<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        forget_current_owner();
        let poll = self.0.as_mut().poll(cx);
        forget_current_owner();
        poll
    }
}

struct ClearedBody(Body);

impl http_body::Body for ClearedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        forget_current_owner();
        let poll = Pin::new(&mut self.0).poll_frame(cx);
        forget_current_owner();
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.0.size_hint()
    }
}
