pub mod checked_input;
pub mod elder;
pub mod form;
pub mod head;
pub mod item_list;
pub mod layout;
pub mod notice;
pub mod search_box;
