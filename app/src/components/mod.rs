//! The shared chrome of every page: layout, head tags, notices, form parts.

pub mod checked_input;
pub mod elder;
pub mod form;
pub mod head;
pub mod item_list;
pub mod layout;
pub mod not_found;
pub mod notice;
pub mod search_box;
