//! Customers and members (spec loyalty-core §7.1, §8): profiles, phones, member accounts and bindings.
