//! The hall's pages: printable posters and stickers (public), and the back
//! office's windows and poster list.

pub mod poster;
pub mod posters;
pub mod windows;
