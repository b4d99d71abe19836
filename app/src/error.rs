//! The one user-safe error that crosses the wire. Internal causes are logged
//! on the server and never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input, with the form field it belongs to and a Chinese message.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有找到您要的内容")]
    NotFound,
    #[error("您没有权限进行此操作")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the message says what to wait for.
    #[error("{0}")]
    RateLimited(String),
    #[error("系统繁忙，请稍后再试")]
    Internal,
    /// The database cannot be reached or written (down, disk full): nothing
    /// the citizen did wrong, and nothing already saved is lost.
    #[error("系统暂时无法访问数据，本次操作未完成，请稍后重试。")]
    Unavailable,
}

impl AppError {
    pub fn validation(field: &str, message: &str) -> Self {
        AppError::Validation {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    pub fn rate_limited() -> Self {
        AppError::RateLimited("操作太频繁，请稍后再试".to_string())
    }

    /// The message for `field`, if this error belongs to that form field.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Unauthenticated => 401,
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The caller's request did not parse: a bad request (400, see
            // server::http::fn_errors), not a fault of ours.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::validation("", "请求参数不正确")
            }
            _ => AppError::Internal,
        }
    }
}
