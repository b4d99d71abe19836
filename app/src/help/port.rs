//! What 帮办代办 needs from the server (implemented in `server::help`).

use super::*;
use http::request::Parts;

/// The village stations of a center. Any staff member of the center (and a
/// city admin) reads them; its admins (and a city admin) change them.
#[async_trait::async_trait]
pub trait StationPort: Send + Sync + 'static {
    async fn stations(&self, req: &Parts, code: Option<String>) -> Result<StationsView, AppError>;
    /// Adds a station (`id` None) or changes one of the center's.
    async fn save_station(
        &self,
        req: &Parts,
        code: &str,
        id: Option<i64>,
        form: StationForm,
    ) -> Result<(), AppError>;
    /// Takes a station off the list; the record stays for requests made there.
    async fn retire_station(&self, req: &Parts, code: &str, id: i64) -> Result<(), AppError>;
}
