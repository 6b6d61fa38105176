//! Loyalty configuration rules (spec loyalty-core §5): programs, point groups, cost centers, tiers and tier rules.
